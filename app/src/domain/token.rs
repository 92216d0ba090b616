//! API tokens as the dashboard and the API show them. The JWT itself is
//! shown once, at creation, and never stored.

use super::error::{AppError, Problems};
use super::scope::Scope;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const MAX_TITLE_LEN: usize = 100;

/// A token's metadata; never the token itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"id": "tok_01hzx8p4r6t8v0x2z4b6d8f0h2", "title": "CRM sync", "scopes": ["responses:read"], "createdBy": "usr_01hzx8p4r6t8v0x2z4b6d8f0h2", "createdByEmail": "ada@example.com", "createdAt": "2026-11-25T10:00:00Z", "expiresAt": null, "lastUsedAt": "2026-11-25T11:30:00Z", "revokedAt": null})))]
#[serde(rename_all = "camelCase")]
pub struct ApiToken {
    /// `tok_…`; also the JWT's `jti`.
    pub id: String,
    pub title: String,
    /// What the token was given. It acts for its creator, so it can never do
    /// more than their current role allows (a viewer's tokens only read).
    pub scopes: Vec<Scope>,
    /// The member who created it (user id) and their email.
    pub created_by: String,
    pub created_by_email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The answer to creating a token: its metadata and, this once, the JWT.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"id": "tok_01hzx8p4r6t8v0x2z4b6d8f0h2", "title": "CRM sync", "scopes": ["responses:read"], "createdAt": "2026-11-25T10:00:00Z", "expiresAt": "2027-06-30T23:59:59Z", "token": "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJ2b3giLCJqdGkiOiJ0b2tfMDFoIn0.c2lnbmF0dXJl"})))]
#[serde(rename_all = "camelCase")]
pub struct CreatedToken {
    pub id: String,
    pub title: String,
    pub scopes: Vec<Scope>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// The JWT. Shown once: store it now, it cannot be retrieved again.
    pub token: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"title": "CRM sync", "scopes": ["responses:read"], "expiresAt": "2027-06-30T23:59:59Z"})))]
#[serde(rename_all = "camelCase")]
pub struct CreateTokenInput {
    /// A name to recognise the token by, 1–100 characters.
    pub title: String,
    /// At least one scope.
    pub scopes: Vec<Scope>,
    /// Optional expiry, in the future.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

impl CreateTokenInput {
    pub fn validate(&self, now: DateTime<Utc>) -> Result<(), AppError> {
        let mut p = Problems::default();
        let title = self.title.trim();
        if title.is_empty() {
            p.add("title", "must not be empty");
        } else if title.chars().count() > MAX_TITLE_LEN {
            p.add("title", format!("must be at most {MAX_TITLE_LEN} characters"));
        }
        if self.scopes.is_empty() {
            p.add("scopes", "choose at least one scope");
        }
        if let Some(at) = self.expires_at {
            if at <= now {
                p.add("expiresAt", "must be in the future");
            } else if at > now + chrono::Duration::days(3660) {
                p.add("expiresAt", "must be within ten years");
            }
        }
        p.into_result()
    }

    /// The scopes, each once, in a stable order.
    pub fn normalized_scopes(&self) -> Vec<Scope> {
        let mut scopes = self.scopes.clone();
        scopes.sort();
        scopes.dedup();
        scopes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_input_rules() {
        let now = Utc::now();
        let ok = CreateTokenInput { title: "CRM sync".into(), scopes: vec![Scope::ResponsesRead], expires_at: None };
        assert!(ok.validate(now).is_ok());
        let bad =
            CreateTokenInput { title: " ".into(), scopes: vec![], expires_at: Some(now - chrono::Duration::hours(1)) };
        let err = bad.validate(now).unwrap_err();
        for f in ["title", "scopes", "expiresAt"] {
            assert!(err.message_for(f).is_some(), "{f}");
        }
        let dup = CreateTokenInput { scopes: vec![Scope::SurveysWrite, Scope::SurveysRead, Scope::SurveysWrite], ..ok };
        assert_eq!(dup.normalized_scopes(), vec![Scope::SurveysRead, Scope::SurveysWrite]);
    }
}
