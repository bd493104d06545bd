//! The background workers: webhook delivery (its lanes and order, each event's target
//! URL) and the outbox's retention.

mod lanes;
mod retention;
mod targets;
mod webhooks;
