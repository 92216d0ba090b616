//! Settings → Data and email: how long responses are kept, and where
//! invitation emails go.

use crate::components::{action_error, ErrorNotice};
use crate::server_fns::settings::{get_organization_settings, save_retention};
use leptos::prelude::*;

#[component]
pub fn DataSection() -> impl IntoView {
    let settings = Resource::new(|| (), |_| get_organization_settings());
    let save = Action::new(|days: &Option<i64>| save_retention(*days));
    let days = RwSignal::new(String::new());
    view! {
        <section class="card stack" aria-label="Data and email">
            <h2>"Data and email"</h2>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(s) => {
                            days.set(s.retention_days.map(|d| d.to_string()).unwrap_or_default());
                            view! {
                                <p>{if s.smtp_configured {
                                    format!("Invitations are sent over SMTP, from {}.", s.smtp_from)
                                } else {
                                    "No SMTP server is configured (VOX_SMTP_URL): invitations are kept in the outbox on the Contacts page.".to_string()
                                }}</p>
                                <div class="row">
                                    <label>"Delete responses older than (days; empty keeps them)"
                                        <input type="number" min="1" max="3650" prop:value=days on:input=move |ev| days.set(event_target_value(&ev))/>
                                    </label>
                                    <button type="button" on:click=move |_| {
                                        let text = days.get();
                                        save.dispatch(text.trim().parse::<i64>().ok());
                                    }>"Save retention"</button>
                                </div>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
            {action_error(move || save.value().get())}
            {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <p class="notice" role="status">"Saved."</p> })}
        </section>
    }
}
