//! The commit ledger: faults around the upstream commit, unknown outcomes resolved, replicas sharing one database.

mod attention;
mod backoff;
mod commit_faults;
mod deadline;
mod item_state;
mod quarantine;
mod replicas;
mod resolve;
