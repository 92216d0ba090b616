//! Which API tokens are live, kept in memory on each replica so checking a
//! token costs no database round trip. Every `REFRESH_EVERY` each replica
//! reloads the table, so a revocation made on another replica takes effect
//! within that interval; on the replica that revoked, it is immediate.
//! A token not seen yet (created a moment ago elsewhere) is looked up once.
//!
//! Last-used times are collected here and written in one batch every
//! `FLUSH_EVERY`, so using a token does not make every request a write.

use crate::backend::db::{internal, now_ms, Db};
use crate::domain::AppError;
use sqlx::Row;
use std::collections::HashMap;
use std::sync::{Mutex, RwLock};
use std::time::Duration;

pub const REFRESH_EVERY: Duration = Duration::from_secs(2);
pub const FLUSH_EVERY: Duration = Duration::from_secs(30);

#[derive(Clone, Debug, PartialEq)]
enum TokenState {
    Live { organization_id: String, expires_at: Option<i64> },
    Revoked,
}

#[derive(Default)]
pub struct TokenRegistry {
    states: RwLock<HashMap<String, TokenState>>,
    last_used: Mutex<HashMap<String, i64>>,
    /// Revoked here; kept across refreshes, so a reload that read the table
    /// just before the revocation committed cannot bring the token back.
    revoked_here: Mutex<std::collections::HashSet<String>>,
}

fn state_of(organization_id: String, expires_at: Option<i64>, revoked_at: Option<i64>) -> TokenState {
    match revoked_at {
        Some(_) => TokenState::Revoked,
        None => TokenState::Live { organization_id, expires_at },
    }
}

impl TokenRegistry {
    /// Replaces the in-memory view with the database's.
    pub async fn refresh(&self, db: &Db) -> Result<(), AppError> {
        let rows = sqlx::query(
            "SELECT id, organization_id, expires_at, revoked_at FROM api_tokens WHERE expires_at IS NULL OR expires_at > $1",
        )
        .bind(now_ms())
        .fetch_all(db.pool())
        .await
        .map_err(internal)?;
        let mut fresh = HashMap::with_capacity(rows.len());
        for row in rows {
            let id: String = row.try_get("id").map_err(internal)?;
            let state = state_of(
                row.try_get("organization_id").map_err(internal)?,
                row.try_get("expires_at").map_err(internal)?,
                row.try_get("revoked_at").map_err(internal)?,
            );
            fresh.insert(id, state);
        }
        for id in self.revoked_here.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            fresh.insert(id.clone(), TokenState::Revoked);
        }
        *self.states.write().unwrap_or_else(|p| p.into_inner()) = fresh;
        Ok(())
    }

    /// True when the token exists, is not revoked or expired, and belongs to
    /// `organization_id`. Counts as a use.
    pub async fn is_live(&self, db: &Db, token_id: &str, organization_id: &str) -> Result<bool, AppError> {
        let known = self.states.read().unwrap_or_else(|p| p.into_inner()).get(token_id).cloned();
        let state = match known {
            Some(state) => state,
            None => match self.lookup(db, token_id).await? {
                Some(state) => state,
                None => return Ok(false),
            },
        };
        let live = match state {
            TokenState::Live { organization_id: org, expires_at } => {
                org == organization_id && expires_at.is_none_or(|t| t > now_ms())
            }
            TokenState::Revoked => false,
        };
        if live {
            self.last_used.lock().unwrap_or_else(|p| p.into_inner()).insert(token_id.to_string(), now_ms());
        }
        Ok(live)
    }

    async fn lookup(&self, db: &Db, token_id: &str) -> Result<Option<TokenState>, AppError> {
        let row = sqlx::query("SELECT organization_id, expires_at, revoked_at FROM api_tokens WHERE id = $1")
            .bind(token_id)
            .fetch_optional(db.pool())
            .await
            .map_err(internal)?;
        let Some(row) = row else { return Ok(None) };
        let state = state_of(
            row.try_get("organization_id").map_err(internal)?,
            row.try_get("expires_at").map_err(internal)?,
            row.try_get("revoked_at").map_err(internal)?,
        );
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
        let mut tx = db.begin_write().await.map_err(internal)?;
        for (id, at) in &batch {
            sqlx::query(
                "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)",
            )
            .bind(*at)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        }
        tx.commit().await.map_err(internal)
    }
}
