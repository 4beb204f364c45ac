//! Orgspace's server: the JSON API, the operations endpoints and the built app,
//! over SQLite or PostgreSQL.
//!
//! `main.rs` is a thin shim over [`run`]; tests build the router with [`http::app`].

pub mod clock;
pub mod config;
pub mod dns;
pub mod error;
pub mod http;
pub mod mail;
pub mod oidc;
pub mod operations;
pub mod payments;
pub mod saml;
pub mod secrets;
pub mod seed;
pub mod store;
pub mod two_factor;

use config::{Cli, Command, Config};
use std::time::Duration;

/// Starts serving and runs until Ctrl-C or SIGTERM.
pub async fn serve(mut config: Config) -> Result<(), String> {
    let store = store::Store::connect(&config.database_url, config.db_pool_size)
        .await
        .map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    // With port 0 the system chose one; links in mail must name it.
    config.addr = address;
    if !config.app_dir.join("index.html").exists() {
        tracing::warn!(dir = %config.app_dir.display(), "the app is not built; the API works, pages will 404 (run ./x.sh run)");
    }
    let state = http::AppState::new(store.clone(), config.clone())
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(housekeeping(store.clone()));
    let app = http::app(state);
    tracing::info!(%address, database = %redact(&config.database_url), "serving");
    println!("Orgspace is running at {}/", config.local_url());
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| e.to_string())
}

/// Runs the command line.
pub async fn run(cli: Cli) -> Result<(), String> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cli.config).await,
        Command::Migrate => store::Store::connect(&cli.config.database_url, 1)
            .await
            .map(|_| println!("migrations applied"))
            .map_err(|e| e.to_string()),
        Command::Seed(options) => {
            let store = store::Store::connect(&cli.config.database_url, 2)
                .await
                .map_err(|e| e.to_string())?;
            seed::seed(&store, &options)
                .await
                .map_err(|e| e.to_string())
        }
    }
}

/// Removes expired sessions and old rate-limit events every minute.
async fn housekeeping(store: store::Store) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        let now = clock::now();
        if let Err(error) = store.purge_expired(now, now.plus_seconds(-24 * 3600)).await {
            tracing::warn!(%error, "housekeeping failed");
        }
        if let Err(error) = store.expire_invitations(now).await {
            tracing::warn!(%error, "expiring invitations failed");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}

/// The database URL without its password, for logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{}://{user}:***@{}", &url[..scheme_end], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}
