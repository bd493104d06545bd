//! Delivers the outbox's events to `SEATQUOTE_WEBHOOK_URL` (docs/webhooks.md): each a
//! POST signed as the Standard Webhooks specification says (`webhook-id`,
//! `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>` — one signature per
//! configured secret during a rotation), signed by the `standardwebhooks` crate.
//!
//! At least once: an event stays pending until an attempt gets a 2xx; failures (non-2xx,
//! timeout, refused connection) are retried with exponential backoff and jitter for the
//! retry period, then the event is kept as `exhausted`. In order per lane (a
//! subscription's events, or one payment's: `domain::event::lane`): only the head of a
//! lane is attempted, and an exhausted event holds its lane until it is delivered. Each
//! event goes to the URL recorded with it (the one configured when it was written). One
//! deliverer per event across replicas: an attempt holds a lease on the event in the
//! store, which expires.

use std::sync::{Arc, Weak};
use std::time::Duration;

use standardwebhooks::Webhook;

use crate::config::webhooks::{Target, Webhooks};
use crate::domain::event::Event;
use crate::state::App;
use crate::store::{now_ms, run_blocking};

/// How often the deliverer looks for due events when nothing wakes it.
pub const DELIVER_EVERY: Duration = Duration::from_millis(250);
/// The longest delay between two attempts.
pub const MAX_DELAY: Duration = Duration::from_secs(3600);
/// Events attempted at once (each of a different lane).
const BATCH: u32 = 16;

/// The `webhook-signature` header: `v1,<sig>` per key, space-separated.
///
/// # Errors
/// The body is not UTF-8 text (never: bodies are JSON).
pub fn signature(keys: &[Vec<u8>], id: &str, timestamp: i64, body: &str) -> Result<String, String> {
    keys.iter()
        .map(|k| {
            Webhook::from_bytes(k.clone())
                .and_then(|w| w.sign(id, timestamp, body.as_bytes()))
                .map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, _>>()
        .map(|sigs| sigs.join(" "))
}

/// The delay before attempt `attempts + 1` (after `attempts` failures, ≥ 1): `base`
/// doubled per failure, at most [`MAX_DELAY`], of which a random half ("equal jitter").
pub fn backoff(attempts: u32, base: Duration) -> Duration {
    let exp = base.saturating_mul(1u32 << attempts.saturating_sub(1).min(20));
    let full = exp.min(MAX_DELAY);
    let half = full / 2;
    half + half.mul_f64(rand::random::<f64>())
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// One attempt, to the event's own URL (else the configured one): Ok on a 2xx, else why
/// not.
async fn attempt(client: &reqwest::Client, target: &Target, ev: &Event) -> Result<(), String> {
    let ts = now_ms() / 1000;
    let sig = signature(&target.keys, &ev.id, ts, &ev.body)?;
    let res = client
        .post(ev.target.as_deref().unwrap_or(&target.url))
        .header("content-type", "application/json")
        .header("webhook-id", &ev.id)
        .header("webhook-timestamp", ts.to_string())
        .header("webhook-signature", sig)
        .body(ev.body.clone())
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                "timeout".to_owned()
            } else if e.is_connect() {
                "connection failed".to_owned()
            } else {
                "request failed".to_owned()
            }
        })?;
    let status = res.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("HTTP {}", status.as_u16()))
    }
}

/// One pass: claims the due events and attempts each; returns how many were delivered.
pub async fn deliver_once(app: &Arc<App>, owner: &str, client: &reqwest::Client) -> usize {
    let Some(target) = app.webhooks.target.clone() else {
        return 0;
    };
    let cfg: Webhooks = app.webhooks.clone();
    let now = now_ms();
    // Longer than an attempt can take; a dead deliverer's lease expires after this.
    let until = now + millis(cfg.timeout * 2 + Duration::from_secs(1));
    let (store, o) = (app.outbox.clone(), owner.to_owned());
    let due = match run_blocking(move || store.claim(&o, now, until, BATCH)).await {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(target: "seatquote::outbox", cause = %e, "deliverer cannot read the outbox");
            return 0;
        }
    };
    let mut set = tokio::task::JoinSet::new();
    for ev in due {
        let (client, target, app, owner, cfg) = (
            client.clone(),
            target.clone(),
            app.clone(),
            owner.to_owned(),
            cfg.clone(),
        );
        set.spawn(async move {
            let result = attempt(&client, &target, &ev).await;
            let now = now_ms();
            let delivered = result.is_ok();
            let outcome = match result {
                Ok(()) => Ok(now),
                Err(why) => {
                    let next = now + millis(backoff(ev.attempts + 1, cfg.retry_base));
                    let end = ev.retry_from_ms + millis(cfg.retry_for);
                    tracing::warn!(target: "seatquote::outbox", id = %ev.id, kind = %ev.kind, attempts = ev.attempts + 1, cause = %why, exhausted = next > end, "webhook delivery failed");
                    Err((why, (next <= end).then_some(next)))
                }
            };
            let store = app.outbox.clone();
            if let Err(e) = run_blocking(move || store.attempted(ev.seq, &owner, outcome)).await {
                tracing::error!(target: "seatquote::outbox", cause = %e, "cannot record a delivery attempt");
            }
            delivered
        });
    }
    let mut delivered = 0;
    while let Some(r) = set.join_next().await {
        delivered += usize::from(r.unwrap_or(false));
    }
    delivered
}

/// Starts the deliverer on the current Tokio runtime when a webhook URL is configured
/// (none: not started). It stops when the app is dropped.
pub fn spawn_deliverer(app: &Arc<App>) {
    let Ok(rt) = tokio::runtime::Handle::try_current() else {
        return;
    };
    if app.webhooks.target.is_none() {
        return;
    }
    let client = match reqwest::Client::builder()
        .timeout(app.webhooks.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("seatquote-proxy/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(target: "seatquote::outbox", cause = %e, "cannot build the webhook client; events are kept, not sent");
            return;
        }
    };
    let weak: Weak<App> = Arc::downgrade(app);
    let wake = app.outbox_wake.clone();
    let owner = format!("deliverer-{:016x}", rand::random::<u64>());
    rt.spawn(async move {
        loop {
            let Some(app) = weak.upgrade() else { return };
            let delivered = deliver_once(&app, &owner, &client).await;
            drop(app);
            if delivered == 0 {
                let _ = tokio::time::timeout(DELIVER_EVERY, wake.notified()).await;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        let base = Duration::from_secs(5);
        for (n, full) in [(1, 5), (2, 10), (3, 20), (12, 3600), (40, 3600)] {
            let d = backoff(n, base);
            assert!(
                d >= Duration::from_secs(full) / 2 && d <= Duration::from_secs(full),
                "{n}: {d:?}"
            );
        }
    }

    #[test]
    fn signs_as_the_specification_example() {
        // The Standard Webhooks specification's test vector.
        let key = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        )
        .unwrap();
        let sig = signature(
            &[key],
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            r#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
