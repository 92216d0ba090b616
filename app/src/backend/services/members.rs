//! Members of an organisation and their roles: inviting by link, joining,
//! changing roles, removing. Only owners and admins manage members; an
//! organisation always keeps at least one owner.

use crate::backend::auth::password;
use crate::backend::auth::session::{self, hex_sha256, SessionToken};
use crate::backend::db::{internal, is_unique_violation, new_id, now_ms, to_datetime, Db};
use crate::domain::account::{normalize_email, Me, Role, SignupInput};
use crate::domain::ids::IdKind;
use crate::domain::members::{may_manage, CreatedInvite, Member, Members, PendingInvite};
use crate::domain::AppError;
use base64::Engine;
use sqlx::Row;

const INVITE_VALID_MS: i64 = 7 * 24 * 3600 * 1000;

fn forbidden(message: &str) -> AppError {
    AppError::Forbidden { message: message.into() }
}

pub async fn list(db: &Db, org_id: &str) -> Result<Members, AppError> {
    let rows = sqlx::query(
        "SELECT u.id, u.email, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organization_id = $1 ORDER BY m.created_at, u.email",
    )
    .bind(org_id)
    .fetch_all(db.pool())
    .await
    .map_err(internal)?;
    let members = rows
        .iter()
        .map(|r| {
            let role: String = r.try_get("role").map_err(internal)?;
            Ok(Member {
                user_id: r.try_get("id").map_err(internal)?,
                email: r.try_get("email").map_err(internal)?,
                role: Role::parse(&role).ok_or_else(|| internal(format!("bad role {role}")))?,
                joined_at: to_datetime(r.try_get("created_at").map_err(internal)?),
            })
        })
        .collect::<Result<_, AppError>>()?;
    let rows = sqlx::query(
        "SELECT id, email, role, created_at, expires_at FROM member_invitations \
         WHERE organization_id = $1 AND accepted_at IS NULL AND expires_at > $2 ORDER BY created_at",
    )
    .bind(org_id)
    .bind(now_ms())
    .fetch_all(db.pool())
    .await
    .map_err(internal)?;
    let pending = rows.iter().map(pending_from_row).collect::<Result<_, _>>()?;
    Ok(Members { members, pending })
}

fn pending_from_row(r: &sqlx::any::AnyRow) -> Result<PendingInvite, AppError> {
    let role: String = r.try_get("role").map_err(internal)?;
    Ok(PendingInvite {
        id: r.try_get("id").map_err(internal)?,
        email: r.try_get("email").map_err(internal)?,
        role: Role::parse(&role).ok_or_else(|| internal(format!("bad role {role}")))?,
        created_at: to_datetime(r.try_get("created_at").map_err(internal)?),
        expires_at: to_datetime(r.try_get("expires_at").map_err(internal)?),
    })
}

/// Invites `email` with `role`; the link is returned this once.
pub async fn invite(db: &Db, me: &Me, email: &str, role: Role, public_url: &str) -> Result<CreatedInvite, AppError> {
    if !may_manage(me.role, role) {
        return Err(forbidden(&format!("your role ({}) cannot invite an {}", me.role.as_str(), role.as_str())));
    }
    let email = normalize_email(email);
    if !crate::domain::answers::looks_like_email(&email) {
        return Err(AppError::field("email", "must be an email address"));
    }
    let already: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organization_id = $1 AND u.email = $2",
    )
    .bind(&me.organization_id)
    .bind(&email)
    .fetch_one(db.pool())
    .await
    .map_err(internal)?
    .try_get("n")
    .map_err(internal)?;
    if already > 0 {
        return Err(AppError::field("email", "is already a member"));
    }
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let id = new_id(IdKind::User).replacen("usr_", "inv_", 1);
    let now = now_ms();
    sqlx::query(
        "INSERT INTO member_invitations (id, organization_id, email, role, token_hash, invited_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(&me.organization_id)
    .bind(&email)
    .bind(role.as_str())
    .bind(hex_sha256(token.as_bytes()))
    .bind(&me.user_id)
    .bind(now)
    .bind(now + INVITE_VALID_MS)
    .execute(db.pool())
    .await
    .map_err(internal)?;
    Ok(CreatedInvite {
        invite: PendingInvite {
            id,
            email,
            role,
            created_at: to_datetime(now),
            expires_at: to_datetime(now + INVITE_VALID_MS),
        },
        link: format!("{}/join/{token}", public_url.trim_end_matches('/')),
    })
}

/// What the join page shows before anyone types a password.
pub async fn describe_invite(db: &Db, token: &str) -> Result<(String, String, Role), AppError> {
    let row = sqlx::query(
        "SELECT i.email, i.role, o.name FROM member_invitations i JOIN organizations o ON o.id = i.organization_id \
         WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > $2",
    )
    .bind(hex_sha256(token.as_bytes()))
    .bind(now_ms())
    .fetch_optional(db.pool())
    .await
    .map_err(internal)?
    .ok_or_else(|| AppError::not_found("invitation"))?;
    let role: String = row.try_get("role").map_err(internal)?;
    Ok((
        row.try_get("email").map_err(internal)?,
        row.try_get("name").map_err(internal)?,
        Role::parse(&role).ok_or_else(|| internal("bad role"))?,
    ))
}

