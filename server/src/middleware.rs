//! Cross-cutting request handling: CSRF protection, rate limits, the
//! dashboard sign-in guard, and problem+json for the framework's own errors.

use crate::api::error::{problem, ApiError, PROBLEM_JSON};
use app::backend::auth::session::{resolve, token_from_cookie_header};
use app::backend::rate_limit::RateLimiter;
use app::backend::AppState;
use app::domain::AppError;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;
use std::sync::Arc;

pub const API_VERSION: &str = "2026-11-25";

/// Paths that other sites may post to on purpose (the embed's client API).
fn is_cross_origin_endpoint(path: &str) -> bool {
    // `/u/…`: mail providers' one-click unsubscribe (RFC 8058) posts from their own site.
    path.starts_with("/api/client/") || path.starts_with("/u/")
}

/// Refuses state-changing requests that a browser sent from another site.
///
/// Browsers mark every request with `Sec-Fetch-Site` and, for POSTs, `Origin`;
/// a forged cross-site form or fetch therefore always carries one of them with
/// a foreign value. Clients that are not browsers (API integrations, curl)
/// send neither and carry no ambient cookie, so they pass.
pub async fn csrf_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || is_cross_origin_endpoint(request.uri().path()) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let same_origin = |origin: &str| {
        origin == state.config.public_origin()
            || host.is_some_and(|h| origin.strip_prefix("http://").or(origin.strip_prefix("https://")) == Some(h))
    };
    let allowed = match (fetch_site, origin) {
        (Some("same-origin") | Some("none"), _) => true,
        (Some(_), _) => false,
        (None, Some(origin)) => same_origin(origin),
        (None, None) => true,
    };
    if allowed {
        next.run(request).await
    } else {
        tracing::warn!(path = request.uri().path(), ?origin, ?fetch_site, "cross-site request refused");
        ApiError(AppError::Forbidden { message: "cross-site request refused (CSRF protection)".into() }).into_response()
    }
}

/// Rate limiters for the endpoints anyone can reach.
pub struct PublicLimits {
    /// Whether `X-Forwarded-For` comes from our own reverse proxy (`VOX_TRUST_PROXY`).
    pub trust_proxy: bool,
    /// Responses from the widget and the client API.
    pub submissions: RateLimiter,
    /// Sign-up and sign-in attempts.
    pub sign_in: RateLimiter,
}

pub async fn rate_limit(
    State(limits): State<Arc<PublicLimits>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let is_post = request.method() == Method::POST;
    let limiter =
        if path.starts_with("/api/client/") || (is_post && (path.starts_with("/s/") || path.starts_with("/u/"))) {
            Some(&limits.submissions)
        } else if is_post && is_sign_in_endpoint(path) {
            Some(&limits.sign_in)
        } else {
            None
        };
    let forwarded = request.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok());
    let client = app::backend::rate_limit::client_key(peer.ip(), forwarded, limits.trust_proxy);
    if let Some(Err(retry_after_secs)) = limiter.map(|l| l.check(client)) {
        return ApiError(AppError::RateLimited { retry_after_secs }).into_response();
    }
    next.run(request).await
}

/// Endpoints where strangers try credentials or make Vox send email: limited
/// per address (on top of the throttle on every secret check).
fn is_sign_in_endpoint(path: &str) -> bool {
    matches!(
        path,
        "/api/auth/login"
            | "/api/auth/login/second-factor"
            | "/api/auth/signup"
            | "/api/auth/password-reset"
            | "/api/auth/password-reset/confirm"
            | "/api/auth/email-confirmation/confirm"
            | "/rpc/login"
            | "/rpc/login_second_factor"
            | "/rpc/signup"
            | "/rpc/request_password_reset"
            | "/rpc/reset_password"
            | "/rpc/confirm_email"
            | "/rpc/accept_invite_new_account"
    )
}

/// Where a member sets up two-factor sign-in.
const PROFILE_PAGE: &str = "/dashboard/profile";

