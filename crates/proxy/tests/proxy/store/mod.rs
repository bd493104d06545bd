//! The stores' contracts on SQLite and PostgreSQL: the commit ledger's and the outbox's;
//! PostgreSQL over TLS.

mod ledger;
mod outbox;
mod parking;
mod tls;
