//! Settings → Security: two-factor sign-in for every member (owners), and
//! the audit log's retention (owners set it; admins see it).

use crate::components::action_error;
use crate::domain::account::{Me, Role};
use crate::domain::audit::{MAX_AUDIT_RETENTION_DAYS, MIN_AUDIT_RETENTION_DAYS};
use crate::server_fns::settings::{save_audit_retention, save_security_settings, OrganizationSettings};
use leptos::prelude::*;

#[component]
pub fn SecuritySection(initial: OrganizationSettings, me: Me) -> impl IntoView {
    let is_owner = me.role == Role::Owner;
    let save = Action::new(|required: &bool| save_security_settings(*required));
    let required = RwSignal::new(initial.security.require_two_factor);
    let save_days = Action::new(|days: &i64| save_audit_retention(*days));
    let days = RwSignal::new(initial.audit_retention_days.map(|d| d.to_string()).unwrap_or_default());
    view! {
        <section class="card stack" aria-label="Security">
            <h2>"Security"</h2>
            <label class="inline">
                <input type="checkbox" disabled=!is_owner prop:checked=required
                    on:change=move |ev| required.set(event_target_checked(&ev))/>
                "Require two-factor sign-in of every member"
            </label>
            <p class="description">
                "Members without it are sent to set it up before anything else, and their API tokens wait until they "
                "have. Turn it on for yourself first (Profile)."
            </p>
            {is_owner.then(|| view! {
                <div class="actions">
                    <button type="button" on:click=move |_| { save.dispatch(required.get_untracked()); }>"Save security policy"</button>
                </div>
            })}
            {action_error(move || save.value().get())}
            {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <p class="notice" role="status">"Security policy saved."</p> })}
            {initial.audit_retention_days.map(|_| view! {
                <h3>"Audit log"</h3>
                <p><a href="/dashboard/audit">"Open the audit log"</a></p>
                <div class="row">
                    <label>{format!("Keep entries for (days, {MIN_AUDIT_RETENTION_DAYS}–{MAX_AUDIT_RETENTION_DAYS})")}
                        <input type="number" min=MIN_AUDIT_RETENTION_DAYS max=MAX_AUDIT_RETENTION_DAYS disabled=!is_owner
                            prop:value=days on:input=move |ev| days.set(event_target_value(&ev))/>
                    </label>
                    {is_owner.then(|| view! {
                        <button type="button" on:click=move |_| {
                            save_days.dispatch(days.get_untracked().trim().parse().unwrap_or(0));
                        }>"Save audit retention"</button>
                    })}
                </div>
                {action_error(move || save_days.value().get())}
                {move || matches!(save_days.value().get(), Some(Ok(_))).then(|| view! { <p class="notice" role="status">"Saved."</p> })}
            })}
        </section>
    }
}
