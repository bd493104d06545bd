//! The proxy against a separately started sandbox process, over real loopback HTTP.

use std::time::{Duration, Instant};

use crate::helpers::*;
use seatquote_core::quote::quote_json;
use serde_json::{json, Value};

const S1: &str = "S68841753";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summary_preview_commit_and_replay() {
    let p = pair(&[]);
    let t = c1001();
    let s = p.get(&format!("/api/subscriptions/{S1}"), &t).await;
    assert_eq!(s.status, 200, "{}", s.text);
    let b = &s.body;
    assert_eq!(b["id"], S1);
    assert_eq!(b["status"], "active");
    assert_eq!(b["currency"], "USD");
    assert_eq!(b["taxMode"], "gross");
    assert_eq!(b["taxRate"], "0.19");
    assert_eq!(b["taxRateIsEstimate"], true);
    assert_eq!(b["periodStart"], "2025-11-13");
    assert_eq!(b["nextBillingDate"], "2026-11-13");
    assert_eq!(b["today"], TODAY);
    assert_eq!(b["interval"], json!({"months": 12, "days": 0}));
    let it = &b["items"][0];
    assert_eq!(it["runningNumber"], 1);
    assert_eq!(it["productId"], "294835");
    assert_eq!(it["quantity"], 1);
    assert_eq!(it["unitPrice"], "1200.00");
    assert_eq!(it["increaseModes"], json!(["immediate", "extend"]));
    assert_eq!(it["decreaseModes"], json!(["nextBilling"]));

    // Only current items are offered (S70000004 has a retired third item).
    let s = p.get("/api/subscriptions/S70000004", &c2002()).await;
    assert_eq!(
        s.body["items"].as_array().map(Vec::len),
        Some(2),
        "{}",
        s.text
    );

    let pv = p.preview(&t, S1, 1, 2, "immediate").await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    assert_eq!(
        pv.body["alignment"],
        json!({"net": "508.34", "vat": "96.59", "gross": "604.93"})
    );
    assert_eq!(pv.body["mode"], "immediate");
    assert!(pv.body["expiresAt"].as_str().unwrap().ends_with('Z'));
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();

    let c = p.commit(&t, S1, 1, &qt, "key-1").await;
    assert_eq!(c.status, 200, "{}", c.text);
    assert_eq!(c.body["status"], "committed");
    assert_eq!(c.body["subscriptionId"], S1);
    assert_eq!(c.body["runningNumber"], 1);
    assert_eq!(c.body["quantity"], 2);
    assert_eq!(c.body["mode"], "immediate");
    assert_eq!(c.body["quote"]["alignment"]["gross"], "604.93");
    assert!(c.body["committedAt"].is_string());
    let again = p.commit(&t, S1, 1, &qt, "key-1").await;
    assert_eq!(again.status, 200);
    assert_eq!(again.text, c.text, "a replay returns the identical body");
    assert_eq!(p.commits(S1).await, 1);
    // The summary now shows two seats.
    let s = p.get(&format!("/api/subscriptions/{S1}"), &t).await;
    assert_eq!(s.body["items"][0]["quantity"], 2);
}

