//! Users, organisations, and the rules for signing up.

use super::answers::looks_like_email;
use super::error::{AppError, Problems};
use serde::{Deserialize, Serialize};

pub const MIN_PASSWORD_LEN: usize = 10;
pub const MAX_PASSWORD_LEN: usize = 256;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "owner" => Some(Role::Owner),
            "admin" => Some(Role::Admin),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }

    pub fn can_edit(self) -> bool {
        !matches!(self, Role::Viewer)
    }
}

/// The signed-in person as the UI sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub user_id: String,
    pub email: String,
    pub organization_id: String,
    pub organization_name: String,
    pub role: Role,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"email": "ada@example.com", "password": "correct horse battery staple", "organizationName": "Acme Coffee"})))]
#[serde(rename_all = "camelCase")]
pub struct SignupInput {
    pub email: String,
    pub password: String,
    pub organization_name: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"email": "ada@example.com", "password": "correct horse battery staple"})))]
pub struct LoginInput {
    pub email: String,
    pub password: String,
}

/// Emails compare case-insensitively; we store them trimmed and lowercased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

impl SignupInput {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut p = Problems::default();
        if !looks_like_email(&self.email) {
            p.add("email", "must be an email address");
        }
        let len = self.password.chars().count();
        if len < MIN_PASSWORD_LEN {
            p.add("password", format!("must be at least {MIN_PASSWORD_LEN} characters"));
        } else if len > MAX_PASSWORD_LEN {
            p.add("password", format!("must be at most {MAX_PASSWORD_LEN} characters"));
        }
        if self.password.contains('\0') {
            p.add("password", "must not contain NUL characters");
        }
        super::survey::check_text(&mut p, "organizationName".into(), &self.organization_name, 200);
        p.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signup_rules() {
        let ok =
            SignupInput { email: "a@b.co".into(), password: "long enough pw".into(), organization_name: "Acme".into() };
        assert!(ok.validate().is_ok());
        let bad = SignupInput { email: "nope".into(), password: "short".into(), organization_name: " ".into() };
        let err = bad.validate().unwrap_err();
        for f in ["email", "password", "organizationName"] {
            assert!(err.message_for(f).is_some(), "{f}");
        }
    }

    #[test]
    fn emails_normalize() {
        assert_eq!(normalize_email("  Ada@Example.COM "), "ada@example.com");
    }
}
