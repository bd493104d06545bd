//! Helpers for the plan, add-on and deactivation tests: Cleverbridge calls and admin
//! requests against one running sandbox, request bodies, and a receiver for its
//! notifications.

use std::sync::Arc;

use axum::routing::post;
use parking_lot::Mutex;

use super::*;

/// One running sandbox and a client.
pub(crate) struct Api {
    pub(crate) sb: Proc,
    http: reqwest::Client,
}

impl Api {
    /// A sandbox started with `envs` (rate limit off).
    pub(crate) fn start(envs: &[(&str, &str)]) -> Self {
        let mut all = vec![("SEATQUOTE_SANDBOX_RATE_LIMIT", "0")];
        all.extend_from_slice(envs);
        Self {
            sb: sandbox(&all),
            http: client(),
        }
    }

    /// `POST /sandbox/subscription/{call}` with Basic auth.
    pub(crate) async fn call(&self, call: &str, body: &Value) -> Res {
        let url = format!("{}/sandbox/subscription/{call}", self.sb.base);
        send(
            cb(&self.http, self.http.post(url))
                .header("Content-Type", "application/json")
                .body(body.to_string()),
        )
        .await
    }

    /// The same call, answered or not: `None` when the connection ended without an answer.
    pub(crate) async fn try_call(&self, call: &str, body: &Value) -> Option<u16> {
        let url = format!("{}/sandbox/subscription/{call}", self.sb.base);
        cb(&self.http, self.http.post(url))
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .ok()
            .map(|r| r.status().as_u16())
    }

    /// `getsubscription`'s `Subscription`.
    pub(crate) async fn subscription(&self, id: &str) -> Value {
        let url = format!("{}/sandbox/subscription/getsubscription", self.sb.base);
        let r = send(cb(
            &self.http,
            self.http.get(url).query(&[("subscriptionId", id)]),
        ))
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["Subscription"].clone()
    }

    /// `getsubscription`'s items of running number `rn`, oldest revision first.
    pub(crate) async fn revisions(&self, id: &str, rn: u64) -> Vec<Value> {
        let s = self.subscription(id).await;
        s["Items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["RunningNo"] == rn)
            .cloned()
            .collect()
    }

    /// `POST /sandbox/_admin/{path}` with a body, or `GET` without.
    pub(crate) async fn admin(&self, path: &str, body: Option<Value>) -> Res {
        let url = format!("{}/sandbox/_admin/{path}", self.sb.base);
        send(match body {
            Some(b) => self
                .http
                .post(url)
                .header("Content-Type", "application/json")
                .body(b.to_string()),
            None => self.http.get(url),
        })
        .await
    }

    /// The counters' `calls[call]`.
    pub(crate) async fn counted(&self, call: &str) -> Value {
        self.admin("counters", None).await.body["calls"][call].clone()
    }
}

/// Alignment settings: `immediate`, `nextBilling` or `extend`, as a preview or a commit.
pub(crate) fn align(mode: &str, preview: bool) -> Value {
    json!({
        "AlignToCurrentInterval": mode != "nextBilling",
        "ExtendInterval": mode == "extend",
        "GetCustomerPricePreviewOnly": preview,
    })
}

/// An `updatesubscriptionitem` body.
pub(crate) fn update(
    sub: &str,
    rn: u64,
    product: u64,
    qty: u64,
    mode: &str,
    preview: bool,
) -> Value {
    json!({"SubscriptionId": sub, "RunningNumber": rn, "ProductId": product, "Quantity": qty,
        "UpdateAction": 1, "GenerateMail": false, "AlignmentSettings": align(mode, preview)})
}

/// An `addsubscriptionitem` body.
pub(crate) fn add(sub: &str, product: u64, qty: u64, mode: &str, preview: bool) -> Value {
    json!({"SubscriptionId": sub, "ProductId": product, "Quantity": qty,
        "AlignmentSettings": align(mode, preview)})
}

/// A `deactivatesubscriptionitems` body.
pub(crate) fn deactivate(sub: &str, items: &[u64]) -> Value {
    json!({"SubscriptionId": sub, "Items": items, "AllowReinstate": true, "GenerateMail": false})
}

/// The three amounts of a preview's `prefix` (`AlignmentCustomer`, `NextBillingCustomer`)
/// as text: gross, net, VAT.
pub(crate) fn amounts(r: &Res, prefix: &str) -> [String; 3] {
    ["Gross", "Net", "Vat"].map(|p| {
        let raw = &r.body[format!("{prefix}{p}Price")];
        assert!(raw.is_number(), "{prefix}{p}Price: {}", r.text);
        // The raw text of the JSON number, exactly as sent.
        let key = format!("\"{prefix}{p}Price\":");
        let at = r.text.find(&key).unwrap() + key.len();
        let rest = &r.text[at..];
        rest[..rest.find([',', '}']).unwrap()].to_owned()
    })
}

/// Notifications received over loopback, oldest first.
#[derive(Clone, Default)]
pub(crate) struct Inbox(Arc<Mutex<Vec<Value>>>);

impl Inbox {
    /// A receiver on a free loopback port; answers its URL.
    pub(crate) async fn listen(&self) -> String {
        let inbox = self.clone();
        let app = axum::Router::new().route(
            "/n",
            post(move |body: String| {
                let inbox = inbox.clone();
                async move {
                    if let Ok(v) = serde_json::from_str(&body) {
                        inbox.0.lock().push(v);
                    }
                    "ok"
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}/n")
    }

    /// Waits (up to 10 s) for a notification item of `sub` carrying `event`.
    pub(crate) async fn event(&self, sub: u64, event: &str) -> Value {
        for _ in 0..200 {
            let found = self.0.lock().iter().find_map(|n| {
                (n["subscriptionId"] == sub)
                    .then(|| n["subscriptionItems"].as_array())
                    .flatten()
                    .and_then(|items| {
                        items
                            .iter()
                            .find(|i| i["subscriptionEventTypeId"] == event)
                            .cloned()
                    })
            });
            if let Some(i) = found {
                return i;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no {event} notification for {sub}: {:?}", self.0.lock());
    }

    /// Every notification received so far.
    pub(crate) fn all(&self) -> Vec<Value> {
        self.0.lock().clone()
    }
}
