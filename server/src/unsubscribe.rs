//! The unsubscribe link in every invitation: `GET /u/{token}` asks for
//! confirmation (link scanners follow links; they must not opt people out),
//! `POST /u/{token}` opts the contact out, from that page or as a mail
//! client's one-click unsubscribe (RFC 8058). An opt-out made here is the
//! recipient's own: the organisation cannot undo it, only the recipient can,
//! with `POST /u/{token}/resubscribe` (offered right after unsubscribing).

use app::backend::html::escape;
use app::backend::services::outreach::contacts;
use app::backend::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;\
    line-height:1.5;color:#1f2937}button{padding:.6rem 1.2rem;border:0;border-radius:6px;background:#0f766e;\
    color:#fff;font-size:1rem;cursor:pointer}";

fn page_with(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta name=\"robots\" content=\"noindex\">\
         <title>{title}</title><style>{STYLE}</style></head><body><h1>{title}</h1>{body}</body></html>",
        title = escape(title)
    );
    (
        status,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"),
        ],
        Html(html),
    )
        .into_response()
}

fn invalid() -> Response {
    page_with(
        StatusCode::NOT_FOUND,
        "Link not valid",
        "<p>This unsubscribe link is not valid. Please use the link from your email.</p>",
    )
}

pub async fn page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    if state.unsubscribe_links.open(&token).is_none() {
        return invalid();
    }
    let body = format!(
        "<p>Do you want to stop receiving survey invitations from us?</p>\
         <form method=\"post\" action=\"/u/{}\"><button type=\"submit\">Unsubscribe</button></form>",
        escape(&token)
    );
    page_with(StatusCode::OK, "Unsubscribe", &body)
}

pub async fn confirm(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let Some(contact_id) = state.unsubscribe_links.open(&token) else { return invalid() };
    match contacts::unsubscribe(&state.db, &contact_id).await {
        Ok(_) => page_with(
            StatusCode::OK,
            "You are unsubscribed",
            &format!(
                "<p>You will not receive survey invitations from us any more.</p>\
                 <form method=\"post\" action=\"/u/{}/resubscribe\"><p>Changed your mind?</p>\
                 <button type=\"submit\">Subscribe again</button></form>",
                escape(&token)
            ),
        ),
        Err(e) => {
            tracing::error!(error = %e, "unsubscribing failed");
            page_with(StatusCode::INTERNAL_SERVER_ERROR, "Please try again", "<p>Something went wrong on our side.</p>")
        }
    }
}

/// `POST /u/{token}/resubscribe`: the recipient undoes their own opt-out.
pub async fn resubscribe(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let Some(contact_id) = state.unsubscribe_links.open(&token) else { return invalid() };
    match contacts::resubscribe(&state.db, &contact_id).await {
        Ok(_) => page_with(
            StatusCode::OK,
            "You are subscribed again",
            "<p>We may send you survey invitations again. The link in every invitation unsubscribes you.</p>",
        ),
        Err(e) => {
            tracing::error!(error = %e, "subscribing again failed");
            page_with(StatusCode::INTERNAL_SERVER_ERROR, "Please try again", "<p>Something went wrong on our side.</p>")
        }
    }
}
