//! One question's answer controls. Every control is a native form control
//! with an accessible name, so keyboards, screen readers and tests find it by
//! role; once hydrated the controls follow the `answers` signal, so answers
//! restored after a reload show up checked.

use crate::domain::answers::{field_name, Answers};
use crate::domain::i18n::{fill, Messages};
use crate::domain::survey::{other_key, Question, QuestionKind, RatingStyle, OTHER_CHOICE};
use leptos::either::{Either, EitherOf3};
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
    messages: &'static Messages,
) -> impl IntoView {
    let qid = question.id.clone();
    let name = field_name(&qid);
    let title_id = format!("title-{qid}");
    let error_id = format!("error-{qid}");
    let required = question.required;
    let description_id = question.description.as_ref().map(|_| format!("description-{qid}"));
    let description =
        question.description.clone().map(|d| view! { <p class="vox-description" id=description_id.clone()>{d}</p> });
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
    let text_value = move |key: String| {
        move || answers.with(|a| a.get(&key).and_then(Value::as_str).unwrap_or_default().to_string())
    };

    // Three view types for seven question types, and `EitherOf3` rather than
    // `into_any`: every distinct view type is code in the widget's wasm.
    let control = match &question.kind {
        QuestionKind::Text { multiline: true } => EitherOf3::A(view! {
            <textarea name=name rows="4" maxlength="10000" aria-labelledby=title_id.clone() required=required
                prop:value=text_value(qid.clone())></textarea>
        }),
        QuestionKind::Text { .. } | QuestionKind::Email => {
            let email = matches!(question.kind, QuestionKind::Email);
            EitherOf3::B(view! {
                <input type=if email { "email" } else { "text" } name=name maxlength=(!email).then_some("10000")
                    autocomplete=email.then_some("email") aria-labelledby=title_id.clone() required=required
                    prop:value=text_value(qid.clone())/>
            })
        }
        kind => {
            let (class, options, after) = option_list(&question, kind, messages);
            EitherOf3::C(view! {
                <div class=class>
                    {options.into_iter().map(|o| view! {
                        <label class=o.class>
                            <input type=o.input_type name=name.clone() value=o.value required=o.required
                                aria-label=o.aria_label prop:checked=checked(o.answer)/>
                            <span aria-hidden=o.decorative.then_some("true")>{o.shown}</span>
                        </label>
                    }).collect_view()}
                </div>
                {match after {
                    After::Other { name, label } => Some(Either::Left(view! {
                        <input type="text" class="vox-other" name=name maxlength="10000"
                            placeholder=messages.other_placeholder aria-label=label
                            prop:value=text_value(other_key(&qid))/>
                    })),
                    After::NpsHints => Some(Either::Right(view! {
                        <div class="vox-scale-hints" aria-hidden="true"><span>{messages.nps_low}</span><span>{messages.nps_high}</span></div>
                    })),
                    After::Nothing => None,
                }}
            })
        }
    };
    view! {
        <fieldset class="vox-question" hidden=move || !logic_visible.get() || !on_step.get()
            disabled=move || !logic_visible.get() aria-describedby=described_by aria-invalid=move || error.read().is_some().then_some("true")>
            <legend>
                <span class="vox-question-title" id=title_id.clone() tabindex="-1">
                    {question.title.clone()}
                    {required.then(|| view! { <span class="vox-required" aria-hidden="true">" *"</span> })}
                </span>
            </legend>
            {description}
            {control}
            {error_view}
        </fieldset>
    }
}

/// One radio button or checkbox of a choice or scale question.
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
}

/// What follows the options: the "other" text box, or the NPS scale's ends.
enum After {
    Other { name: String, label: String },
    NpsHints,
    Nothing,
}

/// The options of a choice or scale question, the class of their list, and
/// what follows them.
fn option_list(
    question: &Question,
    kind: &QuestionKind,
    messages: &'static Messages,
) -> (String, Vec<OptionItem>, After) {
    if let QuestionKind::SingleChoice { choices, allow_other } | QuestionKind::MultipleChoice { choices, allow_other } =
        kind
    {
        let single = matches!(kind, QuestionKind::SingleChoice { .. });
        let options = choices
            .iter()
            .map(|c| (c.id.clone(), c.label.clone()))
            .chain(allow_other.then(|| (OTHER_CHOICE.to_string(), messages.other.to_string())))
            .map(|(id, label)| OptionItem {
                class: "vox-choice",
                input_type: if single { "radio" } else { "checkbox" },
                answer: Value::String(id.clone()),
                value: id,
                required: question.required && single,
                aria_label: None,
                shown: label,
                decorative: false,
            })
            .collect();
        let after = if *allow_other {
            After::Other {
                name: field_name(&other_key(&question.id)),
                label: format!("{} — {}", question.title, messages.other_placeholder),
            }
        } else {
            After::Nothing
        };
        return ("vox-choices".to_string(), options, after);
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
        })
        .collect();
    let class = if stars { "vox-stars".to_string() } else { format!("vox-scale vox-scale-{}", max - min + 1) };
    let after = if matches!(kind, QuestionKind::Nps) { After::NpsHints } else { After::Nothing };
    (class, options, after)
}
