//! Sign-up, sign-in and sign-out.

use crate::backend::auth::{password, session, throttle, SessionToken};
use crate::backend::db::{internal, is_unique_violation, new_id, now_ms, Db};
use crate::domain::account::{normalize_email, LoginInput, Me, Role, SignupInput};
use crate::domain::ids::IdKind;
use crate::domain::AppError;
use sqlx::Row;

/// Creates a user, their organisation (they own it) and a first session.
pub async fn signup(db: &Db, input: SignupInput) -> Result<(Me, SessionToken), AppError> {
    input.validate()?;
    let email = normalize_email(&input.email);
    let password_hash = password::hash(input.password).await?;
    let org_id = new_id(IdKind::Organization);
    let user_id = new_id(IdKind::User);
    let org_name = input.organization_name.trim().to_string();
    let now = now_ms();

    let mut tx = db.begin_write().await.map_err(internal)?;
    let inserted = sqlx::query("INSERT INTO users (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4)")
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
                message: "an account with this email already exists".into(),
            })
        }
        other => other.map_err(internal)?,
    };
    sqlx::query("INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)")
        .bind(&org_id)
        .bind(&org_name)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    sqlx::query("INSERT INTO memberships (organization_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)")
        .bind(&org_id)
        .bind(&user_id)
        .bind(Role::Owner.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;

    let token = session::create(db, &user_id, &org_id).await?;
    let me = Me { user_id, email, organization_id: org_id, organization_name: org_name, role: Role::Owner };
    Ok((me, token))
}

/// Checks the password and starts a session in the user's first organisation.
/// Wrong email and wrong password give the same answer.
pub async fn login(db: &Db, input: LoginInput) -> Result<(Me, SessionToken), AppError> {
    let email = normalize_email(&input.email);
    if email.is_empty() || input.password.is_empty() {
        let field = if email.is_empty() { "email" } else { "password" };
        return Err(AppError::field(field, "must not be empty"));
    }
    // No account can have such an email: answer before touching the database.
    if email.len() > 254 || email.chars().any(char::is_control) || input.password.len() > 1024 {
        return Err(AppError::Unauthorized);
    }
    // The attempt is counted before the (slow) password check, so parallel
    // guesses cannot all slip through under the limit; success removes it.
    let attempt = throttle::begin_attempt(db, &email).await?;
    let row = sqlx::query(
        "SELECT u.id, u.password_hash, m.organization_id FROM users u \
         JOIN memberships m ON m.user_id = u.id WHERE u.email = $1 \
         ORDER BY m.created_at LIMIT 1",
    )
    .bind(&email)
    .fetch_optional(db.pool())
    .await
    .map_err(internal)?;
    let stored = row.as_ref().map(|r| r.try_get::<String, _>("password_hash")).transpose().map_err(internal)?;
    if !password::verify(input.password, stored).await? {
        return Err(AppError::Unauthorized);
    }
    let row = row.expect("verified against a stored hash");
    let user_id: String = row.try_get("id").map_err(internal)?;
    let org_id: String = row.try_get("organization_id").map_err(internal)?;
    throttle::succeeded(db, &email, attempt).await?;
    let token = session::create(db, &user_id, &org_id).await?;
    let me = session::resolve(db, &token).await?.ok_or(AppError::Internal)?;
    Ok((me, token))
}

pub async fn logout(db: &Db, token: &SessionToken) -> Result<(), AppError> {
    session::destroy(db, token).await
}