/// Sends visitors without a valid session from dashboard pages to the sign-in
/// page, and members who owe their organisation a second factor to their profile.
pub async fn dashboard_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if request.method() == Method::GET && (path == "/dashboard" || path.starts_with("/dashboard/")) {
        let token =
            request.headers().get(header::COOKIE).and_then(|v| v.to_str().ok()).and_then(token_from_cookie_header);
        let me = match token {
            Some(token) => resolve(&state.db, &token).await.ok().flatten(),
            None => None,
        };
        match me {
            None => {
                // Back to the page asked for after signing in (a path of ours only).
                let wanted = request.uri().path_and_query().map_or(path, |p| p.as_str());
                let next: String = url::form_urlencoded::byte_serialize(wanted.as_bytes()).collect();
                return Redirect::to(&format!("/login?next={next}")).into_response();
            }
            // The organisation requires two-factor sign-in: set it up first.
            Some(me) if me.must_set_up_two_factor && path != PROFILE_PAGE => {
                return Redirect::to(PROFILE_PAGE).into_response();
            }
            Some(_) => {}
        }
    }
    next.run(request).await
}

/// Under `/api`: adds `Api-Version`, and turns the framework's plain-text
/// errors (unknown route, wrong method, body too large, panics) into problem+json.
pub async fn api_conventions(request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/") && request.uri().path() != "/api" {
        return next.run(request).await;
    }
    let mut response = next.run(request).await;
    let status = response.status();
    let is_problem =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if (status.is_client_error() || status.is_server_error()) && !is_problem {
        let (code, detail) = match status {
            StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "this endpoint does not support that method"),
            StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the request body is too large"),
            StatusCode::NOT_FOUND => ("not_found", "no such endpoint"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "send the body as JSON"),
            s if s.is_server_error() => ("internal_error", "internal error"),
            _ => ("bad_request", "the request could not be processed"),
        };
        let allow = response.headers().get(header::ALLOW).cloned();
        response = problem(status.as_u16(), code, detail.into(), &[]);
        if let Some(allow) = allow {
            response.headers_mut().insert(header::ALLOW, allow);
        }
    }
    response.headers_mut().insert("api-version", HeaderValue::from_static(API_VERSION));
    response
}

/// Request and response hygiene for every answer.
///
/// In: a server function's body is cut off at `MAX_BODY_BYTES` (413), as
/// axum's extractors do for the REST API (server functions read the raw body).
///
/// Out: no MIME sniffing; a referrer policy (none at all from pages whose
/// address holds a secret: join, reset, confirmation and unsubscribe links, the second
/// sign-in step); and, everywhere but the survey pages (whose frame rules
/// depend on the embedding site), no framing and a Content-Security-Policy
/// where the page set none of its own.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let secret_in_address =
        ["/join/", "/reset-password/", "/confirm-email/", "/login/verify", "/u/"].iter().any(|p| path.starts_with(p));
    let survey_page = path.starts_with("/s/");
    let request = if path.starts_with("/rpc/") {
        match limit_body(request) {
            Ok(request) => request,
            Err(too_large) => return too_large,
        }
    } else {
        request
    };
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.entry(header::X_CONTENT_TYPE_OPTIONS).or_insert(HeaderValue::from_static("nosniff"));
    if secret_in_address {
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    } else {
        headers.entry(header::REFERRER_POLICY).or_insert(HeaderValue::from_static("strict-origin-when-cross-origin"));
    }
    if !survey_page {
        headers.entry(header::X_FRAME_OPTIONS).or_insert(HeaderValue::from_static("DENY"));
        headers
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(app::backend::html::FALLBACK_POLICY));
    }
    response
}

/// 413 for a declared length over the limit; otherwise the body is wrapped so
/// that reading past the limit fails (the server function then answers 413).
fn limit_body(request: Request) -> Result<Request, Response> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > crate::MAX_BODY_BYTES) {
        return Err(ApiError(AppError::PayloadTooLarge).into_response());
    }
    let (parts, body) = request.into_parts();
    Ok(Request::from_parts(parts, Body::new(http_body_util::Limited::new(body, crate::MAX_BODY_BYTES))))
}

/// What the client sees if a handler panics: a problem, never a dropped connection.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    tracing::error!("a request handler panicked");
    problem(500, "internal_error", "internal error".into(), &[])
}
