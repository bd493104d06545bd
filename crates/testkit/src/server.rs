//! [`TempPostgres`]: initdb, the server under its watchdog, readiness, databases, cleanup.

use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// How long the server may take to accept connections.
const READY_WITHIN: Duration = Duration::from_secs(60);

/// The watchdog: starts the server in the background, waits until its stdin (a pipe from
/// the owning process) reaches end-of-file (`cat`, which a signal such as the server's
/// exit does not interrupt, unlike the shell's `read`), then stops the server in
/// immediate mode and removes the directory. Arguments: directory, `postgres` binary, port,
/// then more server arguments (`-c name=value`).
const WATCHDOG: &str = r#"
d="$1"; pg="$2"; port="$3"; shift 3
exec 2>"$d/watchdog.log"
"$pg" -D "$d/data" -k "$d" -h 127.0.0.1 -p "$port" \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
  -c max_connections=300 -c shared_buffers=16MB "$@" \
  >"$d/server.log" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$d/postgres.pid"
cat >/dev/null
kill -QUIT "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
rm -rf "$d"
"#;

/// A running throw-away PostgreSQL server (see the crate documentation). Dropping it stops
/// the server and removes its directory.
pub struct TempPostgres {
    dir: PathBuf,
    port: u16,
    url: String,
    watchdog: Option<Child>,
    databases: AtomicU32,
}

/// The directory of Debian's PostgreSQL binaries: `SEATQUOTE_PG_BINDIR`, else the newest
/// `/usr/lib/postgresql/<version>/bin` holding `initdb`.
///
/// # Errors
/// None found (install Debian's `postgresql`: `scripts/bootstrap.sh` does).
pub fn bin_dir() -> Result<PathBuf, String> {
    if let Some(d) = std::env::var_os("SEATQUOTE_PG_BINDIR") {
        return Ok(PathBuf::from(d));
    }
    let root = Path::new("/usr/lib/postgresql");
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .map_err(|e| format!("{}: {e} (install Debian's postgresql)", root.display()))?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, b)| b).ok_or_else(|| {
        format!(
            "no {}/<version>/bin/initdb (install Debian's postgresql)",
            root.display()
        )
    })
}

/// The user the server runs as: this process's when it is not root, else `nobody`
/// (uid, gid, name).
fn server_user() -> Result<Option<(u32, u32)>, String> {
    let euid = std::fs::metadata("/proc/self")
        .map(|m| m.uid())
        .map_err(|e| format!("/proc/self: {e}"))?;
    if euid != 0 {
        return Ok(None);
    }
    let id = |flag: &str| -> Result<u32, String> {
        let out = Command::new("id")
            .args([flag, "nobody"])
            .output()
            .map_err(|e| format!("id: {e}"))?;
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .map_err(|_| "there is no user nobody to run PostgreSQL as".to_owned())
    };
    Ok(Some((id("-u")?, id("-g")?)))
}

/// `program` run as the server user (through `setpriv`, else `runuser`, when root).
fn as_user(user: Option<(u32, u32)>, program: &Path) -> Command {
    match user {
        None => Command::new(program),
        Some((uid, gid)) if Path::new("/usr/bin/setpriv").exists() => {
            let mut c = Command::new("/usr/bin/setpriv");
            c.arg(format!("--reuid={uid}"))
                .arg(format!("--regid={gid}"))
                .arg("--clear-groups")
                .arg("--")
                .arg(program);
            c
        }
        Some(_) => {
            let mut c = Command::new("runuser");
            c.args(["-u", "nobody", "--"]).arg(program);
            c
        }
    }
}

/// A loopback port free right now, picked at random below Linux's ephemeral range
/// (32768–60999), so that neither an outgoing connection nor another harness starting at
/// the same moment is likely to take it before the server binds it.
fn free_port() -> Result<u16, String> {
    static N: AtomicU32 = AtomicU32::new(0);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos())
        ^ std::process::id().rotate_left(16)
        ^ N.fetch_add(1, Ordering::SeqCst).wrapping_mul(0x9e37_79b9);
    let mut x = seed | 1;
    for _ in 0..200 {
        // xorshift32
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let port = 20_000 + u16::try_from(x % 12_000).unwrap_or(0);
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return Ok(port);
        }
    }
    Err("no free loopback port between 20000 and 32000".to_owned())
}

/// Writes the server's certificate and key into `dir` (owned by the server's user, the key
/// mode 0600) and returns the server arguments that turn TLS on with them.
fn write_tls(
    dir: &Path,
    user: Option<(u32, u32)>,
    cert: &str,
    key: &str,
) -> Result<Vec<String>, String> {
    use std::os::unix::fs::PermissionsExt;
    let mut args = vec!["-c".to_owned(), "ssl=on".to_owned()];
    for (name, text, setting) in [
        ("server.crt", cert, "ssl_cert_file"),
        ("server.key", key, "ssl_key_file"),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| format!("chmod {}: {e}", path.display()))?;
        if let Some((uid, gid)) = user {
            std::os::unix::fs::chown(&path, Some(uid), Some(gid))
                .map_err(|e| format!("chown {}: {e}", path.display()))?;
        }
        args.push("-c".to_owned());
        args.push(format!("{setting}={}", path.display()));
    }
    Ok(args)
}

