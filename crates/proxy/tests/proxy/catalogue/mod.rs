//! Plans, add-ons and drops (DESIGN.md, "Plans, add-ons and drops") through real proxy
//! and sandbox processes: the summary's catalogue, each kind's preview against the
//! engine, commits applied once (faults, replicas), refusals that send nothing upstream,
//! and each kind's signed webhook.

mod binding;
mod downgrade;
mod faults;
mod flows;
mod notified;
mod refusals;
mod replicas;
mod scope;
mod webhooks;

use serde_json::{json, Value};

use crate::helpers::*;

/// S68841753: Team seat 294835, 1 seat, USD gross yearly (C-1001).
pub const TEAM: &str = "S68841753";
/// S70000004: 310001 × 10 and the Backup add-on 310002 × 2 (rn 2), EUR net yearly (C-2002).
pub const BACKUP: &str = "S70000004";

impl Pair {
    /// An item preview with a body as given.
    pub async fn preview_body(&self, token: &str, sub: &str, item: u64, body: Value) -> Res {
        let path = format!("/api/subscriptions/{sub}/items/{item}/preview");
        self.post(&path, token, &body.to_string(), None).await
    }

    /// A change of plan's preview.
    pub async fn preview_plan(
        &self,
        token: &str,
        sub: &str,
        item: u64,
        to: &str,
        qty: u32,
        mode: &str,
    ) -> Res {
        let body = json!({"quantity": qty, "alignment": mode, "productId": to});
        self.preview_body(token, sub, item, body).await
    }

    /// A drop's preview (`quantity: 0` at the next billing date).
    pub async fn preview_drop(&self, token: &str, sub: &str, item: u64) -> Res {
        let body = json!({"quantity": 0, "alignment": "nextBilling"});
        self.preview_body(token, sub, item, body).await
    }

    /// An add-on's preview.
    pub async fn preview_add(&self, token: &str, sub: &str, product: &str, qty: u32) -> Res {
        let body = json!({"productId": product, "quantity": qty, "alignment": "immediate"});
        let path = format!("/api/subscriptions/{sub}/items/preview");
        self.post(&path, token, &body.to_string(), None).await
    }

    /// An add-on's commit.
    pub async fn commit_add(&self, token: &str, sub: &str, quote_token: &str, key: &str) -> Res {
        let body = json!({"quoteToken": quote_token, "consent": true});
        let path = format!("/api/subscriptions/{sub}/items/commit");
        self.post(&path, token, &body.to_string(), Some(key)).await
    }

    /// The demo's three changes, each previewed and committed, answered 200: S68841753's
    /// Team seat upgraded to Business now (`k-plan`), Priority support added to it
    /// (`k-add`), S70000004's Backup add-on dropped (`k-drop`). The commits' answers.
    pub async fn upgrade_add_and_drop(&self) -> [Res; 3] {
        let (t, t2) = (c1001(), c2002());
        let token = |pv: &Res| {
            pv.body["quoteToken"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        };
        let pv = self
            .preview_plan(&t, TEAM, 1, "294836", 1, "immediate")
            .await;
        let plan = self.commit(&t, TEAM, 1, &token(&pv), "k-plan").await;
        let pv = self.preview_add(&t, TEAM, "294900", 1).await;
        let add = self.commit_add(&t, TEAM, &token(&pv), "k-add").await;
        let pv = self.preview_drop(&t2, BACKUP, 2).await;
        let drop = self.commit(&t2, BACKUP, 2, &token(&pv), "k-drop").await;
        for r in [&plan, &add, &drop] {
            assert_eq!(r.status, 200, "{}", r.text);
        }
        [plan, add, drop]
    }

    /// The sandbox's counters of one item call (`updatesubscriptionitem`,
    /// `addsubscriptionitem`, `deactivatesubscriptionitems`): received, previews,
    /// commitsReceived, commitsApplied.
    pub async fn call_counts(&self, call: &str) -> Value {
        self.admin("counters", None).await["calls"][call].clone()
    }

    /// Previews and commits the sandbox received, of every item call.
    pub async fn changes_received(&self) -> u64 {
        let c = self.admin("counters", None).await;
        c["attempts"]["preview"].as_u64().unwrap_or(0)
            + c["attempts"]["commit"].as_u64().unwrap_or(0)
    }

    /// The current revision of an item as the sandbox reads it (`Value::Null`: none).
    pub async fn current_item(&self, sub: &str, item: u64) -> Value {
        self.sandbox_items(sub)
            .await
            .iter()
            .find(|i| i["RunningNo"].as_u64() == Some(item) && i["IsCurrent"] != false)
            .cloned()
            .unwrap_or(Value::Null)
    }
}

/// The engine's quote of a summary item changing to (`unit`, `qty`) — `unit` `None`: the
/// item's own — from the summary's figures (the estimate a preview must equal).
pub fn engine_quote(
    summary: &Value,
    current: (&Value, u64),
    next: (&str, u64),
    mode: &str,
) -> Value {
    let s = summary;
    let input = json!({
        "currency": s["currency"], "taxMode": s["taxMode"], "taxRate": s["taxRate"],
        "periodStart": s["periodStart"], "nextBillingDate": s["nextBillingDate"],
        "interval": s["interval"], "changeDate": s["today"],
        "current": {"unitPrice": current.0, "quantity": current.1},
        "next": {"unitPrice": next.0, "quantity": next.1},
        "alignment": mode,
    });
    serde_json::from_str(&seatquote_core::quote::quote_json(&input.to_string()).unwrap()).unwrap()
}

/// A preview's quote alone (the token, expiry, mode, kind and products removed).
pub fn quote_of(preview: &Value) -> Value {
    let mut q = preview.clone();
    for k in [
        "quoteToken",
        "expiresAt",
        "mode",
        "kind",
        "productBefore",
        "productAfter",
    ] {
        q.as_object_mut().unwrap().remove(k);
    }
    q
}

/// The demo policy with `extra` appended (a test's own catalogue rules).
pub fn policy_with(tag: &str, replace: &[(&str, &str)]) -> String {
    let mut text = std::fs::read_to_string(POLICY).unwrap();
    for (from, to) in replace {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    let path = tmp_dir(tag).join("policy.toml");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}
