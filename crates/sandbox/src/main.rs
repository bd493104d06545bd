//! `cleverbridge-sandbox`: the fake Cleverbridge on loopback, for demos and tests.
//!
//! ```text
//! PORT=0 SEATQUOTE_TODAY=2026-05-13 cleverbridge-sandbox
//! listening on http://127.0.0.1:40123
//! ```
//! The proxy's `CLEVERBRIDGE_BASE_URL` is then `http://127.0.0.1:40123/sandbox/subscription/`
//! with user and password `sandbox`.

#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::routing::get;
use axum::Json;
use clap::Parser;
use seatquote_core::date::Date;
use seatquote_sandbox::{router, Fixture, NextBillingScope, Notifier, Sandbox, DEFAULT_FIXTURE};

/// Settings (flags or environment variables).
#[derive(Parser)]
#[command(
    name = "cleverbridge-sandbox",
    version,
    about = "A fake Cleverbridge subscription API for demos and tests"
)]
struct Config {
    /// Bind address.
    #[arg(
        long,
        env = "SEATQUOTE_LISTEN",
        value_name = "SEATQUOTE_LISTEN",
        default_value = "127.0.0.1"
    )]
    listen: String,
    /// Port (0: any free port; the address is printed as `listening on http://…`).
    #[arg(long, env = "PORT", value_name = "PORT", default_value_t = 8081)]
    port: u16,
    /// Pins the sandbox's today (`YYYY-MM-DD`); fixture dates are relative to it. The same
    /// variable pins the proxy's clock, so one setting moves both (docs/proxy.md).
    #[arg(long, env = "SEATQUOTE_TODAY", value_name = "SEATQUOTE_TODAY", value_parser = parse_date)]
    today: Option<Date>,
    /// The older name of `SEATQUOTE_TODAY` (both set: they must agree).
    #[arg(long, env = "SEATQUOTE_SANDBOX_TODAY", value_name = "SEATQUOTE_SANDBOX_TODAY", value_parser = parse_date)]
    sandbox_today: Option<Date>,
    /// A fixture file instead of the built-in one.
    #[arg(
        long,
        env = "SEATQUOTE_SANDBOX_FIXTURE",
        value_name = "SEATQUOTE_SANDBOX_FIXTURE"
    )]
    fixture: Option<PathBuf>,
    /// Requests per second per client IP before a 60 s block, as Cleverbridge does (0: off).
    #[arg(
        long,
        env = "SEATQUOTE_SANDBOX_RATE_LIMIT",
        value_name = "SEATQUOTE_SANDBOX_RATE_LIMIT",
        default_value_t = 30
    )]
    rate_limit: u32,
    /// Seconds a client stays blocked after going over the rate limit (Cleverbridge: 60).
    #[arg(
        long,
        env = "SEATQUOTE_SANDBOX_RATE_BLOCK_SECONDS",
        value_name = "SEATQUOTE_SANDBOX_RATE_BLOCK_SECONDS",
        default_value_t = 60
    )]
    rate_block_seconds: u64,
    /// Adds N generated customers (`C-SIM-00001` … with subscriptions `S90000001` …) to
    /// the fixture's, for load tests.
    #[arg(
        long,
        env = "SEATQUOTE_SANDBOX_GENERATE_CUSTOMERS",
        value_name = "SEATQUOTE_SANDBOX_GENERATE_CUSTOMERS",
        default_value_t = 0,
        value_parser = clap::value_parser!(u32).range(0..=i64::from(seatquote_sandbox::generate::MAX_GENERATED))
    )]
    generate_customers: u32,
    /// Answer `getsubscription` with the subscription's `Id` as a bare JSON number
    /// (`68841753`), as Cleverbridge's API may.
    #[arg(
        long,
        env = "SEATQUOTE_SANDBOX_NUMERIC_IDS",
        value_name = "SEATQUOTE_SANDBOX_NUMERIC_IDS"
    )]
    numeric_ids: bool,
    /// What a preview's `NextBillingCustomer*` prices cover: `item` (the changed item) or
    /// `subscription` (every current, not deactivated item after the change); tests change
    /// it with `POST /sandbox/_admin/next-billing-scope`.
    #[arg(
        long,
        env = "SANDBOX_NEXT_BILLING_SCOPE",
        value_name = "SANDBOX_NEXT_BILLING_SCOPE",
        default_value = "item",
        value_parser = parse_scope
    )]
    next_billing_scope: NextBillingScope,
    /// Where to send notifications like Cleverbridge's (the proxy's
    /// `/api/cleverbridge/notifications`); unset: none sent.
    #[arg(
        long,
        env = "SEATQUOTE_SANDBOX_NOTIFY_URL",
        value_name = "SEATQUOTE_SANDBOX_NOTIFY_URL"
    )]
    notify_url: Option<String>,
    /// The Basic user the notifications carry.
    #[arg(
        long,
        env = "SEATQUOTE_SANDBOX_NOTIFY_USERNAME",
        value_name = "SEATQUOTE_SANDBOX_NOTIFY_USERNAME",
        default_value = "cleverbridge"
    )]
    notify_username: String,
    /// The Basic password the notifications carry.
    #[arg(
        long,
        env = "SEATQUOTE_SANDBOX_NOTIFY_PASSWORD",
        value_name = "SEATQUOTE_SANDBOX_NOTIFY_PASSWORD",
        default_value = "",
        hide_env_values = true
    )]
    notify_password: String,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).map_err(|_| format!("not a YYYY-MM-DD date: {s}"))
}

