//! The in-process scheduler behind [`super::Budget`]: who may send the next upstream
//! request. Pure bookkeeping (no clocks of its own, no I/O), so it is tested directly.
//!
//! Rules, in order: nothing while blocked (a 429's `Retry-After`); at most
//! `max_in_flight` in flight; at most `rps` grants in any 1-second window, at least
//! 1/`rps` s apart (when this process keeps the window; with a shared budget the
//! database keeps it); commit-class waiters before normal ones, and the last free slot for
//! them, but each class holds at most all slots but one (the other class's minimum
//! share), and after
//! [`COMMIT_STREAK`] commit-class grants in a row a waiting normal request goes next (normal
//! requests keep at least a quarter of the window); within a class, customers in
//! round-robin order, one grant per turn; a customer's normal requests hold at most
//! `per_customer` slots at once and its commit-class requests one, so one customer sending
//! many distinct previews, or replaying commits, or a few stuck commits being read,
//! leave the other slots to others.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use super::Class;

const WINDOW: Duration = Duration::from_secs(1);

/// Commit-class grants in a row while normal requests wait, before one of those goes next.
pub(crate) const COMMIT_STREAK: u32 = 3;

/// Commit-class slots one customer holds at once (its guard read, re-preview and commit
/// follow each other; its stuck commits' reads wait their turn).
const PER_CUSTOMER_COMMIT: usize = 1;
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
    /// Grant this waiter (of this customer, in this class) a slot: it is counted as sent
    /// now.
    Grant(String, Class, W),
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
    /// Of `in_flight`, the commit class's.
    commits_in_flight: usize,
    per: HashMap<String, usize>,
    /// Commit-class slots per customer.
    per_commit: HashMap<String, usize>,
    /// Commit-class grants in a row while normal requests waited.
    streak: u32,
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
            commits_in_flight: 0,
            per: HashMap::new(),
            per_commit: HashMap::new(),
            streak: 0,
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
        // Each class holds at most all slots but one: the other class's minimum share. The
        // last free slot is the commit class's, unless it holds its share already.
        let share = self.max_in_flight.saturating_sub(1).max(1);
        let commit_room = self.commits_in_flight < share;
        let last_kept = self.max_in_flight > 1
            && self.in_flight + 1 >= self.max_in_flight
            && self.commits_in_flight < share;
        let normal_room =
            self.in_flight.saturating_sub(self.commits_in_flight) < share && !last_kept;
        let normal_first = self.streak >= COMMIT_STREAK;
        let mut picked = None;
        if normal_first && normal_room {
            picked = self.pop_normal().map(|p| (p, Class::Normal));
        }
        if picked.is_none() && commit_room {
            let (per, cap) = (&self.per_commit, PER_CUSTOMER_COMMIT);
            picked = self
                .commits
                .pop(|c| per.get(c).copied().unwrap_or(0) < cap)
                .map(|p| (p, Class::Commit));
        }
        if picked.is_none() && normal_room && !normal_first {
            picked = self.pop_normal().map(|p| (p, Class::Normal));
        }
        let Some(((c, w), class)) = picked else {
            return Next::Idle;
        };
        self.in_flight += 1;
        *self.per.entry(c.clone()).or_default() += 1;
        if class == Class::Commit {
            self.commits_in_flight += 1;
            *self.per_commit.entry(c.clone()).or_default() += 1;
            self.streak = if self.normal.len() > 0 {
                self.streak + 1
            } else {
                0
            };
        } else {
            self.streak = 0;
        }
        if self.rps.is_some() {
            self.window.push_back(now);
        }
        Next::Grant(c, class, w)
    }

    /// The next normal waiter whose customer is under its share.
    fn pop_normal(&mut self) -> Option<(String, W)> {
        let (per, cap) = (&self.per, self.per_customer);
        self.normal.pop(|c| per.get(c).copied().unwrap_or(0) < cap)
    }

    /// A granted slot of `class` is free again (`sent`: whether the grant was used; an
    /// unused grant gives its place in the window back too).
    pub(crate) fn release(&mut self, customer: &str, class: Class, sent: bool) {
        self.in_flight = self.in_flight.saturating_sub(1);
        let down = |m: &mut HashMap<String, usize>| {
            if let Some(n) = m.get_mut(customer) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    m.remove(customer);
                }
            }
        };
        down(&mut self.per);
        if class == Class::Commit {
            self.commits_in_flight = self.commits_in_flight.saturating_sub(1);
            down(&mut self.per_commit);
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
mod tests;
