//! The survey's languages: the default one, and translations of the name,
//! the questions, their choices and the thank-you text into others.

use crate::domain::i18n;
use crate::domain::survey::SurveyDraft;
use crate::domain::survey_options::Translation;
use leptos::prelude::*;

#[component]
pub fn TranslationsEditor(draft: RwSignal<SurveyDraft>) -> impl IntoView {
    let new_language = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let add = move |_| {
        let tag = new_language.get_untracked().trim().to_string();
        let known = draft.with_untracked(|d| d.options.languages().contains(&tag));
        if !i18n::is_valid_tag(&tag) {
            problem.set(Some("Use a language code such as el, de or pt-BR.".into()));
        } else if known {
            problem.set(Some("The survey already has this language.".into()));
        } else {
            problem.set(None);
            draft.update(|d| {
                d.options.translations.insert(tag, Translation::default());
            });
            new_language.set(String::new());
        }
    };
    let languages = move || draft.with(|d| d.options.translations.keys().cloned().collect::<Vec<_>>());
    view! {
        <details class="card translations">
            <summary>"Languages"</summary>
            <div class="stack">
                <label class="inline">"Default language"
                    <input type="text" size="8" prop:value=move || draft.with(|d| d.options.default_language.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.options.default_language = v.trim().to_string()) }/>
                </label>
                <div class="row">
                    <label class="inline">"Add a language"
                        <input type="text" size="8" placeholder="el" prop:value=new_language
                            on:input=move |ev| new_language.set(event_target_value(&ev))/>
                    </label>
                    <button type="button" on:click=add>"Add language"</button>
                </div>
                {move || problem.get().map(|p| view! { <p class="notice notice-error" role="alert">{p}</p> })}
                <For each=languages key=|l| l.clone() let:language>
                    <LanguageEditor draft language/>
                </For>
            </div>
        </details>
    }
}

/// Every text of the survey, with its translation into `language` beside it.
#[component]
fn LanguageEditor(draft: RwSignal<SurveyDraft>, language: String) -> impl IntoView {
    let language = StoredValue::new(language);
    let translation =
        move || draft.with(|d| d.options.translations.get(&language.get_value()).cloned().unwrap_or_default());
    let edit = move |f: Box<dyn FnOnce(&mut Translation)>| {
        draft.update(|d| {
            if let Some(t) = d.options.translations.get_mut(&language.get_value()) {
                f(t)
            }
        })
    };
    let non_empty = |v: String| (!v.trim().is_empty()).then_some(v);
    // Only a change to the questions themselves re-renders this list, not
    // typing a translation (which would lose the focus).
    let questions = Memo::new(move |_| {
        draft.with(|d| {
            d.questions
                .iter()
                .map(|q| (q.id.clone(), q.title.clone(), q.kind.choices().map(|c| c.to_vec()).unwrap_or_default()))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <fieldset class="language">
            <legend>{move || format!("Translation: {}", language.get_value())}</legend>
            <label>{move || format!("Survey name ({})", language.get_value())}
                <input type="text" prop:value=move || translation().name.unwrap_or_default()
                    on:input=move |ev| { let v = non_empty(event_target_value(&ev)); edit(Box::new(move |t| t.name = v)) }/>
            </label>
            {move || questions.get().into_iter().enumerate().map(|(i, (id, title, choices))| {
                let qid = StoredValue::new(id);
                let text = move || translation().questions.get(&qid.get_value()).cloned().unwrap_or_default();
                view! {
                    <div class="translation-question">
                        <label>{format!("Question {} title ({}) — {}", i + 1, language.get_value(), title)}
                            <input type="text" prop:value=move || text().title.unwrap_or_default() on:input=move |ev| {
                                let v = non_empty(event_target_value(&ev));
                                edit(Box::new(move |t| t.questions.entry(qid.get_value()).or_default().title = v));
                            }/>
                        </label>
                        {choices.into_iter().map(|c| {
                            let cid = StoredValue::new(c.id.clone());
                            view! {
                                <label class="indent">{format!("Choice \"{}\" ({})", c.label, language.get_value())}
                                    <input type="text" prop:value=move || text().choices.get(&cid.get_value()).cloned().unwrap_or_default()
                                        on:input=move |ev| {
                                            let v = event_target_value(&ev);
                                            edit(Box::new(move |t| {
                                                let entry = t.questions.entry(qid.get_value()).or_default();
                                                if v.trim().is_empty() { entry.choices.remove(&cid.get_value()); } else { entry.choices.insert(cid.get_value(), v); }
                                            }));
                                        }/>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                }
            }).collect_view()}
            <label>{move || format!("Thank-you message ({})", language.get_value())}
                <input type="text" prop:value=move || translation().thank_you.unwrap_or_default()
                    on:input=move |ev| { let v = non_empty(event_target_value(&ev)); edit(Box::new(move |t| t.thank_you = v)) }/>
            </label>
            <button type="button" class="link" on:click=move |_| draft.update(|d| { d.options.translations.remove(&language.get_value()); })>
                {move || format!("Remove language {}", language.get_value())}
            </button>
        </fieldset>
    }
}
