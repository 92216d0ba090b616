//! One question's answer controls. Every control is a native form control
//! with an accessible name, so keyboards, screen readers and tests find it by
//! role; once hydrated the controls follow the `answers` signal, so answers
//! restored after a reload show up checked.

use crate::domain::answers::{field_name, Answers};
use crate::domain::i18n::{fill, Messages};
use crate::domain::survey::{other_key, Question, QuestionKind, RatingStyle, OTHER_CHOICE};
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
        move || {
            let mut ids: Vec<String> = description_id.iter().cloned().collect();
            if error.read().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
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

    let control = match &question.kind {
        QuestionKind::Text { multiline: true } => view! {
            <textarea name=name rows="4" maxlength="10000" aria-labelledby=title_id.clone() required=required
                prop:value=text_value(qid.clone())></textarea>
        }
        .into_any(),
        QuestionKind::Text { multiline: false } => view! {
            <input type="text" name=name maxlength="10000" aria-labelledby=title_id.clone() required=required
                prop:value=text_value(qid.clone())/>
        }
        .into_any(),
        QuestionKind::Email => view! {
            <input type="email" name=name autocomplete="email" aria-labelledby=title_id.clone() required=required
                prop:value=text_value(qid.clone())/>
        }
        .into_any(),
        QuestionKind::SingleChoice { choices, allow_other } | QuestionKind::MultipleChoice { choices, allow_other } => {
            let single = matches!(question.kind, QuestionKind::SingleChoice { .. });
            let kind = if single { "radio" } else { "checkbox" };
            let options = choices
                .iter()
                .map(|c| (c.id.clone(), c.label.clone()))
                .chain(allow_other.then(|| (OTHER_CHOICE.to_string(), messages.other.to_string())));
            let other_name = field_name(&other_key(&qid));
            let other_label = format!("{} — {}", question.title, messages.other_placeholder);
            view! {
                <div class="vox-choices">
                    {options.map(|(id, label)| view! {
                        <label class="vox-choice">
                            <input type=kind name=name.clone() value=id.clone() required=required && single
                                prop:checked=checked(Value::String(id.clone()))/>
                            <span>{label}</span>
                        </label>
                    }).collect_view()}
                </div>
                {allow_other.then(|| view! {
                    <input type="text" class="vox-other" name=other_name maxlength="10000"
                        placeholder=messages.other_placeholder aria-label=other_label
                        prop:value=text_value(other_key(&qid))/>
                })}
            }
            .into_any()
        }
        kind => {
            let (min, max) = kind.scale().unwrap_or((0, 10));
            let stars = matches!(kind, QuestionKind::Rating { style: RatingStyle::Stars, .. });
            let hints = matches!(kind, QuestionKind::Nps).then(|| {
                view! { <div class="vox-scale-hints" aria-hidden="true"><span>{messages.nps_low}</span><span>{messages.nps_high}</span></div> }
            });
            let class = if stars { "vox-stars".to_string() } else { format!("vox-scale vox-scale-{}", max - min + 1) };
            view! {
                <div class=class>
                    {(min..=max).map(|n| {
                        let label = if stars {
                            fill(messages.stars, &[("n", n as usize), ("max", max as usize)])
                        } else {
                            n.to_string()
                        };
                        let shown = if stars { "★".to_string() } else { n.to_string() };
                        view! {
                            <label class="vox-scale-option">
                                <input type="radio" name=name.clone() value=n.to_string() required=required
                                    aria-label=label prop:checked=checked(Value::from(n))/>
                                <span aria-hidden="true">{shown}</span>
                            </label>
                        }
                    }).collect_view()}
                </div>
                {hints}
            }
            .into_any()
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
