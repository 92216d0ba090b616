//! Extractors shared by the REST handlers: JSON bodies with errors that name
//! the field, the authenticated caller, and pagination.

use super::error::ApiError;
use app::backend::auth::session::{resolve, token_from_cookie_header, SessionToken};
use app::backend::auth::token_registry::TokenAccess;
use app::backend::auth::ClientInfo;
use app::backend::services::organization::audit::Actor;
use app::backend::AppState;
use app::domain::account::Role;
use app::domain::page::{PageRequest, MAX_PER_PAGE};
use app::domain::scope::Scope;
use app::domain::AppError;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::net::SocketAddr;
use utoipa::IntoParams;

/// A JSON request body. Malformed JSON is a 400; JSON of the wrong shape is a
/// 422 whose error names the offending field (`questions[0].type`).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| {
                let mime = mime.trim();
                mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
            });
        if !is_json {
            return Err(bad_request(
                "unsupported_media_type",
                "send the body as JSON with Content-Type: application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError(AppError::PayloadTooLarge)
            } else {
                bad_request("unreadable_body", "the request body could not be read")
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses JSON, naming the failing field on shape errors.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let message = clean_serde_message(&inner.to_string());
                ApiError(AppError::field(field_of(&path, &message), message))
            }
            _ => bad_request("malformed_json", &format!("the body is not valid JSON: {inner}")),
        }
    })
}

/// The path of the failing field; for a missing field serde reports the
/// parent's path, so the field's own name is taken from the message.
fn field_of(path: &str, message: &str) -> String {
    let missing = message.strip_prefix("missing field `").and_then(|rest| rest.split('`').next());
    match (path, missing) {
        (".", Some(name)) => name.to_string(),
        (parent, Some(name)) => format!("{parent}.{name}"),
        (".", None) => "body".to_string(),
        (path, None) => path.to_string(),
    }
}

/// serde's messages end with " at line 1 column 9"; the field path says more.
fn clean_serde_message(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn bad_request(code: &str, message: &str) -> ApiError {
    ApiError(AppError::BadRequest { code: code.into(), message: message.into() })
}

/// How the caller authenticated.
#[derive(Clone, Debug, PartialEq)]
pub enum Credential {
    /// A dashboard session cookie (the browser).
    Session(SessionToken),
    /// An API token, by id.
    Token(String),
}

/// The authenticated caller of a REST endpoint: an API token (`Authorization:
/// Bearer <JWT>`) or a dashboard session. What it may do is a set of scopes,
/// always within what the member's current role allows (a token acts for the
/// member who created it).
pub struct Caller {
    pub organization_id: String,
    pub user_id: String,
    /// The member's role now (for a token: its creator's).
    pub role: Role,
    pub scopes: Vec<Scope>,
    pub credential: Credential,
    /// Where the request came from (for the audit log and the throttle).
    pub client: ClientInfo,
}

impl Caller {
    pub fn organization_id(&self) -> &str {
        &self.organization_id
    }

    /// Who acted, for the audit log.
    pub fn actor(&self) -> Actor {
        match &self.credential {
            Credential::Session(_) => Actor::member(&self.user_id, &self.client.address),
            Credential::Token(id) => Actor::token(&self.user_id, id, &self.client.address),
        }
    }

    /// 403 naming the scope when the caller lacks it.
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.scopes.contains(&scope) {
            return Ok(());
        }
        let message = match self.credential {
            Credential::Token(_) if !self.role.allows(scope) => {
                format!("this token's creator is now a {} and may not use {}", self.role.as_str(), scope.as_str())
            }
            Credential::Token(_) => format!("this token lacks the scope {}", scope.as_str()),
            Credential::Session(_) => format!("your role cannot do this (needs {})", scope.as_str()),
        };
        Err(ApiError(AppError::Forbidden { message }))
    }

    /// Some things (managing tokens) need a person in the dashboard, not a token.
    pub fn require_session(&self) -> Result<&SessionToken, ApiError> {
        match &self.credential {
            Credential::Session(token) => Ok(token),
            Credential::Token(_) => Err(ApiError(AppError::Forbidden {
                message: "this is managed from a dashboard session, not with an API token".into(),
            })),
        }
    }

    /// A dashboard user whose role may change things (not a viewer).
    pub fn require_editor_session(&self) -> Result<(), ApiError> {
        self.require_session()?;
        if !self.role.can_edit() {
            return Err(ApiError(AppError::Forbidden { message: "your role (viewer) cannot change anything".into() }));
        }
        Ok(())
    }
}

pub fn session_token(headers: &axum::http::HeaderMap) -> Option<SessionToken> {
    headers.get(header::COOKIE).and_then(|v| v.to_str().ok()).and_then(token_from_cookie_header)
}

/// The scopes a dashboard user has by role.
pub fn session_scopes(role: Role) -> Vec<Scope> {
    Scope::ALL.into_iter().filter(|s| role.allows(*s)).collect()
}

/// The client behind a request: address (proxy-aware, as the rate limits
/// count it) and device cookie.
pub fn client_info(parts: &Parts, trust_proxy: bool) -> ClientInfo {
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let forwarded = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
    let cookies = parts.headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
    ClientInfo::from_request(peer, forwarded, cookies, trust_proxy)
}

/// Just the client, for endpoints anyone may call (sign-in, password reset).
pub struct Client(pub ClientInfo);

