//! The list of the organisation's surveys.

use super::survey_import::ImportSurveyCard;
use super::DashboardLayout;
use crate::components::{format_time, ErrorNotice};
use crate::server_fns::auth::whoami;
use crate::server_fns::surveys::list_surveys;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SurveysPage() -> impl IntoView {
    let surveys = Resource::new(|| 1u32, list_surveys);
    let me = Resource::new(|| (), |_| whoami());
    view! {
        <Title text="Surveys"/>
        <DashboardLayout>
            <div class="page-head">
                <h1>"Surveys"</h1>
                <a class="button primary" href="/dashboard/surveys/new">"New survey"</a>
            </div>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match surveys.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(page) if page.data.is_empty() => view! {
                            <p class="empty">"No surveys yet. Create your first one."</p>
                        }.into_any(),
                        Ok(page) => view! {
                            <table class="table">
                                <thead><tr><th>"Name"</th><th>"Status"</th><th>"Responses"</th><th>"Created"</th></tr></thead>
                                <tbody>
                                    {page.data.into_iter().map(|s| view! {
                                        <tr>
                                            <td><a href=format!("/dashboard/surveys/{}", s.id)>{s.name.clone()}</a></td>
                                            <td><span class=format!("badge {}", s.status.as_str())>{s.status.as_str()}</span></td>
                                            <td>{s.response_count}</td>
                                            <td>{format_time(&s.created_at)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Suspense>
            // Viewers cannot create surveys (the server refuses them anyway).
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    matches!(me.await, Ok(Some(me)) if me.role.can_edit()).then(|| view! { <ImportSurveyCard/> })
                })}
            </Suspense>
        </DashboardLayout>
    }
}
