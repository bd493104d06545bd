//! The operator's subcommands against the real binary: `keys` writes a private key only
//! its owner can read and prints the public JWKS; `token` mints a JWT from that key which
//! the proxy's verifier accepts (and which names what was asked for).

use std::process::{Command, Output};
use std::time::SystemTime;

use crate::helpers::*;
use seatquote_auth::{Config, KeySource, Verifier};

fn run(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.env_clear().args(args);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn kid_of(jwks: &str) -> String {
    let doc: serde_json::Value = serde_json::from_str(jwks).unwrap();
    doc["keys"][0]["kid"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn keys_then_token_verifies() {
    for alg in ["EdDSA", "ES256"] {
        let dir = tmp_dir("keys");
        let pem = dir.join("private.pem");
        let pem_s = pem.to_str().unwrap();
        let out = run(&["keys", "--private-key", pem_s, "--alg", alg], &[]);
        assert!(out.status.success(), "{out:?}");
        let jwks = String::from_utf8(out.stdout).unwrap();
        assert!(
            !jwks.contains("PRIVATE") && !jwks.contains("\"d\""),
            "{jwks}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&pem).unwrap().permissions().mode();
            assert_eq!(
                mode & 0o777,
                0o600,
                "private key readable by its owner only"
            );
        }
        // Never overwritten.
        let again = run(&["keys", "--private-key", pem_s], &[]);
        assert_eq!(again.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&again.stderr).contains("private.pem"));

        let kid = kid_of(&jwks);
        let out = run(
            &[
                "token",
                "--key",
                pem_s,
                // `--kid=…`: a thumbprint may start with `-`, which as a separate
                // argument reads as a flag.
                &format!("--kid={kid}"),
                "--customer",
                "C-1001",
                "--subscription",
                "S1",
                "--subscription",
                "S2",
                "--ttl",
                "15m",
            ],
            &[("SEATQUOTE_JWT_AUDIENCE", AUDIENCE)],
        );
        assert!(out.status.success(), "{out:?}");
        let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
        assert_eq!(token.split('.').count(), 3, "a JWT: {token}");

        let verifier =
            Verifier::from_config(&Config::new(KeySource::Jwks(jwks.clone()), AUDIENCE)).unwrap();
        let c = verifier
            .verify_token(&token, SystemTime::now())
            .await
            .unwrap();
        assert_eq!(
            (c.id.as_str(), c.subscriptions.clone()),
            ("C-1001", vec!["S1".to_owned(), "S2".to_owned()])
        );
        assert_eq!(c.key_id.as_deref(), Some(kid.as_str()));
        let left = c.expires_at - now();
        assert!((890..=900).contains(&left), "ttl 15m: {left}");
        // Another audience's verifier refuses it.
        let other = Verifier::from_config(&Config::new(
            KeySource::Jwks(jwks.clone()),
            "https://other.test/",
        ))
        .unwrap();
        let e = other
            .verify_token(&token, SystemTime::now())
            .await
            .unwrap_err();
        assert_eq!(e.code(), "token_audience");

        // Rotation: a second key added next to the first; tokens of the first still verify.
        let jwks_file = dir.join("jwks.json");
        std::fs::write(&jwks_file, &jwks).unwrap();
        let p2 = dir.join("p2.pem");
        let out = run(
            &[
                "keys",
                "--private-key",
                p2.to_str().unwrap(),
                "--add-to",
                jwks_file.to_str().unwrap(),
            ],
            &[],
        );
        let both = String::from_utf8(out.stdout).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&both).unwrap();
        assert_eq!(doc["keys"].as_array().unwrap().len(), 2);
        let rotated = Verifier::from_config(&Config::new(KeySource::Jwks(both), AUDIENCE)).unwrap();
        let c = rotated
            .verify_token(&token, SystemTime::now())
            .await
            .unwrap();
        assert_eq!(c.key_id.as_deref(), Some(kid.as_str()));
    }
}

#[test]
fn token_refuses_bad_input() {
    let dir = tmp_dir("tok");
    let pem = dir.join("k.pem");
    assert!(run(&["keys", "--private-key", pem.to_str().unwrap()], &[])
        .status
        .success());
    let base = [
        "token",
        "--kid",
        "k",
        "--customer",
        "C",
        "--subscription",
        "S1",
    ];
    let with = |extra: &[&str], aud: bool| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let envs: &[(&str, &str)] = if aud {
            &[("SEATQUOTE_JWT_AUDIENCE", AUDIENCE)]
        } else {
            &[]
        };
        run(&args, envs)
    };
    let p = pem.to_str().unwrap();
    assert!(with(&["--key", p], true).status.success());
    // No audience; no key; a key that is not a private key; a bad ttl.
    assert!(!with(&["--key", p], false).status.success());
    assert!(!with(&["--key", "/nonexistent.pem"], true).status.success());
    let not_key = dir.join("x.pem");
    std::fs::write(&not_key, "hello").unwrap();
    let out = with(&["--key", not_key.to_str().unwrap()], true);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("private key"));
    assert!(!with(&["--key", p, "--ttl", "soon"], true).status.success());
}
