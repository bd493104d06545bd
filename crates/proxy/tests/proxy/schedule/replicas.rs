//! Three replicas on one PostgreSQL database, each with its scheduler polling every
//! second: a due scheduled change is claimed by one of them and made once.

use std::time::Duration;

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_make_a_scheduled_change_once() {
    let (mut p, port) = scheduled_pair(Backend::Postgres);
    let r = change(&p, 3, "nextBilling", "r-3").await;
    assert_eq!(r.body["status"], "scheduled", "{}", r.text);
    p.admin("clock", Some(&format!(r#"{{"today":"{DAY_BEFORE}"}}"#)))
        .await;
    p.proxy.kill();
    let url = p.db.clone().expect("a PostgreSQL database");
    let env = [
        ("SEATQUOTE_TODAY", DAY_BEFORE.to_owned()),
        ("SEATQUOTE_DATABASE_URL", url),
    ];
    // Started together: their schedulers race for the same row.
    let replicas: Vec<Proc> = (0..3).map(|_| proxy(&p.sandbox, &p.data, &env)).collect();
    assert!(
        p.wait_state("C-1001", "r-3", Some("done"), Duration::from_secs(20))
            .await,
        "{:?}",
        p.intent_state("C-1001", "r-3")
    );
    // Time for any second claim to show.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(p.commit_counts().await, (1, 1), "sent once, applied once");
    assert_eq!(p.quantity(SUB, 1).await, 3);
    drop(replicas);
    at(&mut p, &port, DAY_BEFORE, &[]);
    assert_eq!(count(&p, "seat_change.applied").await, 1);
}
