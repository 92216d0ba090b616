//! Argon2id password hashing (OWASP's recommended parameters, which are the
//! argon2 crate's defaults: 19 MiB, 2 passes, 1 lane). Hashing is deliberately
//! slow, so it runs on the blocking pool, never on the async workers.

use crate::domain::AppError;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;
use tokio::sync::Semaphore;

/// Each hash takes ~19 MiB and a core for tens of milliseconds; bounding how
/// many run at once keeps a flood of sign-ins from exhausting memory.
fn hashing_slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Semaphore::new(cores * 2)
    })
}

pub async fn hash(password: String) -> Result<String, AppError> {
    let _slot = hashing_slots().acquire().await.map_err(super::super::db::internal)?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(super::super::db::internal)?
    .map_err(super::super::db::internal)
}

/// Verifies `password` against a stored hash. With no stored hash (unknown
/// email) it still does the same work against a fixed hash, so response time
/// does not reveal which emails have accounts.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    let _slot = hashing_slots().acquire().await.map_err(super::super::db::internal)?;
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash().to_string());
        let ok = PasswordHash::new(&stored)
            .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false);
        known && ok
    })
    .await
    .map_err(super::super::db::internal)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(b"not a real password", &salt).expect("argon2 defaults are valid").to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let h = hash("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify("correct horse battery".into(), Some(h.clone())).await.unwrap());
        assert!(!verify("wrong".into(), Some(h)).await.unwrap());
        assert!(!verify("not a real password".into(), None).await.unwrap());
    }
}
