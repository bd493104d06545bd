//! The pricing context: the subscription read from Cleverbridge (checked to belong to the
//! customer) and, for one item, everything a quote needs — the policy's rules, currency,
//! tax, period and unit prices.

use rust_decimal::Decimal;
use seatquote_auth::AuthError;
use seatquote_core::alignment::Alignment;
use seatquote_core::contract::ProductRef;
use seatquote_core::currency::Currency;
use seatquote_core::date::{Date, Interval};
use seatquote_core::money::{format_amount, round};
use seatquote_core::tax::{TaxMode, TaxRate};
use seatquote_core::wire::{Subscription, SubscriptionItem};

use super::auth::Customer;
use crate::budget::Caller;
use crate::domain::catalogue::Kind;
use crate::domain::policy::Rules;
use crate::problem::Problem;
use crate::state::App;

/// A subscription read from Cleverbridge and checked to be the customer's.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The subscription as Cleverbridge sent it.
    pub sub: Subscription,
    /// The hash of the raw read (minus volatile fields): what a quote token binds.
    pub read_hash: String,
}

/// What a subscription and an item resolve to for pricing.
#[derive(Debug, Clone)]
pub struct ItemContext {
    /// The subscription as Cleverbridge sent it.
    pub sub: Subscription,
    /// The hash of the raw read it came from ([`Loaded::read_hash`]).
    pub read_hash: String,
    /// The item.
    pub item: SubscriptionItem,
    /// The policy's rules for the item's product.
    pub rules: Rules,
    /// The subscription's currency.
    pub currency: Currency,
    /// The product's tax mode.
    pub tax_mode: TaxMode,
    /// The estimated tax rate (decimal string).
    pub tax_rate: String,
    /// The billing interval.
    pub interval: Interval,
    /// The next billing date.
    pub next_billing: Date,
    /// The current period's first day.
    pub period_start: Date,
    /// The change date.
    pub today: Date,
    /// What a current seat costs, in the tax mode.
    pub current_unit: Decimal,
    /// What a new seat costs (the offer price, else the current one; for a change of plan
    /// or an add, the target product's).
    pub new_unit: Decimal,
    /// The kind of change (`seats` until [`super::catalogue::resolve`] says otherwise).
    pub kind: Kind,
    /// The product before the change (`None` for an add).
    pub before: Option<ProductRef>,
    /// The product after the change (`None` for a drop).
    pub after: Option<ProductRef>,
    /// The modes the catalogue allows for a plan, add or drop (`None`: a change of seats,
    /// by the rules' increase and decrease modes).
    pub modes: Option<Vec<Alignment>>,
}

impl ItemContext {
    /// The item's seats now.
    pub fn current_quantity(&self) -> u32 {
        u32::try_from(self.item.quantity.0).unwrap_or(u32::MAX)
    }

    /// The product the change leads to (the item's own for seats and a drop).
    pub fn target_product(&self) -> &str {
        self.after
            .as_ref()
            .map_or(self.item.product_id.as_str(), |p| p.product_id.as_str())
    }
}

/// The item's product as the contract names it.
pub fn product_ref(item: &SubscriptionItem) -> ProductRef {
    ProductRef {
        product_id: item.product_id.clone(),
        product_name: item.product_name.clone().unwrap_or_default(),
    }
}

fn unit_of(item: &SubscriptionItem, mode: TaxMode) -> Option<Decimal> {
    let total = match mode {
        TaxMode::Gross => item.next_billing_customer_gross_price,
        TaxMode::Net => item.next_billing_customer_net_price,
    }?
    .0;
    let qty = Decimal::from(item.quantity.0.max(1));
    Some(round(total / qty, 6).normalize())
}

fn estimate_rate(item: &SubscriptionItem, rules: &Rules) -> String {
    let derived = match (
        item.next_billing_customer_net_price,
        item.next_billing_customer_vat_price,
    ) {
        (Some(n), Some(v)) if !n.0.is_zero() => {
            let r = round(v.0 / n.0, 4).normalize();
            TaxRate::parse(&r.to_string()).ok().map(|_| r.to_string())
        }
        _ => None,
    };
    derived
        .or_else(|| rules.tax_rate.clone())
        .unwrap_or_else(|| "0".into())
}

