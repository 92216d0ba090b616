//! Serving the application on a listener: the workers started beside it,
//! TCP_NODELAY on every connection, and a graceful shutdown.

use crate::{router, worker};
use app::backend::AppState;
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;

/// A trivial handler served exactly like Vox (same runtime, TCP_NODELAY,
/// axum): the ceiling the benchmark compares every figure with.
pub async fn serve_ceiling(
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let app = Router::new().route("/", get(|| async { "ok" })).route("/healthz", get(|| async { "ok" }));
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

/// Serves on an already bound listener until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    worker::spawn_all(&state);
    // Without TCP_NODELAY, streamed pages stall ~40 ms per keep-alive request.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
