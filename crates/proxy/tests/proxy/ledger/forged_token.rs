//! A commit with a forged or garbled quote token is refused on its signature before any
//! database work: with the ledger's table locked by the test (so that any read of it
//! would wait), the refusal still comes at once; afterwards the ledger holds no row and
//! Cleverbridge received nothing more.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::helpers::*;

const S1: &str = "S68841753";

/// Holds `LOCK TABLE commits IN ACCESS EXCLUSIVE MODE` on `url` (no other session can
/// even read the table) until the returned sender is dropped or sent to.
fn lock_the_ledger(url: &str) -> mpsc::Sender<()> {
    let (release, released) = mpsc::channel::<()>();
    let (locked, is_locked) = mpsc::channel::<()>();
    let url = url.to_owned();
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        let mut tx = c.transaction().unwrap();
        tx.batch_execute("LOCK TABLE commits IN ACCESS EXCLUSIVE MODE")
            .unwrap();
        locked.send(()).unwrap();
        let _ = released.recv();
        tx.rollback().unwrap();
    });
    is_locked
        .recv_timeout(Duration::from_secs(10))
        .expect("the ledger's table locked");
    release
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_quote_token_is_refused_before_any_database_work() {
    let p = pair_on(Backend::Postgres, &[]);
    let db = p.db.clone().unwrap();
    let t = c1001();
    let pv = p.preview(&t, S1, 1, 2, "immediate").await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    let real = pv.body["quoteToken"].as_str().unwrap().to_owned();
    // The real token with its signature's last character changed, and plain garbage.
    let mut forged = real.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    let sent_before = p.upstream_requests().await;

    let release = lock_the_ledger(&db);
    for (i, token) in [forged.as_str(), "quote.x.y.z", "not a token"]
        .into_iter()
        .enumerate()
    {
        let started = Instant::now();
        let r = p.commit(&t, S1, 1, token, &format!("forged-{i}")).await;
        assert_eq!(
            (r.status, r.code()),
            (400, "invalid_quote_token"),
            "{token}: {}",
            r.text
        );
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "refused without waiting for the locked ledger: {:?}",
            started.elapsed()
        );
    }
    drop(release);

    let rows = seatquote_testkit::query(&db, "SELECT count(*) FROM commits", &[]).unwrap();
    assert_eq!(rows[0].get::<_, i64>(0), 0, "no ledger row");
    assert_eq!(p.upstream_requests().await, sent_before, "nothing sent");
    assert_eq!(p.commit_counts().await, (0, 0));
    // The real token still commits.
    let c = p.commit(&t, S1, 1, &real, "real-1").await;
    assert_eq!(c.status, 200, "{}", c.text);
}
