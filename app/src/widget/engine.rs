//! The survey's rules as the widget runs them: the walk through the logic,
//! the steps it leads through, recall, reading the form and checking a
//! step's answers (the same `domain` functions the server decides by).
//!
//! The widget reaches them through `Engine`, a table of functions, and never
//! calls them directly. In the every-type bundle (feature `widget-split`)
//! the table, and so all of that code, is a wasm chunk of its own
//! (`split_vox_rules.wasm`) that the page fetches as soon as it has hydrated:
//! the first load carries only what renders and hydrates the form. Until the
//! chunk has arrived (and for good if it cannot be fetched) the form stays
//! the server's plain one, whole and answerable, as without JavaScript.
//! Everywhere else the table is a constant and the compiler calls straight
//! through it.

use crate::domain::answers::{self, Answers};
use crate::domain::i18n::Messages;
use crate::domain::logic::{prune_unasked, walk, Surroundings, Variable, Walk};
#[cfg(not(feature = "widget-classic"))]
use crate::domain::recall::{render, render_url, RecallSources};
use crate::domain::survey::{other_key, Question, QuestionKind};
use crate::domain::survey_pages::Page;
use crate::domain::validation_rules::broken_rule;
use crate::domain::AppError;

/// What the logic reads besides the answers.
#[derive(Clone, Copy)]
pub struct Rules<'a> {
    pub questions: &'a [Question],
    pub variables: &'a [Variable],
    pub pages: &'a [Page],
}

pub struct Engine {
    /// The way the answers lead (`logic::walk`); with `until`, up to that question's step.
    pub walk: for<'a> fn(Rules<'a>, &Answers, Surroundings<'a>, Option<&str>) -> Walk,
    /// A walk's steps as question ids: a page's questions together, every other question alone.
    pub steps: fn(Rules<'_>, &Walk) -> Vec<Vec<String>>,
    /// Drops the answers of questions the walk no longer asks.
    pub prune: fn(&[Question], &Walk, &mut Answers),
    /// A text with its recalls filled in (the classic bundle has no recall).
    #[cfg(not(feature = "widget-classic"))]
    pub render: fn(&str, &RecallSources<'_>) -> String,
    /// An ending's address with its recalls filled in and encoded.
    #[cfg(not(feature = "widget-classic"))]
    pub render_url: fn(&str, &RecallSources<'_>) -> String,
    /// The answers the form's fields hold.
    pub read: fn(&[Question], &[(String, String)]) -> Answers,
    /// The problems the server would report with one question's answer.
    pub problems: fn(&[Question], &Answers, &str, bool, &'static Messages) -> Vec<(String, String)>,
}

static ENGINE: Engine = Engine {
    walk: walk_rules,
    steps,
    prune: prune_unasked,
    #[cfg(not(feature = "widget-classic"))]
    render,
    #[cfg(not(feature = "widget-classic"))]
    render_url,
    read: read_fields,
    problems: step_problems,
};

fn walk_rules<'a>(rules: Rules<'a>, given: &Answers, around: Surroundings<'a>, until: Option<&str>) -> Walk {
    walk(rules.questions, rules.variables, rules.pages, given, around, until)
}

fn read_fields(questions: &[Question], fields: &[(String, String)]) -> Answers {
    answers::from_form(questions, fields).unwrap_or_default()
}

#[cfg(not(feature = "widget-classic"))]
fn steps(rules: Rules<'_>, walked: &Walk) -> Vec<Vec<String>> {
    let grouped = crate::domain::survey_pages::group(rules.questions, rules.pages, &walked.path);
    grouped.iter().map(|step| step.iter().map(|i| rules.questions[*i].id.clone()).collect()).collect()
}

/// Classic surveys have no pages: a question is a step.
#[cfg(feature = "widget-classic")]
fn steps(rules: Rules<'_>, walked: &Walk) -> Vec<Vec<String>> {
    walked.path.iter().map(|i| vec![rules.questions[*i].id.clone()]).collect()
}

/// The errors, for one question on screen, that the server would report.
fn step_problems(
    questions: &[Question],
    given: &Answers,
    step_id: &str,
    required: bool,
    messages: &'static Messages,
) -> Vec<(String, String)> {
    let Some(question) = questions.iter().find(|q| q.id == step_id) else { return Vec::new() };
    let mut only_this = Answers::new();
    for key in [question.id.clone(), other_key(&question.id)] {
        if let Some(v) = given.get(&key) {
            only_this.insert(key, v.clone());
        }
    }
    let mut single = question.clone();
    (single.show_if, single.logic, single.required) = (None, Vec::new(), required);
    // The visitor reads the survey's language: the server's rule texts are
    // for developers (and English), so each problem gets one of the widget's own.
    let wrong = if matches!(question.kind, QuestionKind::Email) { messages.invalid_email } else { messages.invalid };
    let broken = only_this.get(&question.id).and_then(|answer| broken_rule(&question.validation, answer));
    match answers::validate(std::slice::from_ref(&single), &only_this, true) {
        Ok(()) => Vec::new(),
        Err(AppError::Validation { errors }) => errors
            .into_iter()
            .filter_map(|e| {
                let key = e.field.strip_prefix("answers.")?.to_string();
                let message = match (only_this.contains_key(&key), broken) {
                    (false, _) => messages.required.to_string(),
                    (true, Some(rule)) if key == question.id => rule.message(&question.validation, messages),
                    (true, _) => wrong.to_string(),
                };
                Some((key, message))
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Where the widget finds the engine: a handle it copies into its closures.
pub use handle::EngineHandle;

#[cfg(not(feature = "widget-split"))]
mod handle {
    use super::{Engine, ENGINE};

    /// The engine is part of this build: always there, never waited for.
    #[derive(Clone, Copy, Default)]
    pub struct EngineHandle;

    impl EngineHandle {
        pub fn new() -> Self {
            EngineHandle
        }

        pub fn get(self) -> Option<&'static Engine> {
            Some(&ENGINE)
        }

        /// Runs `ready` once the page has hydrated (an effect runs only in
        /// the browser, after hydration).
        pub fn when_ready(self, ready: impl Fn() + 'static) {
            leptos::prelude::Effect::new(move |_| ready());
        }
    }
}

#[cfg(feature = "widget-split")]
mod handle {
    use super::{Engine, ENGINE};
    use leptos::prelude::*;

    /// The engine once its chunk has arrived; reading it in a reactive
    /// closure redraws that closure when it does.
    #[derive(Clone, Copy)]
    pub struct EngineHandle(RwSignal<Option<&'static Engine>>);

    impl EngineHandle {
        pub fn new() -> Self {
            EngineHandle(RwSignal::new(None))
        }

        pub fn get(self) -> Option<&'static Engine> {
            self.0.get()
        }

        /// Starts fetching the engine's chunk, counted by
        /// `deferred::when_settled` from now on (called while hydrating), and
        /// runs `ready` once it is there; if the chunk cannot be fetched the
        /// form stays the server's plain one.
        pub fn when_ready(self, ready: impl Fn() + 'static) {
            crate::widget::deferred::preload(async move {
                let engine = load().await?;
                self.0.set(Some(engine));
                ready();
                Ok(())
            });
        }
    }

    /// The split point: everything only the table reaches is in its chunk.
    #[leptos::wasm_split::wasm_split(vox_rules, wasm_split_path = ::leptos::wasm_split, fallible)]
    fn load() -> Result<&'static Engine, leptos::wasm_split::SplitLoaderError> {
        Ok(&ENGINE)
    }
}