/// Joins through an invitation link: a new account with `password`, or an
/// existing one proven by its password. Starts a session in the organisation.
pub async fn accept(db: &Db, token: &str, password_text: String) -> Result<SessionToken, AppError> {
    let hash = hex_sha256(token.as_bytes());
    let row = sqlx::query(
        "SELECT id, organization_id, email, role FROM member_invitations \
         WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2",
    )
    .bind(&hash)
    .bind(now_ms())
    .fetch_optional(db.pool())
    .await
    .map_err(internal)?
    .ok_or_else(|| AppError::not_found("invitation"))?;
    let invite_id: String = row.try_get("id").map_err(internal)?;
    let org_id: String = row.try_get("organization_id").map_err(internal)?;
    let email: String = row.try_get("email").map_err(internal)?;
    let role: String = row.try_get("role").map_err(internal)?;
    let existing = sqlx::query("SELECT id, password_hash FROM users WHERE email = $1")
        .bind(&email)
        .fetch_optional(db.pool())
        .await
        .map_err(internal)?;
    let (user_id, new_hash) = match existing {
        Some(user) => {
            let stored: String = user.try_get("password_hash").map_err(internal)?;
            if !password::verify(password_text, Some(stored)).await? {
                return Err(AppError::field("password", "this email has a Vox account: enter its password"));
            }
            (user.try_get::<String, _>("id").map_err(internal)?, None)
        }
        None => {
            SignupInput { email: email.clone(), password: password_text.clone(), organization_name: "x".into() }
                .validate()?;
            (new_id(IdKind::User), Some(password::hash(password_text).await?))
        }
    };
    let now = now_ms();
    let mut tx = db.begin_write().await.map_err(internal)?;
    // Used once: the compare-and-set on accepted_at.
    let claimed = sqlx::query("UPDATE member_invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL")
        .bind(now)
        .bind(&invite_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    if claimed.rows_affected() != 1 {
        return Err(AppError::not_found("invitation"));
    }
    if let Some(hash) = &new_hash {
        sqlx::query("INSERT INTO users (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&user_id)
            .bind(&email)
            .bind(hash)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
    }
    let joined =
        sqlx::query("INSERT INTO memberships (organization_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&org_id)
            .bind(&user_id)
            .bind(&role)
            .bind(now)
            .execute(&mut *tx)
            .await;
    match joined {
        Err(e) if is_unique_violation(&e) => return Err(AppError::field("email", "is already a member")),
        other => other.map_err(internal)?,
    };
    tx.commit().await.map_err(internal)?;
    session::create(db, &user_id, &org_id).await
}

async fn role_of(db: &Db, org_id: &str, user_id: &str) -> Result<Role, AppError> {
    let row = sqlx::query("SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .fetch_optional(db.pool())
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::not_found("member"))?;
    let role: String = row.try_get("role").map_err(internal)?;
    Role::parse(&role).ok_or_else(|| internal("bad role"))
}

async fn owners(tx: &mut sqlx::AnyConnection, org_id: &str) -> Result<i64, AppError> {
    sqlx::query("SELECT COUNT(*) AS n FROM memberships WHERE organization_id = $1 AND role = 'owner'")
        .bind(org_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?
        .try_get("n")
        .map_err(internal)
}

pub async fn change_role(db: &Db, me: &Me, user_id: &str, role: Role) -> Result<(), AppError> {
    let current = role_of(db, &me.organization_id, user_id).await?;
    if !may_manage(me.role, current) || !may_manage(me.role, role) {
        return Err(forbidden(&format!("your role ({}) cannot make this change", me.role.as_str())));
    }
    let mut tx = db.begin_write().await.map_err(internal)?;
    sqlx::query("UPDATE memberships SET role = $1 WHERE organization_id = $2 AND user_id = $3")
        .bind(role.as_str())
        .bind(&me.organization_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    if owners(&mut tx, &me.organization_id).await? == 0 {
        return Err(AppError::Conflict { code: "last_owner".into(), message: "an organisation needs an owner".into() });
    }
    tx.commit().await.map_err(internal)
}

/// Removes a member; their sessions in this organisation end at once.
pub async fn remove(db: &Db, me: &Me, user_id: &str) -> Result<(), AppError> {
    let current = role_of(db, &me.organization_id, user_id).await?;
    if !may_manage(me.role, current) {
        return Err(forbidden(&format!("your role ({}) cannot remove this member", me.role.as_str())));
    }
    let mut tx = db.begin_write().await.map_err(internal)?;
    sqlx::query("DELETE FROM memberships WHERE organization_id = $1 AND user_id = $2")
        .bind(&me.organization_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    if owners(&mut tx, &me.organization_id).await? == 0 {
        return Err(AppError::Conflict { code: "last_owner".into(), message: "an organisation needs an owner".into() });
    }
    sqlx::query("DELETE FROM sessions WHERE organization_id = $1 AND user_id = $2")
        .bind(&me.organization_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)
}

pub async fn revoke_invite(db: &Db, me: &Me, id: &str) -> Result<(), AppError> {
    if !may_manage(me.role, Role::Viewer) {
        return Err(forbidden("your role (viewer) cannot change anything"));
    }
    sqlx::query("DELETE FROM member_invitations WHERE organization_id = $1 AND id = $2 AND accepted_at IS NULL")
        .bind(&me.organization_id)
        .bind(id)
        .execute(db.pool())
        .await
        .map_err(internal)?;
    Ok(())
}
