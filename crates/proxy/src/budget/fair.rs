//! The in-process scheduler behind [`super::Budget`]: who may send the next upstream
//! request. Pure bookkeeping (no clocks of its own, no I/O), so it is tested directly.
//!
//! Rules, in order: nothing while blocked (a 429's `Retry-After`); at most
//! `max_in_flight` in flight; at most `rps` grants in any 1-second window, at least
//! 1/`rps` s apart (when this process keeps the window; with a shared budget the
//! database keeps it); commit-class
//! waiters before normal ones, and the last free slot only for them; within a class,
//! customers in round-robin order, one grant per turn; a customer's normal requests hold
//! at most `per_customer` slots at once, so one customer sending many distinct previews
//! leaves the other slots to others.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use super::Class;

const WINDOW: Duration = Duration::from_secs(1);

/// The longest block a 429 sets (its `Retry-After` capped to it; docs/proxy.md,
/// "Upstream discipline"): a bad or hostile value cannot stop every replica for good.
pub(crate) const MAX_BLOCK: Duration = Duration::from_secs(300);

/// One class's waiting customers in turn order.
struct RoundRobin<W> {
    order: VecDeque<String>,
    waiting: HashMap<String, VecDeque<(u64, W)>>,
}

impl<W> Default for RoundRobin<W> {
    fn default() -> Self {
        Self {
            order: VecDeque::new(),
            waiting: HashMap::new(),
        }
    }
}

impl<W> RoundRobin<W> {
    fn push(&mut self, customer: &str, id: u64, w: W) {
        let q = self.waiting.entry(customer.to_owned()).or_default();
        if q.is_empty() {
            self.order.push_back(customer.to_owned());
        }
        q.push_back((id, w));
    }

    fn queued(&self, customer: &str) -> usize {
        self.waiting.get(customer).map_or(0, VecDeque::len)
    }

    fn len(&self) -> usize {
        self.waiting.values().map(VecDeque::len).sum()
    }

    /// The next waiter whose customer `eligible` allows, rotating the turn.
    fn pop(&mut self, eligible: impl Fn(&str) -> bool) -> Option<(String, W)> {
        for _ in 0..self.order.len() {
            let c = self.order.pop_front()?;
            let Some(q) = self.waiting.get_mut(&c) else {
                continue;
            };
            if q.is_empty() {
                self.waiting.remove(&c);
                continue;
            }
            if !eligible(&c) {
                self.order.push_back(c);
                continue;
            }
            let (_, w) = q.pop_front()?;
            if q.is_empty() {
                self.waiting.remove(&c);
            } else {
                self.order.push_back(c.clone());
            }
            return Some((c, w));
        }
        None
    }

    fn cancel(&mut self, customer: &str, id: u64) -> Option<W> {
        let q = self.waiting.get_mut(customer)?;
        let at = q.iter().position(|(i, _)| *i == id)?;
        let (_, w) = q.remove(at)?;
        if q.is_empty() {
            self.waiting.remove(customer);
            self.order.retain(|c| c != customer);
        }
        Some(w)
    }

    fn drain(&mut self) -> Vec<W> {
        self.order.clear();
        self.waiting
            .drain()
            .flat_map(|(_, q)| q.into_iter().map(|(_, w)| w))
            .collect()
    }
}

/// What the scheduler can do now.
pub(crate) enum Next<W> {
    /// Grant this waiter (of this customer) a slot: it is counted as sent now.
    Grant(String, W),
    /// Nothing until this time (the window or a block ends).
    WaitUntil(Instant),
    /// Nothing until a slot is released or a waiter arrives.
    Idle,
}

/// The scheduler's state.
pub(crate) struct Fair<W> {
    max_in_flight: usize,
    per_customer: usize,
    max_queued: usize,
    rps: Option<u32>,
    in_flight: usize,
    per: HashMap<String, usize>,
    window: VecDeque<Instant>,
    blocked_until: Option<Instant>,
    commits: RoundRobin<W>,
    normal: RoundRobin<W>,
}

/// Why a request may not even wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Blocked by a 429 until this time.
    Blocked(Instant),
    /// This customer already has `max_queued` requests of the class waiting.
    QueueFull,
}

