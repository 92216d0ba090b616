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
