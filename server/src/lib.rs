//! The Vox server: builds the shared state and the axum application (pages,
//! server functions, the REST API) over it; `serving` runs it with its
//! workers. Used by `main.rs` and by the integration tests, which start it on
//! a random port.

pub mod api;
pub mod css;
pub mod embed_script;
pub mod idempotency;
pub mod middleware;
pub mod serving;
pub mod unsubscribe;
pub mod widget_page;
pub mod widget_post;
pub mod worker;

use app::backend::auth::jwt::JwtCodec;
use app::backend::auth::token_registry::TokenRegistry;
use app::backend::config::Config;
use app::backend::db::{Db, DbError};
use app::backend::keys::{KeyError, Keys};
use app::backend::link_tokens::LinkTokens;
use app::backend::mailer::Mailers;
use app::backend::net_guard::NetGuard;
use app::backend::rate_limit::RateLimiter;
use app::backend::response_token::ResponseTokens;
use app::backend::secret_box::SecretBox;
use app::backend::AppState;
use app::{shell, App};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use middleware::PublicLimits;
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// Largest request body accepted anywhere (bigger bodies get 413).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Connects to the database (running migrations) and assembles the shared state.
pub async fn build_state(config: Config) -> Result<AppState, StartError> {
    let db = Db::connect(&config.database_url).await?;
    let keys = Keys::load(config.secret_key.as_ref().map(|s| s.0.as_str()), &db, &config.database_url).await?;
    let tokens = Arc::new(TokenRegistry::default());
    tokens.refresh(&db).await.map_err(|e| StartError::Tokens(e.to_string()))?;
    // Responses stored before the answer index existed (a no-op once done).
    match app::backend::services::responses::answer_index::backfill(&db).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(responses = n, "indexed the answers of earlier responses"),
        Err(e) => tracing::warn!(error = %e, "indexing earlier responses failed; will retry at the next start"),
    }
    let leptos_options = LeptosOptions::builder()
        .output_name(option_env!("LEPTOS_OUTPUT_NAME").unwrap_or("vox"))
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build();
    Ok(AppState::new(app::backend::state::SharedState {
        writes: app::backend::group_commit::GroupCommit::start(db.clone()),
        db,
        jwt: Arc::new(JwtCodec::new(&keys)),
        tokens,
        token_limits: Arc::new(RateLimiter::new(config.api_rate_limit_per_minute)),
        secrets: Arc::new(SecretBox::new(&keys)),
        response_tokens: Arc::new(ResponseTokens::new(&keys)),
        metadata_hasher: Arc::new(app::backend::keys::MetadataHasher::new(&keys)),
        net_guard: Arc::new(NetGuard::new(config.webhook_allow_nets.clone())),
        webhook_wakeup: Arc::new(tokio::sync::Notify::new()),
        invitation_wakeup: Arc::new(tokio::sync::Notify::new()),
        invitation_links: Arc::new(LinkTokens::new(&keys, "invitation-link")),
        unsubscribe_links: Arc::new(LinkTokens::new(&keys, "unsubscribe-link")),
        mailers: Arc::new(Mailers::from_config(&config).map_err(StartError::Mail)?),
        device_trust: Arc::new(app::backend::auth::device::DeviceTrust::new(&keys)),
        sign_in_tickets: Arc::new(LinkTokens::new(&keys, "sign-in-ticket")),
        email_confirmation_links: Arc::new(LinkTokens::new(&keys, "email-confirmation-link")),
        config: Arc::new(config),
        leptos_options,
    }))
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error(transparent)]
    Keys(#[from] KeyError),
    #[error("cannot load API tokens: {0}")]
    Tokens(String),
    #[error("{0}")]
    Mail(String),
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let limits = Arc::new(PublicLimits {
        trust_proxy: state.config.trust_proxy,
        submissions: RateLimiter::new(state.config.public_rate_limit_per_minute),
        sign_in: RateLimiter::new(state.config.public_rate_limit_per_minute.min(60)),
    });
    let leptos_state = state.clone();
    let (api_routes, document) = api::router();
    let document = Arc::new(serde_json::to_value(&document).expect("the OpenAPI document serialises"));
    let reference = Arc::new(api::docs_page::render(&document).0);
    Router::new()
        .route("/healthz", get(healthz))
        .route("/s/{id}", get(widget_page::page).post(widget_post::submit))
        .route("/s/{id}/thanks", get(widget_page::thanks))
        .route("/u/{token}", get(unsubscribe::page).post(unsubscribe::confirm))
        .route("/u/{token}/resubscribe", axum::routing::post(unsubscribe::resubscribe))
        .route("/widget.css", get(widget_page::stylesheet))
        .route(
            "/embed.js",
            get(embed_script::serve).with_state(embed_script::EmbedScript::load(&state.config.site_root)),
        )
        .nest_service("/pkg/widget", widget_page::bundle_files(&state.config.site_root))
        .route("/api/openapi.json", get(move || async move { axum::Json(document.as_ref().clone()) }))
        .route("/docs/api", get(move || async move { axum::response::Html(reference.as_ref().clone()) }))
        .merge(api_routes)
        .leptos_routes_with_context(&state, routes, move || provide_context(leptos_state.clone()), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        // Unknown paths render the app's "not found" page, which needs the state too.
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            shell,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(state.clone(), idempotency::idempotency))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::dashboard_guard))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::csrf_guard))
        .layer(axum::middleware::from_fn_with_state(limits, middleware::rate_limit))
        .layer(axum::middleware::from_fn(middleware::api_conventions))
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        // Pages, JSON, and above all the wasm bundles travel compressed.
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Every request runs in a span named by its request id (set just outside, by
/// `SetRequestIdLayer`), at error level so that it is there whenever an error
/// is logged: a 500's log line says which request it was.
fn request_span<B>(request: &axum::http::Request<B>) -> tracing::Span {
    let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
    tracing::error_span!("request", id, method = %request.method(), path = request.uri().path())
}

async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

pub use serving::{serve, serve_ceiling};
