//! Trusted devices: a browser that signed in to an account once carries a
//! tag for that account in the long-lived `vox_device` cookie. The throttle
//! slows down sign-ins to an account under a distributed attack, but not from
//! a browser its owner already used (OWASP's "device cookies"): an attacker
//! cannot lock the owner out, and cannot forge a tag (it is an HMAC of the
//! email under the server's key, and names nothing readable).

use crate::backend::keys::Keys;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const DEVICE_COOKIE: &str = "vox_device";
/// A year: the point is to remember the owner's browsers.
const MAX_AGE_SECS: i64 = 365 * 24 * 3600;
/// Accounts remembered per browser; the oldest tag goes first.
const MAX_TAGS: usize = 5;
/// 96 bits of MAC: far beyond guessing, and the cookie stays short.
const TAG_BYTES: usize = 12;

#[derive(Clone)]
pub struct DeviceTrust {
    key: [u8; 32],
}

impl DeviceTrust {
    pub fn new(keys: &Keys) -> Self {
        DeviceTrust { key: keys.derive("trusted-device") }
    }

    fn tag(&self, email: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(email.as_bytes());
        let bytes = mac.finalize().into_bytes();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes[..TAG_BYTES])
    }

    /// Whether the cookie says this browser signed in to `email` before.
    pub fn trusts(&self, cookie: Option<&str>, email: &str) -> bool {
        let Some(cookie) = cookie else { return false };
        let wanted = self.tag(email);
        cookie.split('.').any(|tag| constant_time_eq(tag.as_bytes(), wanted.as_bytes()))
    }

    /// The `Set-Cookie` value after a successful sign-in to `email`.
    pub fn cookie_after_sign_in(&self, cookie: Option<&str>, email: &str, secure: bool) -> String {
        let tag = self.tag(email);
        let mut tags: Vec<&str> =
            cookie.unwrap_or("").split('.').filter(|t| !t.is_empty() && *t != tag && t.len() < 40).collect();
        tags.push(&tag);
        let keep = tags.len().saturating_sub(MAX_TAGS);
        let value = tags[keep..].join(".");
        let secure = if secure { "; Secure" } else { "" };
        format!("{DEVICE_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={MAX_AGE_SECS}{secure}")
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trust() -> DeviceTrust {
        DeviceTrust::new(&Keys::from_secret(b"a test secret that is long enough!!"))
    }

    fn value(set_cookie: &str) -> String {
        set_cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_string()
    }

    #[test]
    fn a_signed_in_browser_is_trusted_for_that_account_only() {
        let t = trust();
        let cookie = value(&t.cookie_after_sign_in(None, "ada@example.com", true));
        assert!(t.trusts(Some(&cookie), "ada@example.com"));
        assert!(!t.trusts(Some(&cookie), "bob@example.com"));
        assert!(!t.trusts(None, "ada@example.com"));
        let other_server = DeviceTrust::new(&Keys::from_secret(b"another secret that is long enough!"));
        assert!(!other_server.trusts(Some(&cookie), "ada@example.com"));
    }

    #[test]
    fn keeps_a_few_accounts_newest_last() {
        let t = trust();
        let mut cookie: Option<String> = None;
        for i in 0..7 {
            cookie = Some(value(&t.cookie_after_sign_in(cookie.as_deref(), &format!("u{i}@example.com"), false)));
        }
        let cookie = cookie.unwrap();
        assert!(t.trusts(Some(&cookie), "u6@example.com"));
        assert!(t.trusts(Some(&cookie), "u2@example.com"));
        assert!(!t.trusts(Some(&cookie), "u1@example.com"), "the oldest tags make room");
        assert!(t.cookie_after_sign_in(None, "x@example.com", true).contains("HttpOnly"));
    }
}
