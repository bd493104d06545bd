//! [`StoreError`]: why a call to the ledger's or the outbox's store (or the shared
//! upstream budget, in the same database) failed.

use std::fmt;
use std::path::PathBuf;

use r2d2_postgres::r2d2;

/// A storage failure. Its text is for the log and for a refusal at start; a request that
/// meets one answers 500 `internal_error` without it.
#[derive(Debug)]
pub enum StoreError {
    /// SQLite failed.
    Sqlite(rusqlite::Error),
    /// PostgreSQL failed.
    Postgres(postgres::Error),
    /// No PostgreSQL connection from the pool in time.
    Pool(r2d2::Error),
    /// Migrating a store failed, or its applied migrations differ from these
    /// (`store`: `SQLite` or `PostgreSQL`).
    Migration {
        /// Which store.
        store: &'static str,
        /// Why.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A SQLite store made before versioned migrations could not be adopted.
    Adopt(rusqlite::Error),
    /// The data directory cannot be created.
    Dir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A stored or given number does not fit the type it is read or written as.
    OutOfRange(&'static str),
    /// An answer to store could not be encoded.
    Encode(serde_json::Error),
    /// The blocking task running the call failed.
    Task(tokio::task::JoinError),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(e) => write!(f, "{e}"),
            Self::Postgres(e) => write!(f, "PostgreSQL: {e}"),
            Self::Pool(e) => write!(f, "PostgreSQL: {e}"),
            Self::Migration { store, source } => write!(f, "migrating the {store} store: {source}"),
            Self::Adopt(e) => write!(f, "adopting an older SQLite store: {e}"),
            Self::Dir { path, source } => write!(f, "{}: {source}", path.display()),
            Self::OutOfRange(what) => write!(f, "{what} out of range"),
            Self::Encode(e) => write!(f, "{e}"),
            Self::Task(e) => write!(f, "{e}"),
        }
    }
}

impl StoreError {
    /// The text with its causes (`…: error performing TLS handshake: invalid peer
    /// certificate: UnknownIssuer`): the PostgreSQL client's own text leaves them out, and
    /// a refusal at start must say why.
    pub fn with_causes(&self) -> String {
        let mut text = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            let s = c.to_string();
            if !text.contains(&s) {
                text.push_str(": ");
                text.push_str(&s);
            }
            cause = c.source();
        }
        text
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Sqlite(e) | Self::Adopt(e) => Some(e),
            Self::Postgres(e) => Some(e),
            Self::Pool(e) => Some(e),
            Self::Migration { source, .. } => Some(source.as_ref()),
            Self::Dir { source, .. } => Some(source),
            Self::OutOfRange(_) => None,
            Self::Encode(e) => Some(e),
            Self::Task(e) => Some(e),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sqlite(e)
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        Self::Postgres(e)
    }
}

impl From<r2d2::Error> for StoreError {
    fn from(e: r2d2::Error) -> Self {
        Self::Pool(e)
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        Self::Encode(e)
    }
}

impl From<tokio::task::JoinError> for StoreError {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::Task(e)
    }
}
