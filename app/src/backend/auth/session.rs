//! Dashboard sessions: a random cookie value, of which only a SHA-256 is
//! stored. The cookie is HttpOnly and SameSite=Lax (and Secure over https).

use crate::backend::db::{internal, now_ms, Db};
use crate::domain::account::{Me, Role};
use crate::domain::AppError;
use base64::Engine;
use sha2::{Digest, Sha256};
use sqlx::Row;

pub const SESSION_COOKIE: &str = "vox_session";
pub const SESSION_TTL_MS: i64 = 14 * 24 * 3600 * 1000;

/// The secret cookie value; shown to the browser once, never stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionToken(pub String);

impl SessionToken {
    fn generate() -> Self {
        let bytes: [u8; 32] = rand::random();
        SessionToken(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    fn hash(&self) -> String {
        hex_sha256(self.0.as_bytes())
    }

    /// The `Set-Cookie` value that starts this session.
    pub fn cookie(&self, secure: bool) -> String {
        let max_age = SESSION_TTL_MS / 1000;
        let secure = if secure { "; Secure" } else { "" };
        format!("{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}", self.0)
    }
}

/// The `Set-Cookie` value that ends a session in the browser.
pub fn clearing_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

pub fn hex_sha256(data: &[u8]) -> String {
    Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// Finds the session cookie's value in a `Cookie` header.
pub fn token_from_cookie_header(header: &str) -> Option<SessionToken> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == SESSION_COOKIE && !value.is_empty())
        .map(|(_, value)| SessionToken(value.to_string()))
}

/// Starts a session; `address` is where it was opened from (for the audit log).
pub async fn create(db: &Db, user_id: &str, organization_id: &str, address: &str) -> Result<SessionToken, AppError> {
    let token = SessionToken::generate();
    let now = now_ms();
    db.execute_write(
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, organization_id, created_at, expires_at, address) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token.hash())
        .bind(user_id)
        .bind(organization_id)
        .bind(now)
        .bind(now + SESSION_TTL_MS)
        .bind(address),
    )
    .await?;
    Ok(token)
}

/// The signed-in user behind a cookie, if the session exists and has not expired.
pub async fn resolve(db: &Db, token: &SessionToken) -> Result<Option<Me>, AppError> {
    let row = sqlx::query(
        "SELECT u.id AS user_id, u.email, o.id AS organization_id, o.name AS organization_name, m.role, \
         o.require_two_factor, u.totp_enabled_at \
         FROM sessions s \
         JOIN users u ON u.id = s.user_id \
         JOIN organizations o ON o.id = s.organization_id \
         JOIN memberships m ON m.user_id = s.user_id AND m.organization_id = s.organization_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token.hash())
    .bind(now_ms())
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let role: String = row.try_get("role")?;
    let required: i64 = row.try_get("require_two_factor")?;
    let enabled: Option<i64> = row.try_get("totp_enabled_at")?;
    Ok(Some(Me {
        must_set_up_two_factor: required != 0 && enabled.is_none(),
        user_id: row.try_get("user_id")?,
        email: row.try_get("email")?,
        organization_id: row.try_get("organization_id")?,
        organization_name: row.try_get("organization_name")?,
        role: Role::parse(&role).ok_or_else(|| internal(format!("unknown role {role}")))?,
    }))
}

pub async fn destroy(db: &Db, token: &SessionToken) -> Result<(), AppError> {
    db.execute_write(sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token.hash())).await?;
    Ok(())
}

/// Ends every session of a user (after a password reset), or every one but
/// `keep` (after a password change in that session), in the caller's transaction.
pub async fn end_all_for_user(
    tx: &mut sqlx::AnyConnection,
    user_id: &str,
    keep: Option<&SessionToken>,
) -> Result<u64, AppError> {
    let kept = keep.map(SessionToken::hash).unwrap_or_default();
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(kept)
        .execute(&mut *tx)
        .await?;
    Ok(done.rows_affected())
}

/// Deletes expired sessions; called periodically by the server.
pub async fn purge_expired(db: &Db) -> Result<u64, AppError> {
    let done = db.execute_write(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now_ms())).await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_attributes() {
        let t = SessionToken("abc".into());
        let c = t.cookie(true);
        assert!(c.starts_with("vox_session=abc;"));
        for attr in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
            assert!(c.contains(attr), "{attr} in {c}");
        }
        assert!(!t.cookie(false).contains("Secure"));
    }

    #[test]
    fn finds_the_cookie_among_others() {
        let h = "a=1; vox_session=tok123; b=2";
        assert_eq!(token_from_cookie_header(h), Some(SessionToken("tok123".into())));
        assert_eq!(token_from_cookie_header("vox_session=; a=1"), None);
        assert_eq!(token_from_cookie_header("other=1"), None);
    }
}
