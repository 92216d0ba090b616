//! The survey builder: name the survey, add and arrange questions, save as a
//! draft or publish. The server validates again; its field messages show here.

use super::DashboardLayout;
use crate::components::action_error;
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
        })
        .collect();
    SurveyDraft { name, questions, status }
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
        rows.update(|r| r.push(QuestionRow { key, kind, title: String::new(), required: true }));
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
