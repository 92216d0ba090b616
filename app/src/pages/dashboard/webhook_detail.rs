//! One webhook: turn it on or off, send a test, rotate its secret, delete it,
//! and its delivery log with every attempt and a Retry button.

use super::DashboardLayout;
use crate::components::{action_error, format_time, ErrorNotice};
use crate::domain::webhook::{Delivery, WebhookView};
use crate::server_fns::webhooks::{
    delete_webhook, get_webhook, retry_webhook_delivery, rotate_webhook_secret, send_test_webhook, set_webhook_enabled,
    update_webhook, webhook_deliveries, webhook_delivery,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn WebhookDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let toggle = Action::new(|(id, on): &(String, bool)| set_webhook_enabled(id.clone(), *on));
    let save = Action::new(|(id, url, events): &(String, String, Vec<String>)| {
        update_webhook(id.clone(), url.clone(), events.clone())
    });
    let test = Action::new(|id: &String| send_test_webhook(id.clone()));
    let rotate = Action::new(|id: &String| rotate_webhook_secret(id.clone()));
    let remove = Action::new(|id: &String| delete_webhook(id.clone()));
    let retry = Action::new(|(id, d): &(String, String)| retry_webhook_delivery(id.clone(), d.clone()));
    let refresh = RwSignal::new(0u32);
    let status = RwSignal::new(String::new());
    let webhook =
        Resource::new(move || (id(), toggle.version().get(), save.version().get()), |(id, ..)| get_webhook(id));
    let deliveries = Resource::new(
        move || (id(), status.get(), test.version().get(), retry.version().get(), refresh.get()),
        |(id, status, ..)| webhook_deliveries(id, status, 1),
    );
    let confirm_delete = RwSignal::new(false);

    view! {
        <Title text="Webhook"/>
        <DashboardLayout>
            <p><a href="/dashboard/webhooks">"← Webhooks"</a></p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match webhook.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(w) => view! { <Header webhook=w.clone() toggle/> <EditWebhook webhook=w save/> }.into_any(),
                    }
                })}
            </Suspense>
            <div class="actions">
                <button type="button" on:click=move |_| { test.dispatch(id()); }>"Send test event"</button>
                <button type="button" on:click=move |_| { rotate.dispatch(id()); }>"Rotate secret"</button>
                {move || if confirm_delete.get() {
                    view! { <button type="button" class="danger" on:click=move |_| { remove.dispatch(id()); }>"Confirm delete"</button> }.into_any()
                } else {
                    view! { <button type="button" on:click=move |_| confirm_delete.set(true)>"Delete"</button> }.into_any()
                }}
            </div>
            {action_error(move || test.value().get())}
            {action_error(move || remove.value().get())}
            {move || rotate.value().get().map(|result| match result {
                Ok(secret) => view! {
                    <section class="notice new-token" role="status">
                        <p>"New signing secret (the old one no longer signs), shown this once:"</p>
                        <input type="text" readonly aria-label="New signing secret" class="token-value" prop:value=secret/>
                    </section>
                }.into_any(),
                Err(error) => view! { <ErrorNotice error/> }.into_any(),
            })}
            <h2>"Deliveries"</h2>
            <div class="actions">
                <label class="inline">"Status "
                    <select on:change=move |ev| status.set(event_target_value(&ev))>
                        <option value="">"All"</option>
                        <option value="pending">"Pending"</option>
                        <option value="delivered">"Delivered"</option>
                        <option value="failed">"Failed"</option>
                    </select>
                </label>
                <button type="button" on:click=move |_| refresh.update(|n| *n += 1)>"Refresh"</button>
            </div>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match deliveries.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(page) if page.data.is_empty() => view! { <p class="empty">"No deliveries yet."</p> }.into_any(),
                        Ok(page) => view! {
                            <table class="table deliveries">
                                <thead><tr><th>"Created"</th><th>"Event"</th><th>"Status"</th><th>"Attempts"</th><th>"HTTP"</th><th></th></tr></thead>
                                <tbody>
                                    {page.data.into_iter().map(|d| view! { <DeliveryRow delivery=d retry/> }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </DashboardLayout>
    }
}

#[component]
fn Header(
    webhook: WebhookView,
    toggle: Action<(String, bool), Result<WebhookView, crate::domain::AppError>>,
) -> impl IntoView {
    let id = webhook.id.clone();
    let enabled = webhook.enabled;
    let status = if enabled { "active" } else { "disabled" };
    view! {
        <div class="page-head">
            <h1>{webhook.url.clone()}</h1>
            <span class=format!("badge {status}")>{status}</span>
        </div>
        {webhook.disabled_reason.clone().map(|reason| view! {
            <p class="notice notice-error" role="alert">{format!("Vox turned this webhook off: {reason}.")}</p>
        })}
        <p>"Events: " {webhook.events.join(", ")} " · For: "
            {webhook.survey_id.clone().unwrap_or_else(|| "all surveys".into())}</p>
        <div class="actions">
            <button type="button" on:click=move |_| { toggle.dispatch((id.clone(), !enabled)); }>
                {if enabled { "Disable" } else { "Enable" }}
            </button>
        </div>
        {action_error(move || toggle.value().get())}
    }
}

#[component]
fn DeliveryRow(
    delivery: Delivery,
    retry: Action<(String, String), Result<Delivery, crate::domain::AppError>>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let (endpoint, id) = (delivery.webhook_id.clone(), delivery.id.clone());
    let detail = Resource::new(move || open.get(), {
        let (endpoint, id) = (endpoint.clone(), id.clone());
        move |open| {
            let (endpoint, id) = (endpoint.clone(), id.clone());
            async move {
                if open {
                    Some(webhook_delivery(endpoint, id).await)
                } else {
                    None
                }
            }
        }
    });
    let status = delivery.status.as_str();
    let label = format!("Retry delivery {}", delivery.id);
    view! {
        <tr>
            <td>{format_time(&delivery.created_at)}</td>
            <td>{delivery.event.clone()}{delivery.test.then_some(" (test)")}</td>
            <td><span class=format!("badge {status}")>{status}</span></td>
            <td>{delivery.attempt_count}</td>
            <td>{delivery.http_status.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}</td>
            <td>
                <button type="button" class="link" on:click=move |_| open.update(|o| *o = !*o)>"Details"</button>
                <button type="button" class="link" aria-label=label on:click=move |_| { retry.dispatch((endpoint.clone(), id.clone())); }>"Retry"</button>
            </td>
        </tr>
        <Show when=move || open.get()>
            <tr class="detail"><td colspan="6">
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match detail.await {
                            Some(Ok(d)) => view! { <Attempts delivery=d/> }.into_any(),
                            Some(Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                            None => ().into_any(),
                        }
                    })}
                </Suspense>
            </td></tr>
        </Show>
    }
}

