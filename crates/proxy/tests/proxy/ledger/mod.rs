//! The commit ledger: faults around the upstream commit, unknown outcomes resolved, replicas sharing one database, fencing and the database's clock.

mod attention;
mod backoff;
mod commit_faults;
mod deadline;
mod fencing;
mod item_state;
mod quarantine;
mod replicas;
mod resolve;
mod unrecorded;