impl FromRequestParts<AppState> for Client {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Client(client_info(parts, state.config.trust_proxy)))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let client = client_info(parts, state.config.trust_proxy);
        // An Authorization header is authoritative: a bad one is never
        // rescued by a cookie sent along with it.
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
                .map(str::trim)
                .ok_or(ApiError(AppError::Unauthorized))?;
            let verified = state.jwt.verify(token).ok_or(ApiError(AppError::Unauthorized))?;
            let role = match state.tokens.access(&state.db, &verified.token_id, &verified.organization_id).await? {
                TokenAccess::Allowed { role } => role,
                TokenAccess::Denied => return Err(ApiError(AppError::Unauthorized)),
                TokenAccess::TwoFactorMissing => return Err(ApiError(AppError::TwoFactorSetupRequired)),
            };
            if let Err(retry_after_secs) = state.token_limits.check(verified.token_id.clone()) {
                return Err(ApiError(AppError::RateLimited { retry_after_secs }));
            }
            return Ok(Caller {
                organization_id: verified.organization_id,
                user_id: verified.user_id,
                role,
                scopes: verified.scopes.into_iter().filter(|s| role.allows(*s)).collect(),
                credential: Credential::Token(verified.token_id),
                client,
            });
        }
        let token = session_token(&parts.headers).ok_or(ApiError(AppError::Unauthorized))?;
        let me = resolve(&state.db, &token).await?.ok_or(ApiError(AppError::Unauthorized))?;
        if me.must_set_up_two_factor && !allowed_before_two_factor(parts.uri.path()) {
            return Err(ApiError(AppError::TwoFactorSetupRequired));
        }
        Ok(Caller {
            scopes: session_scopes(me.role),
            organization_id: me.organization_id,
            user_id: me.user_id,
            role: me.role,
            credential: Credential::Session(token),
            client,
        })
    }
}

/// What a member may still do while their organisation waits for them to
/// set up two-factor sign-in: set it up, and sign out.
fn allowed_before_two_factor(path: &str) -> bool {
    path.starts_with("/api/auth/")
}

/// A query string parsed into `T`, the same struct that documents the
/// parameters with `IntoParams`; a value of the wrong type is a 422 naming
/// the parameter. Parameters `T` does not name are left to other readers
/// (the response filter's `metadata.KEY` and friends).
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse_query(parts.uri.query().unwrap_or("")).map(ApiQuery)
    }
}

pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let pairs = url::form_urlencoded::parse(query.as_bytes());
    serde_path_to_error::deserialize(serde_urlencoded::Deserializer::new(pairs)).map_err(|err| {
        let path = err.path().to_string();
        let message = err.into_inner().to_string();
        let field = match field_of(&path, &message).as_str() {
            "body" => "query".to_string(),
            field => field.to_string(),
        };
        ApiError(AppError::field(field, message))
    })
}

/// `?page=1&per_page=50` (`perPage` is accepted too).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 1-based page number.
    #[param(minimum = 1, default = 1)]
    page: Option<u32>,
    /// Items per page, at most 500.
    #[param(minimum = 1, maximum = 500, default = 50)]
    #[serde(alias = "perPage")]
    per_page: Option<u32>,
}

impl PageParams {
    fn into_request(self) -> Result<PageRequest, AppError> {
        let defaults = PageRequest::default();
        Ok(PageRequest {
            page: within("page", self.page, 1, u32::MAX)?.unwrap_or(defaults.page),
            per_page: within("per_page", self.per_page, 1, MAX_PER_PAGE)?.unwrap_or(defaults.per_page),
        })
    }
}

fn within(field: &str, value: Option<u32>, min: u32, max: u32) -> Result<Option<u32>, AppError> {
    match value {
        Some(n) if !(min..=max).contains(&n) => {
            Err(AppError::field(field, format!("must be a whole number from {min} to {max}")))
        }
        _ => Ok(value),
    }
}

/// The page a list asks for, within bounds.
pub struct Pagination(pub PageRequest);

impl<S: Send + Sync> FromRequestParts<S> for Pagination {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ApiQuery(params) = ApiQuery::<PageParams>::from_request_parts(parts, state).await?;
        params.into_request().map(Pagination).map_err(ApiError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        items: Vec<Item>,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Item {
        n: u8,
    }

    #[test]
    fn names_the_field_on_shape_errors() {
        let err = parse_json::<Body>(br#"{"name": "x", "items": [{"n": 1}, {"n": "two"}]}"#).unwrap_err();
        assert_eq!(err.0.status(), 422);
        assert!(err.0.message_for("items[1].n").is_some(), "{:?}", err.0);
        let err = parse_json::<Body>(br#"{"items": []}"#).unwrap_err();
        assert!(err.0.message_for("name").is_some(), "{:?}", err.0);
        let err = parse_json::<Body>(br#"{"name": "x", "items": [{}]}"#).unwrap_err();
        assert!(err.0.message_for("items[0].n").is_some(), "{:?}", err.0);
        let err = parse_json::<Body>(br#""just a string""#).unwrap_err();
        assert!(err.0.message_for("body").is_some(), "{:?}", err.0);
    }

    #[test]
    fn malformed_json_is_a_400() {
        assert_eq!(parse_json::<Body>(b"{nope").unwrap_err().0.status(), 400);
        assert_eq!(parse_json::<Body>(b"").unwrap_err().0.status(), 400);
    }
}
