//! The `parlons` binary: parse the configuration, then serve until Ctrl-C or
//! SIGTERM.

use std::time::Duration;

use clap::Parser;
use parlons_backend::config::{Args, Config};
use parlons_backend::error::StartError;
use parlons_backend::gateway::meter::{ClientAddr, MeteredListener};
use parlons_backend::{AppState, app, metrics_app, telemetry};
use tokio::sync::watch;

/// How long open sessions get to say goodbye on shutdown.
const DRAIN: Duration = Duration::from_secs(5);

#[tokio::main]
async fn main() -> std::process::ExitCode {
    telemetry::init();
    match run(Args::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("parlons: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), StartError> {
    let config = Config::load(args)?;
    let addr = config.listen;
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let state = AppState::new(config, shutdown_rx)?;
    let metrics = std::sync::Arc::clone(&state.metrics);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    let local = listener.local_addr().map_err(StartError::Serve)?;
    let metrics_addr = state.config.metrics_listen;
    let metrics_listener = tokio::net::TcpListener::bind(metrics_addr)
        .await
        .map_err(|source| StartError::Bind {
            addr: metrics_addr,
            source,
        })?;
    tracing::info!(metrics = %metrics_addr, "serving /metrics");
    let scrapes = axum::serve(metrics_listener, metrics_app(state.clone()));
    let mut stopping = shutdown_tx.subscribe();
    tokio::spawn(async move {
        let _ = scrapes
            .with_graceful_shutdown(async move {
                let _ = stopping.wait_for(|stop| *stop).await;
            })
            .await;
    });
    tracing::info!(%local, site_dir = %state.config.site_dir.display(), "listening");
    if state.config.public_url.is_none() && !local.ip().is_loopback() {
        tracing::warn!(
            "public-url is not set: behind a name, set public-url to the site's URL; until then only \
             localhost and IP addresses are accepted as the Host of a request (against DNS rebinding)"
        );
    }
    axum::serve(
        MeteredListener(listener),
        app(state).into_make_service_with_connect_info::<ClientAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        // Sessions send system-shutdown and close.
        let _ = shutdown_tx.send(true);
    })
    .await
    .map_err(StartError::Serve)?;
    let deadline = tokio::time::Instant::now() + DRAIN;
    while metrics.open_sessions() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tracing::info!(open_sessions = metrics.open_sessions(), "stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
