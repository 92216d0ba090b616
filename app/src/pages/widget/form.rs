//! The survey form. Without JavaScript it posts to `/s/{id}`, and the server
//! redirects back with `?invalid=<questionIds>` when answers are missing or
//! wrong. Hydrated, it submits through `submit_survey_form` and shows the
//! result in place.

use super::question::QuestionField;
use super::ThankYou;
use crate::domain::survey::{PublicSurvey, SurveyStatus};
use crate::domain::AppError;
use crate::server_fns::responses::submit_survey_form;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The message shown under a question the server refused.
pub const INVALID_MESSAGE: &str = "Please check your answer to this question.";

#[component]
pub fn SurveyForm(survey: PublicSurvey) -> impl IntoView {
    if survey.status == SurveyStatus::Closed {
        return view! {
            <h1>{survey.name.clone()}</h1>
            <p class="notice" role="status">"This survey is closed. Thank you for your interest."</p>
        }
        .into_any();
    }
    let query = use_query_map();
    // Errors from a no-JavaScript post arrive as question ids in the URL;
    // only ids of this survey are shown, so a crafted link cannot inject text.
    let initial: Vec<(String, String)> = query
        .read_untracked()
        .get("invalid")
        .unwrap_or_default()
        .split(',')
        .filter(|id| survey.questions.iter().any(|q| q.id == *id))
        .map(|id| (id.to_string(), INVALID_MESSAGE.to_string()))
        .collect();
    let errors = RwSignal::new(initial);
    let submit =
        Action::new(|(id, fields): &(String, Vec<(String, String)>)| submit_survey_form(id.clone(), fields.clone()));
    let done = Memo::new(move |_| matches!(submit.value().get(), Some(Ok(_))));
    let general_error = RwSignal::new(None::<AppError>);

    Effect::new(move |_| match submit.value().get() {
        Some(Err(AppError::Validation { errors: list })) => {
            errors.set(
                list.into_iter()
                    .filter_map(|e| e.field.strip_prefix("answers.").map(|q| (q.to_string(), e.message.clone())))
                    .collect(),
            );
            general_error.set(None);
        }
        Some(Err(other)) => general_error.set(Some(other)),
        _ => {}
    });

    // Skip logic runs in the browser once hydrated; before that (and without
    // JavaScript) every question shows and the server ignores hidden answers.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let answers = RwSignal::new(crate::domain::answers::Answers::new());
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let all_questions = survey.questions.clone();
    let on_change = move |_| {
        if let Some(fields) = form_ref.get().and_then(|form| read_form(&form)) {
            answers.set(crate::domain::answers::from_form(&all_questions, &fields).unwrap_or_default());
        }
    };

    let survey_id = survey.id.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(fields) = form_ref.get().and_then(|form| read_form(&form)) {
            submit.dispatch((survey_id.clone(), fields));
        }
    };
    let action = format!("/s/{}", survey.id);
    let name = survey.name.clone();
    let questions = survey.questions.clone();

    view! {
        <Show when=move || !done.get() fallback=|| view! { <ThankYou/> }>
            <h1>{name.clone()}</h1>
            <form method="post" action=action.clone() class="survey-form" node_ref=form_ref
                on:submit=on_submit.clone() on:change=on_change.clone()>
                {questions.iter().cloned().map(|q| {
                    let id = q.id.clone();
                    let error = Signal::derive(move || errors.read().iter().find(|(q, _)| *q == id).map(|(_, m)| m.clone()));
                    let shown = q.clone();
                    let visible = Signal::derive(move || !hydrated.get() || crate::domain::logic::is_visible(&shown, &answers.read()));
                    view! { <QuestionField question=q error visible/> }
                }).collect_view()}
                {move || general_error.get().map(|error| view! { <crate::components::ErrorNotice error/> })}
                <button type="submit" class="primary" disabled=submit.pending()>"Submit"</button>
            </form>
        </Show>
    }
    .into_any()
}

/// The form's fields as (name, value) pairs, as the browser would post them
/// (disabled controls, i.e. questions hidden by skip logic, are left out).
#[cfg(feature = "hydrate")]
fn read_form(form: &web_sys::HtmlFormElement) -> Option<Vec<(String, String)>> {
    use wasm_bindgen::JsCast;
    let data = web_sys::FormData::new_with_form(form).ok()?;
    let mut fields = Vec::new();
    for entry in js_sys::try_iter(&data).ok()??.flatten() {
        let pair: js_sys::Array = entry.unchecked_into();
        if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            fields.push((k, v));
        }
    }
    Some(fields)
}

#[cfg(not(feature = "hydrate"))]
fn read_form<T>(_form: &T) -> Option<Vec<(String, String)>> {
    None
}
