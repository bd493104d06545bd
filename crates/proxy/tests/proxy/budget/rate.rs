//! The upstream rate across replicas, with real processes: three proxies on one PostgreSQL
//! share one budget, so under load they never send the sandbox (which enforces and counts
//! Cleverbridge's limit of 30 requests in any second) more than 30 in any 1-second window
//! and never get its 429. The same load through three replicas that each keep their own
//! budget (SQLite, one data directory each) goes over — the control that shows the test
//! can fail.

use std::time::{Duration, Instant};

use crate::helpers::*;
use serde_json::Value;

const CUSTOMERS: u32 = 45;

/// The sandbox's generated customer `i` and its subscription (`--generate-customers`).
fn customer_id(i: u32) -> String {
    format!("C-SIM-{i:05}")
}

fn subscription_id(i: u32) -> String {
    format!("S{}", 90_000_000 + i)
}

/// `CUSTOMERS` customers preview distinct quantities (and commit every third quote) through
/// the replicas in turn for `seconds`; returns (answers 200, answers 503).
async fn load(proxies: &[Proc], seconds: u64) -> (u32, u32) {
    let bases: Vec<String> = proxies.iter().map(|p| p.base.clone()).collect();
    let end = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for i in 1..=CUSTOMERS {
        let bases = bases.clone();
        tasks.push(tokio::spawn(async move {
            let http = client();
            let (sub, t) = (
                subscription_id(i),
                token(&customer_id(i), &[&subscription_id(i)], "1h"),
            );
            let (mut ok, mut busy, mut n) = (0, 0, i as usize);
            while Instant::now() < end {
                n += 1;
                let base = &bases[n % bases.len()];
                let qty = 6 + (n % 90);
                let r = send(
                    http.post(format!("{base}/api/subscriptions/{sub}/items/1/preview"))
                        .bearer_auth(&t)
                        .header("content-type", "application/json")
                        .body(format!(r#"{{"quantity":{qty},"alignment":"immediate"}}"#)),
                )
                .await;
                match r.status {
                    200 => ok += 1,
                    // Held back by the budget; or, on a starved machine, no answer in
                    // time or a dropped connection.
                    502..=504 => {
                        busy += 1;
                        continue;
                    }
                    s => panic!("preview {s}: {}", r.text),
                }
                if n % 3 == 0 {
                    let qt = r.body["quoteToken"].as_str().unwrap_or_default();
                    let base = &bases[(n + 1) % bases.len()];
                    let c = send(
                        http.post(format!("{base}/api/subscriptions/{sub}/items/1/commit"))
                            .bearer_auth(&t)
                            .header("content-type", "application/json")
                            .header("idempotency-key", format!("k-{i}-{n}"))
                            .body(format!(r#"{{"quoteToken":"{qt}","consent":true}}"#)),
                    )
                    .await;
                    match c.status {
                        200 => ok += 1,
                        503 | 504 => busy += 1,
                        // A quote outdated by this customer's previous commit, or the
                        // block of a 429 (in the control) on a reused read.
                        409 | 502 => {}
                        s => panic!("commit {s}: {}", c.text),
                    }
                }
            }
            (ok, busy)
        }));
    }
    let mut total = (0, 0);
    for t in tasks {
        let (ok, busy) = t.await.unwrap();
        total = (total.0 + ok, total.1 + busy);
    }
    total
}

async fn counters(sandbox: &Proc) -> Value {
    send(client().get(format!("{}/sandbox/_admin/counters", sandbox.base)))
        .await
        .body
}

/// The two load tests one after the other: each needs the machine's cores to itself.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A proxy replica for the load: a 2 s upstream timeout (loaded CI machines).
fn replica(sb: &Proc, data: &std::path::Path, extra: &[(&str, String)]) -> Proc {
    let mut env = vec![("SEATQUOTE_UPSTREAM_TIMEOUT_MS", "2000".to_owned())];
    env.extend(extra.iter().cloned());
    proxy(sb, data, &env)
}

fn sandbox_for_load() -> Proc {
    sandbox(&[(
        "SEATQUOTE_SANDBOX_GENERATE_CUSTOMERS",
        CUSTOMERS.to_string(),
    )])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_replicas_on_postgresql_stay_under_30_per_second() {
    let _one = ONE_AT_A_TIME.lock().await;
    let url = seatquote_testkit::shared()
        .unwrap()
        .create_database()
        .unwrap();
    let sb = sandbox_for_load();
    let data = tmp_dir("rate-pg");
    let proxies: Vec<Proc> = (0..3)
        .map(|i| {
            replica(
                &sb,
                &data.join(format!("r{i}")),
                &[("SEATQUOTE_DATABASE_URL", url.clone())],
            )
        })
        .collect();
    let (ok, busy) = load(&proxies, 6).await;
    let c = counters(&sb).await;
    assert_eq!(c["tooManySent"], 0, "the sandbox sent a 429: {c}");
    let max = c["rate"]["maxInAnySecond"].as_u64().unwrap();
    assert!(max <= 30, "{max} requests in one second: {c}");
    // The load was real: demand above the limit, the shared window nearly full.
    assert!(max >= 20, "only {max} in the busiest second: {c}");
    assert!(busy > 0 && ok > 50, "ok {ok}, held back {busy}");
    for p in &proxies {
        let m = send(client().get(format!("{}/metrics", p.base))).await.text;
        assert_eq!(metric(&m, "seatquote_budget_shared"), 1);
        assert_eq!(metric(&m, "seatquote_budget_429_total"), 0, "{m}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn control_three_replicas_with_their_own_budgets_go_over() {
    let _one = ONE_AT_A_TIME.lock().await;
    let sb = sandbox_for_load();
    let data = tmp_dir("rate-own");
    let proxies: Vec<Proc> = (0..3)
        .map(|i| replica(&sb, &data.join(format!("r{i}")), &[]))
        .collect();
    load(&proxies, 3).await;
    let c = counters(&sb).await;
    let max = c["rate"]["maxInAnySecond"].as_u64().unwrap();
    assert!(
        max > 30 && c["tooManySent"].as_u64().unwrap() > 0,
        "three separate budgets stayed under the limit: {c}"
    );
    // Every replica then honoured the 429's Retry-After.
    let mut honoured = 0;
    for p in &proxies {
        let m = send(client().get(format!("{}/metrics", p.base))).await.text;
        honoured += metric(&m, "seatquote_budget_429_total");
    }
    assert!(honoured >= 1);
}

/// The shared budget's rules, straight against PostgreSQL: leased slots with expiry (a
/// dead replica's slots come back), a customer's share across replicas, the window, and a
/// 429's block seen by every replica.
#[test]
fn shared_budget_slots_expire_and_blocks_are_shared() {
    use seatquote_proxy::{Class, PgBudget, SharedBudget, Take};
    let url = seatquote_testkit::shared()
        .unwrap()
        .create_database()
        .unwrap();
    // The schema comes with the store's migrations.
    seatquote_proxy::PgStore::open(url.parse().unwrap(), "rate-test", 1).unwrap();
    let lease = Duration::from_millis(400);
    // 1,000/s: grants 1 ms apart, so a longer wait means no slot.
    let a = PgBudget::new(url.parse().unwrap(), 4, 1_000, lease);
    let b = PgBudget::new(url.parse().unwrap(), 4, 1_000, lease);
    let take = |s: &PgBudget, h: &str, c: &str, class| loop {
        match s.take(h, c, class).unwrap() {
            Take::Wait(d) if d <= Duration::from_millis(1) => std::thread::sleep(d),
            t => return t,
        }
    };
    // Replica a: one customer may hold two slots; a third waits, another customer's doesn't.
    assert!(matches!(
        take(&a, "a1", "flood", Class::Normal),
        Take::Slot(_)
    ));
    assert!(matches!(
        take(&a, "a2", "flood", Class::Normal),
        Take::Slot(_)
    ));
    assert!(matches!(
        take(&b, "b1", "flood", Class::Normal),
        Take::Wait(_)
    ));
    let Take::Slot(s3) = take(&b, "b2", "other", Class::Normal) else {
        panic!("another customer waits")
    };
    assert!(matches!(
        take(&b, "b3", "flood", Class::Commit),
        Take::Slot(_)
    ));
    // All four taken; a released slot is free again, and the last free one is kept for
    // the commit class.
    assert!(matches!(
        take(&b, "b4", "third", Class::Normal),
        Take::Wait(_)
    ));
    b.release("b2", s3).unwrap();
    assert!(matches!(
        take(&b, "b4", "third", Class::Normal),
        Take::Wait(_)
    ));
    assert!(matches!(
        take(&b, "b4", "third", Class::Commit),
        Take::Slot(_)
    ));
    // Replica a "dies" holding its slots: after the lease they come back.
    assert!(matches!(
        take(&b, "b5", "fourth", Class::Normal),
        Take::Wait(_)
    ));
    std::thread::sleep(lease + Duration::from_millis(100));
    assert!(matches!(
        take(&b, "b5", "fourth", Class::Normal),
        Take::Slot(_)
    ));
    // A 429 seen by a blocks b.
    a.block(1_500).unwrap();
    match b.take("b6", "fifth", Class::Commit).unwrap() {
        Take::Blocked(d) => assert!(d > Duration::from_millis(1_000), "{d:?}"),
        t => panic!("not blocked: {t:?}"),
    }
}

/// A 429 seen by one replica holds back the others: nothing is sent to Cleverbridge by any
/// replica until its Retry-After has passed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_on_one_replica_holds_back_every_replica() {
    let url = seatquote_testkit::shared()
        .unwrap()
        .create_database()
        .unwrap();
    let sb = sandbox_for_load();
    let data = tmp_dir("rate-429");
    let db = [("SEATQUOTE_DATABASE_URL", url)];
    let (r1, r2) = (
        proxy(&sb, &data.join("r1"), &db),
        proxy(&sb, &data.join("r2"), &db),
    );
    let http = client();
    let admin = format!("{}/sandbox/_admin/fault", sb.base);
    send(
        http.post(&admin)
            .header("content-type", "application/json")
            .body(r#"{"fault":"status429","target":"getsubscription","ms":2000}"#),
    )
    .await;
    let read = |base: &str, i: u32| {
        let (sub, t) = (
            subscription_id(i),
            token(&customer_id(i), &[&subscription_id(i)], "1h"),
        );
        send(
            http.get(format!("{base}/api/subscriptions/{sub}"))
                .bearer_auth(t),
        )
    };
    let r = read(&r1.base, 1).await;
    assert_eq!(
        (r.status, r.code()),
        (503, "upstream_unavailable"),
        "{}",
        r.text
    );
    let before = counters(&sb).await["totalRequests"].as_u64().unwrap();
    // Another customer on the other replica: held back, nothing sent.
    let r = read(&r2.base, 2).await;
    assert_eq!(
        (r.status, r.code()),
        (503, "upstream_unavailable"),
        "{}",
        r.text
    );
    let left: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&left), "{left}");
    assert_eq!(
        counters(&sb).await["totalRequests"].as_u64().unwrap(),
        before
    );
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    assert_eq!(read(&r2.base, 2).await.status, 200);
    assert_eq!(read(&r1.base, 1).await.status, 200);
}
