//! `seatquote-proxy`: serves [`seatquote_proxy::app`] with a checked configuration, or
//! runs an operator's subcommand (`keys`, `token`, `events tail`). See docs/proxy.md for the settings.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use seatquote_proxy::{
    run_operator, serve as serve_http, spawn_workers, App, Cli, Command, Config,
};

fn main() -> ExitCode {
    let parsed = Cli::try_parse().and_then(|cli| match cli.command {
        Some(c) => Ok(c),
        None => Config::try_parse_from(["seatquote-proxy"]).map(|c| Command::Serve(Box::new(c))),
    });
    let command = match parsed {
        Ok(c) => c,
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let text = e.to_string();
            let line = text.lines().next().unwrap_or("bad arguments");
            eprintln!("seatquote-proxy: {}", line.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
    };
    let result = match command {
        Command::Serve(cfg) => serve(&cfg),
        operator => run_operator(&operator),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("seatquote-proxy: {e}");
            ExitCode::from(2)
        }
    }
}

fn serve(cfg: &Config) -> Result<(), String> {
    let state = App::from_config(cfg).map_err(|e| e.to_string())?;
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(colour())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind((cfg.listen.as_str(), cfg.port))
            .await
            .map_err(|e| format!("cannot listen on {}:{}: {e}", cfg.listen, cfg.port))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        if let Err(e) = state.verifier.refresh().await {
            tracing::warn!(error = %e, "the customer-token key set is not reachable yet; tokens are refused until it is");
        }
        tracing::info!(upstream = %state.upstream.base_url(), data_dir = %cfg.data_dir.display(), "proxy configured");
        let source = &state.policy_source;
        tracing::info!(path = %source.path.display(), sha256 = %source.sha256, summary = %state.policy.summary(), "pricing policy");
        match state.fixed_today {
            Some(d) => tracing::warn!(today = %d.to_iso_string(), "the clock is pinned by SEATQUOTE_TODAY (a test or demo build)"),
            None => tracing::info!(today = %state.today().to_iso_string(), "the clock is the real UTC date"),
        }
        println!("listening on http://{addr}");
        spawn_workers(&state);
        serve_http(listener, state, shutdown()).await;
        Ok(())
    })
}

/// Colour codes in the log only on a terminal, and never with `NO_COLOR` set
/// (a redirected log file stays plain text).
fn colour() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

async fn shutdown() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let Ok(mut term) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        else {
            let _ = ctrl_c.await;
            return;
        };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