fn fresh_dir() -> Result<PathBuf, String> {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir = std::env::temp_dir().join(format!(
        "seatquote-pg-{}-{}-{nanos:x}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}

impl TempPostgres {
    /// Starts a server and creates the database `seatquote` ([`TempPostgres::url`]).
    ///
    /// # Errors
    /// Binaries missing, initdb or the server failing (with their output), or the server
    /// not ready within a minute.
    pub fn start() -> Result<Self, String> {
        Self::start_with(None)
    }

    /// Starts a server that also accepts TLS (`ssl = on`) with this certificate chain and
    /// private key (PEM), as a managed PostgreSQL service does; plain connections are
    /// still accepted. The files are written into the server's directory, readable by
    /// the server's user only (PostgreSQL refuses a key others can read).
    ///
    /// # Errors
    /// As [`TempPostgres::start`]; the server refusing the certificate or key (its log).
    pub fn start_tls(cert_pem: &str, key_pem: &str) -> Result<Self, String> {
        Self::start_with(Some((cert_pem, key_pem)))
    }

    fn start_with(tls: Option<(&str, &str)>) -> Result<Self, String> {
        let bin = bin_dir()?;
        let user = server_user()?;
        // A port found free can be taken before the server binds it: then everything is
        // tried again in a fresh directory (the failed attempt's watchdog removed its own).
        let mut last = String::new();
        for _ in 0..4 {
            match Self::attempt(user, &bin, tls) {
                Ok(pg) => return Ok(pg),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    fn attempt(
        user: Option<(u32, u32)>,
        bin: &Path,
        tls: Option<(&str, &str)>,
    ) -> Result<Self, String> {
        let dir = fresh_dir()?;
        let mut pg = Self {
            dir: dir.clone(),
            port: free_port()?,
            url: String::new(),
            watchdog: None,
            databases: AtomicU32::new(0),
        };
        if let Some((uid, gid)) = user {
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid))
                .map_err(|e| format!("chown {}: {e}", dir.display()))?;
        }
        let out = as_user(user, &bin.join("initdb"))
            .arg("-D")
            .arg(dir.join("data"))
            .args([
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "-N",
            ])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("initdb: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let args = match tls {
            Some((cert, key)) => write_tls(&dir, user, cert, key)?,
            None => Vec::new(),
        };
        pg.run(user, bin, &args)?;
        pg.url = pg.create_named("seatquote")?;
        Ok(pg)
    }

    fn run(&mut self, user: Option<(u32, u32)>, bin: &Path, args: &[String]) -> Result<(), String> {
        let mut child = as_user(user, Path::new("/bin/sh"))
            .args(["-c", WATCHDOG, "sh"])
            .arg(&self.dir)
            .arg(bin.join("postgres"))
            .arg(self.port.to_string())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the PostgreSQL watchdog: {e}"))?;
        // Probed through the Unix socket in our own directory: a server of someone else's
        // on the same port cannot answer for ours.
        let admin = self.socket_url("postgres");
        let end = Instant::now() + READY_WITHIN;
        loop {
            let probe = crate::query(&admin, "SELECT 1", &[]);
            if probe.is_ok() {
                self.watchdog = Some(child);
                return Ok(());
            }
            let log = self.log();
            let exited = child.try_wait().ok().flatten();
            let died = std::fs::read_to_string(self.dir.join("postgres.pid"))
                .is_ok_and(|pid| !Path::new(&format!("/proc/{}", pid.trim())).exists());
            // A probe that arrives while the server starts up is refused with a FATAL line
            // of its own ("the database system is starting up"): only other FATALs count.
            let fatal = log
                .lines()
                .any(|l| l.contains("FATAL") && !l.contains("the database system is starting up"));
            if Instant::now() > end || fatal || exited.is_some() || died {
                let watchdog =
                    std::fs::read_to_string(self.dir.join("watchdog.log")).unwrap_or_default();
                drop(child.stdin.take());
                let _ = child.wait();
                return Err(format!(
                    "PostgreSQL did not start on port {} (server exited: {died}; watchdog exited: {exited:?}; last probe: {:?}; watchdog: {watchdog}): {log}",
                    self.port,
                    probe.err(),
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        let mut s = String::new();
        if let Ok(mut f) = std::fs::File::open(self.dir.join("server.log")) {
            let _ = f.read_to_string(&mut s);
        }
        s
    }

    /// The URL of a database on this server: `postgres://postgres@127.0.0.1:<port>/<name>`
    /// (trust authentication on loopback).
    pub fn database_url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// Connection settings for a database through the server's Unix socket.
    fn socket_url(&self, name: &str) -> String {
        format!(
            "host={} port={} user=postgres dbname={name}",
            self.dir.display(),
            self.port
        )
    }

    /// The URL of the database created at start, `seatquote`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The loopback port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The temporary directory (data directory `data/`, the socket, `server.log`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Creates a fresh, empty database (`t1`, `t2`, …) and returns its URL.
    ///
    /// # Errors
    /// When the server refuses.
    pub fn create_database(&self) -> Result<String, String> {
        let n = self.databases.fetch_add(1, Ordering::SeqCst) + 1;
        self.create_named(&format!("t{n}"))
    }

    fn create_named(&self, name: &str) -> Result<String, String> {
        crate::query(
            &self.socket_url("postgres"),
            &format!("CREATE DATABASE \"{name}\""),
            &[],
        )?;
        Ok(self.database_url(name))
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        if let Some(mut child) = self.watchdog.take() {
            drop(child.stdin.take());
            let end = Instant::now() + Duration::from_secs(20);
            while matches!(child.try_wait(), Ok(None)) && Instant::now() < end {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
