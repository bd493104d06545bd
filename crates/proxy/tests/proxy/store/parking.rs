//! A commit parked as needing attention, the same assertions against both stores (the
//! commit ledger's store contract continues [`super::ledger`]).

use seatquote_proxy::{
    commit_event, Begin, IdempotencyStore, IntentState, OutboxStore, Record, SqliteStore,
};

use super::ledger::{intent, pg};

/// A commit no read can resolve: each failed read backs it off (0.5 s, then 1 s …, on the
/// store's clock); the one that reaches the limit parks it with its event, once; parked, it
/// is neither leased nor due; an operator's retry makes it due at once, its failures
/// forgotten.
fn parking<S: IdempotencyStore + OutboxStore>(s: &S) {
    let i = intent("kp", "jp");
    let a = i.attempt.as_str();
    let wait = |ms| std::thread::sleep(std::time::Duration::from_millis(ms));
    assert_eq!(s.begin(&i, "w").unwrap(), Begin::Started);
    assert!(s.mark_sent("kp", a, -1).unwrap().is_some());
    assert!(s.mark_unknown("kp", a).unwrap());
    let ev = commit_event(&i, 200, 0);
    assert!(s.lease("kp", a, "w", 60_000).unwrap());
    assert!(!s.back_off("kp", a, "w", 3, &ev).unwrap(), "backs off");
    assert!(!s.lease("kp", a, "v", 60_000).unwrap(), "for 0.5 s");
    wait(600);
    assert!(s.lease("kp", a, "w", 60_000).unwrap());
    assert!(!s.back_off("kp", a, "w", 3, &ev).unwrap());
    wait(300);
    assert!(!s.lease("kp", a, "v", 60_000).unwrap(), "then 1 s");
    wait(800);
    assert!(s.lease("kp", a, "w", 60_000).unwrap());
    let at = s.clock_ms().unwrap();
    assert!(
        s.back_off("kp", a, "w", 3, &ev).unwrap(),
        "the third parks it"
    );
    let Some(Record::Pending(p)) = s.get("kp").unwrap() else {
        panic!("still unfinished");
    };
    assert_eq!(p.state, IntentState::NeedsAttention);
    assert!(
        !s.lease("kp", a, "w", 60_000).unwrap(),
        "parked: not leased"
    );
    assert!(!s.lease_early("kp", a, "w", 60_000).unwrap());
    assert_eq!(s.due(i64::MAX / 2).unwrap(), vec![], "nor due");
    let parked = s.parked(10).unwrap();
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0].failures, 3);
    assert!(
        (at..at + 5_000).contains(&parked[0].since_ms),
        "parked at {} (clock {at})",
        parked[0].since_ms
    );
    assert_eq!(parked[0].intent.key, "kp");
    assert_eq!(s.events_after(0, 10).unwrap().len(), 1, "its event");
    assert!(s.unpark("kp").unwrap());
    assert!(!s.unpark("kp").unwrap(), "retried once");
    assert!(s.parked(10).unwrap().is_empty());
    assert_eq!(s.due(i64::MAX / 2).unwrap().len(), 1, "due again at once");
    assert!(s.lease("kp", a, "w", 60_000).unwrap());
    assert!(
        !s.back_off("kp", a, "w", 3, &ev).unwrap(),
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
