//! The quote of a preview with Cleverbridge's amounts ([`quote_from_upstream`]: which
//! `NextBilling*` Cleverbridge sent — the item's or the whole subscription's — is told
//! from the read, DESIGN.md "Which next billing a preview shows"), and a commit's reuse of
//! the quoted amounts ([`reuse_quoted`]).

use rust_decimal::Decimal;
use seatquote_core::money::{format_amount, round};
use seatquote_core::quote::Quote;
use seatquote_core::wire::{UpdateSubscriptionItemResponse, WireDecimal};

use super::catalogue::billed;
use super::context::ItemContext;
use super::preview::{check_policy, local_quote, quote_hash, Previewed};
use crate::domain::catalogue::Kind;
use crate::domain::quote_token::{QuoteClaims, Quoted};
use crate::problem::Problem;

/// The amounts of a quote that came from Cleverbridge.
pub(super) fn quoted(q: &Quote) -> Quoted {
    let (a, n) = (&q.alignment, &q.next_billing);
    Quoted([a.net, a.vat, a.gross, n.net, n.vat, n.gross, n.date].map(|s| s.to_string()))
}

/// A commit's quote without a second preview, when that preview could not differ: the
/// guard read is exactly Cleverbridge's read the quote was made from (the same hash of
/// its raw text, every field it sent included), on the quote's date, within `window_ms`
/// of the preview; the change still passes the policy and the engine, and the engine's
/// quote with the quoted Cleverbridge amounts hashes to the token's. `None`: preview
/// again.
///
/// # Errors
/// Policy and engine problems.
pub fn reuse_quoted(
    ctx: &ItemContext,
    qc: &QuoteClaims,
    window_ms: i64,
) -> Result<Option<Previewed>, Problem> {
    let (Some(rh), Some(at), Some(Quoted(up))) = (&qc.rh, qc.at, &qc.up) else {
        return Ok(None);
    };
    let age = crate::store::now_ms() - at;
    if *rh != ctx.read_hash
        || qc.date != ctx.today.to_iso_string()
        || !(0..=window_ms).contains(&age)
    {
        return Ok(None);
    }
    let (qty, mode) = check_policy(ctx, i64::from(qc.qty), &qc.mode)?;
    let mut q = local_quote(ctx, qty, mode)?;
    let text = |s: &String| seatquote_core::text::ShortStr::new(s);
    let (Some(an), Some(av), Some(ag), Some(nn), Some(nv), Some(ng), Some(nd)) = (
        text(&up[0]),
        text(&up[1]),
        text(&up[2]),
        text(&up[3]),
        text(&up[4]),
        text(&up[5]),
        text(&up[6]),
    ) else {
        return Ok(None);
    };
    (q.alignment.net, q.alignment.vat, q.alignment.gross) = (an, av, ag);
    (q.next_billing.net, q.next_billing.vat, q.next_billing.gross) = (nn, nv, ng);
    q.next_billing.date = nd;
    if quote_hash(&q) != qc.qh {
        return Ok(None);
    }
    Ok(Some(Previewed {
        quote: q,
        token: String::new(),
        expires_at: qc.exp,
        mode,
        agrees: true,
        kind: ctx.kind,
        before: ctx.before.clone(),
        after: ctx.after.clone(),
    }))
}

/// The quote with the amounts Cleverbridge returned (day counts and lines from the
/// summary and the engine).
pub(super) fn quote_from_upstream(
    ctx: &ItemContext,
    local: &Quote,
    up: &UpdateSubscriptionItemResponse,
) -> Result<Quote, Problem> {
    let minor = ctx.currency.minor_units();
    if up
        .price_currency_id
        .as_deref()
        .is_some_and(|c| c != ctx.currency.code())
    {
        return Err(Problem::upstream_error(
            "Cleverbridge priced the preview in another currency",
        ));
    }
    let need = |v: Option<WireDecimal>, what: &str| {
        v.map(|d| format_amount(round(d.0, minor), minor))
            .ok_or_else(|| {
                Problem::upstream_error(format!("the Cleverbridge preview lacks {what}"))
            })
    };
    let mut q = local.clone();
    q.alignment.net = need(up.alignment_customer_net_price, "AlignmentCustomerNetPrice")?;
    q.alignment.vat = need(up.alignment_customer_vat_price, "AlignmentCustomerVatPrice")?;
    q.alignment.gross = need(
        up.alignment_customer_gross_price,
        "AlignmentCustomerGrossPrice",
    )?;
    let next = [
        (
            up.next_billing_customer_net_price,
            "NextBillingCustomerNetPrice",
        ),
        (
            up.next_billing_customer_vat_price,
            "NextBillingCustomerVatPrice",
        ),
        (
            up.next_billing_customer_gross_price,
            "NextBillingCustomerGrossPrice",
        ),
    ]
    .map(|(v, what)| v.map(|d| d.0).ok_or(what));
    let [net, vat, gross] = match next {
        [Ok(n), Ok(v), Ok(g)] => item_line(ctx, local, [n, v, g]),
        [n, v, g] => {
            let what = [n, v, g]
                .into_iter()
                .find_map(Result::err)
                .unwrap_or_default();
            return Err(Problem::upstream_error(format!(
                "the Cleverbridge preview lacks {what}"
            )));
        }
    };
    let money = |d: Decimal| format_amount(round(d, minor), minor);
    (q.next_billing.net, q.next_billing.vat, q.next_billing.gross) =
        (money(net), money(vat), money(gross));
    if let Some(d) = up.next_billing_date {
        q.next_billing.date = d.0.iso();
    }
    Ok(q)
}

/// The changed item's own next-billing line from Cleverbridge's `NextBilling*` (net, VAT,
/// gross), never a mix (DESIGN.md, "Which next billing a preview shows"): Cleverbridge's
/// docs leave open whether, on a subscription of several items, they are the item's or the
/// whole subscription's. Read as the subscription's, the item's line is what is left after
/// the other items billed then (current, not deactivated; their next-billing prices from
/// the read); the reading whose gross is nearer the engine's estimate of the item's line
/// is taken (a tie, or no other item: the item's).
pub(super) fn item_line(ctx: &ItemContext, local: &Quote, up: [Decimal; 3]) -> [Decimal; 3] {
    let mut others = [Decimal::ZERO; 3];
    let this = (ctx.kind != Kind::Add).then_some(ctx.item.running_no.0);
    for i in billed(ctx).filter(|i| Some(i.running_no.0) != this) {
        let p = [
            i.next_billing_customer_net_price,
            i.next_billing_customer_vat_price,
            i.next_billing_customer_gross_price,
        ];
        for (o, v) in others.iter_mut().zip(p) {
            *o += v.map_or(Decimal::ZERO, |d| d.0);
        }
    }
    if others.iter().all(Decimal::is_zero) {
        return up;
    }
    let as_sub = [up[0] - others[0], up[1] - others[1], up[2] - others[2]];
    let estimate: Decimal = local.next_billing.gross.parse().unwrap_or_default();
    if (as_sub[2] - estimate).abs() < (up[2] - estimate).abs() {
        as_sub
    } else {
        up
    }
}
