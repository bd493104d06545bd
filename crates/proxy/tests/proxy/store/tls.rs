//! The PostgreSQL store over TLS (`sslmode`, `sslrootcert` in `SEATQUOTE_DATABASE_URL`),
//! against a throw-away server started with `ssl = on` and a certificate made here
//! (`rcgen`) for the name `db.internal`, reached at 127.0.0.1 through `hostaddr`:
//! `verify-full` accepts the right CA and commits through it, and refuses a wrong CA or a
//! wrong name at start in one line; `verify-ca` accepts the wrong name; `require`
//! encrypts without checking; `disable` stays plain; what the server's own statistics
//! (`pg_stat_ssl`) say about each proxy's sessions is the evidence.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use seatquote_testkit::TempPostgres;

use crate::helpers::*;

/// The name in the server's certificate.
const NAME: &str = "db.internal";

/// A CA (its certificate, PEM) and the means to sign with it.
struct Ca {
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

fn ca(name: &str) -> Ca {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let key = KeyPair::generate().unwrap();
    let pem = params.self_signed(&key).unwrap().pem();
    Ca {
        pem,
        issuer: Issuer::new(params, key),
    }
}

/// The TLS server (certificate for [`NAME`] signed by the right CA) and the files of the
/// right and of a wrong CA, made once for this test binary.
struct Tls {
    pg: TempPostgres,
    right_ca: PathBuf,
    wrong_ca: PathBuf,
}

fn tls() -> &'static Tls {
    static TLS: OnceLock<Tls> = OnceLock::new();
    TLS.get_or_init(|| {
        let (right, wrong) = (ca("seatquote test CA"), ca("another CA"));
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(vec![NAME.to_owned()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, NAME);
        let cert = params.signed_by(&key, &right.issuer).unwrap();
        let pg = TempPostgres::start_tls(&cert.pem(), &key.serialize_pem())
            .expect("a throw-away PostgreSQL server with TLS (Debian's postgresql)");
        let dir = tmp_dir("tls-ca");
        let (right_ca, wrong_ca) = (dir.join("ca.pem"), dir.join("other-ca.pem"));
        std::fs::write(&right_ca, &right.pem).unwrap();
        std::fs::write(&wrong_ca, &wrong.pem).unwrap();
        Tls {
            pg,
            right_ca,
            wrong_ca,
        }
    })
}

/// A fresh database on the TLS server: its plain URL (for the test's own reads) and the
/// URL naming [`NAME`] at 127.0.0.1, with `params` (the proxy's).
fn database(params: &str) -> (String, String) {
    let t = tls();
    let plain = t.pg.create_database().unwrap();
    let db = plain.rsplit('/').next().unwrap().to_owned();
    let url = format!(
        "postgres://postgres@{NAME}:{}/{db}?hostaddr=127.0.0.1&{params}",
        t.pg.port()
    );
    (plain, url)
}

/// A proxy process, killed on drop.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `serve` on the database `url` (Cleverbridge not called at start): the running
/// proxy, or the one line it refused with.
fn start(url: &str) -> Result<Running, String> {
    let mut cmd = Command::new(BIN);
    cmd.arg("serve")
        .env_clear()
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in [
        (
            "CLEVERBRIDGE_BASE_URL",
            "http://127.0.0.1:9/sandbox/subscription/".to_owned(),
        ),
        ("CLEVERBRIDGE_USERNAME", "sandbox".into()),
        ("CLEVERBRIDGE_PASSWORD", "sandbox".into()),
        ("SEATQUOTE_TOKEN_SECRET", SECRET.into()),
        ("SEATQUOTE_JWKS", jwks()),
        ("SEATQUOTE_JWT_AUDIENCE", AUDIENCE.into()),
        ("SEATQUOTE_DATA_DIR", tmp_dir("tls").display().to_string()),
        ("SEATQUOTE_POLICY", POLICY.into()),
        ("SEATQUOTE_DATABASE_URL", url.to_owned()),
        ("PORT", "0".into()),
    ] {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn");
    let mut line = String::new();
    let _ = BufReader::new(child.stdout.take().unwrap()).read_line(&mut line);
    if line.starts_with("listening on ") {
        return Ok(Running(child));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a refusal exits 2");
    Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
}

/// The sessions on database `plain` (as the server's statistics see them): how many
/// use TLS and how many do not.
fn sessions(plain: &str) -> (i64, i64) {
    let db = plain.rsplit('/').next().unwrap();
    let admin = format!("{}/postgres", plain.rsplit_once('/').unwrap().0);
    let rows = seatquote_testkit::query(
        &admin,
        "SELECT count(*) FILTER (WHERE s.ssl), count(*) FILTER (WHERE NOT s.ssl) \
         FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.datname = $1",
        &[&db],
    )
    .unwrap();
    (rows[0].get(0), rows[0].get(1))
}

/// Asserts a refusal names the variable and the mode, says `why`, and hides the URL.
fn assert_refused(result: Result<Running, String>, mode: &str, why: &str) {
    let Err(e) = result else {
        panic!("sslmode={mode} must be refused ({why})")
    };
    assert_eq!(e.lines().count(), 1, "one line: {e}");
    assert!(e.contains("SEATQUOTE_DATABASE_URL"), "{e}");
    assert!(e.contains(&format!("sslmode={mode}")), "{e}");
    assert!(e.contains(why), "{e}");
    assert!(!e.contains("hostaddr"), "the URL is not repeated: {e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_full_with_the_right_ca_encrypts_and_commits() {
    let t = tls();
    let (plain, url) = database(&format!(
        "sslmode=verify-full&sslrootcert={}",
        t.right_ca.display()
    ));
    let sandbox = sandbox(&[]);
    let data = tmp_dir("tls-pair");
    let proxy = proxy(&sandbox, &data, &[("SEATQUOTE_DATABASE_URL", url)]);
    let p = Pair {
        sandbox,
        proxy,
        data,
        db: Some(plain.clone()),
        http: client(),
    };
    let tok = c1001();
    let pv = p.preview(&tok, "S68841753", 1, 2, "immediate").await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    let c = p
        .commit(
            &tok,
            "S68841753",
            1,
            pv.body["quoteToken"].as_str().unwrap(),
            "tls-1",
        )
        .await;
    assert_eq!(c.status, 200, "{}", c.text);
    assert_eq!(p.intent_state("C-1001", "tls-1").as_deref(), Some("done"));
    assert_eq!(p.commit_counts().await, (1, 1));
    let (encrypted, clear) = sessions(&plain);
    assert!(encrypted >= 2, "the store's sessions use TLS: {encrypted}");
    assert_eq!(clear, 0, "no session in the clear");
}

#[test]
fn verify_full_refuses_a_wrong_ca_or_a_wrong_name_at_start() {
    let t = tls();
    let (_, url) = database(&format!(
        "sslmode=verify-full&sslrootcert={}",
        t.wrong_ca.display()
    ));
    assert_refused(start(&url), "verify-full", "UnknownIssuer");
    // The right CA, but the server reached by another name than its certificate's.
    let (plain, _) = database("");
    let by_ip = format!(
        "{plain}?sslmode=verify-full&sslrootcert={}",
        t.right_ca.display()
    );
    let e = start(&by_ip).err().expect("the name is checked");
    assert!(
        e.contains("sslmode=verify-full")
            && (e.contains("not valid for name") || e.contains("NotValidForName")),
        "{e}"
    );
    // verify-ca checks the chain only: the same URL is accepted.
    let ca_only = by_ip.replace("verify-full", "verify-ca");
    let running = start(&ca_only).expect("verify-ca does not compare names");
    assert!(sessions(&plain).0 >= 1);
    drop(running);
}

#[test]
fn require_encrypts_without_checking_and_disable_stays_plain() {
    let (plain, url) = database("sslmode=require");
    let running = start(&url).expect("require starts without a CA");
    assert!(sessions(&plain).0 >= 1);
    assert_eq!(sessions(&plain).1, 0);
    drop(running);
    let (plain, url) = database("sslmode=disable");
    let running = start(&url).expect("disable starts");
    assert_eq!(sessions(&plain).0, 0, "no TLS session");
    assert!(sessions(&plain).1 >= 1);
    drop(running);
    // require against a server without TLS: refused, not silently in the clear.
    let shared = seatquote_testkit::shared()
        .unwrap()
        .create_database()
        .unwrap();
    assert_refused(
        start(&format!("{shared}?sslmode=require")),
        "require",
        "TLS",
    );
}

#[test]
fn tls_settings_are_checked_at_start() {
    let (_, url) = database("sslmode=verify");
    let e = start(&url).err().expect("an unknown sslmode");
    assert!(
        e.contains("disable, prefer, require, verify-ca or verify-full"),
        "{e}"
    );
    let (_, url) = database("sslmode=verify-full&sslrootcert=/nonexistent/ca.pem");
    let e = start(&url).err().expect("a missing CA file");
    assert!(
        e.contains("/nonexistent/ca.pem") && e.contains("cannot be read"),
        "{e}"
    );
    let (_, url) = database("sslmode=require&sslcert=client.pem");
    let e = start(&url).err().expect("client certificates");
    assert!(e.contains("client certificates"), "{e}");
}
