//! Events Router: channels, event types (touchpoints), each channel's invite
//! settings (which survey, when, for which events), and recent events with
//! what became of them.

use super::DashboardLayout;
use crate::components::{action_error, format_time, ErrorNotice};
use crate::domain::event::EventRecord;
use crate::domain::events_router::{
    ChannelInput, Condition, DelayFrom, EventTypeInput, EventTypePatch, InviteSetting, InviteSettingPatch, SendWindow,
};
use crate::domain::survey::{Survey, SurveyStatus};
use crate::server_fns::events_router::{
    create_channel, create_event_type, list_channels, list_event_types, list_events, list_invite_settings,
    update_event_type, update_invite_setting,
};
use crate::server_fns::surveys::list_surveys;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn EventsRouterPage() -> impl IntoView {
    let add_channel = Action::new(|name: &String| create_channel(ChannelInput { name: name.clone(), kind: None }));
    let add_type = Action::new(|name: &String| create_event_type(EventTypeInput { name: name.clone(), active: true }));
    let toggle_type = Action::new(|(id, active): &(String, bool)| {
        update_event_type(id.clone(), EventTypePatch { name: None, active: Some(*active) })
    });
    let channels = Resource::new(move || add_channel.version().get(), |_| list_channels());
    let event_types =
        Resource::new(move || (add_type.version().get(), toggle_type.version().get()), |_| list_event_types());
    let surveys = Resource::new(|| (), |_| list_surveys(1));
    let chosen_channel = RwSignal::new(None::<String>);
    // The chosen channel's settings; the default channel's until one is chosen.
    let settings = Resource::new(
        move || (chosen_channel.get(), add_type.version().get(), add_channel.version().get()),
        |(chosen, _, _)| async move {
            let channel = match chosen {
                Some(id) => id,
                None => list_channels().await?.into_iter().next().map(|c| c.id).unwrap_or_default(),
            };
            list_invite_settings(channel).await
        },
    );
    let channel_name = RwSignal::new(String::new());
    let type_name = RwSignal::new(String::new());

    view! {
        <Title text="Events Router"/>
        <DashboardLayout>
            <h1>"Events Router"</h1>
            <p class="description">
                "Your systems send events (" <code>"POST /api/events"</code> ") such as “a sale happened”. "
                "For each channel and event type, an invite setting decides which survey is sent, to whom and when."
            </p>
            <section class="card stack">
                <h2>"Channels"</h2>
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match channels.await {
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                            Ok(list) => {
                                view! {
                                    <table class="table">
                                        <thead><tr><th>"Name"</th><th>"Id (for events' channel.id)"</th><th></th></tr></thead>
                                        <tbody>
                                            {list.into_iter().map(|c| {
                                                let id = c.id.clone();
                                                let shown = c.id.clone();
                                                let is_default = c.is_default;
                                                let selected = move || match chosen_channel.get() {
                                                    Some(chosen) => chosen == shown,
                                                    None => is_default,
                                                };
                                                view! {
                                                    <tr>
                                                        <td>{c.name.clone()}{c.is_default.then_some(" (default)")}</td>
                                                        <td><code>{c.id.clone()}</code></td>
                                                        <td><button type="button" class="link" aria-pressed=move || selected().to_string()
                                                            on:click=move |_| chosen_channel.set(Some(id.clone()))>"Invite settings"</button></td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }
                        }
                    })}
                </Suspense>
                <div class="row">
                    <label>"New channel" <input type="text" maxlength="100" prop:value=channel_name
                        on:input=move |ev| channel_name.set(event_target_value(&ev))/></label>
                    <button type="button" on:click=move |_| { add_channel.dispatch(channel_name.get()); channel_name.set(String::new()); }>"Add channel"</button>
                </div>
                {action_error(move || add_channel.value().get())}
            </section>
            <section class="card stack">
                <h2>"Event types"</h2>
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match event_types.await {
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                            Ok(list) if list.is_empty() => view! { <p class="empty">"No event types yet."</p> }.into_any(),
                            Ok(list) => view! {
                                <table class="table">
                                    <thead><tr><th>"Name (the event's type)"</th><th>"Id"</th><th>"Active"</th></tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|t| {
                                            let id = t.id.clone();
                                            let label = format!("{} active", t.name);
                                            view! {
                                                <tr>
                                                    <td>{t.name.clone()}</td>
                                                    <td><code>{t.id.clone()}</code></td>
                                                    <td><input type="checkbox" aria-label=label prop:checked=t.active
                                                        on:change=move |ev| { toggle_type.dispatch((id.clone(), event_target_checked(&ev))); }/></td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any(),
                        }
                    })}
                </Suspense>
                <div class="row">
                    <label>"New event type" <input type="text" maxlength="100" placeholder="e.g. checkout" prop:value=type_name
                        on:input=move |ev| type_name.set(event_target_value(&ev))/></label>
                    <button type="button" on:click=move |_| { add_type.dispatch(type_name.get()); type_name.set(String::new()); }>"Add event type"</button>
                </div>
                {action_error(move || add_type.value().get())}
                {action_error(move || toggle_type.value().get())}
            </section>
            <section class="card stack">
                <h2>"Invite settings"</h2>
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let surveys = surveys.await.map(|p| p.data).unwrap_or_default();
                        match settings.await {
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                            Ok(list) if list.is_empty() => view! { <p class="empty">"Add an event type to configure what it sends."</p> }.into_any(),
                            Ok(list) => list.into_iter().map(|setting| {
                                let surveys = surveys.clone();
                                view! { <SettingEditor setting surveys/> }
                            }).collect_view().into_any(),
                        }
                    })}
                </Suspense>
            </section>
            <RecentEvents/>
        </DashboardLayout>
    }
}

