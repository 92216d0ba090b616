//! Members of an organisation and their roles: inviting by email, joining,
//! changing roles, removing. Only owners and admins manage members; an
//! organisation always keeps at least one owner.
//!
//! An invitation's link goes to the invitee's address by email (through the
//! operator's mail server, see `account_emails`) and is never shown to the
//! inviter, so an account is only ever opened by someone who controls the
//! address. An address that already has an account joins by signing in to
//! it: no password is checked here at all.

use crate::backend::auth::session::{hex_sha256, SessionToken};
use crate::backend::auth::{secrets, session, ClientInfo};
use crate::backend::db::{internal, is_unique_violation, new_id, now_ms, to_datetime, Db};
use crate::backend::services::organization::account_emails::{self, AccountEmail, Delivery};
use crate::backend::services::organization::accounts::{self, SignedIn};
use crate::backend::services::organization::audit::{self, Actor};
use crate::backend::AppState;
use crate::domain::account::{check_new_password, normalize_email, Me, Role};
use crate::domain::audit::AuditAction;
use crate::domain::error::Problems;
use crate::domain::ids::IdKind;
use crate::domain::members::{may_manage, InviteSent, InviteView, Member, Members, PendingInvite, MAX_INVITES_PER_DAY};
use crate::domain::AppError;
use base64::Engine;
use serde_json::json;
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
    .await?;
    let members = rows
        .iter()
        .map(|r| {
            let role: String = r.try_get("role")?;
            Ok(Member {
                user_id: r.try_get("id")?,
                email: r.try_get("email")?,
                role: Role::parse(&role).ok_or_else(|| internal(format!("bad role {role}")))?,
                joined_at: to_datetime(r.try_get("created_at")?),
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
    .await?;
    let pending = rows.iter().map(pending_from_row).collect::<Result<_, _>>()?;
    Ok(Members { members, pending })
}

fn pending_from_row(r: &sqlx::any::AnyRow) -> Result<PendingInvite, AppError> {
    let role: String = r.try_get("role")?;
    Ok(PendingInvite {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        role: Role::parse(&role).ok_or_else(|| internal(format!("bad role {role}")))?,
        created_at: to_datetime(r.try_get("created_at")?),
        expires_at: to_datetime(r.try_get("expires_at")?),
    })
}

/// Invites `email` with `role` and emails them the link (a newer invitation
/// to the same address replaces an older one).
pub async fn invite(state: &AppState, me: &Me, actor: &Actor, email: &str, role: Role) -> Result<InviteSent, AppError> {
    let db = &state.db;
    if !may_manage(me.role, role) {
        return Err(forbidden(&format!("your role ({}) cannot invite an {}", me.role.as_str(), role.as_str())));
    }
    let email = normalize_email(email);
    if !crate::domain::answers::looks_like_email(&email) {
        return Err(AppError::field("email", "must be an email address"));
    }
    let already: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) AS n FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organization_id = $1 AND u.email = $2",
    )
    .bind(&me.organization_id)
    .bind(&email)
    .fetch_one(db.pool())
    .await?;
    if already > 0 {
        return Err(AppError::field("email", "is already a member"));
    }
    let now = now_ms();
    // Invitations go out through the operator's mail server: bounded per organisation.
    let sent_today: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) AS n FROM member_invitations WHERE organization_id = $1 AND created_at > $2",
    )
    .bind(&me.organization_id)
    .bind(now - 24 * 3600 * 1000)
    .fetch_one(db.pool())
    .await?;
    if sent_today >= MAX_INVITES_PER_DAY {
        return Err(AppError::QuotaExceeded {
            quota: "member_invitations".into(),
            message: format!("an organisation may send {MAX_INVITES_PER_DAY} member invitations a day"),
            retry_after_secs: 3600,
        });
    }
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let id = new_id(IdKind::User).replacen("usr_", "inv_", 1);
    let mut tx = db.begin_write().await?;
    // An older link to the same address stops working (it still counts for the day's quota).
    sqlx::query(
        "UPDATE member_invitations SET expires_at = $1 WHERE organization_id = $2 AND email = $3 \
         AND accepted_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(&me.organization_id)
    .bind(&email)
    .execute(&mut *tx)
    .await?;
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
    .execute(&mut *tx)
    .await?;
    audit::record_in(
        &mut tx,
        &me.organization_id,
        actor,
        AuditAction::MemberInvited,
        audit::target("invitation", &id),
        json!({"email": email, "role": role.as_str()}),
    )
    .await?;
    tx.commit().await?;

    let link = format!("{}/join/{token}", state.config.public_url.as_str().trim_end_matches('/'));
    let message = AccountEmail {
        subject: format!("{} invites you to Vox", me.organization_name),
        paragraphs: vec![
            format!("{} invites you to join {} on Vox as {}.", me.email, me.organization_name, article_role(role)),
            "The link works once, for 7 days.".into(),
        ],
        button: format!("Join {}", me.organization_name),
        link,
        footer: "If you did not expect this invitation, ignore this email.".into(),
    };
    let delivery = match account_emails::send(state, &email, &message).await {
        Ok(delivery) => delivery,
        Err(e) => {
            // Nobody can use an invitation whose email never left.
            let removed = db.execute_write(sqlx::query("DELETE FROM member_invitations WHERE id = $1").bind(&id)).await;
            if let Err(error) = removed {
                tracing::error!(%error, "could not remove an invitation whose email failed");
            }
            return Err(e);
        }
    };
    if delivery == Delivery::Sent {
        db.execute_write(
            sqlx::query("UPDATE member_invitations SET emailed_at = $1 WHERE id = $2").bind(now).bind(&id),
        )
        .await?;
    }
    Ok(InviteSent {
        invite: PendingInvite {
            id,
            email,
            role,
            created_at: to_datetime(now),
            expires_at: to_datetime(now + INVITE_VALID_MS),
        },
        emailed: delivery == Delivery::Sent,
    })
}

