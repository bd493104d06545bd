//! Two clocks that differ: the proxy's today outside the item's period (the sandbox's
//! clock) is refused with both dates and where the change date came from.

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_period_names_the_dates_and_the_clock() {
    // The sandbox at TODAY (period 2025-11-13 … 2026-11-13), the proxy a year later.
    let p = pair(&[("SEATQUOTE_TODAY", "2027-05-13".into())]);
    let r = p.preview(&c1001(), "S68841753", 1, 2, "immediate").await;
    assert_eq!((r.status, r.code()), (422, "outside_period"), "{}", r.text);
    let detail = r.body["detail"].as_str().unwrap_or_default();
    for part in [
        "2027-05-13",
        "SEATQUOTE_TODAY",
        "2025-11-13 … 2026-11-13",
        "clocks differ",
    ] {
        assert!(detail.contains(part), "{part} in {detail}");
    }
}

/// `POST /api/_test/clock {"today"}` with the admin token.
async fn move_clock(p: &Pair, token: &str, today: &str) -> Res {
    send(
        p.http
            .post(p.url("/api/_test/clock"))
            .bearer_auth(token)
            .header("Content-Type", "application/json")
            .body(format!(r#"{{"today":"{today}"}}"#)),
    )
    .await
}

/// The test-only clock route (docs/proxy.md, "One clock"): with a pinned clock it moves
/// this process's today forward — the next preview is priced on the new date — for the
/// admin token only, never back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_test_clock_moves_a_pinned_today_forward() {
    let p = pair(&[("SEATQUOTE_ADMIN_TOKEN", hooks::ADMIN.into())]);
    let r = p.preview(&c1001(), "S68841753", 1, 2, "immediate").await;
    assert_eq!(r.status, 200, "{}", r.text);

    let r = move_clock(&p, "not-the-admin-token-0123456789abcdef", "2027-05-13").await;
    assert_eq!(
        (r.status, r.code()),
        (401, "admin_unauthorized"),
        "{}",
        r.text
    );
    let r = move_clock(&p, hooks::ADMIN, "2027-13-01").await;
    assert_eq!((r.status, r.code()), (400, "invalid_body"), "{}", r.text);

    let r = move_clock(&p, hooks::ADMIN, "2027-05-13").await;
    assert_eq!(
        (r.status, r.body["today"].as_str()),
        (200, Some("2027-05-13")),
        "{}",
        r.text
    );
    // The sandbox's clock stayed: the proxy's today is now outside the item's period.
    let r = p.preview(&c1001(), "S68841753", 1, 2, "immediate").await;
    assert_eq!((r.status, r.code()), (422, "outside_period"), "{}", r.text);
    assert!(r.text.contains("2027-05-13"), "{}", r.text);

    let r = move_clock(&p, hooks::ADMIN, TODAY).await;
    assert_eq!((r.status, r.code()), (400, "invalid_body"), "{}", r.text);
}

/// On the real UTC date (no `SEATQUOTE_TODAY`) the route does not exist, admin token or
/// not: a process whose clock is not pinned has no clock to move. (Without the
/// `fixed-clock` feature the clock cannot be pinned and the route is not compiled.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_test_clock_on_the_real_date() {
    let p = pair(&[
        ("SEATQUOTE_TODAY", String::new()),
        ("SEATQUOTE_ADMIN_TOKEN", hooks::ADMIN.into()),
    ]);
    let r = move_clock(&p, hooks::ADMIN, "2099-01-01").await;
    assert_eq!(r.status, 404, "{}", r.text);
    let h = send(p.http.get(p.url("/healthz"))).await;
    assert_eq!(h.status, 200, "the proxy is up");
}