/// One invite setting, editable in place.
#[component]
fn SettingEditor(setting: InviteSetting, surveys: Vec<Survey>) -> impl IntoView {
    let survey_id = RwSignal::new(setting.survey_id.clone().unwrap_or_default());
    let active = RwSignal::new(setting.active);
    let delay = RwSignal::new(setting.delay.clone());
    let delay_from = RwSignal::new(setting.delay_from);
    let window_on = RwSignal::new(setting.send_window.is_some());
    let window =
        setting.send_window.clone().unwrap_or(SendWindow { start_hour: 9, end_hour: 20, time_zone: "UTC".into() });
    let start_hour = RwSignal::new(window.start_hour.to_string());
    let end_hour = RwSignal::new(window.end_hour.to_string());
    let time_zone = RwSignal::new(window.time_zone);
    let conditions = RwSignal::new(if setting.conditions.is_empty() {
        String::new()
    } else {
        serde_json::to_string_pretty(&setting.conditions).unwrap_or_default()
    });
    let local_error = RwSignal::new(None::<String>);
    let (channel_id, id) = (setting.channel_id.clone(), setting.id.clone());
    let save = Action::new(move |patch: &InviteSettingPatch| {
        update_invite_setting(channel_id.clone(), id.clone(), patch.clone())
    });
    let on_save = move |_| {
        local_error.set(None);
        let parsed: Result<Vec<Condition>, String> = match conditions.get().trim() {
            "" => Ok(Vec::new()),
            text => serde_json::from_str(text).map_err(|e| format!("Conditions are not valid JSON: {e}")),
        };
        let Ok(parsed) = parsed.map_err(|e| local_error.set(Some(e))) else { return };
        let hours = (start_hour.get().parse::<u32>(), end_hour.get().parse::<u32>());
        let send_window = match (window_on.get(), hours) {
            (false, _) => None,
            (true, (Ok(start_hour), Ok(end_hour))) => {
                Some(SendWindow { start_hour, end_hour, time_zone: time_zone.get() })
            }
            (true, _) => {
                local_error.set(Some("The send window's hours must be whole numbers.".into()));
                return;
            }
        };
        let chosen = survey_id.get();
        save.dispatch(InviteSettingPatch {
            survey_id: Some((!chosen.is_empty()).then_some(chosen)),
            active: Some(active.get()),
            delay: Some(delay.get().trim().to_string()),
            delay_from: Some(delay_from.get()),
            send_window: Some(send_window),
            conditions: Some(parsed),
            ..Default::default()
        });
    };
    let heading = format!(
        "{}{}",
        setting.event_type_name,
        if setting.is_default { String::new() } else { format!(" (rule, priority {})", setting.priority) }
    );
    let published: Vec<Survey> = surveys.into_iter().filter(|s| s.status == SurveyStatus::Published).collect();
    view! {
        <fieldset class="invite-setting stack">
            <legend>{heading}</legend>
            <div class="row">
                <label>"Survey"
                    <select on:change=move |ev| survey_id.set(event_target_value(&ev)) prop:value=move || survey_id.get()>
                        <option value="">"— none —"</option>
                        {published.into_iter().map(|s| {
                            let id = s.id.clone();
                            let selected = survey_id.get_untracked() == id;
                            view! { <option value=id selected=selected>{s.name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="inline"><input type="checkbox" prop:checked=active on:change=move |ev| active.set(event_target_checked(&ev))/>"Active"</label>
                <label>"Delay (ISO-8601, e.g. PT30M, P3D)"
                    <input type="text" size="10" prop:value=delay on:input=move |ev| delay.set(event_target_value(&ev))/></label>
                <label>"Counted from"
                    <select on:change=move |ev| delay_from.set(DelayFrom::parse(&event_target_value(&ev)))>
                        <option value="event" selected={setting.delay_from == DelayFrom::Event}>"the event"</option>
                        <option value="estimatedDeliveryDate" selected={setting.delay_from == DelayFrom::EstimatedDeliveryDate}>"the estimated delivery"</option>
                    </select>
                </label>
            </div>
            <div class="row">
                <label class="inline"><input type="checkbox" prop:checked=window_on on:change=move |ev| window_on.set(event_target_checked(&ev))/>"Only send between"</label>
                <input type="number" min="0" max="23" aria-label="From hour" prop:value=start_hour on:input=move |ev| start_hour.set(event_target_value(&ev))/>
                <span>"and"</span>
                <input type="number" min="1" max="24" aria-label="Until hour" prop:value=end_hour on:input=move |ev| end_hour.set(event_target_value(&ev))/>
                <label>"Time zone" <input type="text" size="16" prop:value=time_zone on:input=move |ev| time_zone.set(event_target_value(&ev))/></label>
            </div>
            <label>"Conditions (JSON, all must hold; empty: every event)"
                <textarea rows="3" placeholder=r#"[{"field": "metadata.store", "operator": "eq", "value": "athens"}]"#
                    prop:value=conditions on:input=move |ev| conditions.set(event_target_value(&ev))></textarea>
            </label>
            {move || local_error.get().map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
            {action_error(move || save.value().get())}
            {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <p class="notice" role="status">"Saved."</p> })}
            <div class="actions"><button type="button" class="primary" on:click=on_save disabled=save.pending()>"Save setting"</button></div>
        </fieldset>
    }
}

fn outcome_badge(record: &EventRecord) -> &'static str {
    match record.processing.status.as_str() {
        "sent" => "delivered",
        "skipped" | "failed" | "cancelled" => "failed",
        _ => "pending",
    }
}

/// The latest events and their outcome.
#[component]
fn RecentEvents() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let events = Resource::new(move || reload.get(), |_| list_events(1));
    view! {
        <section class="card stack">
            <div class="row"><h2>"Recent events"</h2><button type="button" class="link" on:click=move |_| reload.update(|n| *n += 1)>"Refresh"</button></div>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match events.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(page) if page.data.is_empty() => view! { <p class="empty">"No events received yet."</p> }.into_any(),
                        Ok(page) => view! {
                            <table class="table events">
                                <thead><tr><th>"Received"</th><th>"Type"</th><th>"Transaction"</th><th>"Customer"</th><th>"Outcome"</th><th>"Why"</th></tr></thead>
                                <tbody>
                                    {page.data.into_iter().map(|e| {
                                        let badge = outcome_badge(&e);
                                        let transaction = e.event["transaction"]["reference"].as_str().unwrap_or("").to_string();
                                        let customer = e.event["customer"]["email"].as_str().unwrap_or("").to_string();
                                        let when = e.processing.send_at.filter(|_| e.processing.status == "scheduled")
                                            .map(|t| format!(" for {}", format_time(&t))).unwrap_or_default();
                                        view! {
                                            <tr>
                                                <td>{format_time(&e.received_at)}</td>
                                                <td>{e.kind.clone()}</td>
                                                <td>{transaction}</td>
                                                <td>{customer}</td>
                                                <td><span class=format!("badge {badge}")>{e.processing.status.clone()}</span>{when}</td>
                                                <td class="reason">{e.processing.reason.clone().unwrap_or_default()}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
