//! The survey's languages: the default one, and translations of the name,
//! the questions, their choices and the thank-you text into others.

use crate::domain::i18n;
use crate::domain::survey::{Question, QuestionKind, SurveyDraft};
use crate::domain::survey_options::{QuestionTranslation, Translation};
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
        draft.with(|d| d.questions.iter().map(|q| (q.id.clone(), q.title.clone(), slots(q))).collect::<Vec<_>>())
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
                        {choices.into_iter().map(|(slot, original)| {
                            let slot = StoredValue::new(slot);
                            view! {
                                <label class="indent">{format!("{} \"{}\" ({})", slot.with_value(Slot::name), original, language.get_value())}
                                    <input type="text" prop:value=move || slot.with_value(|s| s.read(&text())).unwrap_or_default()
                                        on:input=move |ev| {
                                            let v = non_empty(event_target_value(&ev));
                                            edit(Box::new(move |t| slot.with_value(|s| s.write(t.questions.entry(qid.get_value()).or_default(), v))));
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

/// A text of a question, other than its title, that a translation can replace.
#[derive(Clone, Debug, PartialEq)]
enum Slot {
    /// A choice's (or a matrix column's) label.
    Choice(String),
    /// A matrix row's label.
    Row(String),
    /// A consent's text or a statement's button label.
    Label,
    /// A number's unit.
    Unit,
    /// The question's message for a broken validation rule.
    ValidationMessage,
}

impl Slot {
    fn name(&self) -> &'static str {
        match self {
            Slot::Choice(_) => "Choice",
            Slot::Row(_) => "Row",
            Slot::Label => "Label",
            Slot::Unit => "Unit",
            Slot::ValidationMessage => "Validation message",
        }
    }

    fn read(&self, texts: &QuestionTranslation) -> Option<String> {
        match self {
            Slot::Choice(id) => texts.choices.get(id).cloned(),
            Slot::Row(id) => texts.rows.get(id).cloned(),
            Slot::Label => texts.label.clone(),
            Slot::Unit => texts.unit.clone(),
            Slot::ValidationMessage => texts.validation_message.clone(),
        }
    }

    fn write(&self, texts: &mut QuestionTranslation, value: Option<String>) {
        let set = |map: &mut std::collections::BTreeMap<String, String>, id: &String| match value.clone() {
            Some(v) => {
                map.insert(id.clone(), v);
            }
            None => {
                map.remove(id);
            }
        };
        match self {
            Slot::Choice(id) => set(&mut texts.choices, id),
            Slot::Row(id) => set(&mut texts.rows, id),
            Slot::Label => texts.label = value,
            Slot::Unit => texts.unit = value,
            Slot::ValidationMessage => texts.validation_message = value,
        }
    }
}

/// The question's translatable texts besides its title, with the default language's wording.
fn slots(question: &Question) -> Vec<(Slot, String)> {
    let kind = &question.kind;
    let mut slots: Vec<(Slot, String)> = Vec::new();
    if let QuestionKind::Matrix { rows, .. } = kind {
        slots.extend(rows.iter().map(|r| (Slot::Row(r.id.clone()), r.label.clone())));
    }
    let mut kind_copy = kind.clone();
    if let Some(choices) = kind_copy.choices_mut() {
        slots.extend(choices.iter().map(|c| (Slot::Choice(c.id.clone()), c.label.clone())));
    }
    match kind {
        QuestionKind::Consent { label } => slots.push((Slot::Label, label.clone())),
        QuestionKind::Statement { button_label: Some(label), .. } => slots.push((Slot::Label, label.clone())),
        QuestionKind::Number { unit: Some(unit), .. } => slots.push((Slot::Unit, unit.clone())),
        _ => {}
    }
    if let Some(message) = &question.validation.message {
        slots.push((Slot::ValidationMessage, message.clone()));
    }
    slots
}
