//! The OpenAPI 3.1 document: the parts no single handler owns (info,
//! security schemes, shared schemas, tags). Paths and their schemas come
//! from the handlers themselves.

use app::domain::FieldError;
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{OpenApi, ToSchema};

pub const BEARER: &str = "bearer";
pub const SESSION: &str = "session";

/// RFC 9457 problem details: every error the API returns.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "type": "/docs/api#problem-validation_failed", "title": "Unprocessable Entity", "status": 422,
    "detail": "invalid fields: answers.q1", "code": "validation_failed",
    "errors": [{"field": "answers.q1", "message": "must be a whole number from 0 to 10"}]
}))]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code, e.g. `validation_failed`, `not_found`.
    pub code: String,
    /// For validation errors: each offending field and what is wrong with it.
    #[serde(default)]
    pub errors: Vec<FieldError>,
    /// For `quota_exceeded`: the quota that is used up (`mail_daily`, `member_invitations`).
    #[serde(default)]
    pub quota: Option<String>,
    /// For `second_factor_required`: the ticket to send with the code to
    /// `POST /api/auth/login/second-factor` (valid 5 minutes).
    #[serde(default)]
    pub ticket: Option<String>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Vox API",
        description = "Surveys, responses and everything around them. JSON in and out; errors are \
            RFC 9457 problem details. Authenticate with `Authorization: Bearer <API token>` (create \
            tokens in the dashboard under Profile → Authentication Tokens) or, from the dashboard, \
            with the session cookie. Each endpoint names the scope a token needs; a `:write` scope \
            does not imply `:read`. Another organisation's objects answer 404, exactly like ones \
            that do not exist.",
        version = "2026-11-25"
    ),
    components(schemas(Problem)),
    tags(
        (name = "auth", description = "Dashboard sessions, passwords and two-factor sign-in"),
        (name = "audit", description = "The organisation's audit log: who did what, when, from where"),
        (name = "tokens", description = "API tokens (managed from a dashboard session)"),
        (name = "surveys", description = "Surveys and their questions"),
        (name = "responses", description = "Responses to surveys, and members' internal notes on them"),
        (name = "cases", description = "Cases: responses someone follows up, assigned, given a due time, resolved and closed, with every change in their history"),
        (name = "tags", description = "The organisation's tags, put on responses one at a time or on every response a filter matches"),
        (name = "webhooks", description = "Signed, retried, logged deliveries of events to your URLs. Every delivery carries \
            Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of \
            \"{id}.{timestamp}.{body}\">`) and `X-Vox-Signature: <hex HMAC-SHA256 of the body>`, both keyed with the \
            webhook's secret (the base64-decoded part of `whsec_…`; a secret you chose is used as its bytes)."),
        (name = "client", description = "Public endpoints used by the survey widget and embeds; no credentials, rate-limited"),
        (name = "settings", description = "Organisation settings (managed from a dashboard session)"),
        (name = "events", description = "The Events Router: your systems send events (\"a sale happened\"); invite settings \
            per channel and event type decide which survey is sent, to whom and when"),
        (name = "directory", description = "Contacts: the people surveys are sent to"),
        (name = "distributions", description = "Sending a survey to contacts now, and following each contact's status"),
    )
)]
struct BaseDocument;

pub fn base_document() -> Document {
    let mut doc = BaseDocument::openapi();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
    );
    components.add_security_scheme(SESSION, SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("vox_session"))));
    components.add_security_scheme(
        "responseToken",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("The `responseToken` returned when the response was created"))
                .build(),
        ),
    );
    doc
}
