//! The upstream budget: fair shares, 429s, calls per change, stuck commits beside other
//! customers, and the rate shared by replicas.

mod rate;
mod share;
mod stuck;
