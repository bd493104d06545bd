//! The commit ledger's store contract, the same assertions against both backends
//! ([`SqliteStore`] and [`PgStore`] on a throw-away PostgreSQL server), and what must hold
//! when several processes share one PostgreSQL database: one winner for a key, a jti, an
//! item and a lease, whoever races (a commit parked as needing attention: [`super::parking`]).

use std::sync::{Arc, Barrier};

use seatquote_proxy::{
    Begin, IdempotencyStore, Intent, IntentState, PgStore, Plan, Record, SqliteStore,
};

pub(super) fn intent(key: &str, jti: &str) -> Intent {
    Intent {
        key: key.into(),
        attempt: format!("{key}-attempt-1"),
        fingerprint: "f".into(),
        jti: jti.into(),
        subscription: "S1".into(),
        running_no: 1,
        from_quantity: 1,
        quantity: 2,
        response: "{}".into(),
        state: IntentState::Recorded,
        resolve_after: 0,
        before: None,
        intended: None,
        effective_on: None,
        change: Default::default(),
    }
}

pub(super) fn pg(instance: &str) -> PgStore {
    let url = seatquote_testkit::shared()
        .unwrap()
        .create_database()
        .unwrap();
    PgStore::open(url.parse().unwrap(), instance, 4).unwrap()
}

fn pg_at(url: &str, instance: &str) -> PgStore {
    PgStore::open(url.parse().unwrap(), instance, 4).unwrap()
}

const BEFORE: &str =
    r#"{"productId":"P","quantity":1,"nextBillingDate":"2026-11-13","nextBillingPrice":"1200"}"#;
const INTENDED: &str =
    r#"{"productId":"P","quantity":2,"nextBillingDate":"2026-11-13","nextBillingPrice":null}"#;

fn plan() -> Plan<'static> {
    Plan {
        from_quantity: 1,
        response: "{\"a\":1}",
        before: BEFORE,
        intended: INTENDED,
    }
}

fn lifecycle(s: &dyn IdempotencyStore) {
    let i = intent("k", "j");
    let a = i.attempt.as_str();
    assert_eq!(s.begin(&i, "w").unwrap(), Begin::Started);
    assert_eq!(s.begin(&i, "w").unwrap(), Begin::KeyExists);
    assert_eq!(s.begin(&intent("k2", "j"), "w").unwrap(), Begin::TokenUsed);
    let same_item = intent("k3", "j3");
    assert_eq!(s.begin(&same_item, "w").unwrap(), Begin::ItemBusy);
    assert_eq!(s.get("k").unwrap(), Some(Record::Pending(i.clone())));
    assert!(
        !s.lease("k", a, "w", 1_000).unwrap(),
        "recorded: nothing to resolve"
    );
    assert!(s.plan("k", a, &plan()).unwrap());
    let Some(Record::Pending(planned)) = s.get("k").unwrap() else {
        panic!("planned intent");
    };
    assert_eq!(
        planned.intended.map(|s| (s.quantity, s.next_billing_date)),
        Some((2, Some("2026-11-13".to_owned()))),
        "the item states are stored"
    );
    assert_eq!(
        planned.before.map(|s| s.next_billing_price),
        Some(Some("1200".to_owned()))
    );
    // The deadline is written on the store's clock, `after_ms` from now.
    let now = s.clock_ms().unwrap();
    let deadline = s.mark_sent("k", a, 60_000).unwrap().expect("sent");
    assert!(
        (now + 60_000..now + 61_000).contains(&deadline),
        "{deadline} vs {now}"
    );
    assert_eq!(s.mark_sent("k", a, 60_000).unwrap(), None, "sent once");
    assert!(
        !s.abandon_recorded("k", a, "w", 0).unwrap(),
        "sent: not abandoned as recorded"
    );
    assert!(s.mark_unknown("k", a).unwrap());
    assert!(
        !s.lease("k", a, "w", 1_000).unwrap(),
        "not before its deadline"
    );
    assert!(
        !s.finish_not_applied("k", a, "{}", 0).unwrap(),
        "not final before its deadline"
    );
    assert!(s.due(i64::MAX / 2).unwrap().is_empty(), "not due yet");

    // Another item's commit, resolvable at once: one lease holder, an expired lease taken
    // over.
    let other = Intent {
        running_no: 2,
        ..intent("k4", "j4")
    };
    let b = other.attempt.as_str();
    assert_eq!(s.begin(&other, "w").unwrap(), Begin::Started);
    assert!(s.mark_sent("k4", b, -1).unwrap().is_some());
    assert_eq!(s.due(i64::MAX / 2).unwrap().len(), 1, "due");
    assert!(
        s.lease("k4", b, "w", -1).unwrap(),
        "a lease that has expired"
    );
    assert!(
        s.lease("k4", b, "v", 60_000).unwrap(),
        "an expired lease is taken over"
    );
    assert!(!s.lease("k4", b, "x", 60_000).unwrap(), "one holder");
    assert!(s.due(i64::MAX / 2).unwrap().is_empty(), "leased");
    assert!(
        !s.finish_not_applied("k4", b, "{}", 60_000).unwrap(),
        "the quarantine is running"
    );
    assert!(s.finish_not_applied("k4", b, "{}", 0).unwrap(), "final");

    assert!(!s.abandon("k3", "k3-attempt-1").unwrap(), "never begun");
    assert!(s.complete("k", a, 200, "{\"a\":1}", None).unwrap());
    assert!(!s.complete("k", a, 409, "{}", None).unwrap());
    assert_eq!(
        s.get("k").unwrap(),
        Some(Record::Done {
            fingerprint: "f".into(),
            status: 200,
            body: "{\"a\":1}".into()
        }),
        "a finished key keeps its first answer"
    );
    assert!(!s.abandon("k", a).unwrap());
    assert!(
        s.get("k").unwrap().is_some(),
        "done records are never abandoned"
    );
    assert_eq!(
        s.begin(&same_item, "w").unwrap(),
        Begin::Started,
        "item free again"
    );
    assert!(
        s.abandon_recorded("k3", &same_item.attempt, "w", 60_000)
            .unwrap(),
        "its recorder's request is over"
    );
    assert_eq!(s.get("k3").unwrap(), None);
}

