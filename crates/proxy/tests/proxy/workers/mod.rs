//! The background workers: webhook delivery (its lanes and order, each event's target
//! URL).

mod lanes;
mod targets;
mod webhooks;
