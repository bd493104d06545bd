//! Rotating the proxy's quote-token secret: a quote signed under the old secret no longer
//! verifies with the new secret alone, and commits (exactly once) once the old secret is
//! listed in `SEATQUOTE_TOKEN_SECRET_PREVIOUS`. Real processes, real HTTP on loopback.

use crate::helpers::*;

const S1: &str = "S68841753";
const NEW: &str = "rotated-secret-0123456789abcdef-0123456789";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quote_signed_under_the_previous_secret_still_commits() {
    let mut p = pair(&[]);
    let t = c1001();
    let pv = p.preview(&t, S1, 1, 2, "immediate").await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();

    // The new secret alone: the quote in flight is refused, nothing is committed.
    p.proxy = proxy(
        &p.sandbox,
        &p.data,
        &[("SEATQUOTE_TOKEN_SECRET", NEW.into())],
    );
    let r = p.commit(&t, S1, 1, &qt, "rot-1").await;
    assert_eq!(
        (r.status, r.code()),
        (400, "invalid_quote_token"),
        "{}",
        r.text
    );
    assert_eq!(p.commits(S1).await, 0);

    // The new secret signs, the old one is previous: the quote commits, once.
    p.proxy = proxy(
        &p.sandbox,
        &p.data,
        &[
            ("SEATQUOTE_TOKEN_SECRET", NEW.into()),
            ("SEATQUOTE_TOKEN_SECRET_PREVIOUS", SECRET.into()),
        ],
    );
    let r = p.commit(&t, S1, 1, &qt, "rot-2").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(p.commits(S1).await, 1);
    // New quotes are signed under the new key id, which the old secret alone cannot verify.
    let fresh = p.preview(&t, S1, 1, 3, "immediate").await;
    let fresh_qt = fresh.body["quoteToken"].as_str().unwrap().to_owned();
    assert_ne!(
        fresh_qt.split('.').nth(1),
        qt.split('.').nth(1),
        "another kid"
    );
    p.proxy = proxy(&p.sandbox, &p.data, &[]);
    let r = p.commit(&t, S1, 1, &fresh_qt, "rot-3").await;
    assert_eq!(
        (r.status, r.code()),
        (400, "invalid_quote_token"),
        "{}",
        r.text
    );
}
