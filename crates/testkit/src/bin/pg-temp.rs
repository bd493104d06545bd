//! `pg-temp`: a throw-away PostgreSQL server for scripts (Node tests, the load
//! simulation). Prints the URL of a fresh database on stdout (one line), then keeps the
//! server until its stdin closes or it is terminated (SIGTERM, SIGKILL): the server's
//! watchdog then stops it and removes its directory (seatquote_testkit's documentation).
//!
//! ```text
//! const pg = spawn("target/debug/pg-temp", { stdio: ["pipe", "pipe", "inherit"] });
//! // first stdout line: postgres://postgres@127.0.0.1:<port>/seatquote
//! pg.stdin.end(); // or pg.kill(): stops and removes the server
//! ```
#![forbid(unsafe_code)]

use std::io::{Read, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let pg = match seatquote_testkit::TempPostgres::start() {
        Ok(pg) => pg,
        Err(e) => {
            eprintln!("pg-temp: {e}");
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{}", pg.url())
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::from(1);
    }
    drop(out);
    let mut sink = [0u8; 256];
    let mut stdin = std::io::stdin().lock();
    while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
    drop(pg);
    ExitCode::SUCCESS
}
