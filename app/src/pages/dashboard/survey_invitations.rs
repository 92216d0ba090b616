//! The survey page's invitations: who was sent it (by an event or a quick
//! distribution) and how far each got: sent, opened, started, completed.

use crate::components::{format_time, ErrorNotice};
use crate::server_fns::contacts::survey_invitations;
use leptos::prelude::*;

#[component]
pub fn InvitationsCard(survey_id: String, refresh: Signal<u32>) -> impl IntoView {
    let invitations = Resource::new(move || refresh.get(), move |_| survey_invitations(survey_id.clone()));
    view! {
        <section class="card" aria-label="Invitations">
            <h2>"Invitations"</h2>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match invitations.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">"No invitations yet: send the survey from Contacts, or route events to it in the Events Router."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <table class="table invitations">
                                <thead><tr><th>"Contact"</th><th>"Via"</th><th>"Progress"</th><th>"Due"</th><th>"Sent"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|(i, email)| {
                                        let progress = i.contact_status().as_str();
                                        let via = if i.event_id.is_some() { "event" } else { "distribution" };
                                        let state = if i.status == "sent" { progress.to_string() } else { i.status.clone() };
                                        view! {
                                            <tr>
                                                <td>{email.unwrap_or_else(|| i.contact_id.clone())}</td>
                                                <td>{via}</td>
                                                <td><span class="badge">{state}</span>{i.last_error.clone().map(|e| format!(" ({e})"))}</td>
                                                <td>{format_time(&i.send_at)}</td>
                                                <td>{i.sent_at.map(|t| format_time(&t)).unwrap_or_else(|| "—".into())}</td>
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
