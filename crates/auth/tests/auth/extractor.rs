//! The shape the proxy uses: an axum extractor over `Arc<Verifier>` whose rejection is the
//! `AuthError` turned into problem+json by one `From` impl, exercised over real HTTP on
//! loopback.

use std::sync::Arc;
use std::time::SystemTime;

use axum::extract::{FromRef, FromRequestParts, Path, State};
use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use seatquote_auth::{mint, AuthError, Customer, Verifier};
use serde_json::{json, Value};

use crate::helpers::*;

/// A problem+json response (the proxy has its own `Problem`; this is the same mapping).
struct Problem(AuthError);

impl From<AuthError> for Problem {
    fn from(e: AuthError) -> Self {
        Self(e)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let e = self.0;
        let body = json!({
            "type": "about:blank",
            "title": e.status().canonical_reason().unwrap_or(""),
            "status": e.status().as_u16(),
            "detail": e.message(),
            "code": e.code(),
        });
        let mut r = (e.status(), body.to_string()).into_response();
        let h = r.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(w) = e.www_authenticate() {
            h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(w));
        }
        r
    }
}

/// The authenticated customer of a request.
struct Authed(Customer);

impl<S> FromRequestParts<S> for Authed
where
    Arc<Verifier>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let verifier = Arc::<Verifier>::from_ref(state);
        let header = match parts.headers.get(header::AUTHORIZATION) {
            None => "",
            Some(v) => v.to_str().map_err(|_| {
                AuthError::Malformed("the Authorization header is not ASCII".into())
            })?,
        };
        Ok(Self(verifier.verify(header, SystemTime::now()).await?))
    }
}

async fn subscription(
    Authed(customer): Authed,
    Path(id): Path<String>,
    State(_): State<Arc<Verifier>>,
) -> Result<String, Problem> {
    customer.may_touch(&id)?;
    Ok(format!("{} may change {id}", customer.id))
}

#[tokio::test]
async fn extractor_over_loopback_http() {
    let key = ed();
    let verifier = Arc::new(verifier(&[&key]));
    let app = Router::new()
        .route("/api/subscriptions/{id}", get(subscription))
        .with_state(verifier);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let client = reqwest::Client::new();
    let token = mint(&key.private_key_pem, &key.kid, &claims(now())).unwrap();
    let get = |path: &str, auth: Option<String>| {
        let mut r = client.get(format!("{base}{path}"));
        if let Some(a) = auth {
            r = r.header("authorization", a);
        }
        r.send()
    };

    let ok = get("/api/subscriptions/S-1", Some(format!("bearer {token}")))
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(ok.text().await.unwrap(), "C-1001 may change S-1");

    let cases = [
        (
            None,
            "/api/subscriptions/S-1",
            401,
            "token_missing",
            Some("Bearer"),
        ),
        (
            Some(format!("Bearer {token}x")),
            "/api/subscriptions/S-1",
            401,
            "token_invalid",
            Some("Bearer error=\"invalid_token\""),
        ),
        (
            Some(format!("Bearer {token}")),
            "/api/subscriptions/S-3",
            403,
            "forbidden_subscription",
            None,
        ),
    ];
    for (auth, path, status, code, www) in cases {
        let r = get(path, auth).await.unwrap();
        assert_eq!(r.status().as_u16(), status, "{code}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        assert_eq!(
            r.headers()
                .get("www-authenticate")
                .map(|v| v.to_str().unwrap()),
            www
        );
        let body: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
        assert_eq!(
            (body["code"].as_str(), body["status"].as_u64()),
            (Some(code), Some(status as u64))
        );
        assert!(body["detail"].as_str().unwrap().len() > 10);
    }
}

/// The verifier is shared between requests and its future can run on any worker thread.
#[test]
fn verifier_is_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: T) {}
    let v = verifier(&[&ed()]);
    send_sync(&v);
    send(v.verify("", SystemTime::now()));
}
