//! A small typed client for the Vox REST API (feature `client`), so nobody
//! has to hand-roll HTTP calls. It uses the same domain types as the server:
//!
//! ```no_run
//! # async fn demo() -> Result<(), app::client::ClientError> {
//! use app::client::VoxClient;
//! let vox = VoxClient::new("https://feedback.example.com", "eyJ…")?;
//! for survey in vox.list_surveys(1).await?.data {
//!     let responses = vox.list_responses(&survey.id, &Default::default(), 1).await?;
//!     println!("{}: {} responses", survey.name, responses.meta.total);
//! }
//! # Ok(()) }
//! ```

use crate::domain::error::FieldError;
use crate::domain::page::Paginated;
use crate::domain::response::{ResponseInput, SurveyResponse};
use crate::domain::survey::{Survey, SurveyDraft, SurveyPatch};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// An error answer from the API (RFC 9457 problem details), or a failure to reach it.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("{status} {code}: {detail}")]
    Api { status: u16, code: String, detail: String, errors: Vec<FieldError> },
    #[error("request failed: {0}")]
    Transport(#[from] reqwest::Error),
    #[error("invalid base URL: {0}")]
    BaseUrl(String),
}

impl ClientError {
    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } => Some(*status),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct Problem {
    status: u16,
    code: String,
    detail: String,
    #[serde(default)]
    errors: Vec<FieldError>,
}

/// Filters for [`VoxClient::list_responses`].
#[derive(Clone, Debug, Default)]
pub struct ResponseQuery {
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    pub to: Option<chrono::DateTime<chrono::Utc>>,
    pub completed: Option<bool>,
}

/// A survey with the version it was read at, for conditional updates.
#[derive(Clone, Debug)]
pub struct Versioned<T> {
    pub value: T,
    pub etag: Option<String>,
}

#[derive(Clone, Debug)]
pub struct VoxClient {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl VoxClient {
    /// `base_url` is where Vox is reached (e.g. `https://feedback.example.com`);
    /// `token` an API token from Profile → Authentication Tokens.
    pub fn new(base_url: &str, token: &str) -> Result<Self, ClientError> {
        let base = base_url.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(ClientError::BaseUrl(base));
        }
        let http = reqwest::Client::builder().user_agent(concat!("vox-client/", env!("CARGO_PKG_VERSION"))).build()?;
        Ok(VoxClient { base, token: token.to_string(), http })
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, format!("{}{}", self.base, path)).bearer_auth(&self.token)
    }

    async fn send(&self, request: RequestBuilder) -> Result<reqwest::Response, ClientError> {
        let response = request.send().await?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        Err(match serde_json::from_str::<Problem>(&text) {
            Ok(p) => ClientError::Api { status: p.status, code: p.code, detail: p.detail, errors: p.errors },
            Err(_) => ClientError::Api { status, code: "unexpected".into(), detail: text, errors: vec![] },
        })
    }

    async fn json<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, ClientError> {
        Ok(self.send(request).await?.json().await?)
    }

    pub async fn list_surveys(&self, page: u32) -> Result<Paginated<Survey>, ClientError> {
        self.json(self.request(Method::GET, "/api/surveys").query(&[("page", page)])).await
    }

    /// Creates a survey. With `idempotency_key`, a retry returns the first result.
    pub async fn create_survey(
        &self,
        draft: &SurveyDraft,
        idempotency_key: Option<&str>,
    ) -> Result<Survey, ClientError> {
        let mut request = self.request(Method::POST, "/api/surveys").json(draft);
        if let Some(key) = idempotency_key {
            request = request.header("idempotency-key", key);
        }
        self.json(request).await
    }

    pub async fn get_survey(&self, id: &str) -> Result<Versioned<Survey>, ClientError> {
        let response = self.send(self.request(Method::GET, &format!("/api/surveys/{id}"))).await?;
        let etag = response.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_string);
        Ok(Versioned { value: response.json().await?, etag })
    }

    /// Updates a survey; with `if_match` (an ETag from `get_survey`), only if
    /// nobody changed it meanwhile (else an API error with status 412).
    pub async fn update_survey(
        &self,
        id: &str,
        patch: &SurveyPatch,
        if_match: Option<&str>,
    ) -> Result<Survey, ClientError> {
        let mut request = self.request(Method::PATCH, &format!("/api/surveys/{id}")).json(patch);
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        self.json(request).await
    }

    pub async fn delete_survey(&self, id: &str) -> Result<(), ClientError> {
        self.send(self.request(Method::DELETE, &format!("/api/surveys/{id}"))).await.map(|_| ())
    }

    pub async fn list_responses(
        &self,
        survey_id: &str,
        query: &ResponseQuery,
        page: u32,
    ) -> Result<Paginated<SurveyResponse>, ClientError> {
        let mut params: Vec<(&str, String)> = vec![("page", page.to_string())];
        if let Some(from) = query.from {
            params.push(("from", from.to_rfc3339()));
        }
        if let Some(to) = query.to {
            params.push(("to", to.to_rfc3339()));
        }
        if let Some(completed) = query.completed {
            params.push(("completed", completed.to_string()));
        }
        self.json(self.request(Method::GET, &format!("/api/surveys/{survey_id}/responses")).query(&params)).await
    }

    pub async fn get_response(&self, id: &str) -> Result<SurveyResponse, ClientError> {
        self.json(self.request(Method::GET, &format!("/api/responses/{id}"))).await
    }

    pub async fn delete_response(&self, id: &str) -> Result<(), ClientError> {
        self.send(self.request(Method::DELETE, &format!("/api/responses/{id}"))).await.map(|_| ())
    }

    /// Submits a response through the public client API (as the widget does);
    /// returns the new response's id.
    pub async fn submit_response(&self, survey_id: &str, input: &ResponseInput) -> Result<String, ClientError> {
        #[derive(Deserialize)]
        struct Submitted {
            id: String,
        }
        let request = self.http.post(format!("{}/api/client/surveys/{survey_id}/responses", self.base)).json(input);
        let submitted: Submitted = self.json(request).await?;
        Ok(submitted.id)
    }

    /// True when `error` is the API saying "not found".
    pub fn is_not_found(error: &ClientError) -> bool {
        error.status() == Some(StatusCode::NOT_FOUND.as_u16())
    }
}
