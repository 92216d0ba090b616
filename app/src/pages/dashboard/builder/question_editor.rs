//! One question in the builder: its texts, type settings, skip logic, and
//! moving, duplicating or removing it.

use super::logic_editor::LogicEditor;
use super::{edit_question, fresh_choice_id, fresh_question_id, Published};
use crate::domain::survey::{Choice, Question, QuestionKind, RatingStyle, SurveyDraft};
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
                let to = from as isize + delta;
                if (0..d.questions.len() as isize).contains(&to) {
                    d.questions.swap(from, to as usize);
                    // Logic may only look back: a condition on a question now below is dropped.
                    crate::pages::dashboard::builder::logic_editor::drop_forward_conditions(&mut d.questions);
                }
            }
        })
    };
    let published = use_context::<Published>();
    let duplicate = move |_| {
        draft.update(|d| {
            if let Some(at) = d.questions.iter().position(|q| q.id == id.get_value()) {
                let mut copy = d.questions[at].clone();
                copy.id = fresh_question_id(d, published);
                d.questions.insert(at + 1, copy);
            }
        })
    };
    let remove = move |_| {
        draft.update(|d| {
            d.questions.retain(|q| q.id != id.get_value());
            crate::pages::dashboard::builder::logic_editor::drop_forward_conditions(&mut d.questions);
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
            <KindSettings draft id=id.get_value()/>
            <Show when=move || { number() > 1 }>
                <LogicEditor draft id=id.get_value()/>
            </Show>
        </li>
    }
}

/// Settings that depend on the question type (scale, style, choices, …).
#[component]
fn KindSettings(draft: RwSignal<SurveyDraft>, id: String) -> impl IntoView {
    let id = StoredValue::new(id);
    let kind = move || draft.with(|d| d.questions.iter().find(|q| q.id == id.get_value()).map(|q| q.kind.clone()));
    let edit_kind =
        move |f: Box<dyn FnOnce(&mut QuestionKind)>| edit_question(draft, &id.get_value(), |q| f(&mut q.kind));
    let number = move || draft.with(|d| d.questions.iter().position(|q| q.id == id.get_value()).map_or(0, |p| p + 1));
    match draft.with_untracked(|d| d.questions.iter().find(|q| q.id == id.get_value()).map(|q| q.kind.clone())) {
        Some(QuestionKind::Rating { .. }) => view! {
            <label class="inline">{move || format!("Question {} scale", number())}
                <select on:change=move |ev| {
                    let scale: u8 = event_target_value(&ev).parse().unwrap_or(5);
                    edit_kind(Box::new(move |k| if let QuestionKind::Rating { scale: s, .. } = k { *s = scale }));
                }>
                    {(3..=10u8).map(|n| view! {
                        <option value=n.to_string() selected=move || matches!(kind(), Some(QuestionKind::Rating { scale, .. }) if scale == n)>
                            {format!("1–{n}")}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            <label class="inline">{move || format!("Question {} style", number())}
                <select on:change=move |ev| {
                    let style = if event_target_value(&ev) == "stars" { RatingStyle::Stars } else { RatingStyle::Numbers };
                    edit_kind(Box::new(move |k| if let QuestionKind::Rating { style: s, .. } = k { *s = style }));
                }>
                    <option value="stars" selected=move || matches!(kind(), Some(QuestionKind::Rating { style: RatingStyle::Stars, .. }))>"Stars"</option>
                    <option value="numbers" selected=move || matches!(kind(), Some(QuestionKind::Rating { style: RatingStyle::Numbers, .. }))>"Numbers"</option>
                </select>
            </label>
        }
        .into_any(),
        Some(QuestionKind::Text { .. }) => view! {
            <label class="inline">
                <input type="checkbox" prop:checked=move || matches!(kind(), Some(QuestionKind::Text { multiline: true }))
                    on:change=move |ev| {
                        let v = event_target_checked(&ev);
                        edit_kind(Box::new(move |k| if let QuestionKind::Text { multiline } = k { *multiline = v }));
                    }/>
                {move || format!("Question {} allows several lines", number())}
            </label>
        }
        .into_any(),
        Some(QuestionKind::SingleChoice { .. } | QuestionKind::MultipleChoice { .. }) => {
            view! { <ChoicesEditor draft id=id.get_value()/> }.into_any()
        }
        _ => ().into_any(),
    }
}

fn choices_mut(kind: &mut QuestionKind) -> Option<(&mut Vec<Choice>, &mut bool)> {
    match kind {
        QuestionKind::SingleChoice { choices, allow_other } | QuestionKind::MultipleChoice { choices, allow_other } => {
            Some((choices, allow_other))
        }
        _ => None,
    }
}

#[component]
fn ChoicesEditor(draft: RwSignal<SurveyDraft>, id: String) -> impl IntoView {
    let id = StoredValue::new(id);
    let question = move || draft.with(|d| d.questions.iter().find(|q| q.id == id.get_value()).cloned());
    let number = move || draft.with(|d| d.questions.iter().position(|q| q.id == id.get_value()).map_or(0, |p| p + 1));
    let edit = move |f: Box<dyn FnOnce(&mut Vec<Choice>, &mut bool)>| {
        edit_question(draft, &id.get_value(), |q| {
            if let Some((choices, other)) = choices_mut(&mut q.kind) {
                f(choices, other)
            }
        })
    };
    let published = use_context::<Published>();
    let choice_ids = move || {
        question()
            .and_then(|q| q.kind.choices().map(|c| c.iter().map(|c| c.id.clone()).collect::<Vec<_>>()))
            .unwrap_or_default()
    };
    view! {
        <fieldset class="choices-editor">
            <legend>{move || format!("Question {} choices", number())}</legend>
            <For each=choice_ids key=|c| c.clone() let:choice>
                {
                    let choice = StoredValue::new(choice);
                    let index = move || choice_ids().iter().position(|c| *c == choice.get_value()).map_or(0, |i| i + 1);
                    let label = move || question()
                        .and_then(|q| q.kind.choices().and_then(|cs| cs.iter().find(|c| c.id == choice.get_value()).map(|c| c.label.clone())))
                        .unwrap_or_default();
                    view! {
                        <div class="choice-row">
                            <input type="text" aria-label=move || format!("Question {} choice {}", number(), index())
                                prop:value=label on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    edit(Box::new(move |cs, _| if let Some(c) = cs.iter_mut().find(|c| c.id == choice.get_value()) { c.label = v }));
                                }/>
                            <button type="button" class="link" aria-label=move || format!("Remove choice {} of question {}", index(), number())
                                on:click=move |_| edit(Box::new(move |cs, _| cs.retain(|c| c.id != choice.get_value())))>"Remove"</button>
                        </div>
                    }
                }
            </For>
            <button type="button" class="link" on:click=move |_| edit(Box::new(move |cs, _| {
                let id = fresh_choice_id(&id.get_value(), cs, published);
                let label = format!("Option {}", cs.len() + 1);
                cs.push(Choice { id, label });
            }))>{move || format!("Add a choice to question {}", number())}</button>
            <label class="inline">
                <input type="checkbox" prop:checked=move || question().is_some_and(|q| q.kind.allows_other())
                    on:change=move |ev| { let v = event_target_checked(&ev); edit(Box::new(move |_, other| *other = v)) }/>
                {move || format!("Question {} offers \"Other\" with a text box", number())}
            </label>
        </fieldset>
    }
}
