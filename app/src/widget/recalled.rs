//! Texts that recall answers (`{{q1|friend}}`, see `domain::recall`), kept up
//! to date as the visitor answers. A text that recalls nothing never reads
//! the answers, so it is not redrawn when they change.

use super::engine::EngineHandle;
use crate::domain::answers::Answers;
#[cfg(not(feature = "widget-classic"))]
use crate::domain::recall::{has_recall, RecallSources};
use crate::domain::survey::Question;
use leptos::prelude::*;
use serde_json::{Map, Value};

/// What recalled texts read: every question (for choice labels), the answers
/// so far and the hidden fields.
#[derive(Clone, Copy)]
#[cfg_attr(feature = "widget-classic", allow(dead_code))]
pub struct RecallScope {
    pub questions: StoredValue<Vec<Question>>,
    pub answers: RwSignal<Answers>,
    pub hidden_fields: StoredValue<Map<String, Value>>,
    /// What the logic has calculated so far.
    pub variables: RwSignal<Answers>,
    /// Where the renderer is (see `engine`).
    pub engine: EngineHandle,
}

/// A text as the widget shows it: plain when it recalls nothing (no closure,
/// no effect, nothing to redraw), kept up to date when it does.
#[cfg(not(feature = "widget-classic"))]
pub type RecalledText<F> = leptos::either::Either<String, F>;

impl RecallScope {
    /// `text` as the visitor reads it now.
    #[cfg(not(feature = "widget-classic"))]
    pub fn text(self, text: String) -> RecalledText<impl Fn() -> String + Send + Sync + Clone + 'static> {
        use leptos::either::Either;
        if !has_recall(&text) {
            return Either::Left(text);
        }
        Either::Right(move || self.render(&text))
    }

    /// `text` with its recalls filled in; as it came until the engine is
    /// there (hydrating keeps what the server wrote, which then stays until
    /// the engine redraws it).
    #[cfg(not(feature = "widget-classic"))]
    pub fn render(self, text: &str) -> String {
        match self.engine.get() {
            Some(engine) => self.with_sources(|sources| (engine.render)(text, sources)),
            None => text.to_string(),
        }
    }

    /// The classic bundle has no recall: surveys whose texts recall load the
    /// other one (`boot_script_url`).
    #[cfg(feature = "widget-classic")]
    pub fn text(self, text: String) -> String {
        text
    }

    /// Runs `f` with everything recalls read (tracked: a closure calling it
    /// is redrawn as the answers change).
    #[cfg(not(feature = "widget-classic"))]
    pub fn with_sources<T>(self, f: impl FnOnce(&RecallSources) -> T) -> T {
        self.questions.with_value(|questions| {
            self.hidden_fields.with_value(|hidden| {
                self.answers.with(|answers| {
                    self.variables.with(|variables| {
                        f(&RecallSources {
                            questions,
                            answers: Some(answers),
                            hidden_fields: Some(hidden),
                            variables: Some(variables),
                        })
                    })
                })
            })
        })
    }
}
