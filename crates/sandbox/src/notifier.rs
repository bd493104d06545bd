//! Notifications like Cleverbridge's (docs/webhooks.md, "The sandbox's notifications"):
//! after each applied change of an item the sandbox POSTs a JSON
//! `SubscriptionUpdatedNotification` (the subscription model: `meta`, integer
//! `subscriptionId`, `subscriptionItems[]` with `runningNumber`, `quantity`, `productId`,
//! `version`, `status`, `deactivationDate` when set, and on the changed item
//! `subscriptionEventTypeId` for a plan change, an add or a deactivation) to `SEATQUOTE_SANDBOX_NOTIFY_URL` with HTTP Basic credentials; on
//! demand it sends payment notifications (paid, payment failed, refund, chargeback).
//! Sends are retried a few times on failure, as Cleverbridge retries.
//!
//! Faults for tests (`POST /sandbox/_admin/notify-fault`): `duplicate` (sent twice),
//! `delayed` (sent after `ms`), `outOfOrder` (held back until the next notification was
//! sent, or `ms`), `dropped` (never sent).
//!
//! Admin routes: `POST /sandbox/_admin/quantity` (a change made only in the sandbox's
//! admin, as in Cleverbridge's own tools), `POST /sandbox/_admin/notify` (a payment
//! notification now), `POST /sandbox/_admin/notify-fault`, `GET /sandbox/_admin/notifications`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::model::{Item, Sub};

/// What a notification fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum NotifyFaultKind {
    /// Sent twice.
    Duplicate,
    /// Sent after `ms` (default 1000).
    Delayed,
    /// Held back until the next notification was sent (or `ms`, default 2000).
    OutOfOrder,
    /// Never sent.
    Dropped,
}

/// A notification fault for the next `count` notifications.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyFault {
    /// What it does.
    pub fault: NotifyFaultKind,
    /// How many notifications it hits (default 1).
    #[serde(default = "one")]
    pub count: u32,
    /// Milliseconds, for `delayed` and `outOfOrder`.
    #[serde(default)]
    pub ms: Option<u64>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn one() -> u32 {
    1
}

#[derive(Default)]
struct Shared {
    versions: HashMap<(String, u64), i64>,
    fault: Option<NotifyFault>,
    held: Option<String>,
    sent: u64,
    dropped: u64,
    failed: u64,
}

struct Target {
    url: String,
    user: String,
    password: String,
    client: reqwest::Client,
}

/// Sends notifications (disabled without a URL). Cheap to clone.
#[derive(Clone, Default)]
pub struct Notifier {
    target: Option<Arc<Target>>,
    shared: Arc<Mutex<Shared>>,
}