fn article_role(role: Role) -> &'static str {
    match role {
        Role::Owner => "an owner",
        Role::Admin => "an admin",
        Role::Viewer => "a viewer",
    }
}

struct OpenInvite {
    id: String,
    organization_id: String,
    organization_name: String,
    email: String,
    role: Role,
}

async fn open_invite(db: &Db, token: &str) -> Result<OpenInvite, AppError> {
    let row = sqlx::query(
        "SELECT i.id, i.organization_id, i.email, i.role, o.name FROM member_invitations i \
         JOIN organizations o ON o.id = i.organization_id \
         WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > $2",
    )
    .bind(hex_sha256(token.trim().as_bytes()))
    .bind(now_ms())
    .fetch_optional(db.pool())
    .await?
    .ok_or_else(|| AppError::not_found("invitation"))?;
    let role: String = row.try_get("role")?;
    Ok(OpenInvite {
        id: row.try_get("id")?,
        organization_id: row.try_get("organization_id")?,
        organization_name: row.try_get("name")?,
        email: row.try_get("email")?,
        role: Role::parse(&role).ok_or_else(|| internal("bad role"))?,
    })
}

async fn account_exists(db: &Db, email: &str) -> Result<bool, AppError> {
    Ok(sqlx::query("SELECT id FROM users WHERE email = $1").bind(email).fetch_optional(db.pool()).await?.is_some())
}

/// What the join page shows before anyone types anything.
pub async fn describe_invite(db: &Db, token: &str, viewer: Option<&Me>) -> Result<InviteView, AppError> {
    let invite = open_invite(db, token).await?;
    Ok(InviteView {
        account_exists: account_exists(db, &invite.email).await?,
        organization: invite.organization_name,
        email: invite.email,
        role: invite.role,
        signed_in_as: viewer.map(|me| me.email.clone()),
    })
}

