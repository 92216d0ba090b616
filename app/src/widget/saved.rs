//! A response in progress, kept in the visitor's browser (localStorage) so a
//! reload continues where they were instead of starting over. It holds the
//! response's id and its write token, the answers so far and the step.

use super::form::Draft;
use crate::domain::answers::Answers;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Kept {
    pub draft: Draft,
    pub answers: Answers,
    pub current: String,
}

fn key(survey_id: &str) -> String {
    format!("vox:response:{survey_id}")
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    // Storage can be refused (private modes, sandboxed frames): then the
    // widget simply does not resume.
    web_sys::window()?.local_storage().ok().flatten()
}

#[cfg(feature = "hydrate")]
pub fn load(survey_id: &str) -> Option<Kept> {
    let text = storage()?.get_item(&key(survey_id)).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

#[cfg(feature = "hydrate")]
pub fn store(survey_id: &str, kept: &Kept) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(kept)) {
        let _ = storage.set_item(&key(survey_id), &text);
    }
}

#[cfg(feature = "hydrate")]
pub fn clear(survey_id: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key(survey_id));
    }
}

// The server renders the first step only; nothing is kept there.
#[cfg(not(feature = "hydrate"))]
pub fn load(_survey_id: &str) -> Option<Kept> {
    None
}

#[cfg(not(feature = "hydrate"))]
pub fn store(_survey_id: &str, _kept: &Kept) {
    let _ = key;
}

#[cfg(not(feature = "hydrate"))]
pub fn clear(_survey_id: &str) {}
