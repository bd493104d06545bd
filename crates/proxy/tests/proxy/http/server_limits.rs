//! The proxy's HTTP server against slow and hoarding clients (docs/proxy.md,
//! "Configuration"), over real sockets to the proxy process: headers sent slowly are cut
//! off after `SEATQUOTE_HEADER_TIMEOUT_MS`, a body sent slowly is answered 408 after
//! `SEATQUOTE_BODY_TIMEOUT_MS`, and past `SEATQUOTE_MAX_CONNECTIONS` a connection is
//! served only once another has closed.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::*;

/// A proxy whose clients get 1 s for headers and 1 s for a body, `extra` besides.
fn strict(extra: &[(&str, String)]) -> Pair {
    let mut env = vec![
        ("SEATQUOTE_HEADER_TIMEOUT_MS", "1000".to_owned()),
        ("SEATQUOTE_BODY_TIMEOUT_MS", "1000".to_owned()),
    ];
    env.extend(extra.iter().cloned());
    pair(&env)
}

async fn connect(p: &Pair) -> TcpStream {
    TcpStream::connect(p.proxy.base.trim_start_matches("http://"))
        .await
        .unwrap()
}

/// Reads until the server closes the connection (or `within` passes: `None`), returning
/// what it sent and when it closed.
async fn until_closed(s: &mut TcpStream, within: Duration) -> Option<(String, Instant)> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let end = Instant::now() + within;
    loop {
        let left = end.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0) | Err(_)) => {
                return Some((String::from_utf8_lossy(&got).into_owned(), Instant::now()))
            }
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_sent_slowly_are_cut_off() {
    let p = strict(&[]);
    let mut s = connect(&p).await;
    let started = Instant::now();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: proxy\r\n")
        .await
        .unwrap();
    let (mut rd, mut wr) = s.into_split();
    // One more header line every 200 ms, for ever: a slowloris client.
    let dribble = tokio::spawn(async move {
        for i in 0..100 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if wr
                .write_all(format!("X-Slow-{i}: a\r\n").as_bytes())
                .await
                .is_err()
            {
                break;
            }
        }
    });
    let mut buf = [0u8; 1024];
    let closed = tokio::time::timeout(Duration::from_secs(6), async {
        while let Ok(n) = rd.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
    let took = started.elapsed();
    dribble.abort();
    assert!(closed.is_ok(), "still open after 6 s of dribbled headers");
    assert!(
        (Duration::from_millis(900)..Duration::from_secs(4)).contains(&took),
        "cut off after the 1 s header timeout, not before: {took:?}"
    );
    // A well-behaved client is served as before.
    assert_eq!(send(p.http.get(p.url("/healthz"))).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_sent_slowly_is_answered_408() {
    let p = strict(&[]);
    let mut s = connect(&p).await;
    let head = format!(
        "POST /api/subscriptions/S68841753/items/1/preview HTTP/1.1\r\nHost: proxy\r\n\
         Authorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n",
        c1001()
    );
    let started = Instant::now();
    s.write_all(head.as_bytes()).await.unwrap();
    let (mut rd, mut wr) = s.into_split();
    let dribble = tokio::spawn(async move {
        for _ in 0..100 {
            if wr.write_all(b" ").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(6), async {
        while let Ok(n) = rd.read(&mut buf).await {
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
    })
    .await;
    let took = started.elapsed();
    dribble.abort();
    let text = String::from_utf8_lossy(&got);
    assert!(
        read.is_ok(),
        "still open after 6 s of a dribbled body: {text}"
    );
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"code\":\"request_timeout\""), "{text}");
    assert!(
        (Duration::from_millis(900)..Duration::from_secs(4)).contains(&took),
        "{took:?}"
    );
    assert_eq!(p.upstream_requests().await, 0, "nothing sent upstream");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_connection_cap_a_client_waits_for_a_free_connection() {
    let p = strict(&[("SEATQUOTE_MAX_CONNECTIONS", "2".into())]);
    // Two connections that send nothing hold both slots (until the header timeout).
    let started = Instant::now();
    let (mut a, mut b) = (connect(&p).await, connect(&p).await);
    // A third client's complete request is not answered while they hold them…
    let mut c = connect(&p).await;
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let early = tokio::time::timeout(Duration::from_millis(500), c.read(&mut buf)).await;
    assert!(
        early.is_err() || started.elapsed() >= Duration::from_millis(900),
        "answered while both connections were taken"
    );
    // …and is once the header timeout has closed them.
    let (answer, at) = until_closed(&mut c, Duration::from_secs(5))
        .await
        .expect("answered once a connection closed");
    let answer = match early {
        Ok(Ok(n)) => format!("{}{answer}", String::from_utf8_lossy(&buf[..n])),
        _ => answer,
    };
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        at - started >= Duration::from_millis(900),
        "{:?}",
        at - started
    );
    for idle in [&mut a, &mut b] {
        assert!(
            until_closed(idle, Duration::from_secs(3)).await.is_some(),
            "an idle connection is closed by the header timeout"
        );
    }
}
