//! The harness itself: a server starts as a non-root user, serves fresh databases, and is
//! gone (processes and directory) after a drop, a panic, or its owner's death.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use seatquote_testkit::{query, TempPostgres};

fn gone(dir: &std::path::Path) -> bool {
    let end = Instant::now() + Duration::from_secs(10);
    while dir.exists() && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(50));
    }
    !dir.exists()
}

#[test]
fn databases_are_fresh_and_a_drop_removes_everything() {
    let pg = TempPostgres::start().unwrap();
    let rows = query(
        pg.url(),
        "SELECT current_user::text, current_database()::text",
        &[],
    )
    .unwrap();
    assert_eq!(rows[0].get::<_, String>(1), "seatquote");
    let a = pg.create_database().unwrap();
    let b = pg.create_database().unwrap();
    assert_ne!(a, b);
    query(&a, "CREATE TABLE t (x int)", &[]).unwrap();
    assert!(
        query(&b, "SELECT * FROM t", &[]).is_err(),
        "b is another database"
    );
    // The server does not run as root.
    let pid = std::fs::read_to_string(pg.dir().join("data/postmaster.pid")).unwrap();
    let pid = pid.lines().next().unwrap().trim().to_owned();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let uid = status.lines().find(|l| l.starts_with("Uid:")).unwrap();
    assert!(!uid.split_whitespace().skip(1).any(|u| u == "0"), "{uid}");
    let dir = pg.dir().to_owned();
    drop(pg);
    assert!(gone(&dir), "{} removed", dir.display());
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "server stopped"
    );
}

#[test]
fn a_panic_still_cleans_up() {
    let mut dir = None;
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let pg = TempPostgres::start().unwrap();
        dir = Some(pg.dir().to_owned());
        panic!("a failing test");
    }));
    assert!(r.is_err());
    assert!(gone(&dir.unwrap()));
}

#[test]
fn pg_temp_serves_until_killed_then_cleans_up() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pg-temp"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().to_owned();
    assert!(url.starts_with("postgres://postgres@127.0.0.1:"), "{url}");
    assert_eq!(query(&url, "SELECT 1", &[]).unwrap().len(), 1);
    child.kill().unwrap(); // SIGKILL: no chance to clean up itself
    child.wait().unwrap();
    let end = Instant::now() + Duration::from_secs(10);
    while query(&url, "SELECT 1", &[]).is_ok() && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(query(&url, "SELECT 1", &[]).is_err(), "the server is gone");
}
