//! Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1,
//! 30-second steps, 6 digits, as every authenticator app expects. A code is
//! accepted for the step before and after the current one (clock drift), and
//! only for a step later than the last one used, so a code works once.

use hmac::{Hmac, Mac};
use sha1::Sha1;

pub const STEP_SECS: i64 = 30;
pub const DIGITS: u32 = 6;
pub const SECRET_BYTES: usize = 20;

pub fn generate_secret() -> [u8; SECRET_BYTES] {
    rand::random()
}

/// The secret as authenticator apps take it (RFC 4648 base32, no padding).
pub fn base32(secret: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(secret)
}

pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    data_encoding::BASE32_NOPAD.decode(text.trim().to_ascii_uppercase().as_bytes()).ok()
}

/// `otpauth://totp/Vox:ada@example.com?secret=…&issuer=Vox`, for the QR code.
pub fn otpauth_url(issuer: &str, account: &str, secret: &[u8]) -> String {
    let label = format!("{issuer}:{account}");
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20");
    format!(
        "otpauth://totp/{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        enc(&label),
        base32(secret),
        enc(issuer)
    )
}

/// The code for one time step (RFC 4226 dynamic truncation).
pub fn code_at(secret: &[u8], step: i64) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&step.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[hash.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([hash[offset] & 0x7f, hash[offset + 1], hash[offset + 2], hash[offset + 3]]);
    binary % 10u32.pow(DIGITS)
}

pub fn step_of(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS)
}

/// The step a code matches (current ±1), if it is later than `last_used`.
pub fn matching_step(secret: &[u8], code: &str, unix_secs: i64, last_used: Option<i64>) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let wanted: u32 = code.parse().ok()?;
    let now = step_of(unix_secs);
    [now - 1, now, now + 1]
        .into_iter()
        .filter(|step| last_used.is_none_or(|last| *step > last))
        .find(|step| code_at(secret, *step) == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (8 digits there; the last 6 here).
    #[test]
    fn rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, code8) in [
            (59, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(code_at(secret, step_of(time)), code8 % 1_000_000, "time {time}");
        }
    }

    #[test]
    fn a_code_matches_nearby_steps_once() {
        let secret = generate_secret();
        let now = 1_800_000_000;
        let code = format!("{:06}", code_at(&secret, step_of(now)));
        let step = matching_step(&secret, &code, now, None).unwrap();
        assert_eq!(step, step_of(now));
        assert_eq!(matching_step(&secret, &code, now + 30, None), Some(step), "a step of drift");
        assert_eq!(matching_step(&secret, &code, now + 90, None), None, "too old");
        assert_eq!(matching_step(&secret, &code, now, Some(step)), None, "used already");
        assert_eq!(matching_step(&secret, "12345", now, None), None);
        assert_eq!(matching_step(&secret, "abcdef", now, None), None);
    }

    #[test]
    fn base32_round_trip_and_url() {
        let secret = generate_secret();
        assert_eq!(from_base32(&base32(&secret).to_lowercase()).unwrap(), secret.to_vec());
        let url = otpauth_url("Vox", "ada@example.com", &secret);
        assert!(url.starts_with("otpauth://totp/Vox%3Aada%40example.com?secret="), "{url}");
        assert!(url.contains("&issuer=Vox"));
    }
}