impl Notifier {
    /// Notifications to `url` with Basic `user`/`password`.
    ///
    /// # Errors
    /// The HTTP client cannot be built.
    pub fn new(url: &str, user: &str, password: &str) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            target: Some(Arc::new(Target {
                url: url.to_owned(),
                user: user.to_owned(),
                password: password.to_owned(),
                client,
            })),
            shared: Arc::default(),
        })
    }

    /// After a change of `running_no` in `sub` (already applied): the item's version goes
    /// up and a `SubscriptionUpdatedNotification` is sent, the item carrying
    /// `subscriptionEventTypeId` when `event` names one (`upgrade`, `downgrade`, `add`,
    /// `deactivate`; a change of seats names none).
    pub(crate) fn item_changed(&self, sub: &Sub, running_no: u64, event: Option<&str>) {
        if self.target.is_none() {
            return;
        }
        {
            let mut s = self.shared.lock();
            *s.versions.entry((sub.id.clone(), running_no)).or_insert(1) += 1;
        }
        let event = event.map(|e| (running_no, e));
        self.dispatch(self.body("SubscriptionUpdatedNotification", sub, event));
    }

    /// Whether notifications are sent (a URL is set).
    pub(crate) fn enabled(&self) -> bool {
        self.target.is_some()
    }

    /// A notification of `kind` for `sub`, now (the admin's payment notifications).
    pub(crate) fn send(&self, kind: &str, sub: &Sub) {
        self.dispatch(self.body(kind, sub, None));
    }

    /// Sets (`count` > 0) or clears the notification fault.
    pub(crate) fn set_fault(&self, f: NotifyFault) {
        self.shared.lock().fault = (f.count > 0).then_some(f);
    }

    /// Sent, dropped and failed counts, and the fault set, as JSON.
    pub(crate) fn counts(&self) -> Value {
        let s = self.shared.lock();
        json!({
            "enabled": self.enabled(),
            "sent": s.sent, "dropped": s.dropped, "failed": s.failed,
            "fault": s.fault,
        })
    }

    /// A renewal billed for `sub` (`clock.rs`): a `SubscriptionPaidNotification`
    /// with its items as renewed.
    pub(crate) fn renewed(&self, sub: &Sub) {
        self.dispatch(self.body("SubscriptionPaidNotification", sub, None));
    }

    /// The notification body of `kind` for `sub`, with every item (its current revision:
    /// an old one of a plan change is left out) and its version; `event` marks the changed
    /// item with its `subscriptionEventTypeId`.
    fn body(&self, kind: &str, sub: &Sub, event: Option<(u64, &str)>) -> String {
        let s = self.shared.lock();
        let superseded = |i: &Item| {
            !i.is_current()
                && sub
                    .items
                    .iter()
                    .any(|o| o.running_no == i.running_no && o.is_current())
        };
        let items: Vec<Value> = sub
            .items
            .iter()
            .filter(|i| !superseded(i))
            .map(|i| {
                let version = s
                    .versions
                    .get(&(sub.id.clone(), i.running_no))
                    .copied()
                    .unwrap_or(1);
                let product: Value = i
                    .product_id
                    .parse::<u64>()
                    .map_or_else(|_| Value::from(i.product_id.clone()), Value::from);
                let mut item = json!({
                    "runningNumber": i.running_no,
                    "productId": product,
                    "productName": i.product_name,
                    "quantity": i.quantity,
                    "version": version,
                    "status": if i.is_current() { "Active" } else { "Inactive" },
                });
                if let Some(d) = i.deactivation {
                    item["deactivationDate"] = json!(d.to_iso_string());
                }
                if let Some((_, e)) = event.filter(|(rn, _)| *rn == i.running_no) {
                    item["subscriptionEventTypeId"] = json!(e);
                }
                item
            })
            .collect();
        let id: Value = sub
            .id
            .trim_start_matches('S')
            .parse::<u64>()
            .map_or_else(|_| Value::from(sub.id.clone()), Value::from);
        json!({
            "meta": {
                "type": kind,
                "date": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "id": format!("sandbox-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed)),
            },
            "subscriptionId": id,
            "customerId": sub.customer_id.parse::<u64>().ok(),
            "customerReferenceId": sub.customer_reference_id,
            "customerCurrencyId": sub.currency,
            "subscriptionItems": items,
        })
        .to_string()
    }

    /// Sends one body, through the fault if one is set.
    fn dispatch(&self, body: String) {
        if self.target.is_none() {
            return;
        }
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let mut s = self.shared.lock();
        let held = s.held.take();
        let fault = s.fault.clone();
        if let Some(f) = &fault {
            let left = f.count.saturating_sub(1);
            s.fault = (left > 0).then(|| NotifyFault {
                count: left,
                ..f.clone()
            });
        }
        let send = |body: String, after: Duration| self.send_after(body, after);
        match fault.map(|f| (f.fault, f.ms)) {
            None => send(body, Duration::ZERO),
            Some((NotifyFaultKind::Duplicate, _)) => {
                send(body.clone(), Duration::ZERO);
                send(body, Duration::from_millis(50));
            }
            Some((NotifyFaultKind::Delayed, ms)) => {
                send(body, Duration::from_millis(ms.unwrap_or(1000)));
            }
            Some((NotifyFaultKind::Dropped, _)) => s.dropped += 1,
            Some((NotifyFaultKind::OutOfOrder, ms)) => {
                s.held = Some(body.clone());
                // Sent anyway after `ms` if no other notification comes first.
                let (me, b) = (self.clone(), body);
                rt.spawn(async move {
                    tokio::time::sleep(Duration::from_millis(ms.unwrap_or(2000))).await;
                    let still = {
                        let mut s = me.shared.lock();
                        if s.held.as_ref() == Some(&b) {
                            s.held.take()
                        } else {
                            None
                        }
                    };
                    if let Some(b) = still {
                        me.send_after(b, Duration::ZERO);
                    }
                });
            }
        }
        // A held notification goes after the one just sent.
        if let Some(h) = held {
            send(h, Duration::from_millis(300));
        }
    }

    /// Posts `body` after `after` on the current runtime, counting the outcome.
    fn send_after(&self, body: String, after: Duration) {
        if let (Some(t), Ok(rt)) = (self.target.clone(), tokio::runtime::Handle::try_current()) {
            let shared = self.shared.clone();
            rt.spawn(async move {
                tokio::time::sleep(after).await;
                let ok = post(&t, &body).await;
                let mut s = shared.lock();
                if ok {
                    s.sent += 1
                } else {
                    s.failed += 1
                }
            });
        }
    }
}

/// POSTs with Basic auth; retried up to 5 times (0.2 s, doubling) unless answered 2xx.
async fn post(t: &Target, body: &str) -> bool {
    for attempt in 0..5u32 {
        let res = t
            .client
            .post(&t.url)
            .basic_auth(&t.user, Some(&t.password))
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await;
        if res.is_ok_and(|r| r.status().is_success()) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200 << attempt)).await;
    }
    tracing::warn!("notification not delivered after 5 attempts");
    false
}
