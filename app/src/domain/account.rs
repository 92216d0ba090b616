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

    /// Whether someone with this role may use `scope`, by session or through
    /// one of their API tokens: viewers only read, and the audit log is for
    /// owners and admins.
    pub fn allows(self, scope: super::scope::Scope) -> bool {
        match self {
            Role::Owner | Role::Admin => true,
            Role::Viewer => scope.is_read() && scope != super::scope::Scope::AuditRead,
        }
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
    /// The organisation requires two-factor sign-in and this person has not
    /// set it up yet: until they do, the dashboard sends them to their
    /// profile and every other request is refused.
    #[serde(default)]
    pub must_set_up_two_factor: bool,
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
        check_new_password(&mut p, "password", &self.password);
        super::survey::check_text(&mut p, "organizationName".into(), &self.organization_name, 200);
        p.into_result()
    }
}

/// The rules for any new password (sign-up, reset, change, joining).
pub fn check_new_password(p: &mut Problems, field: &str, password: &str) {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        p.add(field, format!("must be at least {MIN_PASSWORD_LEN} characters"));
    } else if len > MAX_PASSWORD_LEN {
        p.add(field, format!("must be at most {MAX_PASSWORD_LEN} characters"));
    }
    if password.contains('\0') {
        p.add(field, "must not contain NUL characters");
    }
}

/// The second step of signing in to an account with two-factor sign-in.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"ticket": "usr_…~1765000000000.Qm9…", "code": "492039"})))]
pub struct SecondFactorInput {
    /// From the `second_factor_required` answer to the password step; valid 5 minutes.
    pub ticket: String,
    /// Six digits from the authenticator app, or one of the recovery codes.
    pub code: String,
}

/// "Forgot password": the address to send a reset link to.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"email": "ada@example.com"})))]
pub struct PasswordResetRequest {
    pub email: String,
}

/// A new password, with the token from the reset link.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"token": "Zk9…", "password": "a new long password"})))]
pub struct PasswordResetInput {
    pub token: String,
    pub password: String,
}

/// Changing one's password while signed in.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"currentPassword": "the old one", "newPassword": "a new long password"})))]
#[serde(rename_all = "camelCase")]
pub struct ChangePasswordInput {
    pub current_password: String,
    pub new_password: String,
}

/// A person's own account, as the profile page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TwoFactorStatus {
    pub enabled: bool,
    /// Whether the account's email address is confirmed (an emailed link was
    /// used); turning two-factor sign-in on needs it.
    pub email_confirmed: bool,
    /// Unused recovery codes left.
    pub recovery_codes_left: i64,
    /// Organisations of this person that require two-factor sign-in.
    pub required_by: Vec<String>,
}

/// A new authenticator secret, before it is confirmed with a first code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TwoFactorSetup {
    /// The secret in base32, for typing into an app.
    pub secret: String,
    /// `otpauth://totp/…`, what the QR code holds.
    pub otpauth_url: String,
    /// The QR code, an SVG image as a `data:` address.
    pub qr_image: String,
}

/// Recovery codes, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

/// Organisation-wide security policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SecuritySettings {
    /// Every member must sign in with a second factor.
    pub require_two_factor: bool,
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
