//! # seatquote-testkit
//!
//! A throw-away PostgreSQL server for tests ([`TempPostgres`]): Debian's `postgresql`
//! binaries (`/usr/lib/postgresql/<version>/bin`, the newest version found, or
//! `SEATQUOTE_PG_BINDIR`) run in a fresh temporary directory, on a free loopback port, with
//! its Unix socket inside that directory, as a non-root user (`nobody` when the tests run as
//! root: PostgreSQL refuses to run as root).
//!
//! The server runs under a small watchdog shell that holds the read end of a pipe from this
//! process: when the pipe closes — [`TempPostgres`] dropped, the test panicked, or the
//! process died however it died — the watchdog stops the server (immediate mode) and removes
//! the directory. So a server in a `static` ([`shared`]) is cleaned up at exit too.
//!
//! ```no_run
//! let pg = seatquote_testkit::shared().unwrap(); // one server per test binary
//! let url = pg.create_database().unwrap();       // a fresh, empty database per test
//! ```
//!
//! The `pg-temp` binary offers the same to scripts (see its documentation).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod server;

pub use server::{bin_dir, TempPostgres};

use std::sync::OnceLock;

/// One server for the whole process, started on first use (later calls share it; each test
/// takes its own database with [`TempPostgres::create_database`]). It is stopped and its
/// directory removed when the process exits, by the watchdog.
///
/// # Errors
/// When the server could not be started (the error is kept and returned to every caller).
pub fn shared() -> Result<&'static TempPostgres, String> {
    static SHARED: OnceLock<Result<TempPostgres, String>> = OnceLock::new();
    SHARED
        .get_or_init(TempPostgres::start)
        .as_ref()
        .map_err(Clone::clone)
}

/// Runs `f` on a plain thread: the synchronous `postgres` client starts its own Tokio
/// runtime, which must not happen on a thread already driving one (an async test).
///
/// # Panics
/// When `f` panics.
pub fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(f)
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

/// Connects to `url` (no TLS: the server is on loopback) and runs `sql` with `params`,
/// returning the rows; on a plain thread ([`off_runtime`]).
///
/// # Errors
/// Connection or query failures, as text.
pub fn query(
    url: &str,
    sql: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
) -> Result<Vec<postgres::Row>, String> {
    off_runtime(|| {
        let mut c = postgres::Client::connect(url, postgres::NoTls).map_err(|e| e.to_string())?;
        c.query(sql, params).map_err(|e| e.to_string())
    })
}
