//! The upstream budget: fair shares, 429s and their bounds, calls per change, the commit's
//! reused preview, stuck commits beside other customers, and the rate shared by replicas.

mod rate;
mod retry_after;
mod reuse;
mod share;
mod stuck;
