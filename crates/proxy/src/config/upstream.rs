//! The Cleverbridge base URL and credentials, and the refusals that keep them safe
//! (docs/proxy.md, "Configuration").

use super::refusal::{is_loopback, refuse, required, ConfigError};
use super::Config;

/// The upstream settings after checking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    /// Base URL, ending in `/`.
    pub base_url: String,
    /// Basic-auth user.
    pub username: String,
    /// Basic-auth password.
    pub password: String,
}

impl Config {
    /// The Cleverbridge base URL and credentials.
    ///
    /// # Errors
    /// A missing or empty URL or credential; a URL that is not `https://` (plain
    /// `http://` only to a loopback address, i.e. a local sandbox).
    pub fn upstream(&self) -> Result<Upstream, ConfigError> {
        const VAR: &str = "CLEVERBRIDGE_BASE_URL";
        let raw = required(
            VAR,
            &self.cleverbridge_base_url,
            "Cleverbridge's subscription API URL, e.g. https://rest.cleverbridge.com/subscription/",
        )?;
        let url =
            url::Url::parse(&raw).map_err(|e| refuse(VAR, format!("is not a URL ({e}): {raw}")))?;
        let host = url
            .host()
            .ok_or_else(|| refuse(VAR, format!("has no host: {raw}")))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            "http" => {
                return Err(refuse(
                    VAR,
                    format!("uses plain http:// to a remote host ({host}); use https:// (http:// is only for a sandbox on loopback)"),
                ))
            }
            s => return Err(refuse(VAR, format!("has scheme {s}:; use https://"))),
        }
        if !url.username().is_empty() || url.password().is_some() || url.query().is_some() {
            return Err(refuse(
                VAR,
                "must not carry credentials or a query; use CLEVERBRIDGE_USERNAME and CLEVERBRIDGE_PASSWORD",
            ));
        }
        let base_url = if raw.ends_with('/') {
            raw
        } else {
            format!("{raw}/")
        };
        Ok(Upstream {
            base_url,
            username: required(
                "CLEVERBRIDGE_USERNAME",
                &self.cleverbridge_username,
                "the Cleverbridge API user",
            )?,
            password: required(
                "CLEVERBRIDGE_PASSWORD",
                &self.cleverbridge_password,
                "the Cleverbridge API password",
            )?,
        })
    }
}
