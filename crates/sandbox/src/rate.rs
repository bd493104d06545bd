//! Cleverbridge's rate limit as the sandbox enforces and counts it: more than `limit`
//! requests from one client IP in any 1-second window → 429 with `Retry-After` and a
//! block of `block` (60 s at Cleverbridge); the counters say how close callers came
//! (the most requests seen in any 1-second window) and how many 429s were sent, so a
//! test can assert "never more than 30 in any second, never a 429".

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use serde::Serialize;

const WINDOW: Duration = Duration::from_secs(1);

#[derive(Default)]
struct Client {
    /// Admitted requests in the last second (what the limit counts).
    hits: VecDeque<Instant>,
    /// Every arrival in the last second, blocked or not (what the statistics count).
    seen: VecDeque<Instant>,
    blocked_until: Option<Instant>,
}

fn trim(q: &mut VecDeque<Instant>, now: Instant) {
    while q.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
        q.pop_front();
    }
}

/// The limiter with its counters.
pub(crate) struct RateLimit {
    limit: u32,
    block: Duration,
    clients: HashMap<IpAddr, Client>,
    max_in_window: usize,
    limited: u64,
}

/// What `GET /sandbox/_admin/counters` shows under `rate`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RateCounters {
    /// Requests per second per client IP allowed (0: no limit).
    pub limit_per_second: u32,
    /// How long a client is blocked after going over, seconds.
    pub block_seconds: u64,
    /// The most requests one client IP sent in any 1-second window (every arrival counts,
    /// blocked ones too).
    pub max_in_any_second: usize,
    /// 429s sent because of the rate limit (injected `status429` faults not included).
    pub limited: u64,
}

impl RateLimit {
    /// `limit` requests per second per client IP (0: off), blocking for `block` after.
    pub(crate) fn new(limit: u32, block: Duration) -> Self {
        Self {
            limit,
            block,
            clients: HashMap::new(),
            max_in_window: 0,
            limited: 0,
        }
    }

    /// Counts an arrival; `Err(retry_after_seconds)` when the client is over the limit or
    /// blocked.
    pub(crate) fn admit(&mut self, peer: IpAddr) -> Result<(), u64> {
        let now = Instant::now();
        if self.clients.len() > 10_000 {
            self.clients.retain(|_, c| {
                c.blocked_until.is_some_and(|t| t > now)
                    || c.seen
                        .back()
                        .is_some_and(|t| now.duration_since(*t) < WINDOW)
            });
        }
        let c = self.clients.entry(peer).or_default();
        trim(&mut c.seen, now);
        c.seen.push_back(now);
        self.max_in_window = self.max_in_window.max(c.seen.len());
        if self.limit == 0 {
            return Ok(());
        }
        let block = self.block;
        if let Some(until) = c.blocked_until.filter(|t| *t > now) {
            self.limited += 1;
            let left = until
                .saturating_duration_since(now)
                .as_millis()
                .div_ceil(1000);
            return Err(u64::try_from(left).unwrap_or(u64::MAX).max(1));
        }
        trim(&mut c.hits, now);
        c.hits.push_back(now);
        if c.hits.len() > self.limit as usize {
            c.blocked_until = Some(now + block);
            self.limited += 1;
            return Err(block.as_secs().max(1));
        }
        Ok(())
    }

    /// The counters.
    pub(crate) fn counters(&self) -> RateCounters {
        RateCounters {
            limit_per_second: self.limit,
            block_seconds: self.block.as_secs(),
            max_in_any_second: self.max_in_window,
            limited: self.limited,
        }
    }

    /// Windows, blocks and counters cleared.
    pub(crate) fn reset(&mut self) {
        self.clients.clear();
        self.max_in_window = 0;
        self.limited = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_the_limit_blocks_and_counts() {
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let mut r = RateLimit::new(3, Duration::from_secs(7));
        for _ in 0..3 {
            assert_eq!(r.admit(ip), Ok(()));
        }
        assert_eq!(r.admit(ip), Err(7));
        assert!(matches!(r.admit(ip), Err(6 | 7)));
        let c = r.counters();
        assert_eq!((c.max_in_any_second, c.limited), (5, 2));
        r.reset();
        assert_eq!(r.admit(ip), Ok(()));
        assert_eq!(r.counters().max_in_any_second, 1);
        let mut off = RateLimit::new(0, Duration::from_secs(60));
        for _ in 0..100 {
            assert_eq!(off.admit(ip), Ok(()));
        }
        assert_eq!(off.counters().max_in_any_second, 100);
    }
}
