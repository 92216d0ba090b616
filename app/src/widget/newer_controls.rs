//! The controls of the newer question types that need code of their own: a
//! number's or a date's box, a statement's button, and the labelled parts of
//! drop-downs, rankings, matrices, contact and address questions.
//!
//! In the every-type widget bundle (feature `widget-split`, see
//! `.ci/build-widget.sh`) `go_live` is a wasm split point: its code, and the
//! code of every view here, is a chunk fetched after the first load, only by
//! surveys that use such a question; `deferred::control` calls it once the
//! page has hydrated. Everywhere else (server, dashboard preview, unsplit
//! builds) `view` renders them like any other control.

use super::parts;
use super::question::shown_text;
use super::recalled::RecallScope;
use crate::domain::answers::{field_name, Answers, CLICKED};
use crate::domain::i18n::Messages;
use crate::domain::question_kind::{format_number, parse_thousandths};
use crate::domain::survey::{Question, QuestionKind};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use serde_json::Value;

/// Whether a question's control is one of these (the chunk's).
pub fn is_deferred(kind: &QuestionKind) -> bool {
    use QuestionKind as K;
    matches!(
        kind,
        K::Number { .. }
            | K::Date { .. }
            | K::Statement { .. }
            | K::Dropdown { .. }
            | K::Ranking { .. }
            | K::Matrix { .. }
            | K::ContactInfo { .. }
            | K::Address { .. }
    )
}

/// What to do once the page has hydrated: start fetching the chunk when a
/// question needs it, so that moving to the next question never waits for
/// the network (split bundle only: elsewhere the code is already there).
/// Decided before hydration, as the props are then handed over.
pub fn preloader(questions: &[Question]) -> impl FnOnce() {
    let needed = questions.iter().any(|q| is_deferred(&q.kind));
    move || {
        #[cfg(feature = "widget-split")]
        if needed {
            super::deferred::preload(preload_controls());
        }
        #[cfg(not(feature = "widget-split"))]
        let _ = needed;
    }
}

/// The control of a question whose kind `is_deferred`.
pub fn view(
    question: Question,
    answers: RwSignal<Answers>,
    recall: RecallScope,
    messages: &'static Messages,
) -> impl IntoView {
    match question.kind {
        QuestionKind::Number { .. } | QuestionKind::Date { .. } => EitherOf3::A(number_or_date(question, answers)),
        QuestionKind::Statement { button_label, button_url } => {
            EitherOf3::B(statement(question.id, button_label.zip(button_url), answers))
        }
        _ => EitherOf3::C(parts(question, answers, recall, messages)),
    }
}

/// The live state of a control brought to life by `go_live`: its event
/// handlers and effects, kept for as long as the page (dropping it would
/// detach them). Opaque, so that none of its code is outside the chunk.
#[cfg(feature = "widget-split")]
pub struct Live(#[allow(dead_code)] Box<dyn std::any::Any>);

/// Brings a control to life inside `wrapper`: hydrates the server's markup
/// there or, if the wrapper is empty, builds the control into it. One chunk
/// for all the newer types, as their views share most of their code: a chunk
/// per type carried a copy of it each, and cost more than it saved. Hydrating
/// here rather than in the main module keeps the views' types, and so all
/// their rendering code, inside the chunk.
#[cfg(feature = "widget-split")]
#[leptos::wasm_split::wasm_split(vox_controls, preload(preload_controls), wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn go_live(
    question: Question,
    answers: RwSignal<Answers>,
    recall: RecallScope,
    messages: &'static Messages,
    wrapper: web_sys::Element,
) -> Result<Live, leptos::wasm_split::SplitLoaderError> {
    use leptos::tachys::hydration::Cursor;
    use leptos::tachys::view::{Mountable, Position, PositionState, Render, RenderHtml};
    let view = view(question, answers, recall, messages);
    Ok(Live(if wrapper.first_child().is_some() {
        let cursor = Cursor::new(wrapper);
        Box::new(view.hydrate::<true>(&cursor, &PositionState::new(Position::FirstChild)))
    } else {
        let mut state = view.build();
        state.mount(&wrapper, None);
        Box::new(state)
    }))
}

/// A number's or a date's input box.
fn number_or_date(question: Question, answers: RwSignal<Answers>) -> impl IntoView {
    let qid = question.id.clone();
    let field = number_or_date_field(&question.kind);
    let input = NodeRef::<leptos::html::Input>::new();
    let shown = {
        let qid = qid.clone();
        move || answers.with(|a| shown_text(a.get(&qid)))
    };
    let number = matches!(question.kind, QuestionKind::Number { .. });
    let value = untrack(shown.clone());
    // The answer goes into the box only when the box says something else:
    // setting a number box's value, even to the same number, drops a typed
    // "12." to "12" and puts the caret first.
    Effect::new(move |_| {
        let answer = shown();
        if let Some(el) = input.get() {
            let typed = el.value();
            let same = typed == answer
                || (number
                    && parse_thousandths(&typed).is_some()
                    && parse_thousandths(&typed) == parse_thousandths(&answer));
            if !same {
                el.set_value(&answer);
            }
        }
    });
    view! {
        <input type=field.input_type name=field_name(&qid) inputmode=field.inputmode min=field.min max=field.max
            step=field.step node_ref=input aria-labelledby=format!("title-{qid}") required=question.required
            value=value/>
    }
}

/// A statement's optional button, and the hidden field that records its click.
fn statement(qid: String, button: Option<(String, String)>, answers: RwSignal<Answers>) -> impl IntoView {
    let link = button.map(|(label, url)| {
        let qid = qid.clone();
        let on_click = move |_| {
            answers.update(|a| {
                a.insert(qid.clone(), Value::String(CLICKED.into()));
            })
        };
        view! { <a class="vox-cta" href=url target="_blank" rel="noopener noreferrer" on:click=on_click>{label}</a> }
    });
    let name = field_name(&qid);
    let unclicked = move || answers.with(|a| a.get(&qid).and_then(Value::as_str) != Some(CLICKED));
    view! {
        {link}
        // An attribute, not a property: the server renders it, so without
        // JavaScript an unfollowed button posts nothing.
        <input type="hidden" name=name value=CLICKED disabled=unclicked/>
    }
}

/// A drop-down's, a ranking's, a matrix's, a contact or an address question's labelled controls.
fn parts(
    question: Question,
    answers: RwSignal<Answers>,
    recall: RecallScope,
    messages: &'static Messages,
) -> impl IntoView {
    let rows = parts::rows(&question, messages);
    let title_id = format!("title-{}", question.id);
    view! { <parts::Parts rows question_id=question.id title_id answers recall/> }
}

/// The attributes of a number's or a date's input.
#[derive(Default)]
struct SingleField {
    input_type: &'static str,
    inputmode: Option<&'static str>,
    min: Option<String>,
    max: Option<String>,
    step: Option<String>,
}

fn number_or_date_field(kind: &QuestionKind) -> SingleField {
    match kind {
        QuestionKind::Number { min, max, step, .. } => SingleField {
            input_type: "number",
            inputmode: Some("decimal"),
            min: min.map(format_number),
            max: max.map(format_number),
            step: Some(step.map_or_else(|| "any".to_string(), format_number)),
        },
        QuestionKind::Date { min, max } => {
            SingleField { input_type: "date", min: min.clone(), max: max.clone(), ..Default::default() }
        }
        _ => SingleField::default(),
    }
}
