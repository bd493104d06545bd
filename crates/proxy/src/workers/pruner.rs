//! Retention (docs/webhooks.md, "Retention"): every [`prune_every`] the pruner deletes the
//! events delivered longer ago than `SEATQUOTE_EVENT_RETENTION` and the Cleverbridge
//! notifications received longer ago than `SEATQUOTE_NOTIFICATION_RETENTION` (both 30 days
//! by default). Pending and exhausted events are never deleted: they wait to be handled.
//! Every replica runs it; the deletes are idempotent.

use std::sync::{Arc, Weak};
use std::time::Duration;

use crate::state::App;
use crate::store::{now_ms, run_blocking};

/// How often the pruner runs: a quarter of the shorter retention, at most hourly, at least
/// every 250 ms apart.
pub fn prune_every(app: &App) -> Duration {
    let shorter = app
        .webhooks
        .event_retention
        .min(app.webhooks.notification_retention);
    (shorter / 4).clamp(Duration::from_millis(250), Duration::from_secs(3600))
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// One pass: deletes what retention no longer keeps; returns how many events and
/// notifications were deleted.
pub async fn prune_once(app: &App) -> (u64, u64) {
    let now = now_ms();
    let delivered_before = now.saturating_sub(millis(app.webhooks.event_retention));
    let notified_before = now.saturating_sub(millis(app.webhooks.notification_retention));
    let store = app.outbox.clone();
    match run_blocking(move || store.prune(delivered_before, notified_before)).await {
        Ok((events, notifications)) => {
            if events + notifications > 0 {
                tracing::info!(target: "seatquote::outbox", events, notifications, "retention: deleted delivered events and old notifications");
            }
            (events, notifications)
        }
        Err(e) => {
            tracing::error!(target: "seatquote::outbox", cause = %e, "retention: cannot prune the outbox");
            (0, 0)
        }
    }
}

/// Starts the pruner on the current Tokio runtime (none: not started). It stops when the
/// app is dropped.
pub fn spawn_pruner(app: &Arc<App>) {
    let Ok(rt) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let weak: Weak<App> = Arc::downgrade(app);
    let every = prune_every(app);
    rt.spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(app) = weak.upgrade() else { return };
            prune_once(&app).await;
        }
    });
}
