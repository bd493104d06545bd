//! `SEATQUOTE_DATABASE_URL`: the PostgreSQL store's connection settings, checked.

use super::refusal::{refuse, ConfigError};

/// `SEATQUOTE_DATABASE_URL` checked: the PostgreSQL store's connection settings (`None`:
/// unset, the SQLite store).
///
/// # Errors
/// Set but empty, not a `postgres://` / `postgresql://` URL, unparsable, or naming no
/// host or database. The message never repeats the URL (it may hold a password).
pub fn database_config(url: Option<&str>) -> Result<Option<postgres::Config>, ConfigError> {
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
    let cfg: postgres::Config = raw.parse().map_err(|e| {
        refuse(
            VAR,
            format!("is not a valid PostgreSQL URL ({e}); it must look like {SHAPE}"),
        )
    })?;
    if cfg.get_hosts().is_empty() {
        return Err(refuse(
            VAR,
            format!("names no host; it must look like {SHAPE}"),
        ));
    }
    if cfg.get_dbname().is_none_or(str::is_empty) {
        return Err(refuse(
            VAR,
            format!("names no database; it must look like {SHAPE}"),
        ));
    }
    Ok(Some(cfg))
}