/// The proxy's preview numbers equal the engine's quote() for the same inputs, in every
/// fixture currency and mode.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preview_equals_core_quote() {
    let p = pair(&[]);
    let cases = [
        (c1001(), S1, 1, 2, "immediate"),
        (c1001(), S1, 1, 3, "extend"),
        (c1001(), "S70000001", 1, 3, "nextBilling"),
        (c1001(), "S70000001", 1, 7, "immediate"),
        (c1001(), "S70000002", 1, 4, "extend"),
        (c1001(), "S70000006", 1, 3, "immediate"),
        (c2002(), "S70000004", 2, 1, "nextBilling"),
        (c2002(), "S70000005", 1, 9, "immediate"),
    ];
    for (t, sub, item, qty, mode) in cases {
        let s = p.get(&format!("/api/subscriptions/{sub}"), &t).await;
        assert_eq!(s.status, 200, "{}", s.text);
        let it = s.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["runningNumber"] == item)
            .unwrap()
            .clone();
        let input = json!({
            "currency": s.body["currency"], "taxMode": s.body["taxMode"], "taxRate": s.body["taxRate"],
            "periodStart": s.body["periodStart"], "nextBillingDate": s.body["nextBillingDate"],
            "interval": s.body["interval"], "changeDate": s.body["today"],
            "current": {"unitPrice": it["currentUnitPrice"], "quantity": it["quantity"]},
            "next": {"unitPrice": it["unitPrice"], "quantity": qty},
            "alignment": mode,
        });
        let expected: Value =
            serde_json::from_str(&quote_json(&input.to_string()).unwrap()).unwrap();
        let pv = p.preview(&t, sub, item, qty, mode).await;
        assert_eq!(pv.status, 200, "{sub} {mode}: {}", pv.text);
        let mut got = pv.body.clone();
        assert_eq!(got["kind"], "seats", "{sub}");
        assert_eq!(got["productBefore"], got["productAfter"], "{sub}");
        assert_eq!(got["productAfter"]["productId"], it["productId"], "{sub}");
        for k in [
            "quoteToken",
            "expiresAt",
            "mode",
            "kind",
            "productBefore",
            "productAfter",
        ] {
            got.as_object_mut().unwrap().remove(k);
        }
        assert_eq!(got, expected, "{sub} {qty} {mode}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quote_tokens_expired_replayed_changed() {
    let p = pair(&[("SEATQUOTE_QUOTE_TTL", "1".into())]);
    let t = c1001();
    let pv = p.preview(&t, S1, 1, 2, "immediate").await;
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = p.commit(&t, S1, 1, &qt, "exp").await;
    assert_eq!((r.status, r.code()), (409, "quote_expired"));

    let p = pair(&[]);
    let pv = p.preview(&t, S1, 1, 2, "immediate").await;
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    // The price moves between preview and commit.
    p.admin(
        "price",
        Some(r#"{"productId":294835,"unitPrice":"1300.00"}"#),
    )
    .await;
    let r = p.commit(&t, S1, 1, &qt, "chg").await;
    assert_eq!((r.status, r.code()), (409, "quote_changed"), "{}", r.text);
    let fresh = &r.body["quote"];
    assert_eq!(fresh["next"]["unitPrice"], "1300.00");
    let qt2 = fresh["quoteToken"].as_str().unwrap().to_owned();
    assert_eq!(p.commits(S1).await, 0);
    // The new quote commits (a new key: the failed one was never used).
    let r = p.commit(&t, S1, 1, &qt2, "chg2").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["quote"]["next"]["total"], "2600.00");
    // Replaying the token with another key is refused; reusing the key for another
    // request too.
    let r = p.commit(&t, S1, 1, &qt2, "chg3").await;
    assert_eq!((r.status, r.code()), (400, "invalid_quote_token"));
    let pv = p.preview(&t, S1, 1, 3, "immediate").await;
    let qt3 = pv.body["quoteToken"].as_str().unwrap().to_owned();
    let r = p.commit(&t, S1, 1, &qt3, "chg2").await;
    assert_eq!((r.status, r.code()), (422, "idempotency_key_reused"));
    assert_eq!(p.commits(S1).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_commits_one_key() {
    let p = pair(&[]);
    let t = c1001();
    let pv = p.preview(&t, S1, 1, 4, "immediate").await;
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    let url = p.url(&format!("/api/subscriptions/{S1}/items/1/commit"));
    let body = format!(r#"{{"quoteToken":"{qt}","consent":true}}"#);
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let rb = p
            .http
            .post(&url)
            .bearer_auth(&t)
            .header("Idempotency-Key", "same-key")
            .header("content-type", "application/json")
            .body(body.clone());
        tasks.push(tokio::spawn(send(rb)));
    }
    let mut bodies = Vec::new();
    for task in tasks {
        let r = task.await.unwrap();
        assert_eq!(r.status, 200, "{}", r.text);
        bodies.push(r.text);
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "every response is the same"
    );
    assert_eq!(p.commits(S1).await, 1, "exactly one upstream commit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_after_upstream_commit_then_retry_commits_once() {
    let help = std::process::Command::new(BIN)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&help.stdout).contains("SEATQUOTE_FAILPOINT"),
        "this test needs the failpoints build: cargo test --features seatquote-proxy/failpoints"
    );
    let sb = sandbox(&[]);
    let data = tmp_dir("crash");
    let mut px = proxy(
        &sb,
        &data,
        &[("SEATQUOTE_FAILPOINT", "after_upstream_commit".into())],
    );
    let mut p = Pair {
        sandbox: sb,
        proxy: spawn_placeholder(),
        data: data.clone(),
        db: None,
        http: client(),
    };
    std::mem::swap(&mut p.proxy, &mut px);
    drop(px);
    let t = c1001();
    let pv = p.preview(&t, S1, 1, 3, "immediate").await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    let url = p.url(&format!("/api/subscriptions/{S1}/items/1/commit"));
    let rb = p
        .http
        .post(&url)
        .bearer_auth(&t)
        .header("Idempotency-Key", "crash-key")
        .header("Content-Type", "application/json")
        .body(format!(r#"{{"quoteToken":"{qt}","consent":true}}"#));
    let pending = tokio::spawn(async move { rb.send().await.map(|r| r.status().as_u16()) });
    assert!(
        p.proxy
            .wait_line("failpoint after_upstream_commit", Duration::from_secs(15)),
        "the failpoint was reached"
    );
    p.proxy.kill(); // SIGKILL between the upstream commit and the local write
    assert!(
        pending.await.unwrap().is_err(),
        "the client saw the connection die"
    );
    assert_eq!(p.commits(S1).await, 1);

    // Restart on the same data dir, retry with the same key.
    let restarted = proxy(&p.sandbox, &data, &[]);
    p.proxy = restarted;
    // The outcome is unknown until the upstream call's deadline has passed: the retry
    // answers `commit_outcome_unknown` until the ledger has read Cleverbridge.
    let r = p
        .commit_resolved(&t, S1, 1, &qt, "crash-key", Duration::from_secs(15))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "committed");
    assert_eq!(r.body["quantity"], 3);
    let again = p.commit(&t, S1, 1, &qt, "crash-key").await;
    assert_eq!(again.text, r.text);
    assert_eq!(p.commits(S1).await, 1, "still exactly one upstream commit");
    assert_eq!(
        p.intent_state("C-1001", "crash-key").as_deref(),
        Some("done")
    );
}

/// A started-and-killed placeholder so `Pair` can be assembled field by field.
fn spawn_placeholder() -> Proc {
    let mut p = sandbox(&[]);
    p.kill();
    p
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_faults_become_problems_without_hanging() {
    let p = pair(&[("SEATQUOTE_CACHE_MS", "60000".into())]);
    let t = c1001();
    // Warm the subscription cache so each fault hits the preview call.
    assert_eq!(
        p.get(&format!("/api/subscriptions/{S1}"), &t).await.status,
        200
    );
    let mut qty = 1;
    let mut next_qty = || {
        qty += 1;
        qty
    };

    p.fault("status500", 1, None).await;
    let r = p.preview(&t, S1, 1, next_qty(), "immediate").await;
    assert_eq!(r.status, 200, "one 500 is retried: {}", r.text);

    p.fault("status500", 10, None).await;
    let r = p.preview(&t, S1, 1, next_qty(), "immediate").await;
    assert_eq!((r.status, r.code()), (502, "upstream_error"), "{}", r.text);
    p.fault("status500", 0, None).await;

    // A 429 with a Retry-After longer than the retry budget: 503 with it, and nothing
    // is sent upstream until it has passed (docs/proxy.md, "Upstream discipline").
    p.fault("status429", 1, Some(2000)).await;
    let r = p.preview(&t, S1, 1, next_qty(), "immediate").await;
    assert_eq!(
        (r.status, r.code()),
        (503, "upstream_unavailable"),
        "{}",
        r.text
    );
    assert_eq!(r.headers["retry-after"], "2");
    tokio::time::sleep(Duration::from_millis(2_100)).await;

    p.fault("malformed", 1, None).await;
    let r = p.preview(&t, S1, 1, next_qty(), "immediate").await;
    assert_eq!((r.status, r.code()), (502, "upstream_error"), "{}", r.text);

    p.fault("latency", 1, Some(100)).await;
    let r = p.preview(&t, S1, 1, next_qty(), "immediate").await;
    assert_eq!(r.status, 200, "short latency is fine: {}", r.text);

    p.fault("latency", 1, Some(3000)).await;
    let started = Instant::now();
    let r = p.preview(&t, S1, 1, next_qty(), "immediate").await;
    assert_eq!(
        (r.status, r.code()),
        (504, "upstream_timeout"),
        "{}",
        r.text
    );
    assert!(started.elapsed() < Duration::from_secs(3));

    p.fault("hang", 1, None).await;
    let started = Instant::now();
    let r = p.preview(&t, S1, 1, next_qty(), "immediate").await;
    assert_eq!(
        (r.status, r.code()),
        (504, "upstream_timeout"),
        "{}",
        r.text
    );
    assert!(started.elapsed() < Duration::from_secs(3), "no hang");

    // After every fault the proxy works normally (no leaked in-flight slots).
    let pv = p.preview(&t, S1, 1, 2, "immediate").await;
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    let r = p.commit(&t, S1, 1, &qt, "after-faults").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(p.commits(S1).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_health_metrics_openapi() {
    let p = pair(&[]);
    let r = send(p.http.get(p.url("/healthz"))).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("ok")));
    assert_eq!(
        r.headers["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
    );
    assert_eq!(r.headers["x-content-type-options"], "nosniff");
    assert_eq!(r.headers["referrer-policy"], "no-referrer");
    let _ = p.get(&format!("/api/subscriptions/{S1}"), &c1001()).await;
    let m = send(p.http.get(p.url("/metrics"))).await;
    assert_eq!(m.status, 200);
    assert!(m.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    for family in [
        "seatquote_http_responses_total",
        "seatquote_upstream_requests_total",
        "seatquote_upstream_retries_total",
        "seatquote_commits_total",
    ] {
        assert!(
            m.text.contains(&format!("# TYPE {family} counter")),
            "{family}: {}",
            m.text
        );
    }
    assert!(
        m.text.contains(
            "seatquote_http_responses_total{route=\"/api/subscriptions/{id}\",status=\"200\"} 1"
        ),
        "{}",
        m.text
    );
    assert!(m
        .text
        .contains("seatquote_upstream_requests_total{op=\"getsubscription\",outcome=\"ok\"}"));

    // The OpenAPI document is served, and documents every route and status code.
    let doc = send(p.http.get(p.url("/api/openapi.json"))).await.body;
    assert_eq!(doc["openapi"], "3.1.0");
    let on_disk: Value = serde_json::from_str(include_str!("../../../openapi.json")).unwrap();
    assert_eq!(doc, on_disk);
    let expect: &[(&str, &str, &[&str])] = &[
        (
            "/api/subscriptions/{id}",
            "get",
            &[
                "200", "400", "401", "403", "404", "500", "502", "503", "504",
            ],
        ),
        (
            "/api/subscriptions/{id}/items/{runningNumber}/preview",
            "post",
            &[
                "200", "400", "401", "403", "404", "409", "413", "415", "422", "500", "502", "503",
                "504",
            ],
        ),
        (
            "/api/subscriptions/{id}/items/{runningNumber}/commit",
            "post",
            &[
                "200", "400", "401", "403", "404", "409", "413", "415", "422", "500", "502", "503",
                "504",
            ],
        ),
        (
            "/api/subscriptions/{id}/items/{runningNumber}/scheduled",
            "delete",
            &["200", "400", "401", "403", "404", "409", "500", "503"],
        ),
        ("/healthz", "get", &["200"]),
        ("/metrics", "get", &["200"]),
        ("/api/openapi.json", "get", &["200"]),
    ];
    for (path, method, codes) in expect {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} documented");
        for c in *codes {
            assert!(op["responses"][c].is_object(), "{method} {path} {c}");
        }
    }
    let documented: Vec<String> = doc["components"]["schemas"]["Problem"]["properties"]["code"]
        ["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    for code in [
        "token_missing",
        "token_invalid",
        "token_expired",
        "forbidden_subscription",
        "not_found",
        "unknown_field",
        "invalid_body",
        "payload_too_large",
        "quantity_out_of_range",
        "mode_not_allowed",
        "subscription_not_active",
        "consent_required",
        "idempotency_key_required",
        "idempotency_key_reused",
        "idempotency_key_in_progress",
        "invalid_quote_token",
        "quote_expired",
        "quote_changed",
        "upstream_timeout",
        "upstream_unavailable",
        "upstream_error",
        "negative_alignment",
        "invalid_alignment",
        "currency_mismatch",
        "tax_mode_mismatch",
        "outside_period",
        "internal_error",
    ] {
        assert!(
            documented.iter().any(|d| d == code),
            "problem code {code} documented"
        );
    }
}

fn cors_headers(r: &Res) -> Vec<String> {
    r.headers
        .keys()
        .map(|k| k.as_str().to_owned())
        .filter(|k| k.starts_with("access-control-"))
        .collect()
}

async fn preflight(p: &Pair, origin: &str) -> Res {
    send(
        p.http
            .request(
                reqwest::Method::OPTIONS,
                p.url(&format!("/api/subscriptions/{S1}/items/1/commit")),
            )
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization,content-type,idempotency-key",
            ),
    )
    .await
}

async fn from_origin(p: &Pair, origin: &str, token: Option<&str>) -> Res {
    let mut rb = p
        .http
        .get(p.url(&format!("/api/subscriptions/{S1}")))
        .header("Origin", origin);
    if let Some(t) = token {
        rb = rb.bearer_auth(t);
    }
    send(rb).await
}

/// CORS headers only for the allowed origins, on preflights, answers and problems; none
/// at all without SEATQUOTE_ALLOWED_ORIGINS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_only_for_allowed_origins() {
    const SHOP: &str = "https://shop.example";
    let p = pair(&[("SEATQUOTE_ALLOWED_ORIGINS", SHOP.into())]);
    let t = c1001();

    let r = preflight(&p, SHOP).await;
    assert!((200..300).contains(&r.status), "preflight {}", r.status);
    assert_eq!(r.headers["access-control-allow-origin"], SHOP);
    let methods = r.headers["access-control-allow-methods"].to_str().unwrap();
    assert!(methods.contains("POST"), "{methods}");
    let allowed = r.headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    for h in ["authorization", "content-type", "idempotency-key"] {
        assert!(allowed.contains(h), "{h} in {allowed}");
    }
    assert_eq!(r.headers["access-control-max-age"], "600");

    let r = from_origin(&p, SHOP, Some(&t)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.headers["access-control-allow-origin"], SHOP);
    assert!(r.headers["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase()
        .contains("retry-after"));
    assert!(r.headers["vary"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase()
        .contains("origin"));
    // Problems carry them too, so the widget can read the code.
    let r = from_origin(&p, SHOP, None).await;
    assert_eq!((r.status, r.code()), (401, "token_missing"));
    assert_eq!(r.headers["access-control-allow-origin"], SHOP);

    // Another origin: no allow-origin anywhere, so a browser blocks it.
    for origin in ["https://evil.example", "https://shop.example.evil.example"] {
        let r = preflight(&p, origin).await;
        assert!(
            r.headers.get("access-control-allow-origin").is_none(),
            "{origin}: {:?}",
            r.headers
        );
        let r = from_origin(&p, origin, Some(&t)).await;
        assert!(
            r.headers.get("access-control-allow-origin").is_none(),
            "{origin}: {:?}",
            r.headers
        );
    }

    // No allowed origins: no CORS headers at all.
    let q = pair(&[]);
    for origin in [SHOP, "https://evil.example"] {
        let r = preflight(&q, origin).await;
        assert_eq!(cors_headers(&r), Vec::<String>::new(), "preflight {origin}");
        let r = from_origin(&q, origin, Some(&t)).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(cors_headers(&r), Vec::<String>::new(), "GET {origin}");
    }
}

/// Every problem `code` the proxy can emit — each `Problem::new(StatusCode::…, "code", …)`
/// in its source, plus the engine's codes that pass through — is listed in the OpenAPI
/// document's `Problem.code` enum, and the enum lists nothing else.
#[test]
fn openapi_lists_every_problem_code() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut emitted = std::collections::BTreeSet::new();
    // Every source file, in src/ and its folders.
    let mut files = Vec::new();
    let mut dirs = vec![src];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for (at, _) in text.match_indices("::new(") {
            let args = text[at + "::new(".len()..].trim_start();
            let Some(rest) = args.strip_prefix("StatusCode::") else {
                continue;
            };
            let Some((_, rest)) = rest.split_once(',') else {
                continue;
            };
            let Some(lit) = rest.trim_start().strip_prefix('"') else {
                continue;
            };
            let code = &lit[..lit.find('"').unwrap()];
            assert!(
                !code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{}: odd problem code {code:?}",
                path.display()
            );
            emitted.insert(code.to_owned());
        }
    }
    // The scan found the codes it should (so it cannot pass by finding nothing).
    for code in [
        "invalid_path_parameter",
        "invalid_body",
        "internal_error",
        "quote_changed",
        "upstream_timeout",
        "idempotency_key_in_progress",
    ] {
        assert!(emitted.contains(code), "scan missed {code}: {emitted:?}");
    }
    for code in seatquote_core::error::ErrorCode::ALL {
        emitted.insert(code.as_str().to_owned());
    }
    // The customer-token refusals (crates/proxy/src/http/auth.rs), one of each code.
    use seatquote_auth::AuthError;
    for e in [
        AuthError::Missing,
        AuthError::Malformed(String::new()),
        AuthError::BadSignature,
        AuthError::UnknownKey,
        AuthError::WrongAlgorithm,
        AuthError::LifetimeTooLong { max_seconds: 1 },
        AuthError::Issuer,
        AuthError::Audience,
        AuthError::Expired,
        AuthError::NotYetValid,
        AuthError::ForbiddenSubscription,
        AuthError::KeysUnavailable,
    ] {
        emitted.insert(e.code().to_owned());
    }
    let doc: Value = serde_json::from_str(include_str!("../../../openapi.json")).unwrap();
    let documented: std::collections::BTreeSet<String> = doc["components"]["schemas"]["Problem"]
        ["properties"]["code"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    let missing: Vec<_> = emitted.difference(&documented).collect();
    assert!(missing.is_empty(), "not in openapi.json: {missing:?}");
    let stale: Vec<_> = documented.difference(&emitted).collect();
    assert!(stale.is_empty(), "documented but never emitted: {stale:?}");
}
