//! The upstream budget: the one gate every Cleverbridge request passes before it is sent
//! (docs/proxy.md, "Upstream discipline").
//!
//! - at most `max_per_second` requests in any 1-second window (Cleverbridge blocks a
//!   client above 30/s for 60 s) and at most `max_in_flight` at once;
//! - a fair share per customer ([`fair`]): commit-class requests (a commit, its guard read,
//!   reconciliation reads; one slot per customer) go first, each class keeping a share;
//!   customers take turns; a customer's normal requests hold two slots, queue at most 16;
//! - a 429 from Cleverbridge blocks every request for its `Retry-After` (at most
//!   [`MAX_BLOCK`]): waiting requests and new ones are refused at once, with the seconds
//!   left, instead of being sent;
//! - a request that cannot start before its deadline is refused; nothing was sent.
//!
//! In-process by default (SQLite, one replica). With a [`SharedBudget`] (PostgreSQL) the
//! per-second window, the in-flight slots and the block are kept in the database and
//! shared by every replica; the in-process scheduler still orders this replica's callers.

mod caller;
mod fair;
mod pg;
mod stats;

pub use caller::{Caller, Class};
pub use pg::PgBudget;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use tokio::sync::oneshot;

pub(crate) use fair::MAX_BLOCK;
use fair::{Fair, Next, Refusal};
use stats::Stats;

use crate::store::StoreError;

/// Why a request was not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Cleverbridge asked us to wait (429): this many seconds are left.
    Blocked(u64),
    /// No slot before the deadline, or this customer's queue is full.
    Busy,
}

/// The limits.
#[derive(Debug, Clone, Copy)]
pub struct BudgetConfig {
    /// Requests in flight.
    pub max_in_flight: usize,
    /// Requests in any 1-second window.
    pub max_per_second: u32,
}

/// What a [`SharedBudget`] answers when asked for a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    /// Leased slot number: send now, release after.
    Slot(i64),
    /// No slot or no room in the window now: ask again after this long.
    Wait(Duration),
    /// Cleverbridge blocked us (a 429 seen by some replica): this long is left.
    Blocked(Duration),
}

/// The budget kept where every replica sees it (the database). Blocking calls, run off
/// the async threads.
pub trait SharedBudget: Send + Sync + 'static {
    /// Leases a slot for `holder` if the window, the slots, the customer's share and the
    /// block allow it now.
    ///
    /// # Errors
    /// Storage failures.
    fn take(&self, holder: &str, customer: &str, class: Class) -> Result<Take, StoreError>;
    /// Gives a slot back.
    ///
    /// # Errors
    /// Storage failures.
    fn release(&self, holder: &str, slot: i64) -> Result<(), StoreError>;
    /// Blocks every replica for `for_ms` milliseconds from now (a 429).
    ///
    /// # Errors
    /// Storage failures.
    fn block(&self, for_ms: u64) -> Result<(), StoreError>;
}

type Grant = oneshot::Sender<Result<(), Instant>>;

struct Inner {
    fair: Mutex<Fair<Grant>>,
    wake_at: Mutex<Option<Instant>>,
    shared: Option<Arc<dyn SharedBudget>>,
    holder: String,
    next_id: AtomicU64,
    stats: Stats,
}

/// The budget (cheap to clone).
#[derive(Clone)]
pub struct Budget {
    inner: Arc<Inner>,
}

/// The right to send one request now; the slot is released when dropped.
pub struct Permit {
    inner: Arc<Inner>,
    who: Caller,
    /// A shared slot and the lease holder's name (unique per grant).
    slot: Option<(i64, String)>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let w = &self.who;
        self.inner.fair.lock().release(&w.customer, w.class, true);
        pump(&self.inner);
        if let (Some((slot, holder)), Some(shared)) = (self.slot.take(), self.inner.shared.clone())
        {
            let give_back = move || {
                if let Err(e) = shared.release(&holder, slot) {
                    tracing::warn!(cause = %e, "cannot release a shared upstream slot; its lease will expire");
                }
            };
            match tokio::runtime::Handle::try_current() {
                Ok(rt) => drop(rt.spawn_blocking(give_back)),
                Err(_) => give_back(),
            }
        }
    }
}

