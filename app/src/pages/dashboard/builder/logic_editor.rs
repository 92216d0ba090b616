//! "Show question N only if question M … value": a question's skip logic.

use super::edit_question;
use crate::domain::logic::{Condition, ConditionOp};
use crate::domain::survey::{Question, SurveyDraft};
use leptos::prelude::*;

/// The operators the builder offers, with their labels.
const OPERATORS: [(ConditionOp, &str); 6] = [
    (ConditionOp::Lte, "is at most"),
    (ConditionOp::Gte, "is at least"),
    (ConditionOp::Eq, "is"),
    (ConditionOp::Neq, "is not"),
    (ConditionOp::Contains, "includes"),
    (ConditionOp::Answered, "is answered"),
];

fn op_from(label: &str) -> ConditionOp {
    OPERATORS.iter().find(|(_, l)| *l == label).map_or(ConditionOp::Lte, |(op, _)| *op)
}

/// A typed value: numbers as numbers, anything else as text.
fn typed_value(text: &str) -> serde_json::Value {
    text.trim()
        .parse::<i64>()
        .map(serde_json::Value::from)
        .unwrap_or_else(|_| serde_json::Value::String(text.trim().into()))
}

fn value_text(value: &Option<serde_json::Value>) -> String {
    match value {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// Conditions may only look at earlier questions; after a move or a removal,
/// those that no longer do are dropped rather than left invalid.
pub fn drop_forward_conditions(questions: &mut [Question]) {
    for i in 0..questions.len() {
        let keep =
            questions[i].show_if.as_ref().is_none_or(|c| questions[..i].iter().any(|earlier| earlier.id == c.question));
        if !keep {
            questions[i].show_if = None;
        }
    }
}

#[component]
pub fn LogicEditor(draft: RwSignal<SurveyDraft>, id: String) -> impl IntoView {
    let id = StoredValue::new(id);
    let number = move || draft.with(|d| d.questions.iter().position(|q| q.id == id.get_value()).map_or(0, |p| p + 1));
    let condition =
        move || draft.with(|d| d.questions.iter().find(|q| q.id == id.get_value()).and_then(|q| q.show_if.clone()));
    // Earlier questions, by number, as choices for the condition.
    let earlier = move || {
        draft.with(|d| {
            let position = d.questions.iter().position(|q| q.id == id.get_value()).unwrap_or(0);
            d.questions[..position]
                .iter()
                .enumerate()
                .map(|(i, q)| (q.id.clone(), format!("Question {}", i + 1)))
                .collect::<Vec<_>>()
        })
    };
    let edit = move |f: Box<dyn FnOnce(&mut Condition)>| {
        edit_question(draft, &id.get_value(), |q| {
            if let Some(c) = q.show_if.as_mut() {
                f(c)
            }
        })
    };
    view! {
        <div class="logic">
            <label class="inline">
                <input type="checkbox" prop:checked=move || condition().is_some() on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    let first = earlier().first().map(|(q, _)| q.clone());
                    edit_question(draft, &id.get_value(), |q| {
                        q.show_if = match (on, first) {
                            (true, Some(question)) => Some(Condition { question, op: ConditionOp::Lte, value: Some(6.into()) }),
                            _ => None,
                        }
                    });
                }/>
                {move || format!("Show question {} only if", number())}
            </label>
            <Show when=move || condition().is_some()>
                <select aria-label=move || format!("Question {} condition question", number()) on:change=move |ev| {
                    let q = event_target_value(&ev);
                    edit(Box::new(move |c| c.question = q));
                }>
                    {move || earlier().into_iter().map(|(q, label)| {
                        let selected = condition().is_some_and(|c| c.question == q);
                        view! { <option value=q selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
                <select aria-label=move || format!("Question {} condition operator", number()) on:change=move |ev| {
                    let op = op_from(&event_target_value(&ev));
                    edit(Box::new(move |c| {
                        c.op = op;
                        if op == ConditionOp::Answered { c.value = None } else if c.value.is_none() { c.value = Some(6.into()) }
                    }));
                }>
                    {OPERATORS.iter().map(|(op, label)| {
                        let op = *op;
                        view! { <option value=*label selected=move || condition().is_some_and(|c| c.op == op)>{*label}</option> }
                    }).collect_view()}
                </select>
                <input type="text" size="8" aria-label=move || format!("Question {} condition value", number())
                    hidden=move || condition().is_some_and(|c| c.op == ConditionOp::Answered)
                    prop:value=move || condition().map(|c| value_text(&c.value)).unwrap_or_default()
                    on:input=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |c| c.value = Some(typed_value(&v)))); }/>
            </Show>
        </div>
    }
}
