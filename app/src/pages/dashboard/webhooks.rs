//! Webhooks: the organisation's endpoints (all surveys, or one), creating one
//! (its secret shown once), and a banner for endpoints Vox turned off.

use super::DashboardLayout;
use crate::components::{action_error, format_time, ErrorNotice};
use crate::domain::webhook::{NewWebhook, WebhookView, EVENT_TYPES};
use crate::server_fns::surveys::list_surveys;
use crate::server_fns::webhooks::{create_webhook, list_webhooks};
use leptos::prelude::*;
use leptos_meta::Title;

fn scope_label(view: &WebhookView) -> String {
    match &view.survey_id {
        Some(id) => format!("Survey {id}"),
        None => "All surveys".into(),
    }
}

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let create = Action::new(|input: &NewWebhook| create_webhook(input.clone()));
    let hooks = Resource::new(move || create.version().get(), |_| list_webhooks());
    let surveys = Resource::new(|| 1u32, list_surveys);

    let url = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let survey = RwSignal::new(String::new());
    let all_events = RwSignal::new(true);
    let chosen = RwSignal::new(Vec::<String>::new());
    let on_create = move |_| {
        let events = crate::domain::webhook::subscription(all_events.get(), &chosen.get());
        let survey_id = Some(survey.get()).filter(|s| !s.is_empty());
        create.dispatch(NewWebhook { survey_id, name: name.get(), url: url.get(), events });
    };

    view! {
        <Title text="Webhooks"/>
        <DashboardLayout>
            <h1>"Webhooks"</h1>
            <p class="description">
                "Vox POSTs each event to your URL, signed (Standard Webhooks headers and X-Vox-Signature), "
                "retried for about 28 hours, and logged."
            </p>
            {move || create.value().get().and_then(Result::ok).map(|created| view! {
                <section class="notice new-token" role="status">
                    <h2>"Webhook created"</h2>
                    <p>"Its signing secret, shown this once:"</p>
                    <input type="text" readonly aria-label="Signing secret" class="token-value" prop:value=created.secret.clone()/>
                    <p><a href=format!("/dashboard/webhooks/{}", created.webhook.id)>"Open the webhook"</a></p>
                </section>
            })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match hooks.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(list) => {
                            let disabled: Vec<WebhookView> = list.iter().filter(|h| h.disabled_reason.is_some()).cloned().collect();
                            view! {
                                {(!disabled.is_empty()).then(|| view! {
                                    <div class="notice notice-error" role="alert">
                                        <strong>"Vox turned off these webhooks: "</strong>
                                        {disabled.into_iter().map(|h| view! {
                                            <span>{h.url.clone()}" ("{h.disabled_reason.clone().unwrap_or_default()}") "</span>
                                        }).collect_view()}
                                    </div>
                                })}
                                {if list.is_empty() {
                                    view! { <p class="empty">"No webhooks yet."</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="table">
                                            <thead><tr><th>"URL"</th><th>"For"</th><th>"Events"</th><th>"Status"</th><th>"Created"</th></tr></thead>
                                            <tbody>
                                                {list.into_iter().map(|h| {
                                                    let status = if h.enabled { "active" } else { "disabled" };
                                                    view! {
                                                        <tr>
                                                            <td><a href=format!("/dashboard/webhooks/{}", h.id)>{h.url.clone()}</a></td>
                                                            <td>{scope_label(&h)}</td>
                                                            <td>{h.events.join(", ")}</td>
                                                            <td><span class=format!("badge {status}")>{status}</span></td>
                                                            <td>{format_time(&h.created_at)}</td>
                                                        </tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    }.into_any()
                                }}
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
            <section class="card stack">
                <h2>"Add a webhook"</h2>
                <label>"Endpoint URL" <input type="url" placeholder="https://example.com/hooks/vox" prop:value=url on:input=move |ev| url.set(event_target_value(&ev))/></label>
                <label>"Name (optional)" <input type="text" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/></label>
                <label>"Surveys"
                    <select on:change=move |ev| survey.set(event_target_value(&ev))>
                        <option value="">"All surveys"</option>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                surveys.await.map(|page| page.data.into_iter().map(|s| view! {
                                    <option value=s.id.clone()>{s.name.clone()}</option>
                                }).collect_view()).ok()
                            })}
                        </Suspense>
                    </select>
                </label>
                <fieldset class="scopes">
                    <legend>"Events"</legend>
                    <label class="inline">
                        <input type="checkbox" prop:checked=all_events on:change=move |ev| all_events.set(event_target_checked(&ev))/>
                        "All events, including future ones (internal notes only when ticked below)"
                    </label>
                    {EVENT_TYPES.into_iter().map(|event| view! {
                        <label class="inline">
                            <input type="checkbox" disabled=move || all_events.get() && !crate::domain::webhook::OPT_IN_EVENTS.contains(&event) on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| { c.retain(|e| e != event); if on { c.push(event.to_string()); } });
                            }/>
                            <code>{event}</code>
                        </label>
                    }).collect_view()}
                </fieldset>
                {action_error(move || create.value().get())}
                <div class="actions">
                    <button type="button" class="primary" on:click=on_create disabled=create.pending()>"Add webhook"</button>
                </div>
            </section>
        </DashboardLayout>
    }
}