/// Per customer: normal requests in flight at once, and waiting.
const PER_CUSTOMER_IN_FLIGHT: usize = 2;
const PER_CUSTOMER_QUEUED: usize = 16;

impl Budget {
    /// An in-process budget.
    pub fn local(cfg: BudgetConfig) -> Self {
        Self::build(cfg, None)
    }

    /// A budget shared through `shared` by every replica (the window, the slots and the
    /// block live there; this process only orders its own callers).
    pub fn shared(cfg: BudgetConfig, shared: Arc<dyn SharedBudget>) -> Self {
        Self::build(cfg, Some(shared))
    }

    fn build(cfg: BudgetConfig, shared: Option<Arc<dyn SharedBudget>>) -> Self {
        let rps = if shared.is_some() {
            None
        } else {
            Some(cfg.max_per_second.max(1))
        };
        Self {
            inner: Arc::new(Inner {
                fair: Mutex::new(Fair::new(
                    cfg.max_in_flight,
                    PER_CUSTOMER_IN_FLIGHT,
                    PER_CUSTOMER_QUEUED,
                    rps,
                )),
                wake_at: Mutex::new(None),
                shared,
                holder: format!("budget-{:016x}", rand::random::<u64>()),
                next_id: AtomicU64::new(0),
                stats: Stats::default(),
            }),
        }
    }

