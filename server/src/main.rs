//! `vox`: starts the server with configuration from the environment
//! (see README "Configuration"). `vox --ceiling` serves only a trivial
//! handler the same way: the benchmark's yardstick for this machine.

use app::backend::config::Config;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("vox: configuration error: {e}");
            std::process::exit(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info")))
        .init();

    let addr = config.addr;
    if std::env::args().nth(1).as_deref() == Some("--ceiling") {
        let listener = tokio::net::TcpListener::bind(addr).await.expect("listen");
        tracing::info!("ceiling handler on http://{addr}");
        let _ = server::serve_ceiling(listener, shutdown_signal()).await;
        return;
    }
    let public_url = config.public_url.clone();
    let state = match server::build_state(config).await {
        Ok(state) => state,
        Err(e) => {
            tracing::error!("cannot start: {e}");
            std::process::exit(1);
        }
    };
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(e) => {
            tracing::error!("cannot listen on {addr}: {e}");
            std::process::exit(1);
        }
    };
    tracing::info!(db = ?state.db.kind(), "Vox listening on http://{addr} (public URL {public_url})");
    if let Err(e) = server::serve(listener, state, shutdown_signal()).await {
        tracing::error!("server error: {e}");
        std::process::exit(1);
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}