#[component]
fn Attempts(delivery: Delivery) -> impl IntoView {
    view! {
        <div class="stack">
            <pre class="payload">{delivery.payload.clone().unwrap_or_default()}</pre>
            <ol class="attempts">
                {delivery.attempts.clone().unwrap_or_default().into_iter().map(|a| view! {
                    <li>
                        <strong>{format_time(&a.attempted_at)}</strong>
                        {format!(" · {} ms · ", a.duration_ms)}
                        {a.http_status.map(|s| format!("HTTP {s}")).unwrap_or_else(|| "no answer".into())}
                        {a.error.clone().map(|e| view! { <div class="field-error">{e}</div> })}
                        {a.response_excerpt.clone().filter(|r| !r.is_empty()).map(|r| view! { <pre>{r}</pre> })}
                        <details><summary>"Request headers"</summary>
                            <pre>{a.request_headers.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("\n")}</pre>
                        </details>
                    </li>
                }).collect_view()}
            </ol>
        </div>
    }
}

/// Changes an endpoint's URL and events.
#[component]
fn EditWebhook(
    webhook: WebhookView,
    save: Action<(String, String, Vec<String>), Result<WebhookView, crate::domain::AppError>>,
) -> impl IntoView {
    let url = RwSignal::new(webhook.url.clone());
    let all = RwSignal::new(webhook.events.iter().any(|e| e == "*"));
    let chosen = RwSignal::new(webhook.events.iter().filter(|e| *e != "*").cloned().collect::<Vec<_>>());
    let id = webhook.id.clone();
    view! {
        <details class="card">
            <summary>"Edit URL and events"</summary>
            <div class="stack">
                <label>"Endpoint URL" <input type="url" prop:value=url on:input=move |ev| url.set(event_target_value(&ev))/></label>
                <fieldset class="scopes">
                    <legend>"Events"</legend>
                    <label class="inline">
                        <input type="checkbox" prop:checked=all on:change=move |ev| all.set(event_target_checked(&ev))/>
                        "All events, including future ones (internal notes only when ticked below)"
                    </label>
                    {crate::domain::webhook::EVENT_TYPES.into_iter().map(|event| {
                        let checked = chosen.get_untracked().iter().any(|e| e == event);
                        view! {
                            <label class="inline">
                                <input type="checkbox" prop:checked=checked disabled=move || all.get() && !crate::domain::webhook::OPT_IN_EVENTS.contains(&event) on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| { c.retain(|e| e != event); if on { c.push(event.to_string()); } });
                                }/>
                                <code>{event}</code>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                {action_error(move || save.value().get())}
                <div class="actions">
                    <button type="button" class="primary" disabled=save.pending() on:click=move |_| {
                        let events = crate::domain::webhook::subscription(all.get(), &chosen.get());
                        save.dispatch((id.clone(), url.get(), events));
                    }>"Save changes"</button>
                </div>
            </div>
        </details>
    }
}
