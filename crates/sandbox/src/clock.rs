//! The sandbox's clock moved forward (`POST /sandbox/_admin/clock`, tests and demos only,
//! like the other `_admin` knobs): every active subscription whose next billing date is
//! reached renews as Cleverbridge bills a renewal — each current item at its quantity and
//! price at that moment, except an item deactivated by then (`deactivatesubscriptionitems`),
//! which is not billed and stops being current — its next billing date moves one interval
//! on, and a
//! `SubscriptionPaidNotification` is sent ([`crate::notifier`]). The renewals billed are
//! listed in `GET /sandbox/_admin/counters` (`renewals`). The clock never moves back;
//! `POST /sandbox/_admin/reset` puts it back where it started.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use seatquote_core::date::Date;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::state::{cb, Item, Sandbox, Sub};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClockMove {
    today: String,
}

/// `POST /sandbox/_admin/clock`: `{"today": "YYYY-MM-DD"}`, not before the sandbox's
/// today; answers the new today and the renewals billed on the way.
pub(crate) async fn admin_clock(State(sb): State<Sandbox>, body: Bytes) -> Response {
    let m: ClockMove = match serde_json::from_slice(&body) {
        Ok(m) => m,
        Err(e) => return cb(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let Ok(to) = Date::parse(&m.today) else {
        return cb(StatusCode::BAD_REQUEST, "today must be a date, YYYY-MM-DD");
    };
    let from = sb.today();
    if to < from {
        return cb(
            StatusCode::BAD_REQUEST,
            &format!(
                "the clock only moves forward: today is {}",
                from.to_iso_string()
            ),
        );
    }
    *sb.moved_today.lock() = Some(to);
    let renewals = renew(&sb, to);
    Json(json!({ "today": to.to_iso_string(), "renewals": renewals })).into_response()
}

/// Whether `i` ends by `date` (its deactivation date reached).
fn ends(i: &Item, date: Date) -> bool {
    i.deactivation.is_some_and(|d| d <= date)
}

/// One renewal of `s` on its next billing date, at its items' current quantities (an item
/// deactivated by then is not billed).
fn renewal(s: &Sub) -> Value {
    let items: Vec<Value> = s
        .items
        .iter()
        .filter(|i| i.is_current() && !ends(i, s.next_billing))
        .map(|i| {
            let t = i.total(s);
            json!({
                "runningNumber": i.running_no,
                "quantity": i.quantity,
                "gross": t.gross.to_string(),
                "net": t.net.to_string(),
                "vat": t.vat.to_string(),
            })
        })
        .collect();
    json!({
        "subscriptionId": s.id,
        "date": s.next_billing.to_iso_string(),
        "currency": s.currency,
        "items": items,
    })
}

/// Bills every renewal due by `today` (oldest first per subscription), then notifies.
fn renew(sb: &Sandbox, today: Date) -> Vec<Value> {
    let mut billed = Vec::new();
    let mut renewed = Vec::new();
    {
        let mut g = sb.inner.lock();
        for s in g.subs.values_mut().filter(|s| s.status.is_active()) {
            while s.next_billing <= today {
                billed.push(renewal(s));
                let on = s.next_billing;
                for i in s.items.iter_mut().filter(|i| ends(i, on)) {
                    i.is_current = Some(false);
                }
                let Some(next) = s.next_billing.add(s.interval) else {
                    break;
                };
                s.next_billing = next;
                renewed.push(s.clone());
            }
        }
        g.renewals.extend(billed.iter().cloned());
    }
    for s in &renewed {
        sb.notifier.renewed(s);
    }
    billed
}
