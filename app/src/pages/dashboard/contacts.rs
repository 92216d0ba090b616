//! Contacts: the directory, adding and opting people out, sending a survey
//! to chosen contacts now (a quick distribution), and the outbox of
//! invitation emails with a preview of each.

use super::DashboardLayout;
use crate::components::{action_error, format_time, ErrorNotice};
use crate::domain::contact::ContactInput;
use crate::domain::distribution::{OutboxMessage, QuickDistributionInput};
use crate::domain::survey::SurveyStatus;
use crate::server_fns::contacts::{list_contacts, list_outbox, save_contact, send_survey, set_contact_opted_out};
use crate::server_fns::surveys::list_surveys;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ContactsPage() -> impl IntoView {
    let save = Action::new(|input: &ContactInput| save_contact(input.clone()));
    let opt = Action::new(|(id, out): &(String, bool)| set_contact_opted_out(id.clone(), *out));
    let send = Action::new(|(survey, ids): &(String, Vec<String>)| {
        send_survey(survey.clone(), QuickDistributionInput { contact_ids: ids.clone(), ..Default::default() })
    });
    let search = RwSignal::new(String::new());
    let contacts = Resource::new(
        move || (search.get(), save.version().get(), opt.version().get()),
        |(search, _, _)| list_contacts(search, 1),
    );
    let surveys = Resource::new(|| (), |_| list_surveys(1));
    let selected = RwSignal::new(Vec::<String>::new());
    let survey_choice = RwSignal::new(String::new());
    let (email, first_name, last_name) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let on_add = move |_| {
        let text = |s: RwSignal<String>| Some(s.get().trim().to_string()).filter(|v| !v.is_empty());
        save.dispatch(ContactInput {
            email: text(email),
            first_name: text(first_name),
            last_name: text(last_name),
            ..Default::default()
        });
    };
    Effect::new(move || {
        if matches!(save.value().get(), Some(Ok(_))) {
            email.set(String::new());
            first_name.set(String::new());
            last_name.set(String::new());
        }
    });

    view! {
        <Title text="Contacts"/>
        <DashboardLayout>
            <h1>"Contacts"</h1>
            <p class="description">
                "The people your surveys are sent to. Your systems can keep them up to date with "
                <code>"POST /api/directory/contacts/upsert"</code> "; events add their customers here too."
            </p>
            <section class="card stack">
                <h2>"Add a contact"</h2>
                <div class="row">
                    <label>"Email" <input type="email" prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/></label>
                    <label>"First name" <input type="text" prop:value=first_name on:input=move |ev| first_name.set(event_target_value(&ev))/></label>
                    <label>"Last name" <input type="text" prop:value=last_name on:input=move |ev| last_name.set(event_target_value(&ev))/></label>
                    <button type="button" on:click=on_add disabled=save.pending()>"Save contact"</button>
                </div>
                {action_error(move || save.value().get())}
            </section>
            <section class="card stack">
                <div class="row">
                    <h2>"Directory"</h2>
                    <label>"Search" <input type="search" prop:value=search on:input=move |ev| search.set(event_target_value(&ev))/></label>
                </div>
                {action_error(move || opt.value().get())}
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match contacts.await {
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                            Ok(page) if page.data.is_empty() => view! { <p class="empty">"No contacts yet."</p> }.into_any(),
                            Ok(page) => view! {
                                <p>{format!("{} contacts", page.meta.total)}</p>
                                <table class="table contacts">
                                    <thead><tr><th>"Send"</th><th>"Email"</th><th>"Name"</th><th>"External id"</th><th>"Added"</th><th>"Invitations"</th></tr></thead>
                                    <tbody>
                                        {page.data.into_iter().map(|c| {
                                            let (id, id_for_opt) = (c.id.clone(), c.id.clone());
                                            let out = c.opted_out;
                                            let who = c.email.clone().or(c.external_id.clone()).unwrap_or_default();
                                            let name = [c.first_name.clone(), c.last_name.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ");
                                            view! {
                                                <tr>
                                                    <td><input type="checkbox" aria-label=format!("Send to {who}") disabled=out
                                                        on:change=move |ev| {
                                                            let on = event_target_checked(&ev);
                                                            selected.update(|s| { s.retain(|x| *x != id); if on { s.push(id.clone()); } });
                                                        }/></td>
                                                    <td>{c.email.clone().unwrap_or_default()}</td>
                                                    <td>{name}</td>
                                                    <td>{c.external_id.clone().unwrap_or_default()}</td>
                                                    <td>{format_time(&c.created_at)}</td>
                                                    <td>
                                                        <span class={if out { "badge revoked" } else { "badge active" }}>{if out { "opted out" } else { "allowed" }}</span>" "
                                                        <button type="button" class="link" on:click=move |_| { opt.dispatch((id_for_opt.clone(), !out)); }>
                                                            {if out { "Allow again" } else { "Opt out" }}
                                                        </button>
                                                    </td>
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
                    <label>"Send survey"
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                let list = surveys.await.map(|p| p.data).unwrap_or_default();
                                view! {
                                    <select on:change=move |ev| survey_choice.set(event_target_value(&ev))>
                                        <option value="">"— choose a published survey —"</option>
                                        {list.into_iter().filter(|s| s.status == SurveyStatus::Published)
                                            .map(|s| view! { <option value=s.id.clone()>{s.name.clone()}</option> }).collect_view()}
                                    </select>
                                }
                            })}
                        </Suspense>
                    </label>
                    <button type="button" class="primary"
                        disabled=move || selected.read().is_empty() || survey_choice.read().is_empty() || send.pending().get()
                        on:click=move |_| { send.dispatch((survey_choice.get(), selected.get())); }>
                        {move || format!("Send to {} selected", selected.read().len())}
                    </button>
                </div>
                {action_error(move || send.value().get())}
                {move || send.value().get().and_then(Result::ok).map(|d| view! {
                    <p class="notice" role="status">
                        {format!("{} invitation(s) on their way", d.invitations.len())}
                        {(!d.skipped.is_empty()).then(|| format!("; {} skipped (opted out or no email)", d.skipped.len()))}
                    </p>
                })}
            </section>
            <Outbox reload=Signal::derive(move || send.version().get())/>
        </DashboardLayout>
    }
}

/// Invitation emails, newest first, each with a preview.
#[component]
fn Outbox(reload: Signal<usize>) -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let messages = Resource::new(move || (reload.get(), refresh.get()), |_| list_outbox(1));
    let open = RwSignal::new(None::<OutboxMessage>);
    view! {
        <section class="card stack">
            <div class="row"><h2>"Outbox"</h2><button type="button" class="link" on:click=move |_| refresh.update(|n| *n += 1)>"Refresh"</button></div>
            <p class="description">"Every invitation email. With no SMTP server configured (VOX_SMTP_URL), this is where they go."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match messages.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(page) if page.data.is_empty() => view! { <p class="empty">"No invitations sent yet."</p> }.into_any(),
                        Ok(page) => view! {
                            <table class="table outbox">
                                <thead><tr><th>"When"</th><th>"To"</th><th>"Subject"</th><th>"Via"</th><th></th></tr></thead>
                                <tbody>
                                    {page.data.into_iter().map(|m| {
                                        let shown = m.clone();
                                        view! {
                                            <tr>
                                                <td>{format_time(&m.created_at)}</td>
                                                <td>{m.to.clone()}</td>
                                                <td>{m.subject.clone()}</td>
                                                <td>{if m.transport == "smtp" { "SMTP" } else { "outbox only" }}</td>
                                                <td><button type="button" class="link" on:click=move |_| open.set(Some(shown.clone()))>"Preview"</button></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Suspense>
            {move || open.get().map(|m| view! {
                <article class="email-preview stack" aria-label="Email preview">
                    <p><strong>"To: "</strong>{m.to.clone()}<br/><strong>"Subject: "</strong>{m.subject.clone()}</p>
                    // The HTML part in a sandboxed frame: no scripts, no navigation of this page.
                    <iframe title="HTML version" sandbox="" srcdoc=m.html_body.clone() class="email-html"></iframe>
                    <details><summary>"Plain-text version"</summary><pre class="email-text">{m.text_body.clone()}</pre></details>
                    <button type="button" on:click=move |_| open.set(None)>"Close preview"</button>
                </article>
            })}
        </section>
    }
}