/// Joins through the link with a new account for the invited address (the
/// link came by email to it, which proves the address). Signs in.
pub async fn accept_with_new_account(
    state: &AppState,
    token: &str,
    password: String,
    client: &ClientInfo,
) -> Result<SignedIn, AppError> {
    let db = &state.db;
    let invite = open_invite(db, token).await?;
    if account_exists(db, &invite.email).await? {
        return Err(AppError::Conflict {
            code: "account_exists".into(),
            message: format!("{} has a Vox account: sign in to it to join", invite.email),
        });
    }
    let mut problems = Problems::default();
    check_new_password(&mut problems, "password", &password);
    problems.into_result()?;
    let user_id = new_id(IdKind::User);
    let hash = secrets::hash_password(password).await?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    claim(&mut tx, &invite.id, now).await?;
    let inserted = sqlx::query(
        "INSERT INTO users (id, email, password_hash, created_at, password_changed_at, email_verified_at) \
         VALUES ($1, $2, $3, $4, $4, $4)",
    )
    .bind(&user_id)
    .bind(&invite.email)
    .bind(&hash)
    .bind(now)
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::Conflict {
                code: "account_exists".into(),
                message: format!("{} has a Vox account: sign in to it to join", invite.email),
            })
        }
        other => other?,
    };
    join(&mut tx, &invite, &user_id, &client.address, now).await?;
    tx.commit().await?;
    accounts::start_session(state, &user_id, &invite.organization_id, &invite.email, client, "invitation").await
}

