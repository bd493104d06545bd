//! Tokens minted by the merchant's own libraries: `jose` in Node (npm) and PyJWT in Python
//! (PyPI), through the scripts in `tests/mint/`. The verifier must accept the good ones
//! and refuse the bad ones with the right code.
//!
//! Needs `node` with the root `node_modules` (`npm ci`) and `.tools/venv-tokens` (PyJWT);
//! `bash scripts/bootstrap.sh` installs both. When they are missing this test FAILS with
//! that instruction: it never passes without having run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use seatquote_auth::{AuthError, Config, KeySource, Verifier};
use serde_json::{json, Value};

use crate::helpers::*;

/// The HS256 secret of the simple-option cases.
const HS_SECRET: &str = "a shared secret that is long enough: 32+ bytes";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One token to mint: which key, which kid (default: the key's), which claims (`null`: the
/// documented snippet), whether to tamper with it, and what the verifier must answer.
struct Case {
    name: &'static str,
    key: &'static str,
    kid: Option<String>,
    claims: Value,
    tamper: bool,
    expect: Result<(), AuthError>,
}

fn case(
    name: &'static str,
    key: &'static str,
    claims: Value,
    expect: Result<(), AuthError>,
) -> Case {
    Case {
        name,
        key,
        kid: None,
        claims,
        tamper: false,
        expect,
    }
}

fn cases(t: i64, ed_kid: &str) -> Vec<Case> {
    let good = |t: i64| json!({"sub": "C-1001", "subscriptions": ["S-1"], "aud": AUD, "iat": t, "nbf": t, "exp": t + 900});
    let with = |k: &str, v: Value| {
        let mut c = good(t);
        c[k] = v;
        c
    };
    vec![
        case("documented_eddsa", "ed", Value::Null, Ok(())),
        case("documented_es256", "es", Value::Null, Ok(())),
        case("documented_hs256", "hs", Value::Null, Ok(())),
        case("eddsa", "ed", good(t), Ok(())),
        case(
            "audience_list",
            "es",
            with("aud", json!(["https://other.example", AUD])),
            Ok(()),
        ),
        case(
            "wrong_audience",
            "ed",
            with("aud", json!("https://other.example")),
            Err(AuthError::Audience),
        ),
        case("expired", "ed", good(t - 3600), Err(AuthError::Expired)),
        case(
            "not_yet_valid",
            "es",
            with("nbf", json!(t + 600)),
            Err(AuthError::NotYetValid),
        ),
        case(
            "too_long",
            "ed",
            with("exp", json!(t + 2 * 86400)),
            Err(AuthError::LifetimeTooLong { max_seconds: 86400 }),
        ),
        case(
            "no_subscriptions",
            "ed",
            {
                let mut c = good(t);
                c.as_object_mut().unwrap().remove("subscriptions");
                c
            },
            Err(AuthError::Malformed(String::new())),
        ),
        Case {
            kid: Some("no-such-kid".into()),
            ..case("unknown_kid", "ed", good(t), Err(AuthError::UnknownKey))
        },
        // An ES256 signature under the EdDSA key's kid.
        Case {
            kid: Some(ed_kid.into()),
            ..case(
                "wrong_algorithm",
                "es",
                good(t),
                Err(AuthError::WrongAlgorithm),
            )
        },
        case(
            "hs256_with_public_key",
            "ed_public_as_hmac",
            good(t),
            Err(AuthError::WrongAlgorithm),
        ),
        case(
            "alg_none",
            "none",
            good(t),
            Err(AuthError::Malformed(String::new())),
        ),
        Case {
            tamper: true,
            ..case("tampered", "ed", good(t), Err(AuthError::BadSignature))
        },
    ]
}

/// Runs a minting script with the spec on stdin; its stdout is a JSON object.
fn run(
    program: &Path,
    script: &Path,
    args: &[&Path],
    spec: &Value,
) -> serde_json::Map<String, Value> {
    let mut child = Command::new(program)
        .arg(script)
        .args(args)
        .current_dir(repo_root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run {}: {e}. Run `bash scripts/bootstrap.sh` (installs node deps and .tools/venv-tokens).", program.display())
        });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(spec.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{} {} failed ({}):\n{}\nRun `bash scripts/bootstrap.sh` if jose or PyJWT is missing.",
        program.display(),
        script.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the script prints a JSON object")
}

/// Flips the token's payload to name another subscription, keeping header and signature.
fn tamper(token: &str) -> String {
    let p: Vec<&str> = token.split('.').collect();
    let payload =
        base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, p[1]).unwrap();
    let mut claims: Value = serde_json::from_slice(&payload).unwrap();
    claims["subscriptions"] = json!(["S-1", "S-2"]);
    format!("{}.{}.{}", p[0], b64(claims.to_string().as_bytes()), p[2])
}

