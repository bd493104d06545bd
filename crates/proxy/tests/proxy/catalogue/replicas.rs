//! Three replicas on one PostgreSQL database: 30 concurrent commits of one kind's quote
//! under one Idempotency-Key, spread over the replicas, apply the change once and answer
//! alike (the ledger's key and its one unfinished change per item, or per subscription
//! and product for an add, hold by the database).

use super::*;

/// A new proxy process on `p`'s sandbox and database.
fn replica(p: &Pair) -> Proc {
    let envs = vec![("SEATQUOTE_DATABASE_URL", p.db.clone().unwrap())];
    proxy(&p.sandbox, &tmp_dir("catalogue-replica"), &envs)
}

async fn thirty_commits(path: &str, t: &str, qt: &str, p: &Pair, bases: &[String]) -> Vec<Res> {
    let key = format!("k-30-{}", &qt[qt.len() - 12..]);
    let handles: Vec<_> = (0..30)
        .map(|n| {
            let rb = p
                .http
                .post(format!("{}{path}", bases[n % bases.len()]))
                .bearer_auth(t)
                .header("Idempotency-Key", key.as_str())
                .header("Content-Type", "application/json")
                .body(json!({"quoteToken": qt, "consent": true}).to_string());
            tokio::spawn(send(rb))
        })
        .collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

/// Every answer is the one success, or a wait for it; one success at least.
fn alike(answers: &[Res]) -> String {
    let ok: Vec<&Res> = answers.iter().filter(|r| r.status == 200).collect();
    let codes: Vec<String> = answers
        .iter()
        .map(|r| format!("{} {}", r.status, r.code()))
        .collect();
    assert!(
        !ok.is_empty(),
        "one commit succeeded: {codes:?} {}",
        answers[0].text
    );
    for r in answers {
        assert!(
            r.status == 200
                || matches!(
                    r.code(),
                    "idempotency_key_in_progress" | "commit_outcome_unknown"
                ),
            "{} {}",
            r.status,
            r.text
        );
    }
    assert!(ok.iter().all(|r| r.text == ok[0].text), "identical answers");
    ok[0].text.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_same_key_commits_on_three_replicas_apply_each_kind_once() {
    let p = pair_on(Backend::Postgres, &[]);
    let more = [replica(&p), replica(&p)];
    let bases = [
        p.proxy.base.clone(),
        more[0].base.clone(),
        more[1].base.clone(),
    ];
    let t = c1001();

    let pv = p.preview_plan(&t, TEAM, 1, "294836", 1, "immediate").await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    let path = format!("/api/subscriptions/{TEAM}/items/1/commit");
    let answers = thirty_commits(
        &path,
        &t,
        pv.body["quoteToken"].as_str().unwrap(),
        &p,
        &bases,
    )
    .await;
    let text = alike(&answers);
    assert!(text.contains(r#""kind":"plan""#), "{text}");
    assert_eq!(
        p.call_counts("updatesubscriptionitem").await["commitsApplied"],
        1
    );

    let pv = p.preview_add(&t, TEAM, "294900", 2).await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    let path = format!("/api/subscriptions/{TEAM}/items/commit");
    let answers = thirty_commits(
        &path,
        &t,
        pv.body["quoteToken"].as_str().unwrap(),
        &p,
        &bases,
    )
    .await;
    let text = alike(&answers);
    assert!(text.contains(r#""runningNumber":2"#), "{text}");
    assert_eq!(
        p.call_counts("addsubscriptionitem").await["commitsApplied"],
        1
    );

    let t2 = c2002();
    let pv = p.preview_drop(&t2, BACKUP, 2).await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    let path = format!("/api/subscriptions/{BACKUP}/items/2/commit");
    let answers = thirty_commits(
        &path,
        &t2,
        pv.body["quoteToken"].as_str().unwrap(),
        &p,
        &bases,
    )
    .await;
    let text = alike(&answers);
    assert!(text.contains(r#""kind":"drop""#), "{text}");
    assert_eq!(
        p.call_counts("deactivatesubscriptionitems").await["commitsApplied"],
        1
    );
}
