//! Opaque, prefixed, never-sequential identifiers (`srv_…`, `rsp_…`, …).
//! The prefix tells a reader what an id points at and lets the API refuse an
//! id of the wrong kind early.

/// The kinds of id Vox hands out, with their prefixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    Organization,
    User,
    Survey,
    Response,
    Token,
    WebhookEndpoint,
    Delivery,
    Contact,
}

impl IdKind {
    pub fn prefix(self) -> &'static str {
        match self {
            IdKind::Organization => "org_",
            IdKind::User => "usr_",
            IdKind::Survey => "srv_",
            IdKind::Response => "rsp_",
            IdKind::Token => "tok_",
            IdKind::WebhookEndpoint => "whe_",
            IdKind::Delivery => "del_",
            IdKind::Contact => "con_",
        }
    }
}

/// Length of the random part: 26 Crockford base32 characters = 130 bits.
pub const RANDOM_LEN: usize = 26;
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// Encodes 16 random bytes as 26 lowercase Crockford base32 characters.
pub fn encode_random(bytes: [u8; 16]) -> String {
    let mut value = u128::from_be_bytes(bytes);
    let mut out = [0u8; RANDOM_LEN];
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(value & 31) as usize];
        value >>= 5;
    }
    String::from_utf8(out.to_vec()).expect("alphabet is ASCII")
}

/// True when `id` has the kind's prefix followed by a well-formed random part.
/// Used to answer 404 early for ids that cannot exist.
pub fn is_valid(kind: IdKind, id: &str) -> bool {
    id.strip_prefix(kind.prefix())
        .is_some_and(|rest| rest.len() == RANDOM_LEN && rest.bytes().all(|b| ALPHABET.contains(&b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_to_fixed_length_lowercase() {
        let id = encode_random([0xff; 16]);
        assert_eq!(id.len(), RANDOM_LEN);
        assert!(id.bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(encode_random([0; 16]), encode_random([1; 16]));
    }

    #[test]
    fn validates_prefix_and_body() {
        let id = format!("srv_{}", encode_random([7; 16]));
        assert!(is_valid(IdKind::Survey, &id));
        assert!(!is_valid(IdKind::Response, &id));
        assert!(!is_valid(IdKind::Survey, "srv_short"));
        assert!(!is_valid(IdKind::Survey, &id.to_uppercase()));
    }
}