    /// Waits for the right to send one request for `who`, until `deadline`.
    ///
    /// # Errors
    /// [`Refused`]: nothing may be sent.
    pub async fn acquire(&self, who: &Caller, deadline: Instant) -> Result<Permit, Refused> {
        let started = Instant::now();
        let r = self.acquire_inner(who, deadline).await;
        let s = &self.inner.stats;
        let waited = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        s.wait_micros.fetch_add(waited, Ordering::Relaxed);
        let counter = match (&r, who.class) {
            (Ok(_), Class::Commit) => &s.granted_commit,
            (Ok(_), Class::Normal) => &s.granted_normal,
            (Err(Refused::Blocked(_)), _) => &s.refused_blocked,
            (Err(Refused::Busy), _) => &s.refused_busy,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        r
    }

    async fn acquire_inner(&self, who: &Caller, deadline: Instant) -> Result<Permit, Refused> {
        let inner = &self.inner;
        let (tx, mut rx) = oneshot::channel();
        let id = inner.next_id.fetch_add(1, Ordering::Relaxed);
        let now = Instant::now();
        let queued = inner
            .fair
            .lock()
            .enqueue(now, &who.customer, who.class, id, tx);
        match queued {
            Ok(()) => {}
            Err(Refusal::Blocked(until)) => return Err(Refused::Blocked(secs_until(until))),
            Err(Refusal::QueueFull) => return Err(Refused::Busy),
        }
        pump(inner);
        let permit = |inner: &Arc<Inner>| Permit {
            inner: inner.clone(),
            who: who.clone(),
            slot: None,
        };
        let mut permit = match tokio::time::timeout_at(deadline.into(), &mut rx).await {
            Ok(Ok(Ok(()))) => permit(inner),
            Ok(Ok(Err(until))) => return Err(Refused::Blocked(secs_until(until))),
            Ok(Err(_)) => return Err(Refused::Busy),
            Err(_) => {
                let cancelled = inner.fair.lock().cancel(&who.customer, who.class, id);
                if cancelled.is_none() {
                    // Granted just now: give the slot back unused.
                    if let Ok(Ok(())) = rx.try_recv() {
                        inner.fair.lock().release(&who.customer, who.class, false);
                        pump(inner);
                    }
                }
                return Err(Refused::Busy);
            }
        };
        let Some(shared) = inner.shared.clone() else {
            return Ok(permit);
        };
        loop {
            let holder = format!("{}-{id}", inner.holder);
            let (s, h, c, class) = (
                shared.clone(),
                holder.clone(),
                who.customer.clone(),
                who.class,
            );
            let took = crate::store::run_blocking(move || s.take(&h, &c, class)).await;
            match took {
                Ok(Take::Slot(slot)) => {
                    permit.slot = Some((slot, holder));
                    return Ok(permit);
                }
                Ok(Take::Wait(d)) => {
                    let d = d.clamp(Duration::from_millis(5), Duration::from_millis(50));
                    if Instant::now() + d >= deadline {
                        return Err(Refused::Busy);
                    }
                    tokio::time::sleep(d).await;
                }
                Ok(Take::Blocked(d)) => {
                    drop(permit);
                    self.block_here(d);
                    return Err(Refused::Blocked(d.as_millis().div_ceil(1000).max(1) as u64));
                }
                Err(e) => {
                    tracing::warn!(cause = %e, "the shared upstream budget cannot be read; not sending");
                    return Err(Refused::Busy);
                }
            }
        }
    }

    /// Blocks this process's callers for `d` (at most [`MAX_BLOCK`]), refusing those waiting.
    fn block_here(&self, d: Duration) {
        let until = Instant::now() + d.min(MAX_BLOCK);
        let waiting = self.inner.fair.lock().block(until);
        for tx in waiting {
            let _ = tx.send(Err(until));
        }
    }

    /// Honours a 429's `Retry-After`, at most [`MAX_BLOCK`]: every request (on every
    /// replica, when shared) is refused until it has passed.
    pub fn honour_429(&self, retry_after: Duration) {
        let retry_after = retry_after.min(MAX_BLOCK);
        self.inner.stats.blocks.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(
            retry_after_s = retry_after.as_secs(),
            "Cleverbridge answered 429: no upstream requests until Retry-After has passed"
        );
        self.block_here(retry_after);
        if let Some(shared) = self.inner.shared.clone() {
            let ms = u64::try_from(retry_after.as_millis()).unwrap_or(u64::MAX);
            let write = move || {
                if let Err(e) = shared.block(ms) {
                    tracing::warn!(cause = %e, "cannot share a 429's block with the other replicas");
                }
            };
            match tokio::runtime::Handle::try_current() {
                Ok(rt) => drop(rt.spawn_blocking(write)),
                Err(_) => write(),
            }
        }
    }

    /// Whether the budget is shared with other replicas.
    pub fn is_shared(&self) -> bool {
        self.inner.shared.is_some()
    }
}

fn secs_until(t: Instant) -> u64 {
    let ms = t.saturating_duration_since(Instant::now()).as_millis();
    u64::try_from(ms.div_ceil(1000)).unwrap_or(u64::MAX).max(1)
}

/// Grants every waiter that may start now; arranges a wake-up for when the window or a
/// block ends.
fn pump(inner: &Arc<Inner>) {
    let now = Instant::now();
    let mut wake = None;
    {
        let mut f = inner.fair.lock();
        loop {
            match f.next(now) {
                Next::Grant(c, class, tx) => {
                    if tx.send(Ok(())).is_err() {
                        f.release(&c, class, false);
                    }
                }
                Next::WaitUntil(t) => {
                    wake = Some(t);
                    break;
                }
                Next::Idle => break,
            }
        }
    }
    if let Some(t) = wake {
        schedule(inner, t);
    }
}

fn schedule(inner: &Arc<Inner>, t: Instant) {
    let Ok(rt) = tokio::runtime::Handle::try_current() else {
        return;
    };
    {
        let mut w = inner.wake_at.lock();
        if w.is_some_and(|x| x <= t && x > Instant::now()) {
            return;
        }
        *w = Some(t);
    }
    let weak: Weak<Inner> = Arc::downgrade(inner);
    rt.spawn(async move {
        tokio::time::sleep_until(t.into()).await;
        if let Some(inner) = weak.upgrade() {
            {
                let mut w = inner.wake_at.lock();
                if *w == Some(t) {
                    *w = None;
                }
            }
            pump(&inner);
        }
    });
}
