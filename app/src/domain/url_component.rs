//! Text put into a URL as one component (a query value, a path segment):
//! RFC 3986 percent-encoding of everything but its unreserved characters.

/// `Ana & Bo` → `Ana%20%26%20Bo`; non-ASCII text as its UTF-8 bytes.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_unreserved_characters_stay() {
        assert_eq!(super::encode("a-b.c_d~e"), "a-b.c_d~e");
        assert_eq!(super::encode("Ana & Bo/?=#"), "Ana%20%26%20Bo%2F%3F%3D%23");
        assert_eq!(super::encode("δ"), "%CE%B4");
    }
}
