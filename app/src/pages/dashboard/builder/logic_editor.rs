//! "Show question N only if question M … value": a question's skip logic.

use super::edit_question;
use crate::domain::logic::{Action, Condition, ConditionOp, When};
use crate::domain::survey::SurveyDraft;
use crate::domain::survey_pages::{page_start, Steps};
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

/// Conditions may only look back and jumps only forward; after a move or a
/// removal, pages follow their questions (`survey_pages::tidy`) and logic
/// that no longer fits is dropped rather than left invalid (a `showIf`, a
/// rule's conditions, an action). On a page, conditions look before the page
/// and rules run after it (README "Pages").
pub fn keep_logic_valid(draft: &mut SurveyDraft) {
    crate::domain::survey_pages::tidy(&draft.questions, &mut draft.options.pages);
    let steps = Steps::of(&draft.questions, &draft.options.pages);
    let starts: Vec<(String, usize)> = draft
        .options
        .pages
        .iter()
        .filter_map(|p| Some((p.id.clone(), page_start(&draft.questions, &draft.options.pages, &p.id)?)))
        .collect();
    let ids: Vec<String> = draft.questions.iter().map(|q| q.id.clone()).collect();
    let at = |id: &str| ids.iter().position(|q| q == id);
    for (i, question) in draft.questions.iter_mut().enumerate() {
        let (first, last) = steps.bounds(i);
        let reads_before =
            |bound: usize| move |c: &&Condition| c.question.as_ref().is_none_or(|id| at(id).is_some_and(|j| j < bound));
        if !question.show_if.as_ref().is_none_or(|w| w.conditions().iter().all(reads_before(first))) {
            question.show_if = None;
        }
        question
            .logic
            .retain(|rule| rule.when.as_ref().is_none_or(|w| w.conditions().iter().all(reads_before(last + 1))));
        let ahead = |id: &str| at(id).is_some_and(|j| j > last);
        let lands = |id: &str| at(id).is_some_and(|j| j > last && steps.bounds(j).0 == j);
        let page_ahead = |id: &str| starts.iter().any(|(p, j)| p == id && *j > last);
        for rule in &mut question.logic {
            rule.actions.retain(|action| match action {
                Action::Jump { question: Some(target), .. } => lands(target),
                Action::Jump { page: Some(target), .. } => page_ahead(target),
                Action::Require { question: target } => ahead(target),
                Action::Calculate { value_from: Some(source), .. } => at(source).is_some_and(|j| j <= last),
                _ => true,
            });
        }
    }
}

#[component]
pub fn LogicEditor(draft: RwSignal<SurveyDraft>, id: String) -> impl IntoView {
    let id = StoredValue::new(id);
    let number = move || draft.with(|d| d.questions.iter().position(|q| q.id == id.get_value()).map_or(0, |p| p + 1));
    let show_if =
        move || draft.with(|d| d.questions.iter().find(|q| q.id == id.get_value()).and_then(|q| q.show_if.clone()));
    // The single condition on an answer this editor writes; anything richer
    // (groups, hidden fields, variables) came by import or the API and is
    // shown as it is (see `advanced`).
    let condition = move || match show_if() {
        Some(When::One(c)) if c.question.is_some() && !c.is_advanced() => Some(c),
        _ => None,
    };
    let advanced = move || show_if().is_some() && condition().is_none();
    // Earlier questions, by number, as choices for the condition.
    let earlier = move || {
        draft.with(|d| {
            let position = d.questions.iter().position(|q| q.id == id.get_value()).unwrap_or(0);
            // On a page: questions before the page (it shows as a whole).
            let position = Steps::of(&d.questions, &d.options.pages).bounds(position).0;
            d.questions[..position]
                .iter()
                .enumerate()
                .map(|(i, q)| (q.id.clone(), format!("Question {}", i + 1)))
                .collect::<Vec<_>>()
        })
    };
    let edit = move |f: Box<dyn FnOnce(&mut Condition)>| {
        edit_question(draft, &id.get_value(), |q| {
            if let Some(When::One(c)) = q.show_if.as_mut() {
                f(c)
            }
        })
    };
    view! {
        <div class="logic">
            <label class="inline">
                <input type="checkbox" prop:checked=move || show_if().is_some() on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    let first = earlier().first().map(|(q, _)| q.clone());
                    edit_question(draft, &id.get_value(), |q| {
                        q.show_if = match (on, first) {
                            (true, Some(question)) => Some(Condition::on_question(question, ConditionOp::Lte, Some(6.into())).into()),
                            _ => None,
                        }
                    });
                }/>
                {move || format!("Show question {} only if", number())}
            </label>
            <p class="hint" hidden=move || !advanced()>
                "Shown only when its conditions hold (set by import or the API; unticking removes them)."
            </p>
            <Show when=move || condition().is_some()>
                <select aria-label=move || format!("Question {} condition question", number()) on:change=move |ev| {
                    let q = event_target_value(&ev);
                    edit(Box::new(move |c| c.question = Some(q)));
                }>
                    {move || earlier().into_iter().map(|(q, label)| {
                        let selected = condition().is_some_and(|c| c.question.as_ref() == Some(&q));
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
