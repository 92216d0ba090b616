//! Sign-up, sign-in (with its second-factor step) and sign-out.

use crate::backend::auth::secrets::{self, SecondFactor};
use crate::backend::auth::throttle::Subject;
use crate::backend::auth::{session, ClientInfo, SessionToken};
use crate::backend::db::{is_unique_violation, new_id, now_ms, Db};
use crate::backend::services::organization::audit::{self, Actor};
use crate::backend::services::organization::email_confirmation;
use crate::backend::AppState;
use crate::domain::account::{normalize_email, LoginInput, Me, Role, SecondFactorInput, SignupInput};
use crate::domain::audit::AuditAction;
use crate::domain::ids::IdKind;
use crate::domain::AppError;
use serde_json::json;
use sqlx::Row;

/// How long the ticket between the password and the second factor lasts.
const TICKET_VALID_MS: i64 = 5 * 60 * 1000;

/// A finished sign-in: the session, and the device cookie that tells the
/// throttle this browser is the owner's from now on.
pub struct SignedIn {
    pub me: Me,
    pub session: SessionToken,
    /// A `Set-Cookie` value.
    pub device_cookie: String,
}

pub enum SignIn {
    Done(SignedIn),
    /// The password was right; the account wants a second factor next.
    SecondFactor {
        ticket: String,
    },
}

/// The throttle's view of a sign-in to `email` from `client`.
pub fn subject(state: &AppState, email: &str, client: &ClientInfo) -> Subject {
    Subject {
        email: email.to_string(),
        address: client.address.clone(),
        trusted_device: state.device_trust.trusts(client.device_cookie.as_deref(), email),
    }
}

/// Creates a user, their organisation (they own it) and a first session.
pub async fn signup(state: &AppState, input: SignupInput, client: &ClientInfo) -> Result<SignedIn, AppError> {
    input.validate()?;
    let db = &state.db;
    let email = normalize_email(&input.email);
    let password_hash = secrets::hash_password(input.password).await?;
    let org_id = new_id(IdKind::Organization);
    let user_id = new_id(IdKind::User);
    let org_name = input.organization_name.trim().to_string();
    let now = now_ms();

    let mut tx = db.begin_write().await?;
    let inserted = sqlx::query(
        "INSERT INTO users (id, email, password_hash, created_at, password_changed_at) VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(&user_id)
    .bind(&email)
    .bind(&password_hash)
    .bind(now)
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::Conflict {
                code: "email_taken".into(),
                message: "an account with this email already exists: sign in, or reset its password".into(),
            })
        }
        other => other?,
    };
    sqlx::query("INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)")
        .bind(&org_id)
        .bind(&org_name)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO memberships (organization_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)")
        .bind(&org_id)
        .bind(&user_id)
        .bind(Role::Owner.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    email_confirmation::send_after_sign_up(state, &user_id, &email);
    start_session(state, &user_id, &org_id, &email, client, "sign_up").await
}

/// Checks the password (behind the throttle). Without two-factor sign-in the
/// session starts in the user's first organisation; with it, a ticket for
/// the second step comes back instead. Wrong email and wrong password give
/// the same answer, in the same time.
pub async fn login(state: &AppState, input: LoginInput, client: &ClientInfo) -> Result<SignIn, AppError> {
    let db = &state.db;
    let email = normalize_email(&input.email);
    if email.is_empty() || input.password.is_empty() {
        let field = if email.is_empty() { "email" } else { "password" };
        return Err(AppError::field(field, "must not be empty"));
    }
    // No account can have such an email: answer before touching the database.
    if email.len() > 254 || email.chars().any(char::is_control) || input.password.len() > 1024 {
        return Err(AppError::Unauthorized);
    }
    let user = sqlx::query("SELECT id, password_hash, totp_enabled_at FROM users WHERE email = $1")
        .bind(&email)
        .fetch_optional(db.pool())
        .await?;
    let stored = user.as_ref().map(|r| r.try_get::<String, _>("password_hash")).transpose()?;
    let user_id = user.as_ref().map(|r| r.try_get::<String, _>("id")).transpose()?;
    let subject = subject(state, &email, client);
    if !secrets::check_password(db, &subject, stored, input.password).await? {
        if let Some(user_id) = &user_id {
            let actor = Actor { user_id: Some(user_id.clone()), token_id: None, address: Some(client.address.clone()) };
            audit::record_for_user(db, user_id, &actor, AuditAction::SignInFailed, json!({"step": "password"})).await;
        }
        return Err(AppError::Unauthorized);
    }
    let user = user.expect("a password matched, so the account exists");
    let user_id: String = user.try_get("id")?;
    let two_factor: Option<i64> = user.try_get("totp_enabled_at")?;
    if two_factor.is_some() {
        let ticket = state.sign_in_tickets.issue(&format!("{user_id}~{}", now_ms() + TICKET_VALID_MS));
        return Ok(SignIn::SecondFactor { ticket });
    }
    let org_id = first_organization(db, &user_id).await?;
    Ok(SignIn::Done(start_session(state, &user_id, &org_id, &email, client, "password").await?))
}

