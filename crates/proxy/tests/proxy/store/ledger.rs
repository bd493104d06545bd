//! The commit ledger's store contract, the same assertions against both backends
//! ([`SqliteStore`] and [`PgStore`] on a throw-away PostgreSQL server), and what must hold
//! when several processes share one PostgreSQL database: one winner for a key, a jti, an
//! item and a lease, whoever races; and a commit parked as needing attention.

use std::sync::{Arc, Barrier};

use seatquote_proxy::{
    commit_event, Begin, IdempotencyStore, Intent, IntentState, OutboxStore, PgStore, Plan, Record,
    SqliteStore,
};

fn intent(key: &str, jti: &str) -> Intent {
    Intent {
        key: key.into(),
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
    }
}

fn pg(instance: &str) -> PgStore {
    let url = seatquote_testkit::shared()
        .unwrap()
        .create_database()
        .unwrap();
    PgStore::open(url.parse().unwrap(), instance, 4).unwrap()
}

fn pg_at(url: &str, instance: &str) -> PgStore {
    PgStore::open(url.parse().unwrap(), instance, 4).unwrap()
}

fn lifecycle(s: &dyn IdempotencyStore) {
    let i = intent("k", "j");
    assert_eq!(s.begin(&i, "w").unwrap(), Begin::Started);
    assert_eq!(s.begin(&i, "w").unwrap(), Begin::KeyExists);
    assert_eq!(s.begin(&intent("k2", "j"), "w").unwrap(), Begin::TokenUsed);
    let same_item = intent("k3", "j3");
    assert_eq!(s.begin(&same_item, "w").unwrap(), Begin::ItemBusy);
    assert_eq!(s.get("k").unwrap(), Some(Record::Pending(i.clone())));
    assert!(
        !s.lease("k", "w", 10, 20).unwrap(),
        "recorded: nothing to resolve"
    );
    let before = r#"{"productId":"P","quantity":1,"nextBillingDate":"2026-11-13","nextBillingPrice":"1200"}"#;
    let intended =
        r#"{"productId":"P","quantity":2,"nextBillingDate":"2026-11-13","nextBillingPrice":null}"#;
    s.plan(
        "k",
        &Plan {
            from_quantity: 1,
            response: "{\"a\":1}",
            before,
            intended,
        },
    )
    .unwrap();
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
    assert!(s.mark_sent("k", 100).unwrap());
    assert!(!s.mark_sent("k", 100).unwrap(), "sent once");
    assert!(
        !s.abandon_recorded("k", "w", i64::MAX).unwrap(),
        "sent: not abandoned as recorded"
    );
    s.mark_unknown("k").unwrap();
    assert!(
        !s.lease("k", "w", 99, 200).unwrap(),
        "not before its deadline"
    );
    assert!(s.lease("k", "w", 100, 200).unwrap());
    assert!(!s.lease("k", "v", 150, 300).unwrap(), "one holder");
    assert_eq!(s.due(150, 0).unwrap(), vec![], "leased");
    assert!(
        s.lease("k", "v", 200, 300).unwrap(),
        "an expired lease is taken over"
    );
    s.abandon("k3").unwrap();
    s.complete("k", 200, "{\"a\":1}", None).unwrap();
    s.complete("k", 409, "{}", None).unwrap();
    assert_eq!(
        s.get("k").unwrap(),
        Some(Record::Done {
            fingerprint: "f".into(),
            status: 200,
            body: "{\"a\":1}".into()
        }),
        "a finished key keeps its first answer"
    );
    s.abandon("k").unwrap();
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
        s.abandon_recorded("k3", "w", 0).unwrap(),
        "its recorder's request is over"
    );
    assert_eq!(s.get("k3").unwrap(), None);
}

