//! Opaque, prefixed, unguessable identifiers (`srv_…`, `rsp_…`, …).
//! The prefix tells a reader what an id points at and lets the API refuse an
//! id of the wrong kind early.
//!
//! Records written in volume (responses, deliveries, events, invitations,
//! emails, contacts, audit entries) get time-ordered ids: the creation millisecond first,
//! then 80 random bits (74 for the UUID-style event ids, which are UUIDv7).
//! A new row's id then lands at the end of every index keyed by it, so a
//! batch of inserts dirties a few pages rather than one random page per row
//! and index, which is most of what a commit writes and syncs.

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
    Channel,
    EventType,
    InviteSetting,
    Event,
    Invitation,
    Distribution,
    Message,
    AuditEntry,
    Tag,
    Note,
    Case,
    CaseEvent,
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
            IdKind::Channel => "chl-",
            IdKind::EventType => "ety-",
            IdKind::InviteSetting => "ist-",
            IdKind::Event => "evt-",
            IdKind::Invitation => "inv_",
            IdKind::Distribution => "dst_",
            IdKind::Message => "msg_",
            IdKind::AuditEntry => "aud_",
            IdKind::Tag => "tag_",
            IdKind::Note => "nte_",
            IdKind::Case => "cas_",
            IdKind::CaseEvent => "cev_",
        }
    }

    /// Written in volume: ids that start with their creation time (see the module comment).
    pub fn is_time_ordered(self) -> bool {
        matches!(
            self,
            IdKind::Response
                | IdKind::Delivery
                | IdKind::Event
                | IdKind::Invitation
                | IdKind::Message
                | IdKind::AuditEntry
                | IdKind::Contact
                | IdKind::CaseEvent
        )
    }

    /// The Events Router family keeps eTrusted's documented shape
    /// (`ety-dff2efe0-3903-47e0-bc35-501fd10a5509`): a prefix and a UUID.
    pub fn is_uuid_style(self) -> bool {
        matches!(self, IdKind::Channel | IdKind::EventType | IdKind::InviteSetting | IdKind::Event)
    }
}

/// 16 random bytes as a version-4 UUID in its usual lowercase text form.
pub fn format_uuid_v4(bytes: [u8; 16]) -> String {
    format_uuid(bytes, 4)
}

/// The 16 bytes of a time-ordered id: `unix_ms` (48 bits, big-endian) then
/// 10 random bytes. As a UUID (version 7) or in base32 it sorts by time.
pub fn time_ordered_bytes(unix_ms: u64, random: [u8; 10]) -> [u8; 16] {
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&unix_ms.to_be_bytes()[2..]);
    bytes[6..].copy_from_slice(&random);
    bytes
}

/// `bytes` as a version-7 UUID (RFC 9562): [`time_ordered_bytes`] with the
/// version and variant bits set over six of the random bits.
pub fn format_uuid_v7(bytes: [u8; 16]) -> String {
    format_uuid(bytes, 7)
}

fn format_uuid(mut bytes: [u8; 16], version: u8) -> String {
    bytes[6] = (bytes[6] & 0x0f) | (version << 4);
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

fn is_uuid_text(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
        })
}

/// Length of the random part: 26 Crockford base32 characters = 130 bits.
pub const RANDOM_LEN: usize = 26;
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// Encodes 16 bytes as 26 lowercase Crockford base32 characters (in the
/// bytes' order: larger numbers give later strings).
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
    id.strip_prefix(kind.prefix()).is_some_and(|rest| {
        if kind.is_uuid_style() {
            is_uuid_text(rest)
        } else {
            rest.len() == RANDOM_LEN && rest.bytes().all(|b| ALPHABET.contains(&b))
        }
    })
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

    #[test]
    fn time_ordered_ids_sort_by_their_millisecond() {
        let (earlier, later) =
            (time_ordered_bytes(1_764_000_000_000, [0xff; 10]), time_ordered_bytes(1_764_000_000_001, [0; 10]));
        assert!(encode_random(earlier) < encode_random(later));
        assert!(format_uuid_v7(earlier) < format_uuid_v7(later));
        let id = format!("rsp_{}", encode_random(later));
        assert!(is_valid(IdKind::Response, &id));
        let uuid = format_uuid_v7(earlier);
        assert_eq!(&uuid[14..15], "7");
        assert!(is_valid(IdKind::Event, &format!("evt-{uuid}")));
        // The same millisecond still gives different ids.
        assert_ne!(time_ordered_bytes(5, [1; 10]), time_ordered_bytes(5, [2; 10]));
    }

    #[test]
    fn events_family_ids_are_prefixed_uuids() {
        let id = format!("ety-{}", format_uuid_v4([0xab; 16]));
        assert_eq!(id.len(), 4 + 36);
        assert!(is_valid(IdKind::EventType, &id));
        assert!(!is_valid(IdKind::Channel, &id));
        assert!(is_valid(IdKind::EventType, "ety-dff2efe0-3903-47e0-bc35-501fd10a5509"));
        assert!(!is_valid(IdKind::EventType, "ety-dff2efe0-3903-47e0-bc35-501fd10a550"));
    }
}
