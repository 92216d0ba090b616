//! UI pieces shared by several pages.

use crate::domain::AppError;
use leptos::prelude::*;

/// An error message for people, announced to screen readers.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    view! { <p class="notice notice-error" role="alert">{error.human()}</p> }
}

/// Shows the error of a finished action, if it failed.
pub fn action_error<T: Clone + Send + Sync + 'static>(
    value: impl Fn() -> Option<Result<T, AppError>> + Send + Sync + 'static,
) -> impl IntoView {
    move || match value() {
        Some(Err(error)) => Some(view! { <ErrorNotice error/> }),
        _ => None,
    }
}

/// A date and time in a compact, sortable form.
pub fn format_time(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Percent-encodes text for a query parameter of a link.
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Puts `text` on the clipboard (a user gesture must have started this).
#[cfg(feature = "hydrate")]
pub fn copy_to_clipboard(text: &str) {
    use wasm_bindgen::JsCast;
    // navigator.clipboard.writeText(text), reached through Reflect so no
    // unstable web-sys feature is needed.
    let navigator = window().navigator();
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into()) else { return };
    let Ok(write) = js_sys::Reflect::get(&clipboard, &"writeText".into()) else { return };
    if let Ok(write) = write.dyn_into::<js_sys::Function>() {
        let _ = write.call1(&clipboard, &text.into());
    }
}

#[cfg(not(feature = "hydrate"))]
pub fn copy_to_clipboard(_text: &str) {}
