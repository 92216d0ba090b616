//! One question's answer controls. Every control is a native form control
//! with an accessible name, so keyboards, screen readers and tests find it by
//! role; once hydrated the controls follow the `answers` signal, so answers
//! restored after a reload show up checked.

use super::recalled::RecallScope;
use super::{deferred, newer_controls};
use crate::domain::answers::{field_name, Answers};
use crate::domain::i18n::{fill, Messages};
use crate::domain::question_kind::{format_number, EVERY_TYPE_BUILT};
use crate::domain::survey::{other_key, Question, QuestionKind, RatingStyle, OTHER_CHOICE};
use leptos::either::{EitherOf3, EitherOf4};
use leptos::prelude::*;
use serde_json::Value;

/// Whether `value` is (one of) the answer(s) to `question_id`.
fn is_chosen(answers: &Answers, question_id: &str, value: &Value) -> bool {
    match answers.get(question_id) {
        Some(Value::Array(items)) => items.contains(value),
        Some(v) => v == value,
        None => false,
    }
}

/// An answer as a text box shows it (numbers included).
pub(super) fn shown_text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        // By hand: serde_json's float printing is tables the widget need not carry.
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) => i.to_string(),
            None if EVERY_TYPE_BUILT => n.as_f64().map(format_number).unwrap_or_default(),
            None => String::new(),
        },
        _ => String::new(),
    }
}

#[component]
pub fn QuestionField(
    question: Question,
    error: Signal<Option<String>>,
    /// False when skip logic hides the question: hidden and disabled, so the
    /// browser neither validates nor submits its controls.
    logic_visible: Signal<bool>,
    /// False when another step is on screen: only hidden.
    on_step: Signal<bool>,
    answers: RwSignal<Answers>,
    /// Fills in `{{…}}` recalls in the title, description and choice labels.
    recall: RecallScope,
    messages: &'static Messages,
) -> impl IntoView {
    let qid = question.id.clone();
    let name = field_name(&qid);
    let title_id = format!("title-{qid}");
    let error_id = format!("error-{qid}");
    let required = question.required;
    let description_id = question.description.as_ref().map(|_| format!("description-{qid}"));
    let description = question
        .description
        .clone()
        .map(|d| view! { <p class="vox-description" id=description_id.clone()>{recall.text(d)}</p> });
    let described_by = {
        let error_id = error_id.clone();
        move || match (description_id.clone(), error.read().is_some()) {
            (Some(description), true) => Some(format!("{description} {error_id}")),
            (Some(description), false) => Some(description),
            (None, true) => Some(error_id.clone()),
            (None, false) => None,
        }
    };
    let error_view = move || {
        error.get().map(|message| view! { <p class="vox-field-error" id=error_id.clone() role="alert">{message}</p> })
    };
    let checked = {
        let qid = qid.clone();
        move |value: Value| {
            let qid = qid.clone();
            move || answers.with(|a| is_chosen(a, &qid, &value))
        }
    };
    let text_value = move |key: String| move || answers.with(|a| shown_text(a.get(&key)));

    // Few view types for seventeen question types, and `EitherOf4` rather
    // than `into_any`: every distinct view type is code in the widget's wasm.
    // The newer types' views go through `newer_view`, which the classic
    // bundle turns into `()`, so their rendering code is not in it at all (a
    // constant `if` drops dead branches, but an enum's arms stay compiled).
    let after = after_controls(&question, messages);
    // Length rules as attributes too: typing stops at the limit, and without
    // JavaScript the browser asks for the minimum before posting.
    let rules = &question.validation;
    let min_length = rules.min_length.map(|n| n.to_string());
    let max_length = rules.max_length.map(|n| n.to_string());
    let control = match &question.kind {
        QuestionKind::Text { multiline: true } => EitherOf4::A(view! {
            <textarea name=name rows="4" minlength=min_length maxlength=max_length.unwrap_or_else(|| "10000".into())
                aria-labelledby=title_id.clone() required=required prop:value=text_value(qid.clone())></textarea>
        }),
        QuestionKind::Text { .. } | QuestionKind::Email => {
            let email = matches!(question.kind, QuestionKind::Email);
            let max_length = max_length.or_else(|| (!email).then(|| "10000".into()));
            EitherOf4::B(view! {
                <input type=if email { "email" } else { "text" } name=name minlength=min_length maxlength=max_length
                    autocomplete=email.then_some("email") aria-labelledby=title_id.clone() required=required
                    prop:value=text_value(qid.clone())/>
            })
        }
        kind if !EVERY_TYPE_BUILT => {
            let (class, options) = option_list(&question, kind, messages);
            EitherOf4::C(option_view(class, options, name, checked, recall))
        }
        kind if newer_controls::is_deferred(kind) => {
            EitherOf4::D(newer_view(|| deferred::control(question.clone(), answers, recall, messages)))
        }
        kind => {
            let (class, options) = option_list(&question, kind, messages);
            EitherOf4::C(option_view(class, options, name, checked, recall))
        }
    };
    let after = match after {
        After::Other { name, label } => Some(EitherOf3::A(view! {
            <input type="text" class="vox-other" name=name maxlength="10000"
                placeholder=messages.other_placeholder aria-label=label
                prop:value=text_value(other_key(&qid))/>
        })),
        After::NpsHints => Some(EitherOf3::B(view! {
            <div class="vox-scale-hints" aria-hidden="true"><span>{messages.nps_low}</span><span>{messages.nps_high}</span></div>
        })),
        After::Unit(unit) => Some(EitherOf3::C(newer_view(|| view! { <span class="vox-unit">{unit}</span> }))),
        After::Nothing => None,
    };
    view! {
        <fieldset class="vox-question" hidden=move || !logic_visible.get() || !on_step.get()
            disabled=move || !logic_visible.get() aria-describedby=described_by aria-invalid=move || error.read().is_some().then_some("true")>
            <legend>
                <span class="vox-question-title" id=title_id.clone() tabindex="-1">
                    {recall.text(question.title.clone())}
                    {required.then(|| view! { <span class="vox-required" aria-hidden="true">" *"</span> })}
                </span>
            </legend>
            {description}
            {control}
            {after}
            {error_view}
        </fieldset>
    }
}