impl<W> Fair<W> {
    /// A scheduler; `rps: None` leaves the per-second window to a shared budget.
    pub(crate) fn new(
        max_in_flight: usize,
        per_customer: usize,
        max_queued: usize,
        rps: Option<u32>,
    ) -> Self {
        Self {
            max_in_flight: max_in_flight.max(1),
            per_customer: per_customer.max(1),
            max_queued: max_queued.max(1),
            rps,
            in_flight: 0,
            per: HashMap::new(),
            window: VecDeque::new(),
            blocked_until: None,
            commits: RoundRobin::default(),
            normal: RoundRobin::default(),
        }
    }

    fn class(&mut self, class: Class) -> &mut RoundRobin<W> {
        match class {
            Class::Commit => &mut self.commits,
            Class::Normal => &mut self.normal,
        }
    }

    /// Queues a waiter, unless blocked or the customer's queue is full.
    pub(crate) fn enqueue(
        &mut self,
        now: Instant,
        customer: &str,
        class: Class,
        id: u64,
        w: W,
    ) -> Result<(), Refusal> {
        if let Some(until) = self.blocked_until.filter(|t| *t > now) {
            return Err(Refusal::Blocked(until));
        }
        let max = self.max_queued;
        let rr = self.class(class);
        if rr.queued(customer) >= max {
            return Err(Refusal::QueueFull);
        }
        rr.push(customer, id, w);
        Ok(())
    }

    /// Takes a waiter out of the queue (it gave up).
    pub(crate) fn cancel(&mut self, customer: &str, class: Class, id: u64) -> Option<W> {
        self.class(class).cancel(customer, id)
    }

    /// The next thing to do at `now` (call until it is not [`Next::Grant`]).
    pub(crate) fn next(&mut self, now: Instant) -> Next<W> {
        if self.commits.len() + self.normal.len() == 0 {
            return Next::Idle;
        }
        if let Some(until) = self.blocked_until {
            if until > now {
                return Next::WaitUntil(until);
            }
            self.blocked_until = None;
        }
        if self.in_flight >= self.max_in_flight {
            return Next::Idle;
        }
        if let Some(rps) = self.rps {
            while self
                .window
                .front()
                .is_some_and(|t| now.duration_since(*t) >= WINDOW)
            {
                self.window.pop_front();
            }
            if self.window.len() >= rps as usize {
                if let Some(first) = self.window.front() {
                    return Next::WaitUntil(*first + WINDOW);
                }
            }
            // Evenly spaced rather than in bursts: what arrives upstream keeps under the
            // limit even when requests are delayed unevenly on their way.
            if let Some(last) = self.window.back() {
                let gap = WINDOW / rps.max(1);
                if now < *last + gap {
                    return Next::WaitUntil(*last + gap);
                }
            }
        }
        let picked = match self.commits.pop(|_| true) {
            Some(p) => Some(p),
            // The last slot is the commit class's.
            None if self.max_in_flight > 1 && self.in_flight + 1 >= self.max_in_flight => None,
            None => {
                let (per, cap) = (&self.per, self.per_customer);
                self.normal.pop(|c| per.get(c).copied().unwrap_or(0) < cap)
            }
        };
        let Some((c, w)) = picked else {
            return Next::Idle;
        };
        self.in_flight += 1;
        *self.per.entry(c.clone()).or_default() += 1;
        if self.rps.is_some() {
            self.window.push_back(now);
        }
        Next::Grant(c, w)
    }