async fn check_library(program: PathBuf, script: &str) {
    let (e, p) = (ed(), es());
    let t = now();
    let spec = json!({
        "aud": AUD,
        "keys": {
            "ed": {"alg": "EdDSA", "kid": e.kid, "pem": e.private_key_pem},
            "es": {"alg": "ES256", "kid": p.kid, "pem": p.private_key_pem},
            "hs": {"alg": "HS256", "kid": null, "secret": HS_SECRET},
            "ed_public_as_hmac": {"alg": "HS256", "kid": e.kid, "x": e.public_jwk["x"]},
            "none": {"alg": "none", "kid": null},
        },
        "cases": cases(t, &e.kid).iter().map(|c| json!({"name": c.name, "key": c.key, "kid": c.kid, "claims": c.claims})).collect::<Vec<_>>(),
    });
    let tokens = run(
        &program,
        &repo_root().join("crates/auth/tests/mint").join(script),
        &[],
        &spec,
    );

    let jwks_verifier = verifier(&[&e, &p]);
    let hs_verifier = Verifier::from_config(&Config::new(
        KeySource::Secret {
            secret: HS_SECRET.as_bytes().to_vec(),
            kid: None,
        },
        AUD,
    ))
    .unwrap();
    for c in cases(t, &e.kid) {
        let token = tokens[c.name]
            .as_str()
            .unwrap_or_else(|| panic!("{script}: no token for {}", c.name));
        let token = if c.tamper {
            tamper(token)
        } else {
            token.to_owned()
        };
        let v = if c.key == "hs" {
            &hs_verifier
        } else {
            &jwks_verifier
        };
        let got = v.verify(&format!("bearer {token}"), at(now())).await;
        match (&got, &c.expect) {
            (Ok(customer), Ok(())) => {
                assert_eq!(customer.id, "C-1001", "{script} {}", c.name);
                assert_eq!(customer.may_touch("S-1"), Ok(()));
                assert_eq!(
                    customer.may_touch("S-2"),
                    Err(AuthError::ForbiddenSubscription)
                );
            }
            // Malformed carries a message; the variant is what is checked.
            (Err(AuthError::Malformed(_)), Err(AuthError::Malformed(_))) => {}
            (Err(g), Err(want)) => assert_eq!(g, want, "{script} {}", c.name),
            _ => panic!("{script} {}: got {got:?}, want {:?}", c.name, c.expect),
        }
    }
}

#[tokio::test]
async fn tokens_minted_with_node_jose() {
    check_library(PathBuf::from("node"), "mint.mjs").await;
}

#[tokio::test]
async fn tokens_minted_with_python_pyjwt() {
    let python = std::env::var_os("SEATQUOTE_TOKENS_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".tools/venv-tokens/bin/python"));
    assert!(
        python.exists(),
        "{} is missing: run `bash scripts/bootstrap.sh` (it installs PyJWT into .tools/venv-tokens)",
        python.display()
    );
    check_library(python, "mint.py").await;
}

/// The documented demo-merchant flow: jose makes the key pair and mints; the proxy gets only
/// the JWKS file.
#[tokio::test]
async fn key_pair_and_token_made_with_jose_as_documented() {
    let dir = tempfile::tempdir().unwrap();
    let script = repo_root().join("crates/auth/tests/mint/keys.mjs");
    let out = run(Path::new("node"), &script, &[dir.path()], &json!({}));
    let token = out["token"].as_str().unwrap();
    let jwks_file = dir.path().join("jwks.json");
    assert!(
        !std::fs::read_to_string(&jwks_file)
            .unwrap()
            .contains("\"d\""),
        "public only"
    );
    let v = Verifier::from_config(&Config::new(
        KeySource::Jwks(jwks_file.display().to_string()),
        AUD,
    ))
    .unwrap();
    let c = v
        .verify(&format!("Bearer {token}"), at(now()))
        .await
        .unwrap();
    assert_eq!(
        (c.id.as_str(), c.subscriptions.as_slice()),
        ("C-1001", ["S-1".to_owned()].as_slice())
    );
    assert!(c.expires_at - now() <= 900);
}
