//! `GET /embed.js`: the loader customers put on their sites (source:
//! `server/assets/embed.js`; the release build serves its terser-minified
//! copy from the site root). The stable address is cached for an hour; the
//! versioned one (`/embed.js?v=<hash>`, for sites that pin a release)
//! is immutable, so browsers keep it for a year.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::Arc;

const SOURCE: &str = include_str!("../assets/embed.js");

#[derive(Clone)]
pub struct EmbedScript {
    body: Arc<str>,
    /// The first 16 hex digits of the body's SHA-256.
    pub version: Arc<str>,
}

impl EmbedScript {
    /// The minified build when present, else the readable source.
    pub fn load(site_root: &std::path::Path) -> Self {
        let body = std::fs::read_to_string(site_root.join("embed.js")).unwrap_or_else(|_| SOURCE.to_string());
        let digest: String = Sha256::digest(body.as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect();
        EmbedScript { body: body.into(), version: digest.into() }
    }
}

#[derive(serde::Deserialize)]
pub struct Version {
    v: Option<String>,
}

pub async fn serve(State(script): State<EmbedScript>, Query(q): Query<Version>, headers: HeaderMap) -> Response {
    let etag = format!("\"{}\"", script.version);
    let cache = match q.v.as_deref() {
        Some(v) if v == &*script.version => "public, max-age=31536000, immutable",
        _ => "public, max-age=3600, stale-while-revalidate=86400",
    };
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        return response;
    }
    let mut response = (StatusCode::OK, script.body.to_string()).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, etag);
    }
    // Loaded by every customer's site: readable cross-origin, never sniffed.
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("cross-origin"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}
