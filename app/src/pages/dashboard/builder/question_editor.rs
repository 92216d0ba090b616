//! One question in the builder: its texts, type settings, skip logic and
//! logic rules, and moving, duplicating or removing it.

use super::kind_settings::KindSettings;
use super::logic_editor::{keep_logic_valid, LogicEditor};
use super::page_controls::PageControls;
use super::rules_editor::RulesEditor;
use super::validation_editor::ValidationEditor;
use super::{edit_question, fresh_question_id, Published};
use crate::domain::survey::{Question, SurveyDraft};
use leptos::prelude::*;

#[component]
pub fn QuestionEditor(draft: RwSignal<SurveyDraft>, id: String) -> impl IntoView {
    let id = StoredValue::new(id);
    let question = move || draft.with(|d| d.questions.iter().find(|q| q.id == id.get_value()).cloned());
    let position = Memo::new(move |_| draft.with(|d| d.questions.iter().position(|q| q.id == id.get_value())));
    let number = move || position.get().map_or(0, |p| p + 1);
    let count = move || draft.with(|d| d.questions.len());
    let edit = move |f: Box<dyn FnOnce(&mut Question)>| edit_question(draft, &id.get_value(), f);
    let kind_name = draft
        .with_untracked(|d| d.questions.iter().find(|q| q.id == id.get_value()).map(|q| q.kind.type_name()))
        .unwrap_or_default();

    let move_by = move |delta: isize| {
        draft.update(|d| {
            if let Some(from) = d.questions.iter().position(|q| q.id == id.get_value()) {
                crate::domain::survey_pages::move_question(&mut d.questions, &d.options.pages, from, delta < 0);
                // Logic may only look back: a condition on a question now below is dropped.
                keep_logic_valid(d);
            }
        })
    };
    let published = use_context::<Published>();
    let duplicate = move |_| {
        draft.update(|d| {
            if let Some(at) = d.questions.iter().position(|q| q.id == id.get_value()) {
                let mut copy = d.questions[at].clone();
                copy.id = fresh_question_id(d, published);
                // On a page, the copy joins it, right after the original.
                let original = id.get_value();
                if let Some(page) = d.options.pages.iter_mut().find(|p| p.questions.contains(&original)) {
                    let k = page.questions.iter().position(|q| *q == original).map_or(0, |k| k + 1);
                    page.questions.insert(k, copy.id.clone());
                }
                d.questions.insert(at + 1, copy);
            }
        })
    };
    let remove = move |_| {
        draft.update(|d| {
            d.questions.retain(|q| q.id != id.get_value());
            keep_logic_valid(d);
            for t in d.options.translations.values_mut() {
                t.questions.remove(&id.get_value());
            }
        })
    };

    view! {
        <li class="question-editor">
            <div class="question-editor-head">
                <span class="badge">{kind_name}</span>
                <span class="question-number">{move || format!("Question {}", number())}</span>
                <div class="question-tools">
                    <button type="button" class="link" disabled=move || { number() <= 1 }
                        aria-label=move || format!("Move question {} up", number()) on:click=move |_| move_by(-1)>"↑"</button>
                    <button type="button" class="link" disabled=move || { number() >= count() }
                        aria-label=move || format!("Move question {} down", number()) on:click=move |_| move_by(1)>"↓"</button>
                    <button type="button" class="link" aria-label=move || format!("Duplicate question {}", number())
                        on:click=duplicate>"Duplicate"</button>
                    <button type="button" class="link" aria-label=move || format!("Remove question {}", number())
                        on:click=remove>"Remove"</button>
                </div>
            </div>
            <label class="grow">{move || format!("Question {} title", number())}
                <input type="text" prop:value=move || question().map(|q| q.title).unwrap_or_default()
                    on:input=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |q| q.title = v)) }/>
            </label>
            <p class="hint">
                "Later texts recall this answer with "<code>{format!("{{{{{}|fallback}}}}", id.get_value())}</code>
            </p>
            <label class="grow">{move || format!("Question {} description (optional)", number())}
                <input type="text" prop:value=move || question().and_then(|q| q.description).unwrap_or_default()
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        edit(Box::new(move |q| q.description = (!v.trim().is_empty()).then_some(v)))
                    }/>
            </label>
            <label class="inline">
                <input type="checkbox" prop:checked=move || question().is_some_and(|q| q.required)
                    on:change=move |ev| { let v = event_target_checked(&ev); edit(Box::new(move |q| q.required = v)) }/>
                {move || format!("Question {} required", number())}
            </label>
            <PageControls draft id=id.get_value()/>
            <KindSettings draft id=id.get_value()/>
            <ValidationEditor draft id=id.get_value()/>
            <Show when=move || { number() > 1 }>
                <LogicEditor draft id=id.get_value()/>
            </Show>
            <RulesEditor draft id=id.get_value()/>
        </li>
    }
}
