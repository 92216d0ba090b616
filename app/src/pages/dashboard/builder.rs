//! The survey builder: name the survey, add and arrange questions, save as a
//! draft or publish. The server validates again; its field messages show here.

use super::DashboardLayout;
use crate::components::action_error;
use crate::domain::logic::{Condition, ConditionOp};
use crate::domain::survey::{Question, QuestionKind, SurveyDraft, SurveyStatus};
use crate::server_fns::surveys::create_survey;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

/// One question while it is being edited; `key` keeps list identity stable.
#[derive(Clone, Debug, PartialEq)]
struct QuestionRow {
    key: u32,
    kind: QuestionKind,
    title: String,
    required: bool,
    /// Skip logic being edited: (key of an earlier question, operator, value as typed).
    logic: Option<(u32, ConditionOp, String)>,
}

/// The operators the builder offers, with their labels.
const OPERATORS: [(ConditionOp, &str); 5] = [
    (ConditionOp::Lte, "is at most"),
    (ConditionOp::Gte, "is at least"),
    (ConditionOp::Eq, "is"),
    (ConditionOp::Neq, "is not"),
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

/// The question types the builder offers, with their button labels.
fn templates() -> Vec<(&'static str, QuestionKind)> {
    vec![
        ("NPS", QuestionKind::Nps),
        ("rating", QuestionKind::Rating { scale: 5 }),
        ("CSAT", QuestionKind::Csat),
        ("text", QuestionKind::Text { multiline: true }),
        ("email", QuestionKind::Email),
    ]
}

fn to_draft(name: String, rows: &[QuestionRow], status: SurveyStatus) -> SurveyDraft {
    let questions = rows
        .iter()
        .map(|r| Question {
            id: format!("q{}", r.key),
            title: r.title.clone(),
            description: None,
            required: r.required,
            kind: r.kind.clone(),
            show_if: r.logic.as_ref().map(|(key, op, value)| Condition {
                question: format!("q{key}"),
                op: *op,
                value: (*op != ConditionOp::Answered).then(|| typed_value(value)),
            }),
        })
        .collect();
    SurveyDraft { name, questions, status, ..Default::default() }
}

#[component]
pub fn NewSurveyPage() -> impl IntoView {
    let name = RwSignal::new(String::new());
    let rows = RwSignal::new(Vec::<QuestionRow>::new());
    let next_key = StoredValue::new(1u32);
    let save = Action::new(|draft: &SurveyDraft| create_survey(draft.clone()));
    let navigate = use_navigate();

    Effect::new(move |_| {
        if let Some(Ok(survey)) = save.value().get() {
            navigate(&format!("/dashboard/surveys/{}", survey.id), Default::default());
        }
    });

    let add = move |kind: QuestionKind| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        rows.update(|r| r.push(QuestionRow { key, kind, title: String::new(), required: true, logic: None }));
    };
    let edit = move |key: u32, f: &dyn Fn(&mut QuestionRow)| {
        rows.update(|r| r.iter_mut().filter(|q| q.key == key).for_each(f));
    };
    let submit = move |status: SurveyStatus| save.dispatch(to_draft(name.get(), &rows.get(), status));

    view! {
        <Title text="New survey"/>
        <DashboardLayout>
            <h1>"New survey"</h1>
            <div class="stack builder">
                <label>"Survey name"
                    <input type="text" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <ol class="questions">
                    <For each=move || rows.get().into_iter().enumerate() key=|(i, q)| (*i, q.key) let:item>
                        {
                            let (index, row) = item;
                            let key = row.key;
                            let number = index + 1;
                            view! {
                                <li class="question-editor">
                                    <span class="badge">{row.kind.type_name()}</span>
                                    <label>{format!("Question {number} title")}
                                        <input type="text" prop:value=row.title.clone()
                                            on:input=move |ev| { let v = event_target_value(&ev); edit(key, &|q| q.title = v.clone()) }/>
                                    </label>
                                    <label class="inline">
                                        <input type="checkbox" prop:checked=row.required
                                            on:change=move |ev| { let v = event_target_checked(&ev); edit(key, &|q| q.required = v) }/>
                                        "Required"
                                    </label>
                                    {(index > 0).then(|| view! { <LogicEditor rows key number/> }.into_any())}
                                    <button type="button" class="link" disabled=index == 0
                                        aria-label=format!("Move question {number} up")
                                        on:click=move |_| rows.update(|r| if index > 0 { r.swap(index, index - 1) })>"↑"</button>
                                    <button type="button" class="link" aria-label=format!("Remove question {number}")
                                        on:click=move |_| rows.update(|r| r.retain(|q| q.key != key))>"Remove"</button>
                                </li>
                            }
                        }
                    </For>
                </ol>
                <div class="actions">
                    {templates().into_iter().map(|(label, kind)| view! {
                        <button type="button" on:click=move |_| add(kind.clone())>{format!("Add {label} question")}</button>
                    }).collect_view()}
                </div>
                {action_error(move || save.value().get())}
                <div class="actions">
                    <button type="button" on:click=move |_| { submit(SurveyStatus::Draft); }
                        disabled=save.pending()>"Save draft"</button>
                    <button type="button" class="primary" on:click=move |_| { submit(SurveyStatus::Published); }
                        disabled=save.pending()>"Save and publish"</button>
                </div>
            </div>
        </DashboardLayout>
    }
}

