//! Versioned schema migrations for both stores, applied at start (refinery).
//!
//! One numbered SQL file per migration per backend, embedded at compile time:
//! `crates/proxy/migrations/sqlite/V<n>__<name>.sql` and
//! `crates/proxy/migrations/postgres/V<n>__<name>.sql` (DESIGN.md, "Stores and
//! migrations"). A new migration is a new file with the next number in **both** folders;
//! an applied migration is never edited (refinery refuses a store whose applied files
//! changed). Applied versions are kept in the table `refinery_schema_history`.

use postgres::Client;
use rusqlite::Connection;

use super::StoreError;

mod sqlite {
    refinery::embed_migrations!("migrations/sqlite");
}

mod pg {
    refinery::embed_migrations!("migrations/postgres");
}

/// The advisory lock key (`pg_advisory_lock`) that makes replicas starting at once on one
/// database apply the migrations one after the other ("seatqmig" in ASCII).
const MIGRATION_LOCK: i64 = 0x7365_6174_716d_6967;

/// Brings a SQLite store to the newest schema.
///
/// # Errors
/// A migration failing, or a store whose applied migrations differ from these.
pub fn sqlite(conn: &mut Connection) -> Result<(), StoreError> {
    adopt_sqlite(conn)?;
    sqlite::migrations::runner()
        .run(conn)
        .map(|_| ())
        .map_err(|e| StoreError::Migration {
            store: "SQLite",
            source: Box::new(e),
        })
}

/// Brings a PostgreSQL database to the newest schema, holding an advisory lock so that
/// replicas starting together do not apply a migration twice.
///
/// # Errors
/// A migration failing, or a database whose applied migrations differ from these.
pub fn postgres(client: &mut Client) -> Result<(), StoreError> {
    let e = |e: postgres::Error| StoreError::Migration {
        store: "PostgreSQL",
        source: Box::new(e),
    };
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .map_err(e)?;
    let run = pg::migrations::runner()
        .run(client)
        .map(|_| ())
        .map_err(|e| StoreError::Migration {
            store: "PostgreSQL",
            source: Box::new(e),
        });
    client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .map_err(e)?;
    run
}

/// A SQLite store made before versioned migrations (a `commits` table, no history
/// table): adds the columns the first ledger added, so that V1 (all `IF NOT EXISTS`)
/// applies to it as to a new store.
fn adopt_sqlite(conn: &Connection) -> Result<(), StoreError> {
    let e = StoreError::Adopt;
    let has_table = |name: &str| -> Result<bool, StoreError> {
        conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [name],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)
        .map_err(e)
    };
    if !has_table("commits")? || has_table("refinery_schema_history")? {
        return Ok(());
    }
    for (col, def) in [
        ("resolve_after_ms", "INTEGER NOT NULL DEFAULT 0"),
        ("lease_owner", "TEXT"),
        ("lease_until_ms", "INTEGER NOT NULL DEFAULT 0"),
        ("updated_ms", "INTEGER NOT NULL DEFAULT 0"),
    ] {
        let has: i64 = conn
            .query_row(
                "SELECT count(*) FROM pragma_table_info('commits') WHERE name = ?1",
                [col],
                |r| r.get(0),
            )
            .map_err(e)?;
        if has == 0 {
            conn.execute_batch(&format!("ALTER TABLE commits ADD COLUMN {col} {def}"))
                .map_err(e)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store as the first proxy made it (before the ledger's columns) is adopted, its
    /// rows kept, and migrating again changes nothing.
    #[test]
    fn an_older_sqlite_store_is_adopted() {
        let mut c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE commits (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,
               jti TEXT NOT NULL UNIQUE, subscription TEXT NOT NULL, running_no INTEGER NOT NULL,
               from_quantity INTEGER NOT NULL, quantity INTEGER NOT NULL, response TEXT NOT NULL,
               state TEXT NOT NULL, status INTEGER, body TEXT,
               created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
               completed_at TEXT);
             INSERT INTO commits (key, fingerprint, jti, subscription, running_no, from_quantity,
               quantity, response, state) VALUES ('k', 'f', 'j', 'S', 1, 1, 2, '{}', 'pending');",
        )
        .unwrap();
        sqlite(&mut c).unwrap();
        sqlite(&mut c).unwrap();
        let (state, lease): (String, i64) = c
            .query_row(
                "SELECT state, lease_until_ms FROM commits WHERE key = 'k'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((state.as_str(), lease), ("pending", 0));
        let versions: i64 = c
            .query_row(
                "SELECT max(version) FROM refinery_schema_history",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(versions >= 1);
    }
}
