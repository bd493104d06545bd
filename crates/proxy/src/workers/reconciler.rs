//! The commit ledger's background reconciler: every [`RECONCILE_EVERY`] it resolves the
//! unfinished intents that are due ([`crate::ledger::resolve`]), unless a request with
//! the same key is running here (that request resolves its intent itself).

use std::sync::{Arc, Weak};
use std::time::Duration;

use crate::ledger::{resolve, stale_after};
use crate::state::App;
use crate::store::run_blocking;

/// How often the reconciler looks for unfinished intents.
pub const RECONCILE_EVERY: Duration = Duration::from_millis(500);

/// One pass of the reconciler: resolves every due intent it can.
pub async fn reconcile_once(app: &App, owner: &str) {
    let stale = stale_after(app);
    let store = app.store.clone();
    let due = match run_blocking(move || store.due(stale)).await {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(target: "seatquote::ledger", cause = %e, "reconciler cannot read the ledger");
            return;
        }
    };
    for i in due {
        // A request with this key is running: it resolves the intent itself.
        let Ok(_guard) = app.key_lock(&i.key).try_lock_owned() else {
            continue;
        };
        if let Err(e) = resolve(app, &i, owner).await {
            tracing::error!(target: "seatquote::ledger", cause = %e, "reconciler cannot resolve a commit");
        }
    }
}

/// Starts the background reconciler on the current Tokio runtime (none: not started).
/// It stops when the app is dropped.
pub fn spawn_reconciler(app: &Arc<App>) {
    let Ok(rt) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let weak: Weak<App> = Arc::downgrade(app);
    let owner = format!("reconciler-{:016x}", rand::random::<u64>());
    rt.spawn(async move {
        let mut tick = tokio::time::interval(RECONCILE_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(app) = weak.upgrade() else { return };
            reconcile_once(&app, &owner).await;
        }
    });
}