/// Fencing: an attempt whose row was removed (its recorder taken for dead) and replaced by
/// a newer attempt under the same key cannot, by any late write, overwrite or delete the
/// newer attempt's row; the newer attempt's own writes go through.
fn a_stale_attempt_cannot_touch_a_newer_one(s: &dyn IdempotencyStore) {
    let old = Intent {
        subscription: "F".into(),
        attempt: "old".into(),
        ..intent("f", "jf")
    };
    // Recorded by a replica that never wrote a heartbeat: taken for dead.
    assert_eq!(s.begin(&old, "gone").unwrap(), Begin::Started);
    assert!(
        s.abandon_recorded("f", "old", "other", 600_000).unwrap(),
        "taken for dead"
    );
    let new = Intent {
        attempt: "new".into(),
        ..old.clone()
    };
    assert_eq!(s.begin(&new, "v").unwrap(), Begin::Started);
    assert!(s.plan("f", "new", &plan()).unwrap());
    assert!(s.mark_sent("f", "new", 60_000).unwrap().is_some());

    assert!(!s.plan("f", "old", &plan()).unwrap(), "plan");
    assert_eq!(s.mark_sent("f", "old", 0).unwrap(), None, "mark_sent");
    assert!(!s.mark_unknown("f", "old").unwrap(), "mark_unknown");
    assert!(!s.refuse("f", "old", "{}").unwrap(), "refuse");
    assert!(!s.abandon("f", "old").unwrap(), "abandon");
    assert!(
        !s.abandon_recorded("f", "old", "w", 0).unwrap(),
        "abandon_recorded"
    );
    assert!(!s.lease("f", "old", "w", 60_000).unwrap(), "lease");
    assert!(
        !s.lease_early("f", "old", "w", 60_000).unwrap(),
        "lease_early"
    );
    assert!(
        !s.finish_not_applied("f", "old", "{}", i64::MIN / 2)
            .unwrap(),
        "finish_not_applied"
    );
    assert!(
        !s.complete("f", "old", 409, "{}", None).unwrap(),
        "complete"
    );
    match s.get("f").unwrap() {
        Some(Record::Pending(i)) => {
            assert_eq!((i.attempt.as_str(), i.state), ("new", IntentState::Sent));
            assert_eq!(i.response, "{\"a\":1}");
        }
        other => panic!("the newer attempt's row: {other:?}"),
    }
    assert!(s.mark_unknown("f", "new").unwrap());
    assert!(s.complete("f", "new", 200, "{\"a\":1}", None).unwrap());
    assert!(matches!(
        s.get("f").unwrap(),
        Some(Record::Done { status: 200, .. })
    ));
}