/// The radio buttons or checkboxes of a choice, picture, consent or scale question.
fn option_view<C: Fn() -> bool + Send + Sync + 'static>(
    class: String,
    options: Vec<OptionItem>,
    name: String,
    checked: impl Fn(Value) -> C,
    recall: RecallScope,
) -> impl IntoView {
    view! {
        <div class=class>
            {options.into_iter().map(|o| view! {
                <label class=o.class>
                    <input type=o.input_type name=name.clone() value=o.value required=o.required
                        aria-label=o.aria_label prop:checked=checked(o.answer)/>
                    {o.image.map(|src| newer_view(|| view! { <img src=src alt="" loading="lazy"/> }))}
                    <span aria-hidden=o.decorative.then_some("true")>{recall.text(o.shown)}</span>
                </label>
            }).collect_view()}
        </div>
    }
}

/// One radio button or checkbox of a choice, scale or consent question.
struct OptionItem {
    class: &'static str,
    input_type: &'static str,
    /// The form value, and the same as the answer it stands for.
    value: String,
    answer: Value,
    required: bool,
    /// For scales, whose visible text is a digit or a star.
    aria_label: Option<String>,
    shown: String,
    /// The visible text says nothing the label does not (digits, stars).
    decorative: bool,
    /// A picture choice's image (its caption is `shown`).
    image: Option<String>,
}

/// What follows the controls: the "other" text box, the NPS scale's ends, a number's unit.
enum After {
    Other { name: String, label: String },
    NpsHints,
    Unit(String),
    Nothing,
}

fn after_controls(question: &Question, messages: &'static Messages) -> After {
    match &question.kind {
        kind if kind.allows_other() => After::Other {
            name: field_name(&other_key(&question.id)),
            label: format!("{} — {}", question.title, messages.other_placeholder),
        },
        QuestionKind::Nps => After::NpsHints,
        QuestionKind::Number { unit: Some(unit), .. } if EVERY_TYPE_BUILT => After::Unit(unit.clone()),
        _ => After::Nothing,
    }
}

/// The view of a newer question type: itself in the every-type bundle,
/// nothing (`()`, never built) in the classic one, so that bundle carries no
/// rendering code for it. The survey page never gives the classic bundle a
/// survey with such a question (`widget::boot_script_url`).
#[cfg(not(feature = "widget-classic"))]
fn newer_view<V>(make: impl FnOnce() -> V) -> V {
    make()
}

#[cfg(feature = "widget-classic")]
fn newer_view<V>(_make: impl FnOnce() -> V) {}

/// The options of a choice, picture, consent or scale question, and the class of their list.
fn option_list(question: &Question, kind: &QuestionKind, messages: &'static Messages) -> (String, Vec<OptionItem>) {
    let item = |input_type, value: String, answer, shown: String, image| OptionItem {
        class: "vox-choice",
        input_type,
        value,
        answer,
        required: question.required && input_type == "radio",
        aria_label: None,
        shown,
        decorative: false,
        image,
    };
    if let (QuestionKind::Consent { label }, true) = (kind, EVERY_TYPE_BUILT) {
        let mut consent = item("checkbox", "true".into(), Value::Bool(true), label.clone(), None);
        consent.required = question.required;
        return ("vox-choices vox-consent".to_string(), vec![consent]);
    }
    if let Some(choices) = kind.choices() {
        let single = !kind.answers_many();
        let input_type = if single { "radio" } else { "checkbox" };
        let options = choices
            .iter()
            .map(|c| (c.id.clone(), c.label.clone(), c.image_url.clone()))
            .chain(kind.allows_other().then(|| (OTHER_CHOICE.to_string(), messages.other.to_string(), None)))
            .map(|(id, label, image)| item(input_type, id.clone(), Value::String(id), label, image))
            .collect();
        let class = if matches!(kind, QuestionKind::PictureChoice { .. }) { "vox-pictures" } else { "vox-choices" };
        return (class.to_string(), options);
    }
    let (min, max) = kind.scale().unwrap_or((0, 10));
    let stars = matches!(kind, QuestionKind::Rating { style: RatingStyle::Stars, .. });
    let options = (min..=max)
        .map(|n| OptionItem {
            class: "vox-scale-option",
            input_type: "radio",
            value: n.to_string(),
            answer: Value::from(n),
            required: question.required,
            aria_label: Some(if stars {
                fill(messages.stars, &[("n", n as usize), ("max", max as usize)])
            } else {
                n.to_string()
            }),
            shown: if stars { "★".to_string() } else { n.to_string() },
            decorative: true,
            image: None,
        })
        .collect();
    let class = if stars { "vox-stars".to_string() } else { format!("vox-scale vox-scale-{}", max - min + 1) };
    (class, options)
}
