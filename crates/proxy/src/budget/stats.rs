//! The budget's counters and gauges, and their Prometheus text (`GET /metrics`).

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use super::{secs_until, Budget};

#[derive(Default)]
pub(super) struct Stats {
    pub(super) granted_commit: AtomicU64,
    pub(super) granted_normal: AtomicU64,
    pub(super) refused_blocked: AtomicU64,
    pub(super) refused_busy: AtomicU64,
    pub(super) wait_micros: AtomicU64,
    pub(super) blocks: AtomicU64,
}

impl Budget {
    /// Prometheus text of the budget's counters and gauges.
    pub fn render(&self) -> String {
        let s = &self.inner.stats;
        let now = Instant::now();
        let (in_flight, commits, normal, blocked) = {
            let f = self.inner.fair.lock();
            let (a, b, c) = f.load();
            (a, b, c, f.blocked_until(now))
        };
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let mut out = String::new();
        let _ = writeln!(out, "# HELP seatquote_budget_granted_total Upstream requests allowed to start, by class.\n# TYPE seatquote_budget_granted_total counter");
        let _ = writeln!(out, "seatquote_budget_granted_total{{class=\"commit\"}} {}\nseatquote_budget_granted_total{{class=\"normal\"}} {}", get(&s.granted_commit), get(&s.granted_normal));
        let _ = writeln!(out, "# HELP seatquote_budget_refused_total Upstream requests not sent: blocked by a 429, or no slot in time / queue full.\n# TYPE seatquote_budget_refused_total counter");
        let _ = writeln!(out, "seatquote_budget_refused_total{{reason=\"blocked\"}} {}\nseatquote_budget_refused_total{{reason=\"busy\"}} {}", get(&s.refused_blocked), get(&s.refused_busy));
        let _ = writeln!(out, "# HELP seatquote_budget_wait_microseconds_total Time spent waiting for the upstream budget.\n# TYPE seatquote_budget_wait_microseconds_total counter\nseatquote_budget_wait_microseconds_total {}", get(&s.wait_micros));
        let _ = writeln!(out, "# HELP seatquote_budget_429_total 429 answers honoured (every request held back for Retry-After).\n# TYPE seatquote_budget_429_total counter\nseatquote_budget_429_total {}", get(&s.blocks));
        let _ = writeln!(out, "# HELP seatquote_budget_waiting Requests waiting for the upstream budget, by class.\n# TYPE seatquote_budget_waiting gauge\nseatquote_budget_waiting{{class=\"commit\"}} {commits}\nseatquote_budget_waiting{{class=\"normal\"}} {normal}");
        let _ = writeln!(out, "# HELP seatquote_budget_granted_in_flight Upstream requests holding a slot in this process.\n# TYPE seatquote_budget_granted_in_flight gauge\nseatquote_budget_granted_in_flight {in_flight}");
        let left = blocked.map_or(0, secs_until);
        let _ = writeln!(out, "# HELP seatquote_budget_blocked_seconds Seconds left of a 429's block seen by this process.\n# TYPE seatquote_budget_blocked_seconds gauge\nseatquote_budget_blocked_seconds {left}");
        let _ = writeln!(out, "# HELP seatquote_budget_shared Whether the budget is shared by the replicas (PostgreSQL).\n# TYPE seatquote_budget_shared gauge\nseatquote_budget_shared {}", u8::from(self.is_shared()));
        out
    }
}
