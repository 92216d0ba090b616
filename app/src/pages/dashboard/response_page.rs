//! One response: its answers, metadata, contact, the invitation and event it
//! came from, the webhook deliveries it caused; its case, its tags and the
//! team's notes; and deleting it (with its personal data), after confirmation.

use super::case_panel::ResponseCase;
use super::response_follow_up::{ResponseNotes, ResponseTags};
use super::DashboardLayout;
use crate::components::{action_error, format_time, ErrorNotice};
use crate::domain::display::{answer as display_answer, value_text};
use crate::domain::response_detail::ResponseDetail;
use crate::server_fns::analytics::{delete_response, get_response_detail};
use crate::server_fns::auth::whoami;
use crate::server_fns::surveys::get_survey;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ResponsePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let detail = Resource::new(id, |id| async move {
        let detail = get_response_detail(id).await?;
        let survey = get_survey(detail.response.survey_id.clone()).await?;
        Ok::<_, crate::domain::AppError>((detail, survey))
    });
    let me = Resource::new(|| (), |_| whoami());
    let remove = Action::new(|id: &String| delete_response(id.clone()));
    let confirming = RwSignal::new(false);
    view! {
        <Title text="Response"/>
        <DashboardLayout>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let me = me.await.ok().flatten();
                    let can_edit = me.as_ref().is_some_and(|me| me.role.can_edit());
                    match detail.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok((d, survey)) => {
                            let survey_link = format!("/dashboard/surveys/{}", survey.id);
                            let response_id = d.response.id.clone();
                            let deleted = move || matches!(remove.value().get(), Some(Ok(())));
                            view! {
                                <p><a href=survey_link.clone()>{format!("← {}", survey.name)}</a></p>
                                <h1>"Response"</h1>
                                <Show when=move || !deleted() fallback=move || view! {
                                    <p class="notice" role="status">"The response and its personal data were deleted."</p>
                                }>
                                    <Detail detail=d.clone()/>
                                    {me.clone().map(|me| view! { <ResponseCase response_id=response_id.clone() me/> })}
                                    <ResponseTags response_id=response_id.clone() can_edit/>
                                    {me.clone().map(|me| view! { <ResponseNotes response_id=response_id.clone() me/> })}
                                    {can_edit.then(|| {
                                        let response_id = response_id.clone();
                                        view! {
                                            <section class="card danger">
                                                <Show when=move || confirming.get() fallback=move || view! {
                                                    <button type="button" class="danger" on:click=move |_| confirming.set(true)>"Delete this response"</button>
                                                }>
                                                    <p role="alert">"Delete this response and its personal data for good? Webhook copies of it are redacted too."</p>
                                                    <div class="actions">
                                                        <button type="button" class="danger" on:click={
                                                            let response_id = response_id.clone();
                                                            move |_| { remove.dispatch(response_id.clone()); }
                                                        }>"Yes, delete it"</button>
                                                        <button type="button" on:click=move |_| confirming.set(false)>"Cancel"</button>
                                                    </div>
                                                </Show>
                                                {action_error(move || remove.value().get())}
                                            </section>
                                        }
                                    })}
                                </Show>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </DashboardLayout>
    }
}

#[component]
fn Detail(detail: ResponseDetail) -> impl IntoView {
    let r = detail.response;
    let mut metadata: Vec<(String, String)> = r.metadata.iter().map(|(k, v)| (k.clone(), value_text(v))).collect();
    metadata.sort();
    let hidden: Vec<(String, String)> = r.hidden_fields.iter().map(|(k, v)| (k.clone(), value_text(v))).collect();
    // What the survey's logic calculated, and the ending it reached.
    let variables: Vec<(String, String)> = r.variables.iter().map(|(k, v)| (k.clone(), value_text(v))).collect();
    view! {
        <dl class="facts">
            <dt>"Received"</dt><dd>{format_time(&r.created_at)}</dd>
            <dt>"Complete"</dt><dd>{r.completed_at.map(|t| format_time(&t)).unwrap_or_else(|| "no (partial)".into())}</dd>
            <dt>"Language"</dt><dd>{r.language.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt>"Survey version"</dt><dd>{r.survey_version}</dd>
            <dt>"Id"</dt><dd><code>{r.id.clone()}</code></dd>
        </dl>
        <section class="card"><h2>"Answers"</h2>
            <dl class="answers">
                {detail.questions.iter().map(|q| view! { <dt>{q.title.clone()}</dt><dd>{display_answer(q, &r.answers)}</dd> }).collect_view()}
            </dl>
        </section>
        {(!variables.is_empty() || r.ending.is_some()).then(|| view! {
            <section class="card"><h2>"Logic"</h2>
                <dl>
                    {variables.into_iter().map(|(k, v)| view! { <dt>{format!("variable {k}")}</dt><dd>{v}</dd> }).collect_view()}
                    {r.ending.clone().map(|e| view! { <dt>"ending"</dt><dd>{e}</dd> })}
                </dl>
            </section>
        })}
        <section class="card"><h2>"Metadata"</h2>
            {if metadata.is_empty() && hidden.is_empty() { Some(view! { <p class="empty">"None."</p> }) } else { None }}
            <dl>
                {metadata.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                {hidden.into_iter().map(|(k, v)| view! { <dt>{format!("hidden field {k}")}</dt><dd>{v}</dd> }).collect_view()}
            </dl>
        </section>
        <section class="card"><h2>"Contact"</h2>
            {match detail.contact {
                Some(c) => view! {
                    <p>{[c.first_name.clone(), c.last_name.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ")}" "
                       {c.email.clone().unwrap_or_default()}" "{c.external_id.clone().map(|e| format!("({e})")).unwrap_or_default()}</p>
                }.into_any(),
                None => view! { <p class="empty">"Anonymous."</p> }.into_any(),
            }}
            {detail.invitation.map(|i| view! {
                <p>{format!("Invited {} (invitation {}), opened {}, started {}",
                    i.sent_at.map(|t| format_time(&t)).unwrap_or_else(|| "—".into()), i.id,
                    i.opened_at.map(|t| format_time(&t)).unwrap_or_else(|| "—".into()),
                    i.started_at.map(|t| format_time(&t)).unwrap_or_else(|| "—".into()))}</p>
            })}
            {detail.event.map(|e| view! {
                <p>{format!("From event {} ({}), transaction {}", e.id, e.kind,
                    e.event["transaction"]["reference"].as_str().unwrap_or(""))}</p>
            })}
        </section>
        <section class="card"><h2>"Webhook deliveries"</h2>
            {if detail.deliveries.is_empty() {
                view! { <p class="empty">"None."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th>"Event"</th><th>"Status"</th><th>"Attempts"</th><th>"Created"</th></tr></thead>
                        <tbody>
                            {detail.deliveries.into_iter().map(|d| view! {
                                <tr>
                                    <td><a href=format!("/dashboard/webhooks/{}", d.webhook_id)>{d.event.clone()}</a></td>
                                    <td><span class=format!("badge {}", d.status.as_str())>{d.status.as_str()}</span></td>
                                    <td>{d.attempt_count}</td>
                                    <td>{format_time(&d.created_at)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
