//! Which API tokens are live, kept in memory on each replica so checking a
//! token costs no database round trip. Every `REFRESH_EVERY` each replica
//! reloads the table, so a revocation made on another replica takes effect
//! within that interval; on the replica that revoked, it is immediate.
//! A token not seen yet (created a moment ago elsewhere) is looked up once.
//!
//! A token acts for the member who created it: it works only while they are
//! a member of its organisation, its scopes are capped by their current role
//! (a viewer's tokens only read), and in an organisation that requires
//! two-factor sign-in it waits until they have set it up. Those facts are
//! loaded with the tokens, so a removal or a demotion takes effect at once on
//! the replica that made it (it reloads) and within `REFRESH_EVERY` elsewhere.
//!
//! Last-used times are collected here and written in one batch every
//! `FLUSH_EVERY`, so using a token does not make every request a write.

use crate::backend::db::{now_ms, Db};
use crate::domain::account::Role;
use crate::domain::AppError;
use sqlx::Row;
use std::collections::HashMap;
use std::sync::{Mutex, RwLock};
use std::time::Duration;

pub const REFRESH_EVERY: Duration = Duration::from_secs(2);
pub const FLUSH_EVERY: Duration = Duration::from_secs(30);

#[derive(Clone, Debug, PartialEq)]
enum TokenState {
    Live {
        organization_id: String,
        expires_at: Option<i64>,
        /// The creator's role now; `None` once they left the organisation.
        creator_role: Option<Role>,
        /// The organisation requires two-factor sign-in and the creator has not set it up.
        two_factor_missing: bool,
    },
    Revoked,
}

/// What a token may do right now.
#[derive(Clone, Debug, PartialEq)]
pub enum TokenAccess {
    /// Live, acting with the creator's current role.
    Allowed { role: Role },
    /// Unknown, revoked, expired, of another organisation, or its creator left.
    Denied,
    /// Held back until the creator sets up two-factor sign-in.
    TwoFactorMissing,
}

const SELECT: &str = "SELECT t.id, t.organization_id, t.expires_at, t.revoked_at, m.role, \
    u.totp_enabled_at, o.require_two_factor FROM api_tokens t \
    JOIN organizations o ON o.id = t.organization_id \
    LEFT JOIN memberships m ON m.organization_id = t.organization_id AND m.user_id = t.created_by \
    LEFT JOIN users u ON u.id = t.created_by";

#[derive(Default)]
pub struct TokenRegistry {
    states: RwLock<HashMap<String, TokenState>>,
    last_used: Mutex<HashMap<String, i64>>,
    /// Revoked here; kept across refreshes, so a reload that read the table
    /// just before the revocation committed cannot bring the token back.
    revoked_here: Mutex<std::collections::HashSet<String>>,
}

fn state_of(row: &sqlx::any::AnyRow) -> Result<TokenState, AppError> {
    let revoked_at: Option<i64> = row.try_get("revoked_at")?;
    if revoked_at.is_some() {
        return Ok(TokenState::Revoked);
    }
    let role: Option<String> = row.try_get("role")?;
    let required: i64 = row.try_get("require_two_factor")?;
    let enabled: Option<i64> = row.try_get("totp_enabled_at")?;
    Ok(TokenState::Live {
        organization_id: row.try_get("organization_id")?,
        expires_at: row.try_get("expires_at")?,
        creator_role: role.as_deref().and_then(Role::parse),
        two_factor_missing: required != 0 && enabled.is_none(),
    })
}

impl TokenRegistry {
    /// Replaces the in-memory view with the database's.
    pub async fn refresh(&self, db: &Db) -> Result<(), AppError> {
        let rows = sqlx::query(&format!("{SELECT} WHERE t.expires_at IS NULL OR t.expires_at > $1"))
            .bind(now_ms())
            .fetch_all(db.pool())
            .await?;
        let mut fresh = HashMap::with_capacity(rows.len());
        for row in rows {
            let id: String = row.try_get("id")?;
            fresh.insert(id, state_of(&row)?);
        }
        for id in self.revoked_here.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            fresh.insert(id.clone(), TokenState::Revoked);
        }
        *self.states.write().unwrap_or_else(|p| p.into_inner()) = fresh;
        Ok(())
    }

    /// Reloads at once (after a change to members or to the 2FA policy on
    /// this replica); a failure is logged, and the next refresh catches up.
    pub async fn refresh_now(&self, db: &Db) {
        if let Err(e) = self.refresh(db).await {
            tracing::warn!(error = %e, "reloading API tokens failed");
        }
    }

    /// What the token may do, if it exists, is live and belongs to
    /// `organization_id`. An allowed use counts as a use.
    pub async fn access(&self, db: &Db, token_id: &str, organization_id: &str) -> Result<TokenAccess, AppError> {
        let known = self.states.read().unwrap_or_else(|p| p.into_inner()).get(token_id).cloned();
        let state = match known {
            Some(state) => state,
            None => match self.lookup(db, token_id).await? {
                Some(state) => state,
                None => return Ok(TokenAccess::Denied),
            },
        };
        let access = match state {
            TokenState::Live { organization_id: org, expires_at, creator_role, two_factor_missing }
                if org == organization_id && expires_at.is_none_or(|t| t > now_ms()) =>
            {
                match (creator_role, two_factor_missing) {
                    (None, _) => TokenAccess::Denied,
                    (Some(_), true) => TokenAccess::TwoFactorMissing,
                    (Some(role), false) => TokenAccess::Allowed { role },
                }
            }
            _ => TokenAccess::Denied,
        };
        if matches!(access, TokenAccess::Allowed { .. }) {
            self.last_used.lock().unwrap_or_else(|p| p.into_inner()).insert(token_id.to_string(), now_ms());
        }
        Ok(access)
    }

    async fn lookup(&self, db: &Db, token_id: &str) -> Result<Option<TokenState>, AppError> {
        let row = sqlx::query(&format!("{SELECT} WHERE t.id = $1")).bind(token_id).fetch_optional(db.pool()).await?;
        let Some(row) = row else { return Ok(None) };
        let state = state_of(&row)?;
        self.states.write().unwrap_or_else(|p| p.into_inner()).insert(token_id.to_string(), state.clone());
        Ok(Some(state))
    }

    /// Takes effect at once on this replica.
    pub fn mark_revoked(&self, token_id: &str) {
        self.revoked_here.lock().unwrap_or_else(|p| p.into_inner()).insert(token_id.to_string());
        self.states.write().unwrap_or_else(|p| p.into_inner()).insert(token_id.to_string(), TokenState::Revoked);
    }

    /// Writes the collected last-used times in one transaction.
    pub async fn flush_last_used(&self, db: &Db) -> Result<(), AppError> {
        let batch: Vec<(String, i64)> =
            std::mem::take(&mut *self.last_used.lock().unwrap_or_else(|p| p.into_inner())).into_iter().collect();
        if batch.is_empty() {
            return Ok(());
        }
        let mut tx = db.begin_write().await?;
        for (id, at) in &batch {
            sqlx::query(
                "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)",
            )
            .bind(*at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        Ok(tx.commit().await?)
    }
}