fn parse_scope(s: &str) -> Result<NextBillingScope, String> {
    NextBillingScope::parse(s).ok_or(format!("not item or subscription: {s}"))
}

fn main() -> std::process::ExitCode {
    let cfg = match Config::try_parse() {
        Ok(c) => c,
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return std::process::ExitCode::SUCCESS;
        }
        Err(e) => {
            let first = e.to_string();
            eprintln!("{}", first.lines().next().unwrap_or("bad configuration"));
            return std::process::ExitCode::from(2);
        }
    };
    match run(cfg) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cleverbridge-sandbox: {e}");
            std::process::ExitCode::from(1)
        }
    }
}

/// Colour codes in the log only on a terminal, and never with `NO_COLOR` set
/// (a redirected log file stays plain text).
fn colour() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn run(cfg: Config) -> Result<(), String> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(colour())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let text = match &cfg.fixture {
        Some(p) => std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?,
        None => DEFAULT_FIXTURE.to_owned(),
    };
    let mut fixture =
        Fixture::parse(&text).map_err(|e| format!("SEATQUOTE_SANDBOX_FIXTURE: {e}"))?;
    fixture
        .subscriptions
        .extend(seatquote_sandbox::generate::generated(
            cfg.generate_customers,
        ));
    let today = match (cfg.today, cfg.sandbox_today) {
        (Some(a), Some(b)) if a != b => {
            return Err(format!(
                "SEATQUOTE_TODAY ({}) and SEATQUOTE_SANDBOX_TODAY ({}) differ; set only SEATQUOTE_TODAY",
                a.to_iso_string(),
                b.to_iso_string()
            ))
        }
        (a, b) => a.or(b),
    };
    let mut sandbox = Sandbox::new(fixture, today, cfg.rate_limit)
        .with_rate_block(std::time::Duration::from_secs(cfg.rate_block_seconds))
        .with_numeric_ids(cfg.numeric_ids)
        .with_next_billing_scope(cfg.next_billing_scope);
    if let Some(url) = cfg.notify_url.as_deref().filter(|u| !u.is_empty()) {
        sandbox = sandbox.with_notifier(Notifier::new(
            url,
            &cfg.notify_username,
            &cfg.notify_password,
        )?);
    }
    let app = router(&sandbox).route(
        "/healthz",
        get(|| async { Json(serde_json::json!({ "status": "ok" })) }),
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind((cfg.listen.as_str(), cfg.port))
            .await
            .map_err(|e| format!("cannot listen on {}:{}: {e}", cfg.listen, cfg.port))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        tracing::info!(today = %sandbox.today().to_iso_string(), "cleverbridge sandbox");
        println!("listening on http://{addr}");
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
    })
}
