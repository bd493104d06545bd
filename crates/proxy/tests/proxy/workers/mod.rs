//! The background workers: webhook delivery (its lanes and order).

mod lanes;
mod webhooks;
