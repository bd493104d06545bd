//! The background workers [`spawn_workers`] starts next to the HTTP server: the commit
//! ledger's [`reconciler`], the replica's [`heartbeat`], the [`scheduler`] of changes at the
//! next billing date, the outbox's webhook [`deliverer`] and its retention [`pruner`].

pub mod deliverer;
pub mod heartbeat;
pub mod pruner;
pub mod reconciler;
pub mod scheduler;

use crate::state::AppState;

/// Starts the reconciler, the heartbeat (PostgreSQL), the scheduler, the pruner and (when a
/// webhook URL is configured) the deliverer on the current Tokio runtime (none: none is
/// started). They stop when the state is
/// dropped. `main` calls it before serving [`crate::app`]; a test that wants them
/// calls it too.
pub fn spawn_workers(state: &AppState) {
    reconciler::spawn_reconciler(state);
    heartbeat::spawn_heartbeat(state);
    scheduler::spawn_scheduler(state);
    deliverer::spawn_deliverer(state);
    pruner::spawn_pruner(state);
}
