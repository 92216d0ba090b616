//! The server's secret key material. One master key (from `VOX_SECRET_KEY`,
//! or generated at first start and kept beside the SQLite database, or in the
//! PostgreSQL database so every replica shares it); purpose-specific keys are
//! derived from it with HMAC-SHA256, so a key used to sign tokens is never the
//! key used to encrypt anything. Never logged.

use super::db::{Db, DbKind};
use crate::domain::AppError;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::Row;

const MIN_KEY_BYTES: usize = 32;
const SETTING_NAME: &str = "secret_key";

#[derive(Clone)]
pub struct Keys {
    master: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(…)")
    }
}

impl Keys {
    pub fn from_secret(secret: &[u8]) -> Keys {
        // Hash to a fixed size, so any sufficiently long secret works.
        let master = Hmac::<Sha256>::new_from_slice(b"vox master key")
            .expect("HMAC takes any key length")
            .chain_update(secret)
            .finalize()
            .into_bytes()
            .into();
        Keys { master }
    }

    /// A key for one purpose, e.g. `"jwt"`; different purposes never share a key.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        Hmac::<Sha256>::new_from_slice(&self.master)
            .expect("HMAC takes any key length")
            .chain_update(purpose.as_bytes())
            .finalize()
            .into_bytes()
            .into()
    }

    /// Loads the key from configuration, or the stored one, or makes one.
    pub async fn load(configured: Option<&str>, db: &Db, database_url: &str) -> Result<Keys, KeyError> {
        if let Some(secret) = configured {
            if secret.len() < MIN_KEY_BYTES {
                return Err(KeyError::TooShort);
            }
            return Ok(Keys::from_secret(secret.as_bytes()));
        }
        let secret = match db.kind() {
            DbKind::Sqlite => file_secret(database_url)?,
            DbKind::Postgres => database_secret(db).await.map_err(|_| KeyError::Database)?,
        };
        Ok(Keys::from_secret(secret.as_bytes()))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("VOX_SECRET_KEY must be at least {MIN_KEY_BYTES} bytes long")]
    TooShort,
    #[error("cannot read or create the secret key file {0}: {1}")]
    File(String, std::io::Error),
    #[error("cannot read or store the secret key in the database")]
    Database,
}

fn generate() -> String {
    base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 32]>())
}

/// `sqlite://data/vox.db` → `data/vox.secret`, created with mode 0600.
fn file_secret(database_url: &str) -> Result<String, KeyError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let db_path = database_url.trim_start_matches("sqlite:").trim_start_matches("//");
    let db_path = db_path.split('?').next().unwrap_or(db_path);
    let dir = std::path::Path::new(db_path).parent().filter(|d| !d.as_os_str().is_empty());
    let path = dir.map_or_else(|| "vox.secret".into(), |d| d.join("vox.secret"));
    let shown = path.display().to_string();
    match std::fs::read_to_string(&path) {
        Ok(text) if text.trim().len() >= MIN_KEY_BYTES => return Ok(text.trim().to_string()),
        Ok(_) => return Err(KeyError::File(shown, std::io::Error::other("file is too short"))),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(KeyError::File(shown, e)),
        Err(_) => {}
    }
    let secret = generate();
    let created = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path);
    match created {
        Ok(mut file) => {
            file.write_all(secret.as_bytes())
                .and_then(|_| file.sync_all())
                .map_err(|e| KeyError::File(shown.clone(), e))?;
            tracing::info!(path = %shown, "generated a new secret key (set VOX_SECRET_KEY to supply your own)");
            Ok(secret)
        }
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => file_secret(database_url),
        Err(e) => Err(KeyError::File(shown, e)),
    }
}

/// Shared by all replicas: the first to start inserts, everyone reads the winner.
async fn database_secret(db: &Db) -> Result<String, AppError> {
    sqlx::query("INSERT INTO instance_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
        .bind(SETTING_NAME)
        .bind(generate())
        .execute(db.pool())
        .await?;
    let row = sqlx::query("SELECT value FROM instance_settings WHERE name = $1")
        .bind(SETTING_NAME)
        .fetch_one(db.pool())
        .await?;
    Ok(row.try_get("value")?)
}

/// Hashes anonymized values with a key of the server's and the organisation
/// id, so equal values compare equal within one organisation only.
pub struct MetadataHasher {
    key: [u8; 32],
}

impl MetadataHasher {
    pub fn new(keys: &Keys) -> Self {
        MetadataHasher { key: keys.derive("metadata-anonymize") }
    }

    pub fn hash(&self, org_id: &str, key: &str, value: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("any key length");
        for part in [org_id, key, value] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        let digest: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        format!("hmac-sha256:{digest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_get_different_keys() {
        let keys = Keys::from_secret(b"0123456789abcdef0123456789abcdef");
        assert_ne!(keys.derive("jwt"), keys.derive("webhook-secrets"));
        assert_eq!(keys.derive("jwt"), Keys::from_secret(b"0123456789abcdef0123456789abcdef").derive("jwt"));
        assert_eq!(format!("{keys:?}"), "Keys(…)");
    }

    #[test]
    fn a_generated_file_key_is_reused() {
        let dir = std::env::temp_dir().join(format!("vox-keys-{}", rand::random::<u32>()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/vox.db", dir.display());
        let first = file_secret(&url).unwrap();
        assert_eq!(file_secret(&url).unwrap(), first);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("vox.secret")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
