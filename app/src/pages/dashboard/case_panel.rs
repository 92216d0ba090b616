//! The case on a response's page: opening one (title, assignee, due time,
//! priority), working it (status, assignee, due time, priority, resolution),
//! and its history, every change with who made it and when.

use super::case_widgets::{PriorityBadge, StatusBadge};
use crate::components::{action_error, format_time, ErrorNotice};
use crate::domain::account::{Me, Role};
use crate::domain::case::{
    due_field_value, CaseEvent, CaseField, CasePriority, CaseSource, CaseStatus, CaseWithHistory,
};
use crate::domain::members::Member;
use crate::server_fns::cases::{open_case, response_case, update_case};
use crate::server_fns::members::list_members;
use leptos::prelude::*;

/// A change from the case form: the case, status, assignee, due time,
/// priority, resolution, and when the case was read (`updatedAt`).
type Change = (String, CaseStatus, String, String, CasePriority, String, String);

/// The members a case can be given: owners and admins.
fn assignable(members: &[Member]) -> Vec<(String, String)> {
    members.iter().filter(|m| m.role != Role::Viewer).map(|m| (m.user_id.clone(), m.email.clone())).collect()
}

#[component]
pub fn ResponseCase(response_id: String, me: Me) -> impl IntoView {
    let id = StoredValue::new(response_id);
    let open = Action::new(move |(title, assignee, due, priority): &(String, String, String, CasePriority)| {
        open_case(id.get_value(), title.clone(), assignee.clone(), due.clone(), *priority)
    });
    let save = Action::new(move |change: &Change| {
        let (case, status, assignee, due, priority, resolution, read_at) = change.clone();
        update_case(case, status, assignee, due, priority, resolution, read_at)
    });
    // Read again after a change that succeeded; after a refusal the form
    // keeps what the member typed, with the error beside it.
    let case = Resource::new(
        move || {
            let opened = open.value().with(|v| v.as_ref().and_then(|r| r.as_ref().ok()).map(|c| c.id.clone()));
            let saved = save.value().with(|v| v.as_ref().and_then(|r| r.as_ref().ok()).map(|c| c.updated_at));
            (opened, saved)
        },
        move |_| response_case(id.get_value()),
    );
    let members = Resource::new(|| (), |_| list_members());
    let can_edit = me.role.can_edit();
    view! {
        <section class="card stack" aria-label="Case">
            <h2>"Case"</h2>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let members = members.await.map(|m| m.members).unwrap_or_default();
                    match case.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(None) if can_edit => view! { <OpenCaseForm members open/> }.into_any(),
                        Ok(None) => view! { <p class="empty">"No case: nobody follows this response up yet."</p> }.into_any(),
                        Ok(Some(case)) => view! { <CaseDetail case members can_edit save/> }.into_any(),
                    }
                })}
            </Suspense>
            {action_error(move || open.value().get())}
            {action_error(move || save.value().get())}
        </section>
    }
}

#[component]
fn OpenCaseForm(
    members: Vec<Member>,
    open: Action<(String, String, String, CasePriority), Result<crate::domain::case::Case, crate::domain::AppError>>,
) -> impl IntoView {
    let shown = RwSignal::new(false);
    let title = RwSignal::new(String::new());
    let assignee = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let priority = RwSignal::new(CasePriority::Normal);
    let people = assignable(&members);
    view! {
        <p class="empty">"No case yet. Open one to follow this response up: assign it, give it a due time, resolve it."</p>
        <Show when=move || shown.get() fallback=move || view! {
            <div class="actions"><button type="button" class="primary" on:click=move |_| shown.set(true)>"Open a case"</button></div>
        }>
            <label>"Title"
                <input type="text" maxlength="200" placeholder="Follow up: the survey's name" prop:value=title
                    on:input=move |ev| title.set(event_target_value(&ev))/>
            </label>
            <AssigneeSelect people=people.clone() value=assignee/>
            <DueInput value=due/>
            <PrioritySelect value=priority/>
            <div class="actions">
                <button type="button" class="primary" disabled=open.pending() on:click=move |_| {
                    open.dispatch((title.get(), assignee.get(), due.get(), priority.get()));
                }>"Open case"</button>
                <button type="button" on:click=move |_| shown.set(false)>"Cancel"</button>
            </div>
        </Show>
    }
}

