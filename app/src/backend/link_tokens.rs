//! Tokens inside links sent by email: the personal survey link (`?i=…`) and
//! the unsubscribe link. `<id>.<HMAC of the id>`: unguessable, bound to one
//! invitation or contact, and nothing to store or leak from the database.

use super::keys::Keys;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Only the first 16 bytes of the MAC travel: 128 bits is plenty against guessing, and links stay short.
const MAC_BYTES: usize = 16;

#[derive(Clone)]
pub struct LinkTokens {
    key: [u8; 32],
}

impl LinkTokens {
    /// `purpose` separates the kinds of link: an invitation token never opens an unsubscribe page.
    pub fn new(keys: &Keys, purpose: &str) -> Self {
        LinkTokens { key: keys.derive(purpose) }
    }

    fn mac(&self, id: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(id.as_bytes());
        mac
    }

    pub fn issue(&self, id: &str) -> String {
        let tag = self.mac(id).finalize().into_bytes();
        format!("{id}.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&tag[..MAC_BYTES]))
    }

    /// The id a genuine token names; `None` for anything forged or damaged.
    pub fn open(&self, token: &str) -> Option<String> {
        let (id, tag) = token.trim().rsplit_once('.')?;
        let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(tag).ok()?;
        self.mac(id).verify_truncated_left(&tag).ok()?;
        (tag.len() == MAC_BYTES).then(|| id.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_open_only_for_their_purpose_and_id() {
        let keys = Keys::from_secret(b"0123456789abcdef0123456789abcdef");
        let invitations = LinkTokens::new(&keys, "invitation-link");
        let unsubscribe = LinkTokens::new(&keys, "unsubscribe-link");
        let token = invitations.issue("inv_abc");
        assert_eq!(invitations.open(&token).as_deref(), Some("inv_abc"));
        assert_eq!(unsubscribe.open(&token), None);
        assert_eq!(invitations.open(&token.replace("inv_abc", "inv_abd")), None);
        assert_eq!(invitations.open("inv_abc"), None);
        assert_eq!(invitations.open("inv_abc.AAAA"), None);
        let short = &token[..token.len() - 4];
        assert_eq!(invitations.open(short), None);
    }
}
