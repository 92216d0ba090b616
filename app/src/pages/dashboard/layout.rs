//! The frame around every dashboard page: who is signed in, navigation, sign-out.

use crate::server_fns::auth::{whoami, Logout};
use leptos::prelude::*;

#[component]
pub fn DashboardLayout(children: Children) -> impl IntoView {
    let me = Resource::new(|| (), |_| whoami());
    let logout = ServerAction::<Logout>::new();
    view! {
        <header class="topbar">
            <a class="brand" href="/dashboard">"Vox"</a>
            <nav aria-label="Main">
                <a href="/dashboard">"Surveys"</a>
                <a href="/dashboard/cases">"Cases"</a>
                <a href="/dashboard/events">"Events Router"</a>
                <a href="/dashboard/contacts">"Contacts"</a>
                <a href="/dashboard/webhooks">"Webhooks"</a>
                <a href="/dashboard/profile/tokens">"API tokens"</a>
                <a href="/dashboard/settings">"Settings"</a>
                <a href="/dashboard/profile">"Profile"</a>
                <a href="/docs/api">"API reference"</a>
            </nav>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match me.await {
                        Ok(Some(me)) => view! {
                            {me.role.allows(crate::domain::scope::Scope::AuditRead).then(|| view! {
                                <a href="/dashboard/audit">"Audit log"</a>
                            })}
                            <span class="whoami">{me.organization_name} " · " {me.email}</span>
                        }.into_any(),
                        _ => view! { <a href="/login">"Sign in"</a> }.into_any(),
                    }
                })}
            </Suspense>
            <ActionForm action=logout attr:class="inline">
                <button type="submit" class="link">"Sign out"</button>
            </ActionForm>
        </header>
        <main class="page">{children()}</main>
    }
}