/// A price as text: at least the currency's minor digits, more when the price has more.
pub fn price_text(p: Decimal, minor: u32) -> String {
    let digits = minor.max(p.normalize().scale());
    format_amount(round(p, digits), digits).to_string()
}

/// The pricing context of one current item.
///
/// # Errors
/// `not_found` for an unknown or retired item; `upstream_error` when the subscription
/// lacks what pricing needs.
pub fn context(app: &App, read: &Loaded, running_no: u64) -> Result<ItemContext, Problem> {
    let (sub, today) = (&read.sub, app.today());
    let item = sub
        .item(running_no)
        .filter(|i| i.is_active_on(today))
        .cloned()
        .ok_or_else(|| Problem::not_found("no such current item in this subscription"))?;
    let rules = app
        .policy
        .rules(&item.product_id)
        .map_err(Problem::internal)?;
    let bad = |what: &str| {
        Problem::upstream_error(format!("the subscription from Cleverbridge lacks {what}"))
    };
    let currency = sub
        .customer_currency_id
        .as_deref()
        .or(item.next_billing_currency_id.as_deref())
        .ok_or_else(|| bad("a currency"))
        .and_then(|c| Currency::from_code(c).map_err(|_| bad("a valid currency")))?;
    let interval = Interval::new(
        u32::try_from(sub.interval_month_count.0).unwrap_or(u32::MAX),
        u32::try_from(sub.interval_day_count.0).unwrap_or(u32::MAX),
    )
    .map_err(|_| bad("a valid interval"))?;
    let next_billing = sub
        .next_billing_date
        .ok_or_else(|| bad("a next billing date"))?
        .0;
    let period_start = next_billing
        .sub(interval)
        .ok_or_else(|| bad("a valid period"))?;
    let current_unit = unit_of(&item, rules.tax_mode).ok_or_else(|| bad("item prices"))?;
    let new_unit = rules.offer_unit_price.unwrap_or(current_unit);
    let product = product_ref(&item);
    Ok(ItemContext {
        kind: Kind::Seats,
        before: Some(product.clone()),
        after: Some(product),
        modes: None,
        tax_rate: estimate_rate(&item, &rules),
        tax_mode: rules.tax_mode,
        sub: sub.clone(),
        read_hash: read.read_hash.clone(),
        item,
        rules,
        currency,
        interval,
        next_billing,
        period_start,
        today,
        current_unit,
        new_unit,
    })
}

/// Reads the customer's subscription from Cleverbridge (with the hash of the raw read)
/// and checks that it is theirs.
/// `fresh` (a commit's guard read, in the budget's commit class): sent now, bypassing
/// what was read before; otherwise a read from the last `SEATQUOTE_SUBSCRIPTION_TTL_MS`
/// is reused (the customer's normal class).
///
/// # Errors
/// Upstream failures; `forbidden_subscription` when Cleverbridge names another customer.
pub async fn load_subscription(
    app: &App,
    customer: &Customer,
    fresh: bool,
) -> Result<Loaded, Problem> {
    let who = if fresh {
        Caller::commit(&customer.id)
    } else {
        Caller::normal(&customer.id)
    };
    read_for(app, customer, &who, fresh).await
}

/// Reads the customer's subscription fresh from Cleverbridge in the customer's normal
/// class (a preview that found the engine and Cleverbridge disagreeing: DESIGN.md, "One
/// read per quote"), and checks that it is theirs.
///
/// # Errors
/// As [`load_subscription`].
pub async fn reload_subscription(app: &App, customer: &Customer) -> Result<Loaded, Problem> {
    read_for(app, customer, &Caller::normal(&customer.id), true).await
}

async fn read_for(
    app: &App,
    customer: &Customer,
    who: &Caller,
    fresh: bool,
) -> Result<Loaded, Problem> {
    let read = app
        .upstream
        .get_subscription_for(who, &customer.subscription, fresh)
        .await?;
    let sub = read.response.subscription;
    if sub
        .customer_reference_id
        .as_deref()
        .is_some_and(|c| c != customer.id)
    {
        return Err(AuthError::ForbiddenSubscription.into());
    }
    Ok(Loaded {
        sub,
        read_hash: read.raw_hash,
    })
}
