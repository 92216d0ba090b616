//! The survey's variables (scores, segments the logic calculates) and its
//! endings (a heading and text, or an address to send the visitor to), which
//! questions' logic refers to by id.

use super::fresh_id;
use crate::domain::logic::{Ending, Variable, VariableKind};
use crate::domain::survey::SurveyDraft;
use leptos::prelude::*;

fn optional_text(v: String) -> Option<String> {
    (!v.trim().is_empty()).then_some(v)
}

#[component]
pub fn EndingsEditor(draft: RwSignal<SurveyDraft>) -> impl IntoView {
    let variable_count = Memo::new(move |_| draft.with(|d| d.options.variables.len()));
    let ending_count = Memo::new(move |_| draft.with(|d| d.options.endings.len()));
    let add_variable = move |_| {
        draft.update(|d| {
            let id = fresh_id("var", |id| d.options.variables.iter().any(|v| v.id == id));
            d.options.variables.push(Variable { id, ..Default::default() });
        })
    };
    let add_ending = move |_| {
        draft.update(|d| {
            let id = fresh_id("ending", |id| d.options.endings.iter().any(|e| e.id == id));
            d.options.endings.push(Ending { id, title: Some("Thank you!".into()), ..Default::default() });
        })
    };
    view! {
        <details class="card settings">
            <summary>"Variables and endings"</summary>
            <div class="stack">
                <fieldset class="stack">
                    <legend>"Variables"</legend>
                    <p class="hint">"Numbers or texts the questions' logic calculates (a quiz score, a segment). Stored with each response; texts recall them with "<code>"{{var.score}}"</code>"."</p>
                    {move || (0..variable_count.get()).map(|i| view! { <VariableRow draft i/> }).collect_view()}
                    <button type="button" on:click=add_variable>"Add variable"</button>
                </fieldset>
                <fieldset class="stack">
                    <legend>"Endings"</legend>
                    <p class="hint">"Logic can jump to an ending instead of the standard thank-you. An address (https://…) sends the visitor there; answers it recalls are URL-encoded."</p>
                    {move || (0..ending_count.get()).map(|i| view! { <EndingRow draft i/> }).collect_view()}
                    <button type="button" on:click=add_ending>"Add ending"</button>
                </fieldset>
            </div>
        </details>
    }
}

#[component]
fn VariableRow(draft: RwSignal<SurveyDraft>, i: usize) -> impl IntoView {
    let variable = move || draft.with(|d| d.options.variables.get(i).cloned().unwrap_or_default());
    let edit = move |f: Box<dyn FnOnce(&mut Variable)>| {
        draft.update(|d| {
            if let Some(v) = d.options.variables.get_mut(i) {
                f(v)
            }
        })
    };
    let n = i + 1;
    view! {
        <div class="row">
            <label class="inline">{format!("Variable {n} id")}
                <input type="text" class="short" spellcheck="false" prop:value=move || variable().id
                    on:input=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |x| x.id = v)) }/>
            </label>
            <label class="inline">{format!("Variable {n} type")}
                <select on:change=move |ev| {
                    let kind = if event_target_value(&ev) == "text" { VariableKind::Text } else { VariableKind::Number };
                    edit(Box::new(move |x| { x.kind = kind; x.initial = None; }))
                }>
                    <option value="number" selected=move || variable().kind == VariableKind::Number>"Number"</option>
                    <option value="text" selected=move || variable().kind == VariableKind::Text>"Text"</option>
                </select>
            </label>
            <label class="inline">{format!("Variable {n} starts at")}
                <input type="text" class="short" prop:value=move || match variable().initial {
                        Some(serde_json::Value::String(s)) => s,
                        Some(other) => other.to_string(),
                        None => String::new(),
                    }
                    on:change=move |ev| {
                        let text = event_target_value(&ev);
                        edit(Box::new(move |x| {
                            x.initial = match x.kind {
                                _ if text.trim().is_empty() => None,
                                VariableKind::Number => text.trim().parse::<f64>().ok().map(crate::domain::logic::number_value),
                                VariableKind::Text => Some(serde_json::Value::String(text)),
                            }
                        }))
                    }/>
            </label>
            <button type="button" class="link" aria-label=format!("Remove variable {n}")
                on:click=move |_| draft.update(|d| { if i < d.options.variables.len() { d.options.variables.remove(i); } })>
                "Remove"
            </button>
        </div>
    }
}

#[component]
fn EndingRow(draft: RwSignal<SurveyDraft>, i: usize) -> impl IntoView {
    let ending = move || draft.with(|d| d.options.endings.get(i).cloned().unwrap_or_default());
    let edit = move |f: Box<dyn FnOnce(&mut Ending)>| {
        draft.update(|d| {
            if let Some(e) = d.options.endings.get_mut(i) {
                f(e)
            }
        })
    };
    let n = i + 1;
    view! {
        <fieldset class="stack ending-editor">
            <legend>{format!("Ending {n}")}</legend>
            <label class="inline">{format!("Ending {n} id")}
                <input type="text" class="short" spellcheck="false" prop:value=move || ending().id
                    on:input=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |e| e.id = v)) }/>
            </label>
            <label class="grow">{format!("Ending {n} heading")}
                <input type="text" prop:value=move || ending().title.unwrap_or_default()
                    on:input=move |ev| { let v = optional_text(event_target_value(&ev)); edit(Box::new(move |e| e.title = v)) }/>
            </label>
            <label class="grow">{format!("Ending {n} text")}
                <input type="text" prop:value=move || ending().text.unwrap_or_default()
                    on:input=move |ev| { let v = optional_text(event_target_value(&ev)); edit(Box::new(move |e| e.text = v)) }/>
            </label>
            <label class="grow">{format!("Ending {n} redirect address (optional)")}
                <input type="url" placeholder="https://example.com/thanks?score={{var.score}}"
                    prop:value=move || ending().redirect_url.unwrap_or_default()
                    on:input=move |ev| {
                        let v = optional_text(event_target_value(&ev).trim().to_string());
                        edit(Box::new(move |e| e.redirect_url = v))
                    }/>
            </label>
            <button type="button" class="link" aria-label=format!("Remove ending {n}")
                on:click=move |_| draft.update(|d| { if i < d.options.endings.len() { d.options.endings.remove(i); } })>
                "Remove"
            </button>
        </fieldset>
    }
}
