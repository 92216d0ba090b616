//! "Start from a template" on the new-survey page: the built-in templates
//! in the language the author picks; choosing one creates a draft survey
//! written in that language (the others come as translations) and opens it
//! in the builder.

use crate::components::ErrorNotice;
use crate::server_fns::surveys::{list_survey_templates, CreateSurveyFromTemplate};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// The widget's languages, each named in itself.
const LANGUAGES: [(&str, &str); 7] = [
    ("en", "English"),
    ("el", "Ελληνικά"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "العربية"),
    ("he", "עברית"),
];

#[component]
pub fn TemplatePicker() -> impl IntoView {
    let language = RwSignal::new("en".to_string());
    let templates = Resource::new(move || language.get(), list_survey_templates);
    let create = ServerAction::<CreateSurveyFromTemplate>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(survey)) = create.value().get() {
            navigate(&format!("/dashboard/surveys/{}/edit", survey.id), Default::default());
        }
    });
    view! {
        <details class="card templates" open>
            <summary>"Start from a template"</summary>
            <label class="inline">"Template language"
                <select on:change=move |ev| language.set(event_target_value(&ev))>
                    {LANGUAGES.iter().map(|(tag, name)| view! { <option value=*tag lang=*tag>{*name}</option> }).collect_view()}
                </select>
            </label>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match templates.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(list) => view! {
                            <ul class="template-list">
                                {list.into_iter().map(|t| {
                                    let lang = language.get_untracked();
                                    let dir = crate::domain::i18n::direction(&lang);
                                    let item_lang = lang.clone();
                                    view! {
                                        <li lang=item_lang dir=dir>
                                            <h3>{t.title.clone()}</h3>
                                            <p>{t.summary}</p>
                                            <p class="empty">{format!("{} questions", t.question_count)}</p>
                                            <ActionForm action=create>
                                                <input type="hidden" name="template" value=t.id/>
                                                <input type="hidden" name="language" value=lang/>
                                                <button type="submit" disabled=create.pending()
                                                    aria-label=format!("Use the template {}", t.title)>"Use this template"</button>
                                            </ActionForm>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Suspense>
            {crate::components::action_error(move || create.value().get())}
        </details>
    }
}
