//! The proxy refuses unsafe configuration: it does not start, and says why in one line
//! naming the variable. One test per case, each against the real binary.

mod common;

use std::process::Command;

use common::*;

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
        ("SEATQUOTE_DATA_DIR", tmp_dir("cfg").display().to_string()),
        ("PORT", "0".into()),
    ]
}

/// Runs `serve` with `good()`, `var` set to `value` (`None`: unset), expects a refusal and
/// returns the one line it printed on stderr.
fn refused(var: &str, value: Option<&str>) -> String {
    let mut cmd = Command::new(BIN);
    cmd.env_clear().arg("serve");
    for (k, v) in good() {
        if k != var {
            cmd.env(k, v);
        }
    }
    if let Some(v) = value {
        cmd.env(var, v);
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

/// The same settings with a loopback `http://` base URL are accepted: the proxy starts.
#[test]
fn loopback_http_starts() {
    let mut envs = good();
    envs[0].1 = "http://127.0.0.1:9/sandbox/subscription/".into();
    let p = spawn(&["serve"], &envs);
    assert!(p.base.starts_with("http://127.0.0.1:"));
}

/// `token` needs the secret too, with the same rule.
#[test]
fn token_needs_a_long_secret() {
    let run = |secret: Option<&str>| {
        let mut cmd = Command::new(BIN);
        cmd.env_clear()
            .args(["token", "--customer", "C", "--subscription", "S1"]);
        if let Some(s) = secret {
            cmd.env("SEATQUOTE_TOKEN_SECRET", s);
        }
        cmd.output().unwrap()
    };
    assert!(!run(None).status.success());
    assert!(!run(Some("short")).status.success());
    let ok = run(Some(SECRET));
    assert!(ok.status.success());
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with("cust."));
}
