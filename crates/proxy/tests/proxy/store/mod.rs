//! The stores' contracts on SQLite and PostgreSQL: the commit ledger's and the outbox's.

mod ledger;
mod outbox;
mod parking;
