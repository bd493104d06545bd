//! Request validation and error paths against the proxy's router in this process
//! (`seatquote_proxy::app` driven with `tower::ServiceExt::oneshot`), talking to a real
//! sandbox process: auth, bodies, policy, axum's own rejections as problem documents, and
//! the absence of any sandbox or demo route.

use crate::helpers::*;
use axum::body::Body;
use axum::http::{Method, Request};
use tower::ServiceExt;

const S1: &str = "S68841753";

/// A sandbox process and the proxy's router in-process.
struct Local {
    sandbox: Proc,
    router: axum::Router,
    http: reqwest::Client,
    _data: std::path::PathBuf,
}

async fn local(extra: &[&str]) -> Local {
    let sandbox = sandbox(&[]);
    let data = tmp_dir("local");
    let router = in_process(&sandbox, &data, extra);
    Local {
        sandbox,
        router,
        http: client(),
        _data: data,
    }
}

impl Local {
    async fn request(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Res {
        let mut rb = Request::builder().method(method).uri(path);
        for (k, v) in headers {
            rb = rb.header(*k, *v);
        }
        let res = self
            .router
            .clone()
            .oneshot(rb.body(Body::from(body.to_owned())).unwrap())
            .await
            .unwrap();
        let status = res.status().as_u16();
        let mut headers = reqwest::header::HeaderMap::new();
        for (k, v) in res.headers() {
            headers.insert(
                reqwest::header::HeaderName::from_bytes(k.as_str().as_bytes()).unwrap(),
                reqwest::header::HeaderValue::from_bytes(v.as_bytes()).unwrap(),
            );
        }
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        Res {
            status,
            headers,
            body,
            text,
        }
    }

    async fn get(&self, path: &str, token: &str) -> Res {
        let auth = format!("Bearer {token}");
        self.request(Method::GET, path, &[("authorization", &auth)], "")
            .await
    }

    async fn post(&self, path: &str, token: &str, body: &str, key: Option<&str>) -> Res {
        let auth = format!("Bearer {token}");
        let mut h = vec![
            ("authorization", auth.as_str()),
            ("content-type", "application/json"),
        ];
        if let Some(k) = key {
            h.push(("idempotency-key", k));
        }
        self.request(Method::POST, path, &h, body).await
    }

    async fn preview(&self, token: &str, sub: &str, item: u32, qty: u32, mode: &str) -> Res {
        self.post(
            &format!("/api/subscriptions/{sub}/items/{item}/preview"),
            token,
            &format!(r#"{{"quantity":{qty},"alignment":"{mode}"}}"#),
            None,
        )
        .await
    }

    async fn commit(&self, token: &str, sub: &str, item: u32, quote_token: &str, key: &str) -> Res {
        self.post(
            &format!("/api/subscriptions/{sub}/items/{item}/commit"),
            token,
            &format!(r#"{{"quoteToken":"{quote_token}","consent":true}}"#),
            Some(key),
        )
        .await
    }

    async fn counters(&self) -> serde_json::Value {
        send(
            self.http
                .get(format!("{}/sandbox/_admin/counters", self.sandbox.base)),
        )
        .await
        .body
    }

    async fn commits(&self, sub: &str) -> u64 {
        self.counters().await["commits"][sub].as_u64().unwrap_or(0)
    }

    async fn upstream_requests(&self) -> u64 {
        self.counters().await["totalRequests"].as_u64().unwrap_or(0)
    }
}

fn assert_problem(r: &Res, status: u16, code: &str) {
    assert_eq!((r.status, r.code()), (status, code), "{}", r.text);
    assert_eq!(r.headers["content-type"], "application/problem+json");
    assert_eq!(r.body["status"], status);
    assert!(r.body["type"].as_str().unwrap().ends_with(code));
    assert!(r.body["title"].is_string() && r.body["detail"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_errors_send_nothing_upstream() {
    let p = local(&[]).await;
    let path = format!("/api/subscriptions/{S1}");
    let body = r#"{"quantity":2,"alignment":"immediate"}"#;
    let prev = format!("{path}/items/1/preview");
    let r = p.request(Method::GET, &path, &[], "").await;
    assert_problem(&r, 401, "token_missing");
    assert_eq!(r.headers["www-authenticate"], "Bearer");
    let invalid = r#"Bearer error="invalid_token""#;
    let r = p.get(&path, "cust.garbage.sig").await;
    assert_problem(&r, 401, "token_invalid");
    assert_eq!(r.headers["www-authenticate"], invalid);
    // Signed with another key under the same kid; tampered claims.
    let other = seatquote_auth::generate_keypair(seatquote_auth::KeyKind::Ed25519).unwrap();
    let claims = seatquote_auth::Claims::new("C-1001", [S1], AUDIENCE, now(), 600);
    let forged =
        seatquote_auth::mint(&other.private_key_pem, &merchant_key().kid, &claims).unwrap();
    assert_problem(&p.get(&path, &forged).await, 401, "token_invalid");
    let good = token("C-2002", &["S70000003"], "1h");
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    parts[1] = {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let json = String::from_utf8(b64.decode(&parts[1]).unwrap()).unwrap();
        b64.encode(json.replace("S70000003", S1))
    };
    assert_problem(&p.get(&path, &parts.join(".")).await, 401, "token_invalid");
    // Another audience.
    let claims = seatquote_auth::Claims::new("C-1001", [S1], "https://elsewhere.test/", now(), 600);
    let key = merchant_key();
    let aud = seatquote_auth::mint(&key.private_key_pem, &key.kid, &claims).unwrap();
    assert_problem(&p.get(&path, &aud).await, 401, "token_audience");
    // Expired (beyond the clock-skew allowance), and not valid yet.
    let r = p
        .get(&path, &token_at("C-1001", &[S1], now() - 7200, 3600))
        .await;
    assert_problem(&r, 401, "token_expired");
    assert_eq!(r.headers["www-authenticate"], invalid);
    let r = p
        .get(&path, &token_at("C-1001", &[S1], now() + 3600, 600))
        .await;
    assert_problem(&r, 401, "token_not_yet_valid");
    // Longer than the maximum lifetime (24 hours by default).
    let r = p
        .get(&path, &token_at("C-1001", &[S1], now(), 2 * 86_400))
        .await;
    assert_problem(&r, 401, "token_invalid");
    // One customer's token on another's subscription.
    let r = p.get(&path, &c2002()).await;
    assert_problem(&r, 403, "forbidden_subscription");
    assert!(r.headers.get("www-authenticate").is_none());
    let r = p.post(&prev, &c2002(), body, None).await;
    assert_problem(&r, 403, "forbidden_subscription");
    let r = p
        .post(
            &format!("{path}/items/1/commit"),
            &c2002(),
            r#"{"quoteToken":"x","consent":true}"#,
            Some("k"),
        )
        .await;
    assert_problem(&r, 403, "forbidden_subscription");
    let r = p.post(&prev, "", body, None).await;
    assert_eq!(r.status, 401);
    assert_eq!(p.upstream_requests().await, 0, "nothing was sent upstream");
    // The scheme in any case (this one reaches Cleverbridge).
    let lower = format!("bearer {}", c1001());
    let r = p
        .request(Method::GET, &path, &[("authorization", &lower)], "")
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_errors() {
    let p = local(&[]).await;
    let t = c1001();
    let prev = format!("/api/subscriptions/{S1}/items/1/preview");
    let cases: &[(&str, u16, &str)] = &[
        (
            r#"{"quantity":2,"alignment":"immediate","unitPrice":"0.01"}"#,
            400,
            "unknown_field",
        ),
        (
            r#"{"quantity":2,"alignment":"immediate","price":{"gross":"1"}}"#,
            400,
            "unknown_field",
        ),
        (
            r#"{"quantity":"2","alignment":"immediate"}"#,
            400,
            "invalid_body",
        ),
        (
            r#"{"quantity":2.5,"alignment":"immediate"}"#,
            400,
            "invalid_body",
        ),
        (r#"not json"#, 400, "invalid_body"),
        (r#"{"alignment":"immediate"}"#, 400, "invalid_body"),
        (
            r#"{"quantity":0,"alignment":"immediate"}"#,
            422,
            "quantity_out_of_range",
        ),
        (
            r#"{"quantity":101,"alignment":"immediate"}"#,
            422,
            "quantity_out_of_range",
        ),
        (
            r#"{"quantity":2,"alignment":"sideways"}"#,
            422,
            "invalid_alignment",
        ),
        (
            r#"{"quantity":2,"alignment":"nextBilling"}"#,
            422,
            "mode_not_allowed",
        ),
    ];
    for (body, status, code) in cases {
        let r = p.post(&prev, &t, body, None).await;
        assert_eq!((r.status, r.code()), (*status, *code), "{body}: {}", r.text);
    }
    let big = format!(r#"{{"quantity":2,"alignment":"{}"}}"#, "x".repeat(20_000));
    let r = p.post(&prev, &t, &big, None).await;
    assert_eq!((r.status, r.code()), (413, "payload_too_large"));
    // Decrease with immediate: not offered by the policy.
    let r = p.preview(&c1001(), "S70000001", 1, 3, "immediate").await;
    assert_eq!((r.status, r.code()), (422, "mode_not_allowed"));
    // Grace subscription.
    let r = p.preview(&c2002(), "S70000003", 1, 3, "immediate").await;
    assert_eq!(
        (r.status, r.code()),
        (409, "subscription_not_active"),
        "{}",
        r.text
    );
    // Unknown item, retired item, unknown subscription.
    let r = p.preview(&t, S1, 9, 2, "immediate").await;
    assert_eq!((r.status, r.code()), (404, "not_found"));
    let r = p.preview(&c2002(), "S70000004", 3, 2, "immediate").await;
    assert_eq!((r.status, r.code()), (404, "not_found"));
    let ghost = token("C-1001", &["S99999999"], "1h");
    let r = p.get("/api/subscriptions/S99999999", &ghost).await;
    assert_eq!((r.status, r.code()), (404, "not_found"));

    // Commit errors.
    let commit = format!("/api/subscriptions/{S1}/items/1/commit");
    let pv = p.preview(&t, S1, 1, 2, "immediate").await;
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    let ok_body = format!(r#"{{"quoteToken":"{qt}","consent":true}}"#);
    let r = p.post(&commit, &t, &ok_body, None).await;
    assert_eq!((r.status, r.code()), (400, "idempotency_key_required"));
    for bad in ["two words", "é-key", &"k".repeat(256)] {
        let r = p.post(&commit, &t, &ok_body, Some(bad)).await;
        assert_eq!(
            (r.status, r.code()),
            (400, "idempotency_key_required"),
            "{bad}"
        );
    }
    let r = p
        .post(
            &commit,
            &t,
            &format!(r#"{{"quoteToken":"{qt}"}}"#),
            Some("a"),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "consent_required"));
    let r = p
        .post(
            &commit,
            &t,
            &format!(r#"{{"quoteToken":"{qt}","consent":false}}"#),
            Some("a"),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "consent_required"));
    let r = p
        .post(
            &commit,
            &t,
            &format!(r#"{{"quoteToken":"{qt}","consent":true,"price":"1"}}"#),
            Some("a"),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "unknown_field"));
    // Forged: a flipped signature character, a token for another item, a bearer token.
    let mut forged = qt.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    let r = p.commit(&t, S1, 1, &forged, "a").await;
    assert_eq!((r.status, r.code()), (400, "invalid_quote_token"));
    let r = p.commit(&t, "S70000001", 1, &qt, "a").await;
    assert_eq!((r.status, r.code()), (400, "invalid_quote_token"));
    let r = p.commit(&t, S1, 1, &t, "a").await;
    assert_eq!((r.status, r.code()), (400, "invalid_quote_token"));
    assert_eq!(p.commits(S1).await, 0);
}

/// axum's own rejections — path, body, content type, size, route, method — answer
/// problem documents with stable codes, and nothing reaches Cleverbridge.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn framework_rejections_are_problems() {
    let p = local(&[]).await;
    let t = c1001();
    let auth = format!("Bearer {t}");
    let json = [
        ("authorization", auth.as_str()),
        ("content-type", "application/json"),
    ];
    let ok = r#"{"quantity":2,"alignment":"immediate"}"#;
    for path in [
        format!("/api/subscriptions/{S1}/items/null,null/preview"),
        format!("/api/subscriptions/{S1}/items/-1/preview"),
        format!("/api/subscriptions/{S1}/items/18446744073709551616/preview"),
    ] {
        let r = p.request(Method::POST, &path, &json, ok).await;
        assert_problem(&r, 400, "invalid_path_parameter");
    }
    let prev = format!("/api/subscriptions/{S1}/items/1/preview");
    let r = p
        .request(Method::POST, &prev, &json, "{\"quantity\":")
        .await;
    assert_problem(&r, 400, "invalid_body");
    let r = p
        .request(
            Method::POST,
            &prev,
            &[("authorization", &auth), ("content-type", "text/plain")],
            ok,
        )
        .await;
    assert_problem(&r, 415, "unsupported_media_type");
    let r = p
        .request(Method::POST, &prev, &[("authorization", &auth)], ok)
        .await;
    assert_problem(&r, 415, "unsupported_media_type");
    let big = format!(r#"{{"quantity":2,"alignment":"{}"}}"#, "x".repeat(100_000));
    let r = p.request(Method::POST, &prev, &json, &big).await;
    assert_problem(&r, 413, "payload_too_large");
    let r = p.request(Method::GET, "/api/nothing-here", &json, "").await;
    assert_problem(&r, 404, "not_found");
    let r = p.request(Method::DELETE, &prev, &json, "").await;
    assert_problem(&r, 405, "method_not_allowed");
    assert!(r.headers["allow"].to_str().unwrap().contains("POST"));
    let r = p
        .request(Method::PUT, &format!("/api/subscriptions/{S1}"), &json, "")
        .await;
    assert_problem(&r, 405, "method_not_allowed");
    assert_eq!(p.upstream_requests().await, 0, "nothing was sent upstream");
}

/// The proxy has no sandbox, admin or demo routes: they answer 404 problems. And its
/// dependency tree holds no sandbox crate.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_sandbox_admin_or_demo_routes() {
    let p = local(&[]).await;
    for (method, path) in [
        (Method::GET, "/sandbox/_admin/counters"),
        (Method::POST, "/sandbox/_admin/fault"),
        (Method::POST, "/sandbox/_admin/reset"),
        (Method::POST, "/sandbox/_admin/price"),
        (
            Method::GET,
            "/sandbox/subscription/getsubscription?subscriptionId=S68841753",
        ),
        (Method::POST, "/sandbox/subscription/updatesubscriptionitem"),
        (Method::POST, "/demo/login"),
        (Method::GET, "/"),
        (Method::GET, "/index.html"),
        (Method::GET, "/pkg/widget_bg.wasm"),
    ] {
        let r = p
            .request(
                method.clone(),
                path,
                &[("content-type", "application/json")],
                r#"{"customerId":"C-1001","fault":"status500"}"#,
            )
            .await;
        assert_problem(&r, 404, "not_found");
    }
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "tree",
            "--offline",
            "--prefix",
            "none",
            "--manifest-path",
            manifest,
        ])
        .args(["-p", "seatquote-proxy", "-e", "all"])
        .output()
        .unwrap();
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(tree.contains("seatquote-core"), "{tree}");
    assert!(!tree.contains("seatquote-sandbox"), "{tree}");
}

/// Upstream answers the proxy must not trust: a redirect (never followed: it would carry
/// the Basic credentials elsewhere) and an endless body (read up to 1 MiB).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_are_not_followed_and_bodies_are_bounded() {
    use axum::routing::get;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;
    let followed = Arc::new(AtomicU32::new(0));
    let f = followed.clone();
    let fake = axum::Router::new()
        .route(
            "/redirect/getsubscription",
            get(|| async {
                (
                    axum::http::StatusCode::FOUND,
                    [("location", "/elsewhere/getsubscription")],
                )
            }),
        )
        .route(
            "/elsewhere/getsubscription",
            get(move || {
                f.fetch_add(1, Ordering::SeqCst);
                async { "{}" }
            }),
        )
        .route(
            "/huge/getsubscription",
            get(|| async { "x".repeat(2 * 1024 * 1024) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, fake).await });
    let t = c1001();
    let auth = format!("Bearer {t}");
    for (path, detail) in [("redirect", "HTTP 302"), ("huge", "cannot read")] {
        let data = tmp_dir(path);
        let router = in_process_at(&format!("http://{addr}/{path}/"), &data, &[]);
        let res = router
            .oneshot(
                Request::get(format!("/api/subscriptions/{S1}"))
                    .header("authorization", &auth)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), 502, "{path}");
        let body = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&body);
        assert!(
            text.contains("upstream_error") && text.contains(detail),
            "{path}: {text}"
        );
    }
    assert_eq!(
        followed.load(Ordering::SeqCst),
        0,
        "the redirect was not followed"
    );
}
