//! What the proxy and the sandbox write at start: the active pricing policy (path, digest,
//! summary), and plain text, without colour codes, when the log is not a terminal.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::helpers::*;

/// Starts `bin` with `envs` and RUST_LOG=info, stderr to a pipe; waits for its
/// `listening on` line, stops it and returns all it wrote on stderr.
fn stderr_of(bin: &std::path::Path, args: &[&str], envs: &[(&str, String)]) -> String {
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .env_clear()
        .env("PORT", "0")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn");
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    let started = std::io::BufRead::read_line(&mut out, &mut line).is_ok();
    // The start-up lines are written before `listening on`; a moment for the pipe.
    std::thread::sleep(Duration::from_millis(200));
    let _ = child.kill();
    let output = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        started && line.starts_with("listening on "),
        "{} did not start: {line} {err}",
        bin.display()
    );
    err
}

/// A proxy configuration that starts without a sandbox (nothing is called upstream).
fn offline(policy: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "CLEVERBRIDGE_BASE_URL",
            "http://127.0.0.1:9/sandbox/subscription/".into(),
        ),
        ("CLEVERBRIDGE_USERNAME", "sandbox".into()),
        ("CLEVERBRIDGE_PASSWORD", "sandbox".into()),
        ("SEATQUOTE_TOKEN_SECRET", SECRET.into()),
        ("SEATQUOTE_JWKS", jwks()),
        ("SEATQUOTE_JWT_AUDIENCE", AUDIENCE.into()),
        (
            "SEATQUOTE_DATA_DIR",
            tmp_dir("startup").display().to_string(),
        ),
        ("SEATQUOTE_POLICY", policy.into()),
    ]
}

/// The SHA-256 of a file, lowercase hex (through the `sha256sum` tool, not our code).
fn sha256sum(path: &str) -> String {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Runs a proxy on `policy` and checks its start-up log names the file, its digest and
/// the demo policy's summary; returns the log.
pub fn starts_on_the_demo_policy(policy: &str) -> String {
    let err = stderr_of(std::path::Path::new(BIN), &["serve"], &offline(policy));
    let line = err
        .lines()
        .find(|l| l.contains("pricing policy"))
        .unwrap_or_else(|| panic!("no policy line: {err}"));
    assert!(line.contains(policy), "{line}");
    assert!(line.contains(&sha256sum(policy)), "{line}");
    assert!(
        line.contains("products 294835 (1–100, gross), 294836 (1–100, gross), 294900 (1–5, gross), 310001 (1–250, net)")
            && line.contains("others 1–500, gross"),
        "{line}"
    );
    err
}

#[test]
fn the_active_policy_is_logged_without_colour() {
    let err = starts_on_the_demo_policy(POLICY);
    assert!(
        !err.contains("\x1b["),
        "colour codes in a piped log: {err:?}"
    );
    assert!(err.contains("the clock is the real UTC date"), "{err}");
}

#[test]
fn the_sandbox_log_has_no_colour_on_a_pipe() {
    let err = stderr_of(
        &sandbox_bin(),
        &[],
        &[("SEATQUOTE_TODAY", TODAY.to_owned())],
    );
    assert!(err.contains(&format!("today={TODAY}")), "{err}");
    assert!(
        !err.contains("\x1b["),
        "colour codes in a piped log: {err:?}"
    );
}

#[test]
fn the_sandbox_refuses_two_different_todays() {
    let out = Command::new(sandbox_bin())
        .env_clear()
        .env("PORT", "0")
        .env("SEATQUOTE_TODAY", "2026-05-13")
        .env("SEATQUOTE_SANDBOX_TODAY", "2026-05-14")
        .output()
        .expect("sandbox");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("SEATQUOTE_SANDBOX_TODAY") && err.contains("differ"),
        "{err}"
    );
}
