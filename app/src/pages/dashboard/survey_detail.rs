//! One survey: its status and link, publish/close, and its responses.

use super::DashboardLayout;
use crate::components::{format_time, ErrorNotice};
use crate::domain::survey::{Survey, SurveyStatus};
use crate::server_fns::responses::list_responses;
use crate::server_fns::surveys::{get_survey, set_survey_status};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::domain::display::{answer as display_answer, metadata as display_metadata};

#[component]
pub fn SurveyDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let change_status = Action::new(|(id, status): &(String, SurveyStatus)| set_survey_status(id.clone(), *status));
    let survey = Resource::new(move || (id(), change_status.version().get()), |(id, _)| get_survey(id));
    let responses = Resource::new(id, |id| list_responses(id, 1));

    view! {
        <Title text="Survey"/>
        <DashboardLayout>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match survey.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(survey) => view! { <SurveyHeader survey=survey.clone() change_status/> <ResponsesTable survey responses/> }.into_any(),
                    }
                })}
            </Suspense>
        </DashboardLayout>
    }
}

#[component]
fn SurveyHeader(
    survey: Survey,
    change_status: Action<(String, SurveyStatus), Result<Survey, crate::domain::AppError>>,
) -> impl IntoView {
    let link = format!("/s/{}", survey.id);
    let id = survey.id.clone();
    let next = match survey.status {
        SurveyStatus::Draft | SurveyStatus::Closed => (SurveyStatus::Published, "Publish"),
        SurveyStatus::Published => (SurveyStatus::Closed, "Close survey"),
    };
    view! {
        <Title text=survey.name.clone()/>
        <div class="page-head">
            <h1>{survey.name.clone()}</h1>
            <span class=format!("badge {}", survey.status.as_str())>{survey.status.as_str()}</span>
        </div>
        <p>
            "Public link: " <a href=link.clone() target="_blank" rel="noopener">{link.clone()}</a>
        </p>
        <div class="actions">
            <a class="button" href=format!("/dashboard/surveys/{}/edit", survey.id)>"Edit survey"</a>
            <button type="button" on:click=move |_| { change_status.dispatch((id.clone(), next.0)); }
                disabled=change_status.pending()>{next.1}</button>
        </div>
        {crate::components::action_error(move || change_status.value().get())}
        <EmbedSnippet survey=survey.clone()/>
    }
}

/// The snippet for the customer's site, with this Vox's real address.
#[component]
fn EmbedSnippet(survey: Survey) -> impl IntoView {
    let base = Resource::new(|| (), |_| crate::server_fns::settings::public_url());
    let copied = RwSignal::new(false);
    let id = survey.id.clone();
    let no_sites = survey.options.embed.allowed_origins.is_empty();
    let sites = survey.options.embed.allowed_origins.join(", ");
    view! {
        <section class="card embed">
            <h2>"Embed on your site"</h2>
            {if no_sites {
                view! { <p class="notice">"No site may show this survey yet: add yours under Edit survey → Embedding."</p> }.into_any()
            } else {
                view! { <p>"Allowed sites: " {sites}</p> }.into_any()
            }}
            <Suspense fallback=|| ()>
                {move || {
                    let id = id.clone();
                    Suspend::new(async move {
                        let base = base.await.unwrap_or_default();
                        let snippet = snippet(&base, &id);
                        let text = snippet.clone();
                        view! {
                            <textarea readonly rows="7" class="snippet" aria-label="Embed snippet" prop:value=snippet></textarea>
                            <button type="button" on:click=move |_| { crate::components::copy_to_clipboard(&text); copied.set(true); }>
                                {move || if copied.get() { "Copied" } else { "Copy snippet" }}
                            </button>
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

/// The snippet of API.md: a queue for calls made before `/embed.js` arrives.
fn snippet(base: &str, survey_id: &str) -> String {
    format!(
        "<script>\n  (function(w,d,u){{w.vox=w.vox||function(){{(w.vox.q=w.vox.q||[]).push(arguments)}};\n   \
         var s=d.createElement('script');s.async=1;s.src=u;d.head.appendChild(s)}})(window,document,'{base}/embed.js');\n  \
         vox('init', {{survey: '{survey_id}'}});\n  // vox('updateMetadata', {{orderId: 'A-1042'}});\n</script>"
    )
}

#[component]
fn ResponsesTable(
    survey: Survey,
    responses: Resource<
        Result<crate::domain::page::Paginated<crate::domain::response::SurveyResponse>, crate::domain::AppError>,
    >,
) -> impl IntoView {
    let questions = survey.questions.clone();
    view! {
        <h2>"Responses"</h2>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let questions = questions.clone();
                Suspend::new(async move {
                    match responses.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(page) if page.data.is_empty() => view! { <p class="empty">"No responses yet."</p> }.into_any(),
                        Ok(page) => view! {
                            <p>{if page.meta.total == 1 { "1 response".to_string() } else { format!("{} responses", page.meta.total) }}</p>
                            <div class="table-scroll">
                                <table class="table responses">
                                    <thead><tr>
                                        <th>"Received"</th><th>"Complete"</th>
                                        {questions.iter().map(|q| view! { <th>{q.title.clone()}</th> }).collect_view()}
                                        <th>"Metadata"</th>
                                    </tr></thead>
                                    <tbody>
                                        {page.data.into_iter().map(|r| {
                                            let cells = questions.iter().map(|q| view! { <td>{display_answer(q, &r.answers)}</td> }).collect_view();
                                            view! {
                                                <tr>
                                                    <td>{format_time(&r.created_at)}</td>
                                                    <td>{if r.completed { "yes" } else { "no" }}</td>
                                                    {cells}
                                                    <td class="metadata">{display_metadata(&r.metadata)}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
