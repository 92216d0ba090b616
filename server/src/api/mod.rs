//! The REST API under `/api`: one module per resource family, each with its
//! handlers and their In/Out types. Handlers only translate HTTP to calls of
//! `app::backend::services` and back.

pub mod auth;
pub mod client;
pub mod error;
pub mod extract;
pub mod responses;
pub mod surveys;

use app::backend::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(auth::router())
        .merge(surveys::router())
        .merge(responses::router())
        .merge(client::router())
        .fallback(|| async { error::problem(404, "not_found", "no such endpoint".into(), &[]) })
}
