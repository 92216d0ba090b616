//! The `responseToken` a respondent gets with a new response: proof that
//! they may keep editing *that* response (answers as they go, metadata from
//! the host page). Stateless: an HMAC of the response id with a derived key.

use super::keys::Keys;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

const PURPOSE: &str = "response-token-hmac";

#[derive(Clone)]
pub struct ResponseTokens {
    key: [u8; 32],
}

impl ResponseTokens {
    pub fn new(keys: &Keys) -> Self {
        ResponseTokens { key: keys.derive(PURPOSE) }
    }

    fn mac(&self, response_id: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(response_id.as_bytes());
        mac
    }

    pub fn issue(&self, response_id: &str) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.mac(response_id).finalize().into_bytes())
    }

    /// Constant-time check that `token` was issued for `response_id`.
    pub fn verify(&self, response_id: &str, token: &str) -> bool {
        match base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token.trim()) {
            Ok(bytes) => self.mac(response_id).verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_bind_to_one_response() {
        let t = ResponseTokens::new(&Keys::from_secret(b"0123456789abcdef0123456789abcdef"));
        let token = t.issue("rsp_a");
        assert!(t.verify("rsp_a", &token));
        assert!(!t.verify("rsp_b", &token));
        assert!(!t.verify("rsp_a", "not-a-token"));
        let other = ResponseTokens::new(&Keys::from_secret(b"another key material, 32 bytes!!"));
        assert!(!other.verify("rsp_a", &token));
    }
}
