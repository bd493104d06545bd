//! `SEATQUOTE_DATABASE_URL`: the PostgreSQL store's connection settings and TLS
//! (`sslmode`, `sslrootcert`), checked.

use super::refusal::{refuse, ConfigError};
use crate::store::PgConnect;

/// `SEATQUOTE_DATABASE_URL` checked: the PostgreSQL store's connection settings and TLS
/// connector (`None`: unset, the SQLite store). The CA file of `sslrootcert` is read now.
///
/// # Errors
/// Set but empty, not a `postgres://` / `postgresql://` URL, unparsable, naming no host
/// or database, an unknown `sslmode`, client-certificate parameters, or an `sslrootcert`
/// that cannot be read or holds no certificate. The message never repeats the URL (it
/// may hold a password).
pub fn database_config(url: Option<&str>) -> Result<Option<PgConnect>, ConfigError> {
    const VAR: &str = "SEATQUOTE_DATABASE_URL";
    const SHAPE: &str = "postgres://user:password@host:port/database";
    let Some(raw) = url.map(str::trim) else {
        return Ok(None);
    };
    if raw.is_empty() {
        return Err(refuse(
            VAR,
            format!("is empty; unset it for the embedded SQLite store, or give a PostgreSQL URL ({SHAPE})"),
        ));
    }
    if !(raw.starts_with("postgres://") || raw.starts_with("postgresql://")) {
        return Err(refuse(
            VAR,
            format!("is not a PostgreSQL URL; it must look like {SHAPE}"),
        ));
    }
    let db: PgConnect = raw.parse().map_err(|e: String| refuse(VAR, e))?;
    if db.config.get_hosts().is_empty() {
        return Err(refuse(
            VAR,
            format!("names no host; it must look like {SHAPE}"),
        ));
    }
    if db.config.get_dbname().is_none_or(str::is_empty) {
        return Err(refuse(
            VAR,
            format!("names no database; it must look like {SHAPE}"),
        ));
    }
    Ok(Some(db))
}
