//! `POST …/items/{runningNumber}/preview`: checks a change against the policy and the
//! engine, previews it at Cleverbridge and answers the quote with Cleverbridge's amounts
//! and a quote token that binds them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use seatquote_core::alignment::{Alignment, UpdateAction};
use seatquote_core::change::{Change, Line, Period, Tax};
use seatquote_core::contract::{AddOnPreviewRequest, Preview, PreviewRequest, ProductRef};
use seatquote_core::quote::{quote, Quote};
use seatquote_core::tax::TaxRate;
use seatquote_core::wire::{
    AlignmentSettings, CustomerPrice, UpdateSubscriptionItemRequest, WireDecimal, WireUint,
    WireUpdateAction,
};

use super::auth::{now_unix, Customer};
use super::catalogue::{add_on, resolve};
use super::context::{load_subscription, reload_subscription, ItemContext, Loaded};
use super::extract::{Item, JsonBody};
pub use super::quoted::reuse_quoted;
use super::quoted::{quote_from_upstream, quoted};
use crate::budget::Caller;
use crate::domain::catalogue::Kind;
use crate::domain::quote_token::{sha256_hex, QuoteClaims, QUOTE_KIND};
use crate::problem::Problem;
use crate::state::{App, AppState};
use crate::upstream::{AddSubscriptionItemRequest, DeactivateSubscriptionItemsRequest, ItemCall};

/// A verified preview: the quote from upstream numbers and its token.
#[derive(Debug, Clone)]
pub struct Previewed {
    /// The quote with Cleverbridge's amounts.
    pub quote: Quote,
    /// The signed quote token.
    pub token: String,
    /// Its expiry, Unix seconds.
    pub expires_at: i64,
    /// The alignment mode.
    pub mode: Alignment,
    /// Whether Cleverbridge's amounts are the engine's on the same read (when not, the
    /// preview handler reads again: DESIGN.md, "One read per quote").
    pub agrees: bool,
    /// The kind of change.
    pub kind: Kind,
    /// The product before (`None` for an add).
    pub before: Option<ProductRef>,
    /// The product after (`None` for a drop).
    pub after: Option<ProductRef>,
}

/// RFC 3339 (seconds, `Z`) of a Unix time.
pub fn rfc3339(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// The hash a quote token binds: SHA-256 of the quote's JSON.
pub fn quote_hash(q: &Quote) -> String {
    sha256_hex(serde_json::to_string(q).unwrap_or_default().as_bytes())
}

impl Previewed {
    /// The answer's body.
    pub fn body(&self) -> Preview {
        Preview {
            quote: self.quote.clone(),
            quote_token: self.token.clone(),
            expires_at: rfc3339(self.expires_at),
            mode: self.mode.as_str().to_owned(),
            kind: self.kind.as_str().to_owned(),
            product_before: self.before.clone(),
            product_after: self.after.clone(),
        }
    }
}

/// The `updatesubscriptionitem` request for a change (`preview`: price only).
pub fn update_request(
    ctx: &ItemContext,
    qty: u32,
    mode: Alignment,
    preview: bool,
    action: UpdateAction,
) -> UpdateSubscriptionItemRequest {
    UpdateSubscriptionItemRequest {
        subscription_id: ctx.sub.id.clone(),
        running_number: WireUint(ctx.item.running_no.0),
        product_id: ctx.target_product().to_owned(),
        quantity: WireUint(u64::from(qty)),
        alignment_settings: AlignmentSettings::new(mode, preview),
        customer_price: customer_price(ctx),
        update_action: Some(WireUpdateAction(action)),
        generate_mail: true,
    }
}

/// The policy's offer for the target product, sent as `CustomerPrice`.
fn customer_price(ctx: &ItemContext) -> Option<CustomerPrice> {
    ctx.rules.offer_unit_price.map(|p| CustomerPrice {
        currency: ctx.currency.code().to_owned(),
        is_gross: ctx.rules.offer_is_gross.unwrap_or(ctx.tax_mode.is_gross()),
        value: WireDecimal(p),
    })
}

/// The Cleverbridge call of a change of any kind (`preview`: price only). A drop has no
/// preview at Cleverbridge (`None`): its quote is the engine's.
pub fn item_call(
    ctx: &ItemContext,
    qty: u32,
    mode: Alignment,
    preview: bool,
    action: UpdateAction,
) -> Option<ItemCall> {
    match ctx.kind {
        Kind::Seats | Kind::Plan => Some(ItemCall::Update(update_request(
            ctx, qty, mode, preview, action,
        ))),
        Kind::Add => Some(ItemCall::Add(AddSubscriptionItemRequest {
            subscription_id: ctx.sub.id.clone(),
            product_id: ctx.target_product().to_owned(),
            quantity: WireUint(u64::from(qty)),
            alignment_settings: AlignmentSettings::new(mode, preview),
            customer_price: customer_price(ctx),
            generate_mail: true,
        })),
        Kind::Drop if preview => None,
        Kind::Drop => Some(ItemCall::Deactivate(DeactivateSubscriptionItemsRequest {
            subscription_id: ctx.sub.id.clone(),
            items: vec![ctx.item.running_no.0],
            allow_reinstate: true,
            generate_mail: false,
        })),
    }
}

/// `subscription_not_active` when the subscription's status allows no change (the
/// summary says so up front: `changeable`).
pub fn not_active(ctx: &ItemContext) -> Option<Problem> {
    (!ctx.sub.subscription_status.is_active()).then(|| {
        Problem::new(
            StatusCode::CONFLICT,
            "subscription_not_active",
            format!(
                "the subscription is {}; only active subscriptions can change",
                ctx.sub.subscription_status.name()
            ),
        )
    })
}

/// The policy's verdict on a change: the quantity as `u32` and the mode.
pub(super) fn check_policy(
    ctx: &ItemContext,
    qty: i64,
    mode: &str,
) -> Result<(u32, Alignment), Problem> {
    if let Some(p) = not_active(ctx) {
        return Err(p);
    }
    let r = &ctx.rules;
    let dropped = ctx.kind == Kind::Drop && qty == 0;
    if !dropped && (qty < i64::from(r.min_quantity) || qty > i64::from(r.max_quantity)) {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "quantity_out_of_range",
            format!(
                "quantity must be from {} to {}",
                r.min_quantity, r.max_quantity
            ),
        ));
    }
    let qty = u32::try_from(qty).map_err(|_| Problem::invalid_body("quantity"))?;
    let mode = Alignment::parse(mode)?;
    let allowed = match &ctx.modes {
        Some(m) => m.contains(&mode),
        None => r.allows(ctx.current_quantity(), qty, mode),
    };
    if !allowed {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "mode_not_allowed",
            format!("{} is not offered for this change", mode.as_str()),
        ));
    }
    if r.offer_is_gross
        .is_some_and(|g| g != ctx.tax_mode.is_gross())
    {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "tax_mode_mismatch",
            "the policy's offer IsGross contradicts the product's tax mode",
        ));
    }
    Ok((qty, mode))
}

