//! One error type for every door into Vox. The REST API turns it into RFC 9457
//! problem details; server functions carry it to the browser unchanged, so the
//! UI can show the same field messages the API returns.

use serde::{Deserialize, Serialize};

/// A problem with one input field; `field` is a path such as `questions[0].title`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    /// The input parsed but breaks a rule (422).
    #[error("validation failed")]
    Validation { errors: Vec<FieldError> },
    /// The input could not be understood at all (400).
    #[error("{message}")]
    BadRequest { code: String, message: String },
    /// No credentials, or credentials that are not (or no longer) valid (401).
    #[error("authentication required")]
    Unauthorized,
    /// Authenticated, but not allowed; `message` names what is missing (403).
    #[error("{message}")]
    Forbidden { message: String },
    /// Unknown, or belonging to another organisation: the two look the same (404).
    #[error("{what} not found")]
    NotFound { what: String },
    /// The request conflicts with the current state (409).
    #[error("{message}")]
    Conflict { code: String, message: String },
    /// `If-Match` named a version that is no longer current (412).
    #[error("the resource has changed since you read it")]
    PreconditionFailed,
    /// The request body is larger than the server accepts (413).
    #[error("the request body is too large")]
    PayloadTooLarge,
    /// Too many requests; try again after this many seconds (429).
    #[error("too many requests")]
    RateLimited { retry_after_secs: u64 },
    /// A quota of the organisation is used up (429); `quota` names it.
    #[error("{message}")]
    QuotaExceeded { quota: String, message: String, retry_after_secs: u64 },
    /// The password was right; the account signs in with a second factor,
    /// given with this ticket (401).
    #[error("a second factor is needed: send the code from your authenticator app with the ticket")]
    SecondFactorRequired { ticket: String },
    /// The organisation requires two-factor sign-in, which this member has
    /// not set up yet (403).
    #[error("this organisation requires two-factor sign-in: set it up in your profile first")]
    TwoFactorSetupRequired,
    /// Something failed on our side; details are logged, never shown (500).
    #[error("internal error")]
    Internal,
    /// The call itself failed between browser and server (network, decoding).
    #[error("{message}")]
    Transport { message: String },
}

impl AppError {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Validation { errors: vec![FieldError::new(field, message)] }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        AppError::NotFound { what: what.into() }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Validation { .. } => 422,
            AppError::BadRequest { .. } => 400,
            AppError::Unauthorized => 401,
            AppError::Forbidden { .. } => 403,
            AppError::NotFound { .. } => 404,
            AppError::Conflict { .. } => 409,
            AppError::PreconditionFailed => 412,
            AppError::PayloadTooLarge => 413,
            AppError::RateLimited { .. } | AppError::QuotaExceeded { .. } => 429,
            AppError::SecondFactorRequired { .. } => 401,
            AppError::TwoFactorSetupRequired => 403,
            AppError::Internal | AppError::Transport { .. } => 500,
        }
    }

    /// A stable machine-readable code for clients to branch on.
    pub fn code(&self) -> &str {
        match self {
            AppError::Validation { .. } => "validation_failed",
            AppError::BadRequest { code, .. } | AppError::Conflict { code, .. } => code,
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden { .. } => "forbidden",
            AppError::NotFound { .. } => "not_found",
            AppError::PreconditionFailed => "precondition_failed",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::QuotaExceeded { .. } => "quota_exceeded",
            AppError::SecondFactorRequired { .. } => "second_factor_required",
            AppError::TwoFactorSetupRequired => "two_factor_setup_required",
            AppError::Internal => "internal_error",
            AppError::Transport { .. } => "transport_error",
        }
    }

    /// The message for one field, if this is a validation error naming it.
    pub fn message_for(&self, field: &str) -> Option<&str> {
        match self {
            AppError::Validation { errors } => errors.iter().find(|e| e.field == field).map(|e| e.message.as_str()),
            _ => None,
        }
    }

    /// A sentence for people: field messages joined, or the error itself.
    pub fn human(&self) -> String {
        match self {
            AppError::Validation { errors } => {
                errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
            }
            AppError::Unauthorized => "Please sign in again.".into(),
            AppError::RateLimited { retry_after_secs } => {
                format!("Too many attempts. Try again in {retry_after_secs} s.")
            }
            AppError::Internal => "Something went wrong on our side. Please try again.".into(),
            other => other.to_string(),
        }
    }
}

/// Collects field errors while validating, so one response names every problem.
#[derive(Default, Debug)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_result(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation { errors: self.0 })
        }
    }
}
