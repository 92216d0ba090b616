//! The survey-taking widget: the public page `/s/{surveyId}`.
//!
//! It is a real HTML form that posts to `/s/{id}` and so works without
//! JavaScript; once hydrated, submission goes through a server function and
//! the thank-you message appears in place.

mod form;
mod question;

use crate::server_fns::surveys::get_public_survey;
use form::SurveyForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn SurveyPage() -> impl IntoView {
    let params = use_params_map();
    let survey = Resource::new(move || params.read().get("id").unwrap_or_default(), get_public_survey);
    view! {
        <main class="widget">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match survey.await {
                        Ok(survey) => view! { <Title text=survey.name.clone()/> <SurveyForm survey/> }.into_any(),
                        Err(_) => view! {
                            <Title text="Survey not found"/>
                            <h1>"Survey not found"</h1>
                            <p>"This survey does not exist, or is not open yet."</p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
pub fn ThanksPage() -> impl IntoView {
    view! {
        <Title text="Thank you"/>
        <main class="widget">
            <ThankYou/>
        </main>
    }
}

#[component]
pub(crate) fn ThankYou() -> impl IntoView {
    view! {
        <section class="thanks" role="status">
            <h1>"Thank you!"</h1>
            <p>"Your answers have been recorded."</p>
        </section>
    }
}