/// The engine's quote of a change (its errors — negative_alignment, outside_period, … —
/// pass through and nothing is sent upstream).
pub(super) fn local_quote(ctx: &ItemContext, qty: u32, mode: Alignment) -> Result<Quote, Problem> {
    let tax = Tax {
        mode: ctx.tax_mode,
        rate: TaxRate::parse(&ctx.tax_rate)?,
    };
    let (current, next) = Line::pair(
        (ctx.current_unit, ctx.current_quantity()),
        (ctx.new_unit, qty),
    )?;
    let period = Period::new(ctx.period_start, ctx.next_billing, ctx.interval)?;
    let change = Change::new(ctx.currency, tax, period, ctx.today, current, next, mode)?;
    Ok(quote(&change)?)
}

/// `outside_period` naming both dates and where the change date came from, when the
/// proxy's today is not in the item's current period: most often the proxy's clock and
/// Cleverbridge's (a sandbox's pinned one) differ (docs/proxy.md, "One clock").
fn in_period(app: &App, ctx: &ItemContext) -> Result<(), Problem> {
    let (start, next, today) = (ctx.period_start, ctx.next_billing, ctx.today);
    if start >= next || (start <= today && today < next) {
        return Ok(());
    }
    let clock = if app.fixed_today.is_some() {
        "pinned by SEATQUOTE_TODAY"
    } else {
        "the real UTC date"
    };
    Err(Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "outside_period",
        format!(
            "the change date {} (today on the proxy's clock, {clock}) is outside the item's current period {} … {} (period start … next billing date, from Cleverbridge); the proxy's and Cleverbridge's clocks differ",
            today.to_iso_string(),
            start.to_iso_string(),
            next.to_iso_string()
        ),
    ))
}

