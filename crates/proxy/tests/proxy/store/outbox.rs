//! The outbox's store contract, the same assertions against both backends (SQLite and
//! PostgreSQL on a throw-away server): `complete` writes its event once, in its
//! transaction; one deliverer per event (the lease); in order per lane (a subscription's,
//! a purchase's, or an event's own); failures retried, then exhausted — holding the lane
//! until delivered — and re-deliverable; notifications recorded once, older versions
//! ignored; retention deletes delivered events and old notifications, never pending or
//! exhausted events. And, over real processes, two replicas sharing a PostgreSQL database
//! deliver every webhook, none by both at once (here, so that the throw-away server is
//! started once for the binary).

use seatquote_proxy::parse_notification as parse;
use seatquote_proxy::{
    commit_event, Delivery, IdempotencyStore, Intent, IntentState, OutboxStore, PgStore, Record,
    SqliteStore,
};

fn intent(key: &str, sub: &str) -> Intent {
    Intent {
        key: format!("C-1\u{1f}{key}"),
        attempt: format!("a-{key}"),
        fingerprint: "f".into(),
        jti: key.into(),
        subscription: sub.into(),
        running_no: 1,
        from_quantity: 1,
        quantity: 2,
        response: r#"{"mode":"immediate","quote":{"currency":"USD"}}"#.into(),
        state: IntentState::Recorded,
        resolve_after: 0,
        before: None,
        intended: None,
        effective_on: None,
        change: Default::default(),
    }
}

/// Commits `key` on `sub` through the ledger, with its event.
fn commit(s: &dyn IdempotencyStore, key: &str, sub: &str) {
    let i = intent(key, sub);
    s.begin(&i, "w").unwrap();
    s.mark_sent(&i.key, &i.attempt, 0).unwrap();
    let ev = commit_event(&i, 200, 1);
    s.complete(&i.key, &i.attempt, 200, &i.response, Some(&ev))
        .unwrap();
    // A second completion (another worker resolving it too) writes nothing more.
    s.complete(&i.key, &i.attempt, 200, &i.response, Some(&ev))
        .unwrap();
}

/// A 2xx whose row was removed or finished otherwise meanwhile is recorded as applied,
/// with its event, once.
fn applied_whatever_became_of_the_row(s: &dyn IdempotencyStore, o: &dyn OutboxStore) {
    let before = o.events_after(0, 100).unwrap().len();
    let gone = intent("gone", "S3");
    s.begin(&gone, "w").unwrap();
    s.mark_sent(&gone.key, &gone.attempt, 0).unwrap();
    assert!(s.abandon(&gone.key, &gone.attempt).unwrap());
    let ev = commit_event(&gone, 200, 1);
    assert!(
        !s.complete(&gone.key, &gone.attempt, 200, &gone.response, Some(&ev))
            .unwrap(),
        "nothing left to finish"
    );
    assert!(s.record_applied(&gone, &ev).unwrap());
    assert!(!s.record_applied(&gone, &ev).unwrap(), "once");
    let judged = intent("judged", "S4");
    s.begin(&judged, "w").unwrap();
    s.mark_sent(&judged.key, &judged.attempt, 0).unwrap();
    assert!(s
        .finish_not_applied(&judged.key, &judged.attempt, "{}", 0)
        .unwrap());
    assert!(s
        .record_applied(&judged, &commit_event(&judged, 200, 1))
        .unwrap());
    for key in [&gone.key, &judged.key] {
        match s.get(key).unwrap() {
            Some(Record::Done { status, body, .. }) => {
                assert_eq!((status, body.as_str()), (200, gone.response.as_str()));
            }
            other => panic!("{key}: {other:?}"),
        }
    }
    assert_eq!(o.events_after(0, 100).unwrap().len(), before + 2);
}

