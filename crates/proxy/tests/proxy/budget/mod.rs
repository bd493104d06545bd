//! The upstream budget: fair shares, 429s, calls per change, and the rate shared by replicas.

mod rate;
mod share;