/// Validates a change against the policy and the engine, previews it upstream and
/// builds the quote from the upstream numbers, with its token.
///
/// # Errors
/// Policy, engine and upstream problems.
pub async fn preview_change(
    app: &App,
    customer: &Customer,
    ctx: &ItemContext,
    qty: i64,
    mode: &str,
    fresh: bool,
) -> Result<Previewed, Problem> {
    let (qty, mode) = check_policy(ctx, qty, mode)?;
    in_period(app, ctx)?;
    let local = local_quote(ctx, qty, mode)?;
    let who = if fresh {
        Caller::commit(&customer.id)
    } else {
        Caller::normal(&customer.id)
    };
    let read = ctx.read_hash.clone();
    let quote = match item_call(ctx, qty, mode, true, local.update_action) {
        Some(req) => {
            let up = app
                .upstream
                .preview(&who, &req, (!fresh).then_some(read.as_str()))
                .await?;
            quote_from_upstream(ctx, &local, &up)?
        }
        None => local.clone(),
    };
    let agrees = quote == local;
    let exp = now_unix() + app.quote_ttl;
    let claims = QuoteClaims {
        cus: customer.id.clone(),
        sub: ctx.sub.id.clone(),
        item: ctx.item.running_no.0,
        qty,
        mode: mode.as_str().to_owned(),
        date: ctx.today.to_iso_string(),
        qh: quote_hash(&quote),
        jti: format!("{:032x}", rand::random::<u128>()),
        exp,
        rh: Some(ctx.read_hash.clone()),
        at: Some(crate::store::now_ms()),
        up: Some(quoted(&quote)),
        kind: Some(ctx.kind.as_str().to_owned()),
        pb: ctx.before.as_ref().map(|p| p.product_id.clone()),
        pa: ctx.after.as_ref().map(|p| p.product_id.clone()),
    };
    Ok(Previewed {
        token: app.quote_keys.sign(QUOTE_KIND, &claims),
        quote,
        expires_at: exp,
        mode,
        agrees,
        kind: ctx.kind,
        before: ctx.before.clone(),
        after: ctx.after.clone(),
    })
}

/// Refusals of a preview that depend on the subscription as read: the direction of the
/// change (`mode_not_allowed`), a decrease's refund (`negative_alignment`), the status.
const READ_DEPENDENT: [&str; 3] = [
    "mode_not_allowed",
    "negative_alignment",
    "subscription_not_active",
];

/// `POST /api/subscriptions/{id}/items/{runningNumber}/preview`. The quote's current
/// line, the engine's figures and Cleverbridge's amounts come from one subscription read:
/// when Cleverbridge's amounts are not the engine's on the read used (which may be
/// `SEATQUOTE_SUBSCRIPTION_TTL_MS` old: the subscription may have changed elsewhere
/// since), the subscription is read again, fresh, and if it changed the change is checked
/// and previewed again on the new read, once (DESIGN.md, "One read per quote").
///
/// # Errors
/// Authentication, body, policy, engine and upstream problems.
pub async fn preview(
    State(app): State<AppState>,
    customer: Customer,
    Item(running_no): Item,
    JsonBody(b): JsonBody<PreviewRequest>,
) -> Result<Json<Preview>, Problem> {
    let pid = b.product_id.as_deref();
    let ask = |read: &Loaded| resolve(&app, read, running_no, pid, b.quantity, &b.alignment);
    let read = load_subscription(&app, &customer, false).await?;
    let first = match ask(&read) {
        Ok(ctx) => preview_change(&app, &customer, &ctx, b.quantity, &b.alignment, false).await,
        Err(p) => Err(p),
    };
    let settled = match &first {
        Ok(p) => p.agrees,
        // A refusal that may rest on an old read: the seats or the status changed since.
        Err(p) => !READ_DEPENDENT.contains(&p.code),
    };
    if settled {
        return first.map(|p| Json(p.body()));
    }
    let again = reload_subscription(&app, &customer).await?;
    if again.read_hash == read.read_hash {
        return first.map(|p| Json(p.body()));
    }
    app.metrics.retry("preview_reread");
    let ctx = ask(&again)?;
    let p = preview_change(&app, &customer, &ctx, b.quantity, &b.alignment, false).await?;
    Ok(Json(p.body()))
}

/// `POST /api/subscriptions/{id}/items/preview`: an add-on as a new item, checked against
/// the catalogue (nothing is sent upstream for a refusal) and previewed at Cleverbridge
/// (`addsubscriptionitem`, price only).
///
/// # Errors
/// Authentication, body, catalogue, policy, engine and upstream problems.
pub async fn preview_add(
    State(app): State<AppState>,
    customer: Customer,
    JsonBody(b): JsonBody<AddOnPreviewRequest>,
) -> Result<Json<Preview>, Problem> {
    let read = load_subscription(&app, &customer, false).await?;
    let ctx = add_on(&app, &read, &b.product_id)?;
    let p = preview_change(&app, &customer, &ctx, b.quantity, &b.alignment, false).await?;
    Ok(Json(p.body()))
}