fn contract(s: &dyn IdempotencyStore, o: &dyn OutboxStore) {
    commit(s, "a", "S1");
    commit(s, "b", "S2");
    commit(s, "c", "S1");
    let all = o.events_after(0, 100).unwrap();
    assert_eq!(all.len(), 3, "one event per commit");
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(all[0].kind, "seat_change.applied");

    let t = seatquote_proxy::now_ms() + 1000;
    // The head of each subscription, leased to one owner.
    let got = o.claim("w1", t + 10, t + 1000, 10).unwrap();
    let subs: Vec<&str> = got.iter().map(|e| e.subscription.as_str()).collect();
    assert_eq!(
        subs,
        ["S1", "S2"],
        "the oldest pending event per subscription"
    );
    assert!(
        o.claim("w2", t + 20, t + 1000, 10).unwrap().is_empty(),
        "leased"
    );
    // Another owner's report is ignored.
    o.attempted(got[0].seq, "w2", Ok(t + 30)).unwrap();
    assert_eq!(o.events_after(0, 1).unwrap()[0].state, Delivery::Pending);
    // S1's head fails (retry at 50), S2's is delivered.
    o.attempted(got[0].seq, "w1", Err(("HTTP 503".into(), Some(t + 50))))
        .unwrap();
    o.attempted(got[1].seq, "w1", Ok(t + 30)).unwrap();
    assert!(
        o.claim("w2", t + 40, t + 1000, 10).unwrap().is_empty(),
        "S1's head waits; its next one too"
    );
    let again = o.claim("w2", t + 50, t + 1000, 10).unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!((again[0].seq, again[0].attempts), (got[0].seq, 1));
    assert_eq!(again[0].last_error.as_deref(), Some("HTTP 503"));
    // An expired lease is taken over.
    let taken = o.claim("w3", t + 1000, t + 2000, 10).unwrap();
    assert_eq!(taken.len(), 1, "w2's lease expired at 1000");
    o.attempted(taken[0].seq, "w3", Err(("timeout".into(), None)))
        .unwrap();
    let head = &o.events_after(0, 1).unwrap()[0];
    assert_eq!(head.state, Delivery::Exhausted, "kept, not dropped");
    // Exhausted: it holds S1's lane; the next event of S1 does not overtake it.
    assert!(
        o.claim("w3", t + 1001, t + 2000, 10).unwrap().is_empty(),
        "S1's next event waits behind its exhausted head"
    );
    assert!(o.redeliver(&head.id, t + 3000).unwrap());
    assert!(!o.redeliver("evt_none", t + 3000).unwrap());
    let back = o.claim("w1", t + 3000, t + 4000, 10).unwrap();
    assert_eq!(back.len(), 1, "only the head again");
    assert_eq!(back[0].id, head.id);
    assert_eq!(back[0].retry_from_ms, t + 3000, "a fresh retry period");
    o.attempted(back[0].seq, "w1", Ok(t + 3001)).unwrap();
    let next = o.claim("w1", t + 3002, t + 4000, 10).unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].seq, all[2].seq, "then S1's next one");
    assert_eq!(
        next[0].retry_from_ms,
        t + 3002,
        "its retry period starts at its first attempt, not while it waited"
    );
    o.attempted(next[0].seq, "w1", Ok(t + 3003)).unwrap();

    // Notifications: once per body; an older version ignored.
    let n = |q: u32, v: i64| {
        parse(format!(r#"{{"meta":{{"type":"SubscriptionUpdatedNotification"}},"subscriptionId":9,"subscriptionItems":[{{"runningNumber":1,"quantity":{q},"version":{v}}}]}}"#).as_bytes()).unwrap()
    };
    let first = o.record_notification(&n(5, 3), 10).unwrap();
    assert_eq!((first.duplicate, first.events.len()), (false, 1));
    assert!(o.record_notification(&n(5, 3), 11).unwrap().duplicate);
    let stale = o.record_notification(&n(4, 2), 12).unwrap();
    assert_eq!((stale.duplicate, stale.events.len()), (false, 0));
    let newer = o.record_notification(&n(6, 4), 13).unwrap();
    assert_eq!(newer.events.len(), 1);
    let last = o.events_after(0, 100).unwrap().pop().unwrap();
    let body: serde_json::Value = serde_json::from_str(&last.body).unwrap();
    assert_eq!(
        (
            body["data"]["fromQuantity"].as_u64(),
            body["data"]["quantity"].as_u64()
        ),
        (Some(5), Some(6))
    );
    assert_eq!(last.subscription, "S9");
}

/// Lanes, on a fresh store, at explicit times: a payment naming no subscription is in its
/// purchase's lane, or alone; a failing one holds back only its own lane.
fn lanes(o: &dyn OutboxStore) {
    let t = 1_000_000;
    // A payment notification naming no subscription (`purchase`: its `purchaseId`).
    let payment = |kind: &str, purchase: Option<u64>, date: &str| {
        let mut v = serde_json::json!({"meta": {"type": kind, "date": date}});
        if let Some(p) = purchase {
            v["purchaseId"] = p.into();
        }
        parse(v.to_string().as_bytes()).unwrap()
    };
    let notes = [
        payment("PaidOrderNotification", Some(111), "a"),
        payment("RefundNotification", Some(111), "b"),
        payment("PaidOrderNotification", Some(222), "c"),
        payment("PaidOrderNotification", None, "d"),
        payment("ChargebackNotification", None, "e"),
    ];
    for (n, note) in (0..).zip(&notes) {
        assert_eq!(o.record_notification(note, t + n).unwrap().events.len(), 1);
    }
    let all = o.events_after(0, 100).unwrap();
    let lanes: Vec<&str> = all.iter().map(|e| e.lane.as_str()).collect();
    assert_eq!(
        lanes,
        [
            "purchase:111",
            "purchase:111",
            "purchase:222",
            all[3].id.as_str(),
            all[4].id.as_str()
        ]
    );
    let got = o.claim("w", t + 10, t + 1000, 10).unwrap();
    let seqs: Vec<i64> = got.iter().map(|e| e.seq).collect();
    assert_eq!(
        seqs,
        [all[0].seq, all[2].seq, all[3].seq, all[4].seq],
        "each lane's head; 111's refund waits behind 111's payment"
    );
    o.attempted(got[0].seq, "w", Err(("HTTP 503".into(), Some(t + 500))))
        .unwrap();
    for e in &got[1..] {
        o.attempted(e.seq, "w", Ok(t + 20)).unwrap();
    }
    assert!(o.claim("w", t + 30, t + 1000, 10).unwrap().is_empty());
    let again = o.claim("w", t + 500, t + 1000, 10).unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].seq, all[0].seq);
    o.attempted(again[0].seq, "w", Ok(t + 501)).unwrap();
    let refund = o.claim("w", t + 502, t + 1000, 10).unwrap();
    assert_eq!(refund.len(), 1);
    assert_eq!((refund[0].seq, refund[0].attempts), (all[1].seq, 0));
    o.attempted(refund[0].seq, "w", Ok(t + 503)).unwrap();
}