/// "Show only if question N … value", for question `key` (shown from the second question on).
#[component]
fn LogicEditor(rows: RwSignal<Vec<QuestionRow>>, key: u32, number: usize) -> impl IntoView {
    let edit = move |f: &dyn Fn(&mut Option<(u32, ConditionOp, String)>)| {
        rows.update(|r| r.iter_mut().filter(|q| q.key == key).for_each(|q| f(&mut q.logic)));
    };
    // Earlier questions, by number, as choices for the condition.
    let earlier = move || {
        let all = rows.get();
        let position = all.iter().position(|q| q.key == key).unwrap_or(0);
        all[..position].iter().enumerate().map(|(i, q)| (q.key, format!("Question {}", i + 1))).collect::<Vec<_>>()
    };
    let current = move || rows.get().into_iter().find(|q| q.key == key).and_then(|q| q.logic);
    view! {
        <div class="logic">
            <label class="inline">
                <input type="checkbox" prop:checked=move || current().is_some() on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    let first = earlier().first().map(|(k, _)| *k);
                    edit(&|logic| *logic = if on { first.map(|k| (k, ConditionOp::Lte, "6".into())) } else { None });
                }/>
                {format!("Show question {number} only if")}
            </label>
            <Show when=move || current().is_some()>
                <select aria-label=format!("Question {number} condition question") on:change=move |ev| {
                    let k: u32 = event_target_value(&ev).parse().unwrap_or(0);
                    edit(&|logic| if let Some(l) = logic { l.0 = k });
                }>
                    {move || earlier().into_iter().map(|(k, label)| {
                        let selected = current().is_some_and(|c| c.0 == k);
                        view! { <option value=k.to_string() selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
                <select aria-label=format!("Question {number} condition operator") on:change=move |ev| {
                    let op = op_from(&event_target_value(&ev));
                    edit(&|logic| if let Some(l) = logic { l.1 = op });
                }>
                    {OPERATORS.iter().map(|(op, label)| {
                        let op = *op;
                        view! { <option value=*label selected=move || current().is_some_and(|c| c.1 == op)>{*label}</option> }
                    }).collect_view()}
                </select>
                <input type="text" size="6" aria-label=format!("Question {number} condition value")
                    prop:value=move || current().map(|c| c.2).unwrap_or_default()
                    on:input=move |ev| { let v = event_target_value(&ev); edit(&|logic| if let Some(l) = logic { l.2 = v.clone() }); }/>
            </Show>
        </div>
    }
}
