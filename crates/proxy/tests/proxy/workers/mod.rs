//! The background workers: webhook delivery.

mod webhooks;
