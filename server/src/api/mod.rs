//! The REST API under `/api`: one module per resource family, each with its
//! handlers and their In/Out types. Handlers only translate HTTP to calls of
//! `app::backend::services` and back. Every route is registered together with
//! its OpenAPI description (utoipa-axum), so the document cannot drift.

pub mod analytics;
pub mod audit_log;
pub mod auth;
pub mod cases;
pub mod client;
pub mod contacts;
pub mod distributions;
pub mod docs_page;
pub mod email_confirmation;
pub mod error;
pub mod events;
pub mod events_router;
pub mod extract;
pub mod integration_webhooks;
pub mod notes;
pub mod openapi;
pub mod problems;
pub mod responses;
pub mod settings;
pub mod survey_documents;
pub mod survey_templates;
pub mod survey_versions;
pub mod survey_webhooks;
pub mod surveys;
pub mod tags;
pub mod tokens;
pub mod webhook_common;

use app::backend::AppState;
use axum::routing::any;
use axum::Router;
use utoipa_axum::router::OpenApiRouter;

/// The API's routes and its OpenAPI document, built from the same definitions.
pub fn router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, document) = OpenApiRouter::with_openapi(openapi::base_document())
        .merge(auth::router())
        .merge(email_confirmation::router())
        .merge(surveys::router())
        .merge(survey_versions::router())
        .merge(survey_documents::router())
        .merge(survey_templates::router())
        .merge(responses::router())
        .merge(tags::router())
        .merge(notes::router())
        .merge(cases::router())
        .merge(tokens::router())
        .merge(survey_webhooks::router())
        .merge(integration_webhooks::router())
        .merge(client::router())
        .merge(settings::router())
        .merge(events_router::router())
        .merge(events::router())
        .merge(contacts::router())
        .merge(distributions::router())
        .merge(analytics::router())
        .merge(audit_log::router())
        .split_for_parts();
    let router = router.route("/api", any(not_found)).route("/api/{*rest}", any(not_found));
    (router, document)
}

async fn not_found() -> axum::response::Response {
    error::problem(404, "not_found", "no such endpoint".into(), &[])
}
