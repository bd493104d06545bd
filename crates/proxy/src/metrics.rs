//! Prometheus text-format metrics (`GET /metrics`), kept by hand: a few counters do not
//! need a metrics framework. A leaf: callers hand in plain labels.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use parking_lot::Mutex;

type UpstreamKey = (&'static str, &'static str);

/// Counters of the proxy.
#[derive(Default)]
pub struct Metrics {
    http: Mutex<BTreeMap<(String, u16), u64>>,
    upstream: Mutex<BTreeMap<UpstreamKey, (u64, u64)>>,
    retries: Mutex<BTreeMap<&'static str, u64>>,
    coalesced: Mutex<BTreeMap<&'static str, u64>>,
    commits: Mutex<BTreeMap<&'static str, u64>>,
    transitions: Mutex<BTreeMap<&'static str, u64>>,
    in_flight: AtomicI64,
}

impl Metrics {
    /// Counts an HTTP response by route and status.
    pub fn http(&self, route: &str, status: u16) {
        *self
            .http
            .lock()
            .entry((route.to_owned(), status))
            .or_default() += 1;
    }

    /// Counts an upstream call by operation and outcome (`ok` or the error's label).
    pub fn upstream(&self, op: &'static str, outcome: &'static str, took: Duration) {
        let mut m = self.upstream.lock();
        let e = m.entry((op, outcome)).or_default();
        e.0 += 1;
        e.1 += u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
    }

    /// Counts a retry.
    pub fn retry(&self, op: &'static str) {
        *self.retries.lock().entry(op).or_default() += 1;
    }

    /// Counts a call served by an in-flight or cached identical call.
    pub fn coalesced(&self, op: &'static str) {
        *self.coalesced.lock().entry(op).or_default() += 1;
    }

    /// Counts a commit outcome.
    pub fn commit(&self, outcome: &'static str) {
        *self.commits.lock().entry(outcome).or_default() += 1;
    }

    /// Counts a commit ledger transition by its target state.
    pub fn transition(&self, to: &'static str) {
        *self.transitions.lock().entry(to).or_default() += 1;
    }

    /// Adjusts the in-flight gauge.
    pub fn upstream_in_flight(&self, delta: i64) {
        self.in_flight.fetch_add(delta, Ordering::Relaxed);
    }

    /// The text exposition.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# HELP seatquote_http_responses_total Responses by route and status.\n# TYPE seatquote_http_responses_total counter");
        for ((route, status), n) in self.http.lock().iter() {
            let _ = writeln!(
                s,
                "seatquote_http_responses_total{{route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        let _ = writeln!(s, "# HELP seatquote_upstream_requests_total Cleverbridge calls by operation and outcome.\n# TYPE seatquote_upstream_requests_total counter");
        let up = self.upstream.lock();
        for ((op, outcome), (n, _)) in up.iter() {
            let _ = writeln!(
                s,
                "seatquote_upstream_requests_total{{op=\"{op}\",outcome=\"{outcome}\"}} {n}"
            );
        }
        let _ = writeln!(s, "# HELP seatquote_upstream_microseconds_total Time spent in Cleverbridge calls.\n# TYPE seatquote_upstream_microseconds_total counter");
        for ((op, outcome), (_, micros)) in up.iter() {
            let _ = writeln!(
                s,
                "seatquote_upstream_microseconds_total{{op=\"{op}\",outcome=\"{outcome}\"}} {micros}"
            );
        }
        drop(up);
        let _ = writeln!(s, "# HELP seatquote_upstream_retries_total Retried Cleverbridge calls.\n# TYPE seatquote_upstream_retries_total counter");
        for (op, n) in self.retries.lock().iter() {
            let _ = writeln!(s, "seatquote_upstream_retries_total{{op=\"{op}\"}} {n}");
        }
        let _ = writeln!(s, "# HELP seatquote_upstream_coalesced_total Calls answered by an identical in-flight or cached call.\n# TYPE seatquote_upstream_coalesced_total counter");
        for (op, n) in self.coalesced.lock().iter() {
            let _ = writeln!(s, "seatquote_upstream_coalesced_total{{op=\"{op}\"}} {n}");
        }
        let _ = writeln!(s, "# HELP seatquote_commits_total Commit outcomes.\n# TYPE seatquote_commits_total counter");
        for (o, n) in self.commits.lock().iter() {
            let _ = writeln!(s, "seatquote_commits_total{{outcome=\"{o}\"}} {n}");
        }
        let _ = writeln!(s, "# HELP seatquote_commit_transitions_total Commit ledger transitions by target state.\n# TYPE seatquote_commit_transitions_total counter");
        for (t, n) in self.transitions.lock().iter() {
            let _ = writeln!(s, "seatquote_commit_transitions_total{{to=\"{t}\"}} {n}");
        }
        let _ = writeln!(s, "# HELP seatquote_upstream_in_flight Cleverbridge calls in flight.\n# TYPE seatquote_upstream_in_flight gauge\nseatquote_upstream_in_flight {}", self.in_flight.load(Ordering::Relaxed));
        s
    }
}
