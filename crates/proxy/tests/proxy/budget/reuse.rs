//! The commit's skipped second preview (DESIGN.md, "The quote token"): only when
//! Cleverbridge's raw read — every field it sent, those the proxy does not parse included —
//! is exactly the one quoted, and only within `SEATQUOTE_PREVIEW_REUSE_MS` of the preview.
//! A charge that only the raw read shows (a coupon) is previewed again and refused as
//! `quote_changed`, never committed at the old amounts.

use std::time::Duration;

use crate::helpers::*;

const S1: &str = "S68841753";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_charge_only_the_raw_read_shows_is_previewed_again() {
    let p = pair(&[]);
    let t = c1001();
    let pv = p.preview(&t, S1, 1, 2, "immediate").await;
    assert_eq!(pv.body["alignment"]["gross"], "604.93", "{}", pv.text);
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    // A coupon: Cleverbridge's read names it (a field the proxy does not parse) and what
    // the change costs today is 10 % lower; every field the proxy parses is unchanged.
    let coupon = p
        .admin(
            "coupon",
            Some(r#"{"subscriptionId":"S68841753","code":"UPGRADE10","percentOff":"10"}"#),
        )
        .await;
    assert_eq!(coupon["code"], "UPGRADE10", "{coupon}");
    let previews = p.attempts("preview").await;
    let c = p.commit(&t, S1, 1, &qt, "k-coupon").await;
    assert_eq!((c.status, c.code()), (409, "quote_changed"), "{}", c.text);
    assert_eq!(p.attempts("preview").await, previews + 1, "previewed again");
    assert_eq!(
        p.commit_counts().await,
        (0, 0),
        "nothing sent at the old amounts"
    );
    // The fresh quote carries today's amount with the coupon, and commits.
    let fresh = &c.body["quote"];
    assert_eq!(fresh["alignment"]["gross"], "544.44", "{fresh}");
    let fresh = fresh["quoteToken"].as_str().unwrap().to_owned();
    let c = p.commit(&t, S1, 1, &fresh, "k-coupon-2").await;
    assert_eq!(c.status, 200, "{}", c.text);
    assert_eq!(
        c.body["quote"]["alignment"]["gross"], "544.44",
        "{}",
        c.text
    );
    assert_eq!(p.commit_counts().await, (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quote_older_than_the_reuse_window_is_previewed_again() {
    let p = pair(&[("SEATQUOTE_PREVIEW_REUSE_MS", "1000".into())]);
    let t = c1001();
    // Within the window: the quoted preview stands.
    let pv = p.preview(&t, S1, 1, 2, "immediate").await;
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    let previews = p.attempts("preview").await;
    assert_eq!(p.commit(&t, S1, 1, &qt, "k-soon").await.status, 200);
    assert_eq!(p.attempts("preview").await, previews, "reused");
    // After it: previewed again (the same amounts, so it commits).
    let pv = p.preview(&t, S1, 1, 3, "immediate").await;
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(1_300)).await;
    let previews = p.attempts("preview").await;
    let c = p.commit(&t, S1, 1, &qt, "k-late").await;
    assert_eq!(c.status, 200, "{}", c.text);
    assert_eq!(p.attempts("preview").await, previews + 1, "previewed again");
    assert_eq!(p.quantity(S1, 1).await, 3);
}
