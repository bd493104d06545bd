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
