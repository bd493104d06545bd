//! This replica's heartbeat in the shared store (PostgreSQL): written every
//! [`BEAT_EVERY`] on the database's clock, so that other replicas can tell it is alive
//! (DESIGN.md, "Stores and migrations"). While it cannot be written the replica starts no
//! commit ([`crate::state::App::ledger_live`]).

use std::sync::{Arc, Weak};
use std::time::Duration;

use crate::state::App;
use crate::store::run_blocking;

/// How often the heartbeat is written.
pub const BEAT_EVERY: Duration = Duration::from_secs(1);

/// Starts the heartbeat on the current Tokio runtime when the store is shared (none, or
/// SQLite: not started). It stops when the app is dropped.
pub fn spawn_heartbeat(app: &Arc<App>) {
    if app.heartbeat.is_none() {
        return;
    }
    let Ok(rt) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let weak: Weak<App> = Arc::downgrade(app);
    rt.spawn(async move {
        let mut tick = tokio::time::interval(BEAT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut failing = false;
        loop {
            tick.tick().await;
            let Some(app) = weak.upgrade() else { return };
            let (store, instance) = (app.store.clone(), app.instance.clone());
            match run_blocking(move || store.beat(&instance)).await {
                Ok(()) => {
                    app.beat_written();
                    if failing {
                        tracing::warn!(target: "seatquote::ledger", "heartbeat written again; commits accepted");
                    }
                    failing = false;
                }
                Err(e) => {
                    if !failing {
                        tracing::error!(target: "seatquote::ledger", cause = %e, "cannot write this replica's heartbeat; new commits are refused until it can");
                    }
                    failing = true;
                }
            }
        }
    });
}
