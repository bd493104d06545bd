//! The commit ledger: faults around the upstream commit, unknown outcomes resolved, replicas sharing one database, fencing and the database's clock, forged quote tokens kept out of it.

mod attention;
mod backoff;
mod commit_faults;
mod deadline;
mod fencing;
mod forged_token;
mod item_state;
mod quarantine;
mod replicas;
mod resolve;
mod unrecorded;
