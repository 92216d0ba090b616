//! Encryption at rest for secrets Vox must be able to read back (webhook
//! signing secrets): AES-256-GCM with a key derived from the server secret,
//! a fresh random nonce per value, stored as base64(nonce ‖ ciphertext).

use super::keys::Keys;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;

const PURPOSE: &str = "webhook-secrets-aes256gcm";

#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl SecretBox {
    pub fn new(keys: &Keys) -> Self {
        SecretBox { cipher: Aes256Gcm::new(&keys.derive(PURPOSE).into()) }
    }

    pub fn seal(&self, plaintext: &str) -> String {
        let nonce_bytes: [u8; 12] = rand::random();
        let ciphertext = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce_bytes), plaintext.as_bytes())
            .expect("AES-GCM encryption of a short secret cannot fail");
        let mut out = nonce_bytes.to_vec();
        out.extend(ciphertext);
        base64::engine::general_purpose::STANDARD.encode(out)
    }

    /// `None` when the value was not sealed with this server's key.
    pub fn open(&self, sealed: &str) -> Option<String> {
        let bytes = base64::engine::general_purpose::STANDARD.decode(sealed).ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let plaintext = self.cipher.decrypt(Nonce::from_slice(nonce), ciphertext).ok()?;
        String::from_utf8(plaintext).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_and_never_repeats() {
        let b = SecretBox::new(&Keys::from_secret(b"0123456789abcdef0123456789abcdef"));
        let a1 = b.seal("whsec_abc");
        let a2 = b.seal("whsec_abc");
        assert_ne!(a1, a2, "fresh nonce each time");
        assert!(!a1.contains("whsec"));
        assert_eq!(b.open(&a1).as_deref(), Some("whsec_abc"));
        let other = SecretBox::new(&Keys::from_secret(b"another key material, 32 bytes!!"));
        assert_eq!(other.open(&a1), None);
        assert_eq!(b.open("garbage"), None);
    }
}