#[test]
fn sqlite_store_contract() {
    let dir = std::env::temp_dir().join(format!("sq-store-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    lifecycle(&SqliteStore::open(&dir).unwrap());
    // Reopening migrates nothing and keeps the records.
    let s = SqliteStore::open(&dir).unwrap();
    assert!(s.get("k").unwrap().is_some());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn postgres_store_contract() {
    lifecycle(&pg("w"));
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

    assert!(stores[0].mark_sent("key", 100).unwrap());
    let gate = Arc::new(Barrier::new(12));
    let leases: Vec<bool> = (0..12)
        .map(|n| {
            let (s, gate) = (stores[n % 3].clone(), gate.clone());
            std::thread::spawn(move || {
                gate.wait();
                s.lease("key", &format!("w{n}"), 1_000, 9_000).unwrap()
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    assert_eq!(leases.iter().filter(|l| **l).count(), 1, "{leases:?}");
}

/// A `recorded` intent is another replica's while that replica lives; once its process
/// (its database session) is gone, any replica may remove it at once.
#[test]
fn a_recorded_intent_of_a_dead_replica_is_removed_a_live_ones_kept() {
    let url = seatquote_testkit::shared()
        .unwrap()
        .create_database()
        .unwrap();
    let a = pg_at(&url, "replica-a");
    let b = pg_at(&url, "replica-b");
    assert_eq!(
        a.begin(&intent("k", "j"), "replica-a").unwrap(),
        Begin::Started
    );
    assert!(
        !b.abandon_recorded("k", "replica-b", 0).unwrap(),
        "replica-a is alive"
    );
    drop(a);
    let end = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !b.abandon_recorded("k", "replica-b", 0).unwrap() {
        assert!(
            std::time::Instant::now() < end,
            "replica-a's session is gone"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(b.get("k").unwrap(), None);
}

/// A commit no read can resolve: each failed read backs it off (0.5 s, then 1 s …); the
/// one that reaches the limit parks it with its event, once; parked, it is neither leased
/// nor due; an operator's retry makes it due at once, its failures forgotten.
fn parking<S: IdempotencyStore + OutboxStore>(s: &S) {
    let i = intent("kp", "jp");
    assert_eq!(s.begin(&i, "w").unwrap(), Begin::Started);
    assert!(s.mark_sent("kp", 100).unwrap());
    s.mark_unknown("kp").unwrap();
    let ev = commit_event(&i, 200, 0);
    assert!(s.lease("kp", "w", 100, 200).unwrap());
    assert!(!s.back_off("kp", "w", 100, 3, &ev).unwrap(), "backs off");
    assert!(!s.lease("kp", "w", 599, 900).unwrap(), "for 0.5 s");
    assert!(s.lease("kp", "w", 600, 900).unwrap());
    assert!(!s.back_off("kp", "w", 600, 3, &ev).unwrap());
    assert!(!s.lease("kp", "w", 1_599, 2_000).unwrap(), "then 1 s");
    assert!(s.lease("kp", "w", 1_600, 2_000).unwrap());
    assert!(
        s.back_off("kp", "w", 1_600, 3, &ev).unwrap(),
        "the third parks it"
    );
    let Some(Record::Pending(p)) = s.get("kp").unwrap() else {
        panic!("still unfinished");
    };
    assert_eq!(p.state, IntentState::NeedsAttention);
    let later = 10_000_000;
    assert!(
        !s.lease("kp", "w", later, later + 1).unwrap(),
        "parked: not leased"
    );
    assert!(!s.lease_early("kp", "w", later, later + 1).unwrap());
    assert_eq!(s.due(later, 0).unwrap(), vec![], "nor due");
    let parked = s.parked(10).unwrap();
    assert_eq!(parked.len(), 1);
    assert_eq!((parked[0].failures, parked[0].since_ms), (3, 1_600));
    assert_eq!(parked[0].intent.key, "kp");
    assert_eq!(s.events_after(0, 10).unwrap().len(), 1, "its event");
    assert!(s.unpark("kp").unwrap());
    assert!(!s.unpark("kp").unwrap(), "retried once");
    assert!(s.parked(10).unwrap().is_empty());
    assert_eq!(s.due(1_700, 0).unwrap().len(), 1, "due again at once");
    assert!(s.lease("kp", "w", 1_700, 2_000).unwrap());
    assert!(
        !s.back_off("kp", "w", 1_700, 3, &ev).unwrap(),
        "counting from 0"
    );
}

#[test]
fn sqlite_parking() {
    let dir = std::env::temp_dir().join(format!("sq-park-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    parking(&SqliteStore::open(&dir).unwrap());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn postgres_parking() {
    parking(&pg("w"));
}
