//! The proxy refuses unsafe configuration: it does not start, and says why in one line
//! naming the variable. One test per case, each against the real binary.

use std::process::Command;

use crate::helpers::*;

/// A complete, safe configuration (every refusal happens before binding a port).
fn good() -> Vec<(&'static str, String)> {
    vec![
        (
            "CLEVERBRIDGE_BASE_URL",
            "https://rest.cleverbridge.com/subscription/".into(),
        ),
        ("CLEVERBRIDGE_USERNAME", "merchant-api".into()),
        ("CLEVERBRIDGE_PASSWORD", "pw".into()),
        ("SEATQUOTE_TOKEN_SECRET", SECRET.into()),
        ("SEATQUOTE_JWKS", jwks()),
        ("SEATQUOTE_JWT_AUDIENCE", AUDIENCE.into()),
        ("SEATQUOTE_DATA_DIR", tmp_dir("cfg").display().to_string()),
        ("SEATQUOTE_POLICY", POLICY.into()),
        ("PORT", "0".into()),
    ]
}

/// Runs `serve` with `good()`, `var` set to `value` (`None`: unset), expects a refusal and
/// returns the one line it printed on stderr.
fn refused(var: &str, value: Option<&str>) -> String {
    refused_with(var, &[(var, value)])
}

/// Runs `serve` with `good()` changed by `changes` (`None`: unset), expects a refusal in
/// one line naming `var`.
fn refused_with(var: &str, changes: &[(&str, Option<&str>)]) -> String {
    let value = changes
        .iter()
        .find(|(k, _)| *k == var)
        .and_then(|(_, v)| *v);
    let mut cmd = Command::new(BIN);
    cmd.env_clear().arg("serve");
    for (k, v) in good() {
        if changes.iter().all(|(c, _)| *c != k) {
            cmd.env(k, v);
        }
    }
    for (k, v) in changes {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{var}={value:?} must be refused: {err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains(var), "names {var}: {err}");
    err
}

#[test]
fn base_url_missing() {
    assert!(refused("CLEVERBRIDGE_BASE_URL", None).contains("is not set"));
}

#[test]
fn base_url_empty() {
    assert!(refused("CLEVERBRIDGE_BASE_URL", Some("")).contains("is empty"));
}

#[test]
fn base_url_plain_http_to_a_remote_host() {
    let e = refused(
        "CLEVERBRIDGE_BASE_URL",
        Some("http://rest.cleverbridge.com/subscription/"),
    );
    assert!(e.contains("https://"), "{e}");
}

#[test]
fn username_empty() {
    assert!(refused("CLEVERBRIDGE_USERNAME", Some("")).contains("is empty"));
}

#[test]
fn password_missing() {
    assert!(refused("CLEVERBRIDGE_PASSWORD", None).contains("is not set"));
}

#[test]
fn policy_missing() {
    let e = refused("SEATQUOTE_POLICY", None);
    assert!(
        e.contains("is not set") && e.contains("policy.demo.toml"),
        "{e}"
    );
}

#[test]
fn token_secret_missing() {
    assert!(refused("SEATQUOTE_TOKEN_SECRET", None).contains("at least 32 bytes"));
}

#[test]
fn token_secret_short() {
    let e = refused(
        "SEATQUOTE_TOKEN_SECRET",
        Some("0123456789abcdef0123456789abcde"),
    );
    assert!(e.contains("is 31 bytes"), "{e}");
}

#[test]
fn upstream_rate_zero() {
    let e = refused("SEATQUOTE_UPSTREAM_RPS", Some("0"));
    assert!(e.contains("from 1 to 30"), "{e}");
}

#[test]
fn upstream_rate_not_a_number() {
    refused("SEATQUOTE_UPSTREAM_RPS", Some("lots"));
}

#[test]
fn schedule_lead_outside_its_range() {
    for v in ["0", "721", "a day"] {
        refused("SEATQUOTE_SCHEDULE_LEAD_HOURS", Some(v));
    }
}

/// The same settings with a loopback `http://` base URL are accepted: the proxy starts.
#[test]
fn loopback_http_starts() {
    let mut envs = good();
    envs[0].1 = "http://127.0.0.1:9/sandbox/subscription/".into();
    let p = spawn(&["serve"], &envs);
    assert!(p.base.starts_with("http://127.0.0.1:"));
}

#[test]
fn previous_token_secret_short() {
    let e = refused(
        "SEATQUOTE_TOKEN_SECRET_PREVIOUS",
        Some("0123456789abcdef0123456789abcdef01, short"),
    );
    assert!(e.contains("at least 32"), "{e}");
}

#[test]
fn customer_token_keys_missing() {
    let e = refused("SEATQUOTE_JWKS", None);
    assert!(
        e.contains("is not set") && e.contains("SEATQUOTE_JWKS_URL"),
        "{e}"
    );
}

#[test]
fn customer_token_key_sources_exclusive() {
    let e = refused_with(
        "SEATQUOTE_JWKS",
        &[(
            "SEATQUOTE_JWT_SECRET",
            Some("jwt-secret-0123456789abcdef-0123456789"),
        )],
    );
    assert!(e.contains("only one"), "{e}");
}

#[test]
fn customer_token_jwks_without_keys() {
    let e = refused("SEATQUOTE_JWKS", Some(r#"{"keys":[]}"#));
    assert!(e.contains("no usable signature key"), "{e}");
}

#[test]
fn customer_token_jwks_file_missing() {
    let e = refused("SEATQUOTE_JWKS", Some("/nonexistent/jwks.json"));
    assert!(e.contains("cannot be read"), "{e}");
}

#[test]
fn customer_token_jwks_url_plain_http() {
    let e = refused_with(
        "SEATQUOTE_JWKS_URL",
        &[
            ("SEATQUOTE_JWKS", None),
            ("SEATQUOTE_JWKS_URL", Some("http://shop.example/jwks.json")),
        ],
    );
    assert!(e.contains("https"), "{e}");
}

#[test]
fn customer_token_hs256_secret_short() {
    let e = refused_with(
        "SEATQUOTE_JWT_SECRET",
        &[
            ("SEATQUOTE_JWKS", None),
            ("SEATQUOTE_JWT_SECRET", Some("too-short")),
        ],
    );
    assert!(e.contains("is 9 bytes"), "{e}");
}

#[test]
fn customer_token_audience_missing() {
    let e = refused("SEATQUOTE_JWT_AUDIENCE", None);
    assert!(e.contains("is not set"), "{e}");
}

#[test]
fn customer_token_lifetime_and_leeway_bounded() {
    assert!(refused("SEATQUOTE_JWT_MAX_LIFETIME", Some("30d")).contains("7d"));
    assert!(refused("SEATQUOTE_JWT_MAX_LIFETIME", Some("0")).contains("1s"));
    assert!(refused("SEATQUOTE_JWT_LEEWAY", Some("1h")).contains("at most 5m"));
    assert!(refused("SEATQUOTE_JWT_LEEWAY", Some("soon")).contains("30s, 15m"));
}

/// HS256 with a long secret is accepted: the proxy starts.
#[test]
fn hs256_secret_starts() {
    let mut envs: Vec<_> = good()
        .into_iter()
        .filter(|(k, _)| *k != "SEATQUOTE_JWKS")
        .collect();
    envs[0].1 = "http://127.0.0.1:9/sandbox/subscription/".into();
    envs.push((
        "SEATQUOTE_JWT_SECRET",
        "jwt-secret-0123456789abcdef-0123456789".into(),
    ));
    let p = spawn(&["serve"], &envs);
    assert!(p.base.starts_with("http://127.0.0.1:"));
}

const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8GKYo=";

#[test]
fn webhook_url_without_a_secret() {
    let e = refused_with(
        "SEATQUOTE_WEBHOOK_SECRET",
        &[("SEATQUOTE_WEBHOOK_URL", Some("https://shop.test/hooks"))],
    );
    assert!(e.contains("whsec_"), "{e}");
}

#[test]
fn webhook_secret_without_a_url() {
    refused_with(
        "SEATQUOTE_WEBHOOK_URL",
        &[("SEATQUOTE_WEBHOOK_SECRET", Some(WHSEC))],
    );
}

#[test]
fn webhook_url_plain_http_to_a_remote_host() {
    let e = refused_with(
        "SEATQUOTE_WEBHOOK_URL",
        &[
            ("SEATQUOTE_WEBHOOK_URL", Some("http://shop.test/hooks")),
            ("SEATQUOTE_WEBHOOK_SECRET", Some(WHSEC)),
        ],
    );
    assert!(e.contains("https://"), "{e}");
}

#[test]
fn webhook_secrets_not_standard_webhooks_secrets() {
    let url = ("SEATQUOTE_WEBHOOK_URL", Some("https://shop.test/hooks"));
    for (secret, says) in [
        ("0123456789abcdef0123456789abcdef", "whsec_"),
        ("whsec_not*base64", "base64"),
        ("whsec_c2hvcnQ=", "24 to 64"),
    ] {
        let e = refused_with(
            "SEATQUOTE_WEBHOOK_SECRET",
            &[url, ("SEATQUOTE_WEBHOOK_SECRET", Some(secret))],
        );
        assert!(e.contains(says), "{secret}: {e}");
    }
    let e = refused_with(
        "SEATQUOTE_WEBHOOK_SECRET_PREVIOUS",
        &[
            url,
            ("SEATQUOTE_WEBHOOK_SECRET", Some(WHSEC)),
            ("SEATQUOTE_WEBHOOK_SECRET_PREVIOUS", Some("whsec_c2hvcnQ=")),
        ],
    );
    assert!(e.contains("24 to 64"), "{e}");
}

#[test]
fn webhook_retry_period_out_of_range() {
    let e = refused("SEATQUOTE_WEBHOOK_RETRY_FOR", Some("90d"));
    assert!(e.contains("1s to 30d"), "{e}");
    refused("SEATQUOTE_WEBHOOK_RETRY_BASE_MS", Some("5"));
}

#[test]
fn retention_periods_out_of_range() {
    for var in [
        "SEATQUOTE_EVENT_RETENTION",
        "SEATQUOTE_NOTIFICATION_RETENTION",
    ] {
        let e = refused(var, Some("0s"));
        assert!(e.contains("1s to 3650d"), "{e}");
        refused(var, Some("forever"));
    }
}

#[test]
fn admin_token_short() {
    let e = refused("SEATQUOTE_ADMIN_TOKEN", Some("letmein"));
    assert!(e.contains("at least 32"), "{e}");
}

#[test]
fn notification_credentials_half_set_or_weak() {
    refused_with(
        "SEATQUOTE_NOTIFY_PASSWORD",
        &[("SEATQUOTE_NOTIFY_USERNAME", Some("cleverbridge"))],
    );
    let e = refused_with(
        "SEATQUOTE_NOTIFY_PASSWORD",
        &[
            ("SEATQUOTE_NOTIFY_USERNAME", Some("cleverbridge")),
            ("SEATQUOTE_NOTIFY_PASSWORD", Some("short")),
        ],
    );
    assert!(e.contains("16"), "{e}");
}

/// A malformed `SEATQUOTE_DATABASE_URL` is refused at start (never a silent fall-back to
/// the embedded store, which several replicas would not share), without echoing the URL
/// (it may hold a password).
#[test]
fn database_url_malformed() {
    const VAR: &str = "SEATQUOTE_DATABASE_URL";
    assert!(refused(VAR, Some("")).contains("is empty"));
    assert!(refused(VAR, Some("mysql://u:pw@db/x")).contains("not a PostgreSQL URL"));
    let e = refused(VAR, Some("postgres://u:s3cret@db:notaport/x"));
    assert!(
        e.contains("postgres://user:password@host:port/database"),
        "{e}"
    );
    assert!(!e.contains("s3cret"), "{e}");
    assert!(refused(VAR, Some("postgres://u:s3cret@db:5432")).contains("names no database"));
}

/// A well-formed URL whose server cannot be reached stops the proxy at start too.
#[test]
fn database_url_unreachable() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://u:s3cret@127.0.0.1:{port}/seatquote");
    let e = refused("SEATQUOTE_DATABASE_URL", Some(&url));
    assert!(e.contains("cannot be used"), "{e}");
    assert!(!e.contains("s3cret"), "{e}");
}

#[test]
fn no_failed_reads_allowed_before_a_commit_needs_attention() {
    let e = refused("SEATQUOTE_COMMIT_MAX_RESOLVE_FAILURES", Some("0"));
    assert!(e.contains("at least 1"), "{e}");
}