/// Joins through the link as the signed-in person, whose account must be the
/// invited address. Their session moves to the organisation they joined.
pub async fn accept_signed_in(
    state: &AppState,
    token: &str,
    me: &Me,
    current: &SessionToken,
    client: &ClientInfo,
) -> Result<SessionToken, AppError> {
    let db = &state.db;
    let invite = open_invite(db, token).await?;
    if invite.email != me.email {
        return Err(AppError::Forbidden {
            message: format!("this invitation is for {}; you are signed in as {}", invite.email, me.email),
        });
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    claim(&mut tx, &invite.id, now).await?;
    sqlx::query("UPDATE users SET email_verified_at = COALESCE(email_verified_at, $1) WHERE id = $2")
        .bind(now)
        .bind(&me.user_id)
        .execute(&mut *tx)
        .await?;
    join(&mut tx, &invite, &me.user_id, &client.address, now).await?;
    tx.commit().await?;
    session::destroy(db, current).await?;
    session::create(db, &me.user_id, &invite.organization_id, &client.address).await
}

/// Used once: the compare-and-set on accepted_at.
async fn claim(tx: &mut sqlx::AnyConnection, invite_id: &str, now: i64) -> Result<(), AppError> {
    let claimed = sqlx::query("UPDATE member_invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL")
        .bind(now)
        .bind(invite_id)
        .execute(&mut *tx)
        .await?;
    if claimed.rows_affected() != 1 {
        return Err(AppError::not_found("invitation"));
    }
    Ok(())
}

async fn join(
    tx: &mut sqlx::AnyConnection,
    invite: &OpenInvite,
    user_id: &str,
    address: &str,
    now: i64,
) -> Result<(), AppError> {
    let joined =
        sqlx::query("INSERT INTO memberships (organization_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&invite.organization_id)
            .bind(user_id)
            .bind(invite.role.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await;
    match joined {
        Err(e) if is_unique_violation(&e) => return Err(AppError::field("email", "is already a member")),
        other => other?,
    };
    audit::record_in(
        tx,
        &invite.organization_id,
        &Actor::member(user_id, address),
        AuditAction::MemberJoined,
        audit::target("member", user_id),
        json!({"role": invite.role.as_str(), "invitation": invite.id}),
    )
    .await
}

async fn role_of(db: &Db, org_id: &str, user_id: &str) -> Result<Role, AppError> {
    let row = sqlx::query("SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| AppError::not_found("member"))?;
    let role: String = row.try_get("role")?;
    Role::parse(&role).ok_or_else(|| internal("bad role"))
}

async fn owners(tx: &mut sqlx::AnyConnection, org_id: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) AS n FROM memberships WHERE organization_id = $1 AND role = 'owner'")
        .bind(org_id)
        .fetch_one(&mut *tx)
        .await?)
}

/// Changes a member's role; their API tokens follow at once (capped by the new role).
pub async fn change_role(state: &AppState, me: &Me, actor: &Actor, user_id: &str, role: Role) -> Result<(), AppError> {
    let db = &state.db;
    let current = role_of(db, &me.organization_id, user_id).await?;
    if !may_manage(me.role, current) || !may_manage(me.role, role) {
        return Err(forbidden(&format!("your role ({}) cannot make this change", me.role.as_str())));
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE memberships SET role = $1 WHERE organization_id = $2 AND user_id = $3")
        .bind(role.as_str())
        .bind(&me.organization_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if owners(&mut tx, &me.organization_id).await? == 0 {
        return Err(AppError::Conflict { code: "last_owner".into(), message: "an organisation needs an owner".into() });
    }
    // A viewer cannot work on cases: theirs go back to the team.
    let queued = if role == Role::Viewer {
        crate::backend::services::cases::unassign_member(&mut tx, &me.organization_id, user_id, Some(&me.user_id))
            .await?
    } else {
        0
    };
    audit::record_in(
        &mut tx,
        &me.organization_id,
        actor,
        AuditAction::MemberRoleChanged,
        audit::target("member", user_id),
        json!({"from": current.as_str(), "to": role.as_str()}),
    )
    .await?;
    tx.commit().await?;
    if queued > 0 {
        state.webhook_wakeup.notify_one();
    }
    state.tokens.refresh_now(db).await;
    Ok(())
}

/// Removes a member; their sessions in this organisation end and their API
/// tokens stop working at once.
pub async fn remove(state: &AppState, me: &Me, actor: &Actor, user_id: &str) -> Result<(), AppError> {
    let db = &state.db;
    let current = role_of(db, &me.organization_id, user_id).await?;
    if !may_manage(me.role, current) {
        return Err(forbidden(&format!("your role ({}) cannot remove this member", me.role.as_str())));
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM memberships WHERE organization_id = $1 AND user_id = $2")
        .bind(&me.organization_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if owners(&mut tx, &me.organization_id).await? == 0 {
        return Err(AppError::Conflict { code: "last_owner".into(), message: "an organisation needs an owner".into() });
    }
    sqlx::query("DELETE FROM sessions WHERE organization_id = $1 AND user_id = $2")
        .bind(&me.organization_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let queued =
        crate::backend::services::cases::unassign_member(&mut tx, &me.organization_id, user_id, Some(&me.user_id))
            .await?;
    audit::record_in(
        &mut tx,
        &me.organization_id,
        actor,
        AuditAction::MemberRemoved,
        audit::target("member", user_id),
        json!({"role": current.as_str()}),
    )
    .await?;
    tx.commit().await?;
    if queued > 0 {
        state.webhook_wakeup.notify_one();
    }
    state.tokens.refresh_now(db).await;
    Ok(())
}

pub async fn revoke_invite(db: &Db, me: &Me, actor: &Actor, id: &str) -> Result<(), AppError> {
    if !may_manage(me.role, Role::Viewer) {
        return Err(forbidden("your role (viewer) cannot change anything"));
    }
    let mut tx = db.begin_write().await?;
    let done =
        sqlx::query("DELETE FROM member_invitations WHERE organization_id = $1 AND id = $2 AND accepted_at IS NULL")
            .bind(&me.organization_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() > 0 {
        audit::record_in(
            &mut tx,
            &me.organization_id,
            actor,
            AuditAction::MemberInvitationRevoked,
            audit::target("invitation", id),
            json!({}),
        )
        .await?;
    }
    Ok(tx.commit().await?)
}