#[test]
fn sqlite_store_contract() {
    let dir = std::env::temp_dir().join(format!("sq-store-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    lifecycle(&SqliteStore::open(&dir).unwrap());
    a_stale_attempt_cannot_touch_a_newer_one(&SqliteStore::open(&dir).unwrap());
    // Reopening migrates nothing and keeps the records.
    let s = SqliteStore::open(&dir).unwrap();
    assert!(s.get("k").unwrap().is_some());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn postgres_store_contract() {
    let s = pg("w");
    lifecycle(&s);
    a_stale_attempt_cannot_touch_a_newer_one(&s);
}

/// Many processes' workers racing on one database: for one key, one jti and one item
/// exactly one `begin` wins; for one due intent exactly one lease.
#[test]
fn postgres_races_have_one_winner() {
    let url = seatquote_testkit::shared()
        .unwrap()
        .create_database()
        .unwrap();
    let stores: Vec<Arc<PgStore>> = (0..3)
        .map(|n| Arc::new(pg_at(&url, &format!("p{n}"))))
        .collect();
    let race = |make: fn(usize) -> Intent| -> Vec<Begin> {
        let gate = Arc::new(Barrier::new(24));
        let threads: Vec<_> = (0..24)
            .map(|n| {
                let (s, gate) = (stores[n % 3].clone(), gate.clone());
                std::thread::spawn(move || {
                    gate.wait();
                    s.begin(&make(n), "w").unwrap()
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    };
    let won = |v: &[Begin]| v.iter().filter(|b| **b == Begin::Started).count();
    let same_key = race(|_| intent("key", "jti-a"));
    assert_eq!(won(&same_key), 1, "{same_key:?}");
    assert!(
        same_key
            .iter()
            .all(|b| matches!(b, Begin::Started | Begin::KeyExists)),
        "{same_key:?}"
    );
    // Each race uses subscriptions no earlier race touched: a winner left unfinished
    // would otherwise make every later racer on its item `ItemBusy`.
    let same_jti = race(|n| Intent {
        subscription: format!("J{n}"),
        ..intent(&format!("j{n}"), "jti-b")
    });
    assert_eq!(won(&same_jti), 1, "{same_jti:?}");
    let same_item = race(|n| Intent {
        subscription: "I".into(),
        ..intent(&format!("i{n}"), &format!("jti-i{n}"))
    });
    assert_eq!(won(&same_item), 1, "{same_item:?}");
    assert!(
        same_item
            .iter()
            .all(|b| matches!(b, Begin::Started | Begin::ItemBusy)),
        "{same_item:?}"
    );

    let attempt = intent("key", "jti-a").attempt;
    assert!(stores[0].mark_sent("key", &attempt, -1).unwrap().is_some());
    let gate = Arc::new(Barrier::new(12));
    let leases: Vec<bool> = (0..12)
        .map(|n| {
            let (s, gate, a) = (stores[n % 3].clone(), gate.clone(), attempt.clone());
            std::thread::spawn(move || {
                gate.wait();
                s.lease("key", &a, &format!("w{n}"), 60_000).unwrap()
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    assert_eq!(leases.iter().filter(|l| **l).count(), 1, "{leases:?}");
}

/// A `recorded` intent is another replica's while that replica's heartbeat is fresh on the
/// database's clock — even after all its sessions were cut (`pg_terminate_backend`, as a
/// database restart does): it writes its heartbeat again. Once it stops beating for longer
/// than the replica timeout, any replica may remove the intent.
#[test]
fn a_recorded_intent_is_kept_while_its_replica_beats_and_removed_once_it_stops() {
    let url = seatquote_testkit::shared()
        .unwrap()
        .create_database()
        .unwrap();
    let timeout = std::time::Duration::from_millis(1_500);
    let a = pg_at(&url, "replica-a");
    let b = pg_at(&url, "replica-b").with_replica_timeout(timeout);
    let i = intent("k", "j");
    assert_eq!(a.begin(&i, "replica-a").unwrap(), Begin::Started);
    let kept = |why: &str| {
        assert!(
            !b.abandon_recorded("k", &i.attempt, "replica-b", 600_000)
                .unwrap(),
            "{why}"
        );
    };
    kept("replica-a is alive");
    let cut = seatquote_testkit::query(
        &url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        &[&"seatquote replica-a"],
    )
    .unwrap();
    assert!(!cut.is_empty(), "replica-a's sessions were cut");
    // Beating on through the cut, for longer than the timeout.
    let end = std::time::Instant::now() + timeout * 2;
    while std::time::Instant::now() < end {
        a.beat("replica-a").unwrap();
        kept("replica-a's sessions were cut but it beats");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    a.beat("replica-a").unwrap();
    let last = std::time::Instant::now();
    drop(a);
    kept("its heartbeat is fresh");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !b
        .abandon_recorded("k", &i.attempt, "replica-b", 600_000)
        .unwrap()
    {
        assert!(std::time::Instant::now() < deadline, "replica-a is gone");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // (`last` is a little after the beat's own time on the database's clock.)
    assert!(
        last.elapsed() + std::time::Duration::from_millis(200) >= timeout,
        "not before the replica timeout: {:?}",
        last.elapsed()
    );
    assert_eq!(b.get("k").unwrap(), None);
}