/// Retention, at explicit times: `prune` deletes events delivered before its first cut-off
/// and notifications received before its second; pending and exhausted events stay.
fn retention(o: &dyn OutboxStore) {
    let t = 2_000_000;
    // What earlier steps left, delivered or received before `t`, goes first.
    o.prune(t, t).unwrap();
    let before = o.events_after(0, 1000).unwrap().len();
    for (n, sub) in (0..).zip(["R1", "R2", "R3"]) {
        o.add_event(&commit_event(&intent(sub, sub), 200, 1), t + n)
            .unwrap();
    }
    let got = o.claim("w", t + 10, t + 1000, 10).unwrap();
    assert_eq!(got.len(), 3);
    o.attempted(got[0].seq, "w", Ok(t + 20)).unwrap();
    o.attempted(got[1].seq, "w", Err(("HTTP 410".into(), None)))
        .unwrap();
    o.attempted(got[2].seq, "w", Err(("timeout".into(), Some(t + 9_000))))
        .unwrap();
    let note = |date: &str| {
        parse(
            format!(r#"{{"meta":{{"type":"SomethingNewNotification","date":"{date}"}}}}"#)
                .as_bytes(),
        )
        .unwrap()
    };
    assert!(!o.record_notification(&note("old"), t).unwrap().duplicate);
    assert!(
        !o.record_notification(&note("new"), t + 5_000)
            .unwrap()
            .duplicate
    );

    assert_eq!(o.prune(t + 20, t).unwrap(), (0, 0), "nothing older yet");
    assert_eq!(o.prune(t + 21, t + 1).unwrap(), (1, 1));
    assert_eq!(
        o.prune(i64::MAX, t + 1).unwrap(),
        (0, 0),
        "only delivered events"
    );
    let left = o.events_after(0, 1000).unwrap();
    assert_eq!(left.len(), before + 2);
    let states: Vec<Delivery> = left[before..].iter().map(|e| e.state).collect();
    assert_eq!(states, [Delivery::Exhausted, Delivery::Pending]);
    assert!(
        !o.record_notification(&note("old"), t + 6_000)
            .unwrap()
            .duplicate,
        "deleted: the same body is recorded anew"
    );
    assert!(
        o.record_notification(&note("new"), t + 6_000)
            .unwrap()
            .duplicate
    );
}

#[test]
fn sqlite_delivers_in_lanes_and_prunes() {
    let dir = std::env::temp_dir().join(format!("sq-lanes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let s = SqliteStore::open(&dir).unwrap();
    lanes(&s);
    retention(&s);
    drop(s);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn postgres_delivers_in_lanes_and_prunes() {
    let url = seatquote_testkit::shared()
        .unwrap()
        .create_database()
        .unwrap();
    let s = PgStore::open(url.parse().unwrap(), "lanes-test", 4).unwrap();
    lanes(&s);
    retention(&s);
}

#[test]
fn sqlite_keeps_the_outbox_contract() {
    let dir = std::env::temp_dir().join(format!("sq-outbox-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let s = SqliteStore::open(&dir).unwrap();
    contract(&s, &s);
    applied_whatever_became_of_the_row(&s, &s);
    drop(s);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn postgres_keeps_the_outbox_contract() {
    let url = seatquote_testkit::shared()
        .unwrap()
        .create_database()
        .unwrap();
    let s = PgStore::open(url.parse().unwrap(), "outbox-test", 4).unwrap();
    contract(&s, &s);
    applied_whatever_became_of_the_row(&s, &s);
}

#[test]
fn two_replicas_on_postgres_deliver_each_event_once_at_a_time() {
    let url = seatquote_testkit::shared()
        .unwrap()
        .create_database()
        .unwrap();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(crate::helpers::hooks::two_replicas(&[(
            "SEATQUOTE_DATABASE_URL",
            url,
        )]));
}
