//! Escaping for the few pages and emails the server writes as plain HTML
//! strings (Leptos views escape on their own).

/// Text made safe for HTML element content and double-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The Content-Security-Policy of the app's own pages (dashboard, sign-in,
/// join): scripts only from this site, or inline with this response's nonce
/// (Leptos's hydration and streaming scripts carry it); wasm may be compiled;
/// nothing may frame them. Styles may be inline (Leptos sets style attributes);
/// images may come from https (survey logos in the builder's preview).
/// `dev_reload` is the live-reload socket of `cargo leptos watch`.
pub fn app_page_policy(nonce: &str, dev_reload: Option<&str>) -> String {
    let reload = dev_reload.map(|url| format!(" {url}")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: https:; connect-src 'self'{reload}; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// What every other answer of ours carries (API answers, the API reference,
/// assets): no scripts but our own files, and never framed.
pub const FALLBACK_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data: https:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

#[cfg(test)]
mod tests {
    #[test]
    fn page_policy_names_the_nonce_and_forbids_framing() {
        let p = super::app_page_policy("abc123", None);
        let script = p.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
        assert_eq!(script.trim(), "script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'");
        assert!(!p.contains("'unsafe-eval'"), "{p}");
        assert!(p.contains("frame-ancestors 'none'"), "{p}");
        let dev = super::app_page_policy("n", Some("ws://127.0.0.1:3001"));
        assert!(dev.contains("connect-src 'self' ws://127.0.0.1:3001;"), "{dev}");
        assert!(super::FALLBACK_POLICY.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn markup_becomes_text() {
        assert_eq!(super::escape(r#"<b a="1">'&'</b>"#), "&lt;b a=&quot;1&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;");
    }
}
