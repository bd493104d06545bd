//! A JWKS fetched over real HTTP from a loopback server: caching, reload on an unknown `kid`
//! at a bounded rate, expiry of the cached set, failures, and redirects (never followed).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::routing::get;
use axum::Router;
use seatquote_auth::{mint, AuthError, Config, GeneratedKey, KeySource, Verifier};

use crate::helpers::*;

/// What the JWKS server answers, and how often it was asked.
struct Jwks {
    body: Mutex<String>,
    status: AtomicU16,
    hits: AtomicUsize,
}

impl Jwks {
    fn set(&self, keys: &[&GeneratedKey]) {
        *self.body.lock().unwrap() = jwks(keys);
    }
    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

async fn jwks_handler(State(s): State<Arc<Jwks>>) -> (StatusCode, String) {
    s.hits.fetch_add(1, Ordering::SeqCst);
    let status = StatusCode::from_u16(s.status.load(Ordering::SeqCst)).unwrap();
    (status, s.body.lock().unwrap().clone())
}

/// Starts a JWKS server on 127.0.0.1 (a port the OS picks); it stops with the test runtime.
/// `/moved` redirects to the key set.
async fn serve(keys: &[&GeneratedKey]) -> (Arc<Jwks>, SocketAddr) {
    let state = Arc::new(Jwks {
        body: Mutex::new(jwks(keys)),
        status: AtomicU16::new(200),
        hits: AtomicUsize::new(0),
    });
    let app = Router::new()
        .route("/.well-known/jwks.json", get(jwks_handler))
        .route(
            "/moved",
            get(|| async { Redirect::temporary("/.well-known/jwks.json") }),
        )
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (state, addr)
}

fn url_verifier(addr: SocketAddr, max_age: Duration, min_refresh: Duration) -> Verifier {
    let mut c = Config::new(
        KeySource::JwksUrl(format!("http://{addr}/.well-known/jwks.json")),
        AUD,
    );
    c.jwks_max_age = max_age;
    c.jwks_min_refresh = min_refresh;
    Verifier::from_config(&c).unwrap()
}

fn token(key: &GeneratedKey) -> String {
    format!(
        "Bearer {}",
        mint(&key.private_key_pem, &key.kid, &claims(now())).unwrap()
    )
}

/// Long enough that a loaded machine runs the "no reload yet" steps inside it.
const MIN_REFRESH: Duration = Duration::from_millis(2000);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cached_and_reloaded_on_unknown_kid_at_a_bounded_rate() {
    let (k1, k2) = (ed(), es());
    let (server, addr) = serve(&[&k1]).await;
    let v = Arc::new(url_verifier(addr, Duration::from_secs(600), MIN_REFRESH));
    assert_eq!(
        server.hits(),
        0,
        "nothing is fetched before the first token"
    );

    for _ in 0..5 {
        v.verify(&token(&k1), at(now())).await.unwrap();
    }
    assert_eq!(server.hits(), 1, "the set is cached");

    // k2 is not published yet; the set was just loaded, so no new request.
    assert_eq!(
        v.verify(&token(&k2), at(now())).await,
        Err(AuthError::UnknownKey)
    );
    assert_eq!(server.hits(), 1);

    // After the interval, an unknown kid reloads once; a flood of them does not.
    tokio::time::sleep(MIN_REFRESH + Duration::from_millis(100)).await;
    let unknown = token(&k2);
    let flood: Vec<_> = (0..50)
        .map(|_| {
            let (v, t) = (v.clone(), unknown.clone());
            tokio::spawn(async move { v.verify(&t, at(now())).await })
        })
        .collect();
    for f in flood {
        assert_eq!(f.await.unwrap(), Err(AuthError::UnknownKey));
    }
    assert_eq!(server.hits(), 2, "fifty unknown-kid tokens, one reload");

    // k2 published (rotation): accepted at the next allowed reload, not before.
    server.set(&[&k1, &k2]);
    assert_eq!(
        v.verify(&token(&k2), at(now())).await,
        Err(AuthError::UnknownKey)
    );
    assert_eq!(server.hits(), 2);
    tokio::time::sleep(MIN_REFRESH + Duration::from_millis(100)).await;
    let c = v.verify(&token(&k2), at(now())).await.unwrap();
    assert_eq!(c.key_id.as_deref(), Some(k2.kid.as_str()));
    v.verify(&token(&k1), at(now())).await.unwrap();
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn a_removed_key_stops_working_when_the_cached_set_expires() {
    let (k1, k2) = (ed(), ed());
    let (server, addr) = serve(&[&k1, &k2]).await;
    let v = url_verifier(
        addr,
        Duration::from_millis(2000),
        Duration::from_millis(100),
    );
    v.verify(&token(&k1), at(now())).await.unwrap();
    server.set(&[&k2]); // k1 retired
    v.verify(&token(&k1), at(now())).await.unwrap(); // still cached
    assert_eq!(server.hits(), 1);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        v.verify(&token(&k1), at(now())).await,
        Err(AuthError::UnknownKey)
    );
    v.verify(&token(&k2), at(now())).await.unwrap();
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn a_failing_server_keeps_the_last_good_set() {
    let k1 = ed();
    let (server, addr) = serve(&[&k1]).await;
    let v = url_verifier(addr, Duration::from_millis(300), Duration::from_millis(100));
    v.refresh().await.unwrap();
    assert_eq!(server.hits(), 1);
    server.status.store(500, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(400)).await;
    v.verify(&token(&k1), at(now())).await.unwrap();
    assert_eq!(
        server.hits(),
        2,
        "the expired set was reloaded (and failed)"
    );
    assert!(v
        .refresh()
        .await
        .unwrap_err()
        .to_string()
        .contains("HTTP 500"));

    // Garbage instead of a key set: also kept out.
    server.status.store(200, Ordering::SeqCst);
    *server.body.lock().unwrap() = "<html>maintenance</html>".into();
    assert!(v.refresh().await.is_err());
    v.verify(&token(&k1), at(now())).await.unwrap();
}

#[tokio::test]
async fn no_set_ever_loaded_is_503() {
    let k1 = ed();
    let (server, addr) = serve(&[&k1]).await;
    server.status.store(503, Ordering::SeqCst);
    let v = url_verifier(addr, Duration::from_secs(60), Duration::from_secs(60));
    let err = v.verify(&token(&k1), at(now())).await.unwrap_err();
    assert_eq!(
        (err.code(), err.status().as_u16()),
        ("token_keys_unavailable", 503)
    );
    assert_eq!(server.hits(), 1);
    // Nothing listening at all.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let v = url_verifier(closed, Duration::from_secs(60), Duration::from_secs(60));
    assert_eq!(
        v.verify(&token(&k1), at(now())).await,
        Err(AuthError::KeysUnavailable)
    );
}

/// A redirect is an error, never followed: a key set is trusted for where it was
/// configured, not for wherever that host points (an `https://` URL redirected to
/// `http://` would hand the keys to anyone on the way).
#[tokio::test]
async fn a_redirect_is_not_followed() {
    let k1 = ed();
    let (server, addr) = serve(&[&k1]).await;
    let v = Verifier::from_config(&Config::new(
        KeySource::JwksUrl(format!("http://{addr}/moved")),
        AUD,
    ))
    .unwrap();
    let e = v.refresh().await.unwrap_err().to_string();
    assert!(e.contains("redirect") && e.contains("307"), "{e}");
    assert_eq!(server.hits(), 0, "the redirect's target was never fetched");
    assert_eq!(
        v.verify(&token(&k1), at(now())).await,
        Err(AuthError::KeysUnavailable)
    );
    assert_eq!(server.hits(), 0);
}
