//! Settings → Members: who is in the organisation with which role, invite
//! by email, change roles, remove. Viewers see the list only. The
//! invitation's link goes to the invitee's address only: nobody else sees it.

use crate::components::{action_error, format_time, ErrorNotice};
use crate::domain::account::Role;
use crate::server_fns::auth::whoami;
use crate::server_fns::members::{
    change_member_role, invite_member, list_members, remove_member, revoke_member_invite,
};
use leptos::prelude::*;

const ROLES: [(Role, &str); 3] = [(Role::Owner, "owner"), (Role::Admin, "admin"), (Role::Viewer, "viewer")];

#[component]
pub fn MembersSection() -> impl IntoView {
    let invite = Action::new(|(email, role): &(String, Role)| invite_member(email.clone(), *role));
    let change = Action::new(|(user, role): &(String, Role)| change_member_role(user.clone(), *role));
    let remove = Action::new(|user: &String| remove_member(user.clone()));
    let revoke = Action::new(|id: &String| revoke_member_invite(id.clone()));
    let members = Resource::new(
        move || (invite.version().get(), change.version().get(), remove.version().get(), revoke.version().get()),
        |_| list_members(),
    );
    let me = Resource::new(|| (), |_| whoami());
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Viewer);
    view! {
        <section class="card stack" aria-label="Members">
            <h2>"Members"</h2>
            <p class="description">"Owners manage everything, admins everything but owners, viewers only look."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let me = me.await.ok().flatten();
                    let can_manage = me.as_ref().is_some_and(|m| m.role.can_edit());
                    let my_id = me.map(|m| m.user_id).unwrap_or_default();
                    match members.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(list) => view! {
                            <table class="table members">
                                <thead><tr><th>"Email"</th><th>"Role"</th><th>"Joined"</th><th></th></tr></thead>
                                <tbody>
                                    {list.members.into_iter().map(|m| {
                                        let (user, user2) = (m.user_id.clone(), m.user_id.clone());
                                        let label = format!("Role of {}", m.email);
                                        let is_me = m.user_id == my_id;
                                        view! {
                                            <tr>
                                                <td>{m.email.clone()}{is_me.then_some(" (you)")}</td>
                                                <td>{if can_manage {
                                                    view! {
                                                        <select aria-label=label on:change=move |ev| {
                                                            if let Some(r) = Role::parse(&event_target_value(&ev)) { change.dispatch((user.clone(), r)); }
                                                        }>
                                                            {ROLES.map(|(r, name)| view! { <option value=name selected={r == m.role}>{name}</option> }).into_iter().collect_view()}
                                                        </select>
                                                    }.into_any()
                                                } else {
                                                    view! { <span>{m.role.as_str()}</span> }.into_any()
                                                }}</td>
                                                <td>{format_time(&m.joined_at)}</td>
                                                <td>{(can_manage && !is_me).then(|| view! {
                                                    <button type="button" class="link" on:click=move |_| { remove.dispatch(user2.clone()); }>"Remove"</button>
                                                })}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                    {list.pending.into_iter().map(|p| {
                                        let id = p.id.clone();
                                        view! {
                                            <tr class="pending">
                                                <td>{p.email.clone()}" (invited)"</td>
                                                <td>{p.role.as_str()}</td>
                                                <td>{format!("link valid until {}", format_time(&p.expires_at))}</td>
                                                <td>{can_manage.then(|| view! {
                                                    <button type="button" class="link" on:click=move |_| { revoke.dispatch(id.clone()); }>"Revoke"</button>
                                                })}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            {can_manage.then(|| view! {
                                <div class="row">
                                    <label>"Invite by email" <input type="email" prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/></label>
                                    <label>"as"
                                        <select on:change=move |ev| { if let Some(r) = Role::parse(&event_target_value(&ev)) { role.set(r); } }>
                                            <option value="viewer" selected=true>"viewer"</option>
                                            <option value="admin">"admin"</option>
                                            <option value="owner">"owner"</option>
                                        </select>
                                    </label>
                                    <button type="button" on:click=move |_| { invite.dispatch((email.get(), role.get())); }>"Send invitation"</button>
                                </div>
                            })}
                        }.into_any(),
                    }
                })}
            </Suspense>
            {move || invite.value().get().and_then(Result::ok).map(|sent| {
                let text = if sent.emailed {
                    format!("Invitation emailed to {}. The link in it works once, for 7 days.", sent.invite.email)
                } else {
                    format!(
                        "This Vox has no mail server, so the invitation to {} was not emailed: its link is in the \
                         server's log, for whoever runs this Vox to pass on. It works once, for 7 days.",
                        sent.invite.email
                    )
                };
                view! { <p class="notice" role="status">{text}</p> }
            })}
            {action_error(move || invite.value().get())}
            {action_error(move || change.value().get())}
            {action_error(move || remove.value().get())}
        </section>
    }
}
