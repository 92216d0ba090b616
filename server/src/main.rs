//! `vox`: starts the server with configuration from the environment
//! (see README "Configuration"). `vox --ceiling` serves only a trivial
//! handler the same way: the benchmark's yardstick for this machine.
//! `vox mail-quota <organization id> <invitations per day | default>` sets
//! one organisation's daily invitation quota (an operator's command).

use app::backend::config::Config;
use tracing_subscriber::EnvFilter;

// Rendering a survey page allocates many short-lived strings; mimalloc
// serves them markedly faster than glibc's malloc (measured in .ci/bench.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("mail-quota") {
        std::process::exit(set_mail_quota(config, &args[2..]).await);
    }
    if args.get(1).map(String::as_str) == Some("--ceiling") {
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

/// `vox mail-quota org_… 1000` (or `default`): an operator raises or lowers
/// one organisation's daily invitation quota. Returns the exit code.
async fn set_mail_quota(config: Config, args: &[String]) -> i32 {
    let (Some(org), Some(value)) = (args.first(), args.get(1)) else {
        eprintln!("usage: vox mail-quota <organization id> <invitations per day | default>");
        return 2;
    };
    let quota = match value.as_str() {
        "default" => None,
        n => match n.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => {
                eprintln!("vox mail-quota: {n:?} is not a whole number of invitations (or `default`)");
                return 2;
            }
        },
    };
    let db = match app::backend::db::Db::connect(&config.database_url).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("vox mail-quota: {e}");
            return 1;
        }
    };
    match app::backend::services::outreach::mail_quota::set_for_organization(&db, org, quota).await {
        Ok(true) => {
            println!("{org}: daily invitation quota {}", quota.map_or("back to the default".into(), |n| n.to_string()));
            0
        }
        Ok(false) => {
            eprintln!("vox mail-quota: no organisation {org}");
            1
        }
        Err(e) => {
            eprintln!("vox mail-quota: {e}");
            1
        }
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
