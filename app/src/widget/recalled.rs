//! Texts that recall answers (`{{q1|friend}}`, see `domain::recall`), kept up
//! to date as the visitor answers. A text that recalls nothing never reads
//! the answers, so it is not redrawn when they change.

use crate::domain::answers::Answers;
use crate::domain::question_kind::EVERY_TYPE_BUILT;
use crate::domain::recall::{has_recall, render, RecallSources};
use crate::domain::survey::Question;
use leptos::prelude::*;
use serde_json::{Map, Value};

/// What recalled texts read: every question (for choice labels), the answers
/// so far and the hidden fields.
#[derive(Clone, Copy)]
pub struct RecallScope {
    pub questions: StoredValue<Vec<Question>>,
    pub answers: RwSignal<Answers>,
    pub hidden_fields: StoredValue<Map<String, Value>>,
}

impl RecallScope {
    /// `text` as the visitor reads it now. The classic bundle has no recall:
    /// surveys whose texts recall load the other one (`boot_script_url`).
    pub fn text(self, text: String) -> impl Fn() -> String + Send + Sync + Clone + 'static {
        move || {
            if !EVERY_TYPE_BUILT || !has_recall(&text) {
                return text.clone();
            }
            self.questions.with_value(|questions| {
                self.hidden_fields.with_value(|hidden| {
                    self.answers.with(|answers| {
                        let sources = RecallSources {
                            questions,
                            answers: Some(answers),
                            hidden_fields: Some(hidden),
                            variables: None,
                        };
                        render(&text, &sources)
                    })
                })
            })
        }
    }
}
