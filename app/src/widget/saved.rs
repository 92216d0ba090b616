//! A response in progress, kept in the visitor's browser (localStorage) so a
//! reload continues where they were instead of starting over. It holds the
//! response's id and its write token, the answers so far and the step.

use super::form::Draft;
use super::json::{self, object};
use crate::domain::answers::Answers;
use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
pub struct Kept {
    pub draft: Draft,
    pub answers: Answers,
    pub current: String,
}

// Written and read by hand rather than with serde's derives: they would cost
// the widget's wasm more than these few lines. (Only the browser keeps one.)
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
impl Kept {
    fn to_json(&self) -> String {
        let draft = object([("id", self.draft.id.clone().into()), ("token", self.draft.token.clone().into())]);
        json::stringify(&object([
            ("draft", draft),
            ("answers", Value::Object(self.answers.clone())),
            ("current", self.current.clone().into()),
        ]))
    }

    fn from_json(text: &str) -> Option<Kept> {
        let value = json::parse(text)?;
        let text = |v: &Value| v.as_str().map(str::to_string);
        Some(Kept {
            draft: Draft { id: text(&value["draft"]["id"])?, token: text(&value["draft"]["token"])? },
            answers: value.get("answers")?.as_object()?.clone(),
            current: text(&value["current"])?,
        })
    }
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
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
    Kept::from_json(&text)
}

#[cfg(feature = "hydrate")]
pub fn store(survey_id: &str, kept: &Kept) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(&key(survey_id), &kept.to_json());
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
pub fn store(_survey_id: &str, _kept: &Kept) {}

#[cfg(not(feature = "hydrate"))]
pub fn clear(_survey_id: &str) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_response_reads_back_unchanged() {
        let kept = Kept {
            draft: Draft { id: "rsp_1".into(), token: "t".into() },
            answers: serde_json::json!({"q1": 9, "q2": ["a", "b"], "q3": "fine"}).as_object().cloned().unwrap(),
            current: "q4".into(),
        };
        assert_eq!(Kept::from_json(&kept.to_json()), Some(kept));
        assert_eq!(Kept::from_json("{\"draft\": {}}"), None);
    }
}
