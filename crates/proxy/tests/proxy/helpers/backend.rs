//! The store a test's proxy uses, so that one test body runs against both backends.

/// The commit ledger's backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default (`SEATQUOTE_DATA_DIR`).
    Sqlite,
    /// A fresh database on this test binary's throw-away PostgreSQL server
    /// (`SEATQUOTE_DATABASE_URL`).
    Postgres,
}

impl Backend {
    /// A database URL for a new proxy (PostgreSQL: a fresh, empty database).
    pub fn database(self) -> Option<String> {
        match self {
            Self::Sqlite => None,
            Self::Postgres => Some(
                seatquote_testkit::shared()
                    .and_then(|pg| pg.create_database())
                    .expect("a throw-away PostgreSQL server (Debian's postgresql)"),
            ),
        }
    }
}

/// Runs each named `async fn(Backend)` as two tests, `sqlite::<name>` and
/// `postgres::<name>` (multi-threaded Tokio runtime).
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            )*
        }
    };
}