    /// A granted slot is free again (`sent`: whether the grant was used; an unused grant
    /// gives its place in the window back too).
    pub(crate) fn release(&mut self, customer: &str, sent: bool) {
        self.in_flight = self.in_flight.saturating_sub(1);
        if let Some(n) = self.per.get_mut(customer) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.per.remove(customer);
            }
        }
        if !sent && self.rps.is_some() {
            self.window.pop_back();
        }
    }

    /// Blocks until `until` (a 429); returns every waiter, who must give up.
    pub(crate) fn block(&mut self, until: Instant) -> Vec<W> {
        if self.blocked_until.is_none_or(|t| t < until) {
            self.blocked_until = Some(until);
        }
        let mut out = self.commits.drain();
        out.extend(self.normal.drain());
        out
    }

    /// Requests in flight and waiting (commit class, normal class).
    pub(crate) fn load(&self) -> (usize, usize, usize) {
        (self.in_flight, self.commits.len(), self.normal.len())
    }

    /// When the current block ends, if blocked at `now`.
    pub(crate) fn blocked_until(&self, now: Instant) -> Option<Instant> {
        self.blocked_until.filter(|t| *t > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grants(f: &mut Fair<u32>, now: Instant) -> Vec<(String, u32)> {
        let mut out = Vec::new();
        while let Next::Grant(c, w) = f.next(now) {
            out.push((c, w));
        }
        out
    }

    #[test]
    fn a_flooding_customer_gets_its_share_only() {
        let now = Instant::now();
        let mut f = Fair::new(4, 2, 100, None);
        for i in 0..20 {
            f.enqueue(now, "flood", Class::Normal, i, i as u32).unwrap();
        }
        f.enqueue(now, "other", Class::Normal, 100, 100).unwrap();
        f.enqueue(now, "third", Class::Normal, 101, 101).unwrap();
        let g = grants(&mut f, now);
        // Turns: one each; the fourth slot is kept for commits.
        let who: Vec<&str> = g.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(who, ["flood", "other", "third"]);
        // A commit arriving later takes the kept slot at once.
        f.enqueue(now, "other", Class::Commit, 102, 102).unwrap();
        assert!(matches!(f.next(now), Next::Grant(c, 102) if c == "other"));
        assert!(matches!(f.next(now), Next::Idle));
        // Freed slots go to the flooder up to its cap of two.
        f.release("other", true);
        f.release("third", true);
        f.release("other", true);
        let g = grants(&mut f, now);
        assert_eq!(g.len(), 1, "{g:?}");
        assert!(matches!(f.next(now), Next::Idle));
    }

    #[test]
    fn the_window_caps_grants_per_second() {
        let now = Instant::now();
        let mut f = Fair::new(4, 4, 100, Some(3));
        for i in 0..10 {
            f.enqueue(now, &format!("c{i}"), Class::Normal, i, i as u32)
                .unwrap();
        }
        let gap = WINDOW / 3;
        let mut at = now;
        let mut n = 0;
        for _ in 0..10 {
            match f.next(at) {
                Next::Grant(c, _) => {
                    n += 1;
                    f.release(&c, true);
                }
                // Spaced by a third of a second, then the window is full.
                Next::WaitUntil(t) if n < 3 => {
                    assert_eq!(t, at + gap);
                    at = t;
                }
                Next::WaitUntil(t) => {
                    assert_eq!(t, now + WINDOW);
                    break;
                }
                Next::Idle => panic!("idle with waiters"),
            }
        }
        assert_eq!(n, 3);
        assert_eq!(grants(&mut f, now + WINDOW).len(), 1);
        // An unused grant gives its place back.
        f.release("c3", false);
        assert_eq!(grants(&mut f, now + WINDOW).len(), 1);
    }

    #[test]
    fn a_block_refuses_and_drains() {
        let now = Instant::now();
        let mut f = Fair::new(1, 1, 2, None);
        f.enqueue(now, "a", Class::Normal, 1, 1).unwrap();
        f.enqueue(now, "a", Class::Normal, 2, 2).unwrap();
        assert_eq!(
            f.enqueue(now, "a", Class::Normal, 3, 3),
            Err(Refusal::QueueFull)
        );
        assert_eq!(f.cancel("a", Class::Normal, 2), Some(2));
        let until = now + Duration::from_secs(2);
        assert_eq!(f.block(until), vec![1]);
        assert_eq!(
            f.enqueue(now, "b", Class::Commit, 4, 4),
            Err(Refusal::Blocked(until))
        );
        assert!(matches!(f.next(now), Next::Idle));
        f.enqueue(until, "b", Class::Commit, 5, 5).unwrap();
        assert!(matches!(f.next(until), Next::Grant(_, 5)));
    }
}
