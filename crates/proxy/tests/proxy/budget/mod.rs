//! The upstream budget: fair shares, 429s and their bounds, calls per change, and the rate
//! shared by replicas.

mod rate;
mod retry_after;
mod share;
