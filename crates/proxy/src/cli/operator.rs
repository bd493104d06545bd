//! The operator's subcommands: `keys` (generate a key pair: the private key for the
//! merchant's backend, the public JWKS for the proxy) and `token` (mint a customer JWT from
//! a private key). Merchant backends mint with their own JWT library (docs/tokens.md).

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use seatquote_auth::{add_to_jwks, generate_keypair, mint, parse_duration, Claims, KeyKind};

/// The key type `keys` generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Alg {
    /// Ed25519 (`EdDSA`): the default.
    #[value(name = "EdDSA")]
    EdDsa,
    /// P-256 (`ES256`): for JWT libraries without EdDSA.
    #[value(name = "ES256")]
    Es256,
}

/// `seatquote-proxy keys …`.
#[derive(Debug, Args)]
pub struct KeysArgs {
    /// Where to write the private key (PKCS#8 PEM, mode 0600; never overwritten).
    #[arg(long, value_name = "PATH")]
    pub private_key: PathBuf,
    /// The algorithm.
    #[arg(long, value_enum, default_value = "EdDSA")]
    pub alg: Alg,
    /// An existing JWKS file to add the new public key to (rotation: old and new keys side
    /// by side); the combined set is printed.
    #[arg(long, value_name = "PATH")]
    pub add_to: Option<PathBuf>,
}

/// `seatquote-proxy token …`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// The private key (PKCS#8 PEM, Ed25519 or P-256), as written by `keys`.
    #[arg(long, value_name = "PATH")]
    pub key: PathBuf,
    /// The key id (`kid`) of that key in the proxy's JWKS.
    #[arg(long)]
    pub kid: String,
    /// The merchant's customer id (`sub`).
    #[arg(long)]
    pub customer: String,
    /// A subscription the token may touch (repeatable).
    #[arg(long = "subscription", required = true)]
    pub subscriptions: Vec<String>,
    /// Lifetime: 30s, 15m, 1h, 2d.
    #[arg(long, default_value = "1h")]
    pub ttl: String,
    /// The proxy's audience (`aud`).
    #[arg(
        long,
        env = "SEATQUOTE_JWT_AUDIENCE",
        value_name = "SEATQUOTE_JWT_AUDIENCE"
    )]
    pub audience: String,
    /// The issuer (`iss`), if the proxy requires one.
    #[arg(
        long,
        env = "SEATQUOTE_JWT_ISSUER",
        value_name = "SEATQUOTE_JWT_ISSUER"
    )]
    pub issuer: Option<String>,
}

/// Generates a key pair, writes the private key and returns the JWKS to print.
///
/// # Errors
/// The private key file exists or cannot be written; `--add-to` is not a JWKS.
pub fn keys(a: &KeysArgs) -> Result<String, String> {
    let kind = match a.alg {
        Alg::EdDsa => KeyKind::Ed25519,
        Alg::Es256 => KeyKind::P256,
    };
    let key = generate_keypair(kind).map_err(|e| e.to_string())?;
    let jwks = match &a.add_to {
        None => key.jwks_json(),
        Some(path) => {
            let old = std::fs::read_to_string(path)
                .map_err(|e| format!("--add-to {}: {e}", path.display()))?;
            add_to_jwks(&old, &key.public_jwk).map_err(|e| e.to_string())?
        }
    };
    write_private(&a.private_key, &key.private_key_pem)?;
    eprintln!(
        "wrote the private key ({}, kid {}) to {}; give the JWKS below to the proxy (SEATQUOTE_JWKS)",
        key.alg,
        key.kid,
        a.private_key.display()
    );
    Ok(jwks)
}

/// Writes a new file readable by its owner only.
fn write_private(path: &std::path::Path, pem: &str) -> Result<(), String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(path)
        .map_err(|e| format!("--private-key {}: {e}", path.display()))?;
    f.write_all(pem.as_bytes())
        .map_err(|e| format!("--private-key {}: {e}", path.display()))
}

/// Mints the customer token `token` prints.
///
/// # Errors
/// An unreadable or unusable key, a bad `--ttl`, an empty audience.
pub fn token(t: &TokenArgs) -> Result<String, String> {
    let ttl = parse_duration(&t.ttl)
        .filter(|d| !d.is_zero())
        .ok_or("--ttl: use e.g. 30s, 15m, 1h or 2d")?;
    if t.audience.trim().is_empty() {
        return Err("--audience (SEATQUOTE_JWT_AUDIENCE) is empty".into());
    }
    let pem =
        std::fs::read_to_string(&t.key).map_err(|e| format!("--key {}: {e}", t.key.display()))?;
    let lifetime = i64::try_from(ttl.as_secs()).map_err(|_| "--ttl is too long")?;
    let mut claims = Claims::new(
        t.customer.as_str(),
        t.subscriptions.iter().map(String::as_str),
        t.audience.trim(),
        chrono::Utc::now().timestamp(),
        lifetime,
    );
    if let Some(iss) = t.issuer.as_deref().filter(|s| !s.is_empty()) {
        claims = claims.with_issuer(iss);
    }
    mint(&pem, &t.kid, &claims).map_err(|e| e.to_string())
}
