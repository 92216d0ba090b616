//! The `Idempotency-Key` middleware for the POST endpoints that create
//! things. The key is scoped to the endpoint and to the caller's credential
//! (a hash of it, never the credential itself); the body must match too.

use crate::api::error::ApiError;
use app::backend::auth::session::hex_sha256;
use app::backend::services::organization::idempotency::{abandon, claim, complete, Claim, StoredResponse};
use app::backend::AppState;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// POST endpoints where a repeated key replays the first result.
fn is_idempotent_endpoint(path: &str) -> bool {
    matches!(
        path,
        "/api/surveys"
            | "/api/surveys/import"
            | "/api/surveys/from-template"
            | "/api/events"
            | "/api/directory/contacts/upsert"
            | "/api/event-types"
            | "/api/channels"
    ) || (path.starts_with("/api/client/surveys/") && path.ends_with("/responses"))
        || (path.starts_with("/api/surveys/") && path.ends_with("/distributions/quick"))
}

/// Headers worth replaying with the stored body.
const KEPT_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, header::ETAG];

pub async fn idempotency(
    State(state): State<AppState>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST || !is_idempotent_endpoint(request.uri().path()) {
        return next.run(request).await;
    }
    let Some(key) = request.headers().get("idempotency-key").map(|v| v.to_str().unwrap_or("\u{7f}").to_string()) else {
        return next.run(request).await;
    };
    let headers = request.headers();
    let credential = headers
        .get(header::AUTHORIZATION)
        .or_else(|| headers.get(header::COOKIE))
        .map(|v| hex_sha256(v.as_bytes()))
        // Callers without credentials (the public client API) are told apart
        // by address (the one the rate limits count, so behind our proxy the
        // visitor's, not the proxy's), so nobody replays another visitor's result.
        .unwrap_or_else(|| {
            let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
            let client = app::backend::rate_limit::client_key(peer.ip(), forwarded, state.config.trust_proxy);
            format!("anonymous {client}")
        });
    let scope = format!("{} {}", request.uri().path(), credential);

    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, crate::MAX_BODY_BYTES).await else {
        return ApiError(app::domain::AppError::PayloadTooLarge).into_response();
    };
    let request_hash = hex_sha256(&bytes);
    match claim(&state.db, &scope, &key, &request_hash).await {
        Err(e) => return ApiError(e).into_response(),
        Ok(Claim::Replay(stored)) => return replay(stored),
        Ok(Claim::Fresh) => {}
    }

    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    // Answers that depend on the moment rather than the request are not
    // kept: a retry after them must run again.
    let transient = matches!(response.status().as_u16(), 401 | 403 | 408 | 429) || response.status().is_server_error();
    if transient {
        let _ = abandon(&state.db, &scope, &key).await;
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(body) = to_bytes(body, crate::MAX_BODY_BYTES).await else {
        let _ = abandon(&state.db, &scope, &key).await;
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let stored = StoredResponse {
        status: parts.status.as_u16(),
        headers: KEPT_HEADERS
            .iter()
            .filter_map(|name| {
                parts.headers.get(name).and_then(|v| v.to_str().ok()).map(|v| (name.to_string(), v.to_string()))
            })
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    if let Err(e) = complete(&state.db, &scope, &key, &stored).await {
        tracing::warn!(error = %e, "could not store an idempotent result");
    }
    Response::from_parts(parts, Body::from(body))
}

fn replay(stored: StoredResponse) -> Response {
    let mut response = (StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK), stored.body).into_response();
    for (name, value) in stored.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::from_str(&value)) {
            response.headers_mut().insert(name, value);
        }
    }
    response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}