#[component]
fn AssigneeSelect(people: Vec<(String, String)>, value: RwSignal<String>) -> impl IntoView {
    view! {
        <label>"Assignee"
            <select on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="" selected=move || value.get().is_empty()>"Unassigned"</option>
                {people.into_iter().map(|(id, email)| {
                    let chosen = id.clone();
                    view! { <option value=id selected=move || value.get() == chosen>{email}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

#[component]
fn DueInput(value: RwSignal<String>) -> impl IntoView {
    view! {
        <label>"Due (UTC)"
            <input type="datetime-local" prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
        </label>
    }
}

#[component]
fn PrioritySelect(value: RwSignal<CasePriority>) -> impl IntoView {
    view! {
        <label>"Priority"
            <select on:change=move |ev| value.set(CasePriority::parse(&event_target_value(&ev)).unwrap_or_default())>
                {CasePriority::ALL.into_iter().map(|p| view! {
                    <option value=p.as_str() selected=move || value.get() == p>{p.label()}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

#[component]
fn CaseDetail(
    case: CaseWithHistory,
    members: Vec<Member>,
    can_edit: bool,
    save: Action<Change, Result<crate::domain::case::Case, crate::domain::AppError>>,
) -> impl IntoView {
    let CaseWithHistory { case, history } = case;
    let status = RwSignal::new(case.status);
    let assignee = RwSignal::new(case.assignee.as_ref().map(|a| a.id.clone()).unwrap_or_default());
    let due = RwSignal::new(due_field_value(case.due_at));
    let priority = RwSignal::new(case.priority);
    let resolution = RwSignal::new(case.resolution.clone().unwrap_or_default());
    let case_id = StoredValue::new(case.id.clone());
    let read_at = StoredValue::new(case.updated_at.to_rfc3339());
    let current = case.status;
    let people = assignable(&members);
    let opened = match (&case.opened_by, case.source) {
        (_, CaseSource::Rule) => "an alert rule".to_string(),
        (Some(by), _) => by.email.clone(),
        (None, _) => "a former member".to_string(),
    };
    let names = StoredValue::new(members.iter().map(|m| (m.user_id.clone(), m.email.clone())).collect::<Vec<_>>());
    view! {
        <div class="row">
            <h3>{case.title.clone()}</h3>
            <StatusBadge status=case.status/>
            <PriorityBadge priority=case.priority/>
            {case.overdue.then(|| view! { <span class="badge overdue">"Overdue"</span> })}
        </div>
        <dl class="facts">
            <dt>"Assignee"</dt><dd>{case.assignee.as_ref().map(|a| a.email.clone()).unwrap_or_else(|| "Unassigned".into())}</dd>
            <dt>"Due"</dt><dd>{case.due_at.as_ref().map(format_time).unwrap_or_else(|| "No due time".into())}</dd>
            <dt>"Opened"</dt><dd>{format!("{} by {opened}", format_time(&case.created_at))}</dd>
            {case.resolution.clone().map(|r| view! { <dt>"Resolution"</dt><dd class="note-body">{r}</dd> })}
        </dl>
        {can_edit.then(|| view! {
            <fieldset class="stack">
                <legend>"Work on the case"</legend>
                <label>"Status"
                    <select on:change=move |ev| status.set(CaseStatus::parse(&event_target_value(&ev)).unwrap_or(current))>
                        {CaseStatus::ALL.into_iter().filter(|s| *s == current || current.may_become(*s)).map(|s| view! {
                            <option value=s.as_str() selected=move || status.get() == s>{s.label()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <AssigneeSelect people=people.clone() value=assignee/>
                <DueInput value=due/>
                <PrioritySelect value=priority/>
                <label>"Resolution"
                    <textarea rows="3" maxlength="5000" placeholder="How was it resolved? Needed to resolve the case."
                        prop:value=resolution on:input=move |ev| resolution.set(event_target_value(&ev))></textarea>
                </label>
                <div class="actions">
                    <button type="button" class="primary" disabled=save.pending() on:click=move |_| {
                        save.dispatch((
                            case_id.get_value(),
                            status.get(),
                            assignee.get(),
                            due.get(),
                            priority.get(),
                            resolution.get(),
                            read_at.get_value(),
                        ));
                    }>"Save case"</button>
                </div>
            </fieldset>
        })}
        <h3>"History"</h3>
        <ol class="history" aria-label="Case history">
            {history.into_iter().map(|event| {
                let line = describe(&event, case.source, case.created_at, &names.get_value());
                view! { <li><span class="detail">{format_time(&event.at)}</span> " " {line}</li> }
            }).collect_view()}
        </ol>
    }
}

/// "ana@example.com moved it from Open to In progress": one history entry, as text.
fn describe(
    event: &CaseEvent,
    source: CaseSource,
    opened_at: chrono::DateTime<chrono::Utc>,
    names: &[(String, String)],
) -> String {
    let who = match &event.actor {
        Some(actor) => actor.email.clone(),
        // What a rule set when it opened the case.
        None if source == CaseSource::Rule && event.at == opened_at => "An alert rule".into(),
        None => "A former member".into(),
    };
    let member = |id: &Option<String>| {
        id.as_ref().map(|id| {
            names.iter().find(|(u, _)| u == id).map(|(_, e)| e.clone()).unwrap_or_else(|| "a former member".into())
        })
    };
    let status = |s: &Option<String>| s.as_deref().and_then(CaseStatus::parse).map(|s| s.label()).unwrap_or("—");
    let what = match event.field {
        CaseField::Created => "opened the case".to_string(),
        CaseField::Status => format!("moved it from {} to {}", status(&event.from), status(&event.to)),
        CaseField::Assignee => match member(&event.to) {
            Some(email) => format!("assigned it to {email}"),
            None => format!("unassigned it from {}", member(&event.from).unwrap_or_default()),
        },
        CaseField::DueAt => match &event.to {
            Some(due) => format!("set the due time to {}", due.replace('T', " ").replace('Z', " UTC")),
            None => "removed the due time".into(),
        },
        CaseField::Priority => format!(
            "set the priority to {}",
            event.to.as_deref().and_then(CasePriority::parse).map(|p| p.label()).unwrap_or("—")
        ),
        CaseField::Title => format!("renamed it \"{}\"", event.to.clone().unwrap_or_default()),
        CaseField::Resolution => match &event.to {
            Some(text) => format!("wrote the resolution: {text}"),
            None => "removed the resolution".into(),
        },
    };
    format!("{who} {what}")
}