/// The second step: an authenticator code or a recovery code, behind the
/// same throttle as the password.
pub async fn login_second_factor(
    state: &AppState,
    input: SecondFactorInput,
    client: &ClientInfo,
) -> Result<SignedIn, AppError> {
    let db = &state.db;
    let opened = state.sign_in_tickets.open(&input.ticket).ok_or(AppError::Unauthorized)?;
    let (user_id, expires) = opened.split_once('~').ok_or(AppError::Unauthorized)?;
    if expires.parse::<i64>().map_or(true, |t| t < now_ms()) {
        return Err(AppError::BadRequest {
            code: "ticket_expired".into(),
            message: "the sign-in took too long: enter your password again".into(),
        });
    }
    let email: String = sqlx::query("SELECT email FROM users WHERE id = $1 AND totp_enabled_at IS NOT NULL")
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::Unauthorized)?
        .try_get("email")?;
    let subject = subject(state, &email, client);
    let method = match secrets::check_second_factor(db, &state.secrets, &subject, user_id, &input.code).await? {
        Some(SecondFactor::Authenticator) => "authenticator",
        Some(SecondFactor::RecoveryCode) => "recovery_code",
        None => {
            let actor = Actor { user_id: Some(user_id.into()), token_id: None, address: Some(client.address.clone()) };
            audit::record_for_user(db, user_id, &actor, AuditAction::SignInFailed, json!({"step": "second_factor"}))
                .await;
            return Err(AppError::Unauthorized);
        }
    };
    let org_id = first_organization(db, user_id).await?;
    start_session(state, user_id, &org_id, &email, client, method).await
}

async fn first_organization(db: &Db, user_id: &str) -> Result<String, AppError> {
    let found =
        sqlx::query_scalar("SELECT organization_id FROM memberships WHERE user_id = $1 ORDER BY created_at LIMIT 1")
            .bind(user_id)
            .fetch_optional(db.pool())
            .await?;
    match found {
        Some(org_id) => Ok(org_id),
        None => Err(AppError::Forbidden {
            message: "this account is no longer a member of any organisation; ask for an invitation".into(),
        }),
    }
}

/// Opens a session in `org_id`, records the sign-in and trusts the browser.
pub async fn start_session(
    state: &AppState,
    user_id: &str,
    org_id: &str,
    email: &str,
    client: &ClientInfo,
    method: &str,
) -> Result<SignedIn, AppError> {
    let session = session::create(&state.db, user_id, org_id, &client.address).await?;
    let actor = Actor::member(user_id, &client.address);
    audit::record(
        &state.db,
        org_id,
        &actor,
        AuditAction::SignInSucceeded,
        audit::target("user", user_id),
        json!({"method": method}),
    )
    .await;
    let me = session::resolve(&state.db, &session).await?.ok_or(AppError::Internal)?;
    let device_cookie =
        state.device_trust.cookie_after_sign_in(client.device_cookie.as_deref(), email, state.config.secure_cookies());
    Ok(SignedIn { me, session, device_cookie })
}

pub async fn logout(db: &Db, token: &SessionToken) -> Result<(), AppError> {
    session::destroy(db, token).await
}
