//! Settings → Data retention: how long responses are kept.

use crate::components::action_error;
use crate::server_fns::settings::save_retention;
use leptos::prelude::*;

#[component]
pub fn RetentionSection(initial: Option<i64>) -> impl IntoView {
    let save = Action::new(|days: &Option<i64>| save_retention(*days));
    let days = RwSignal::new(initial.map(|d| d.to_string()).unwrap_or_default());
    view! {
        <section class="card stack" aria-label="Data retention">
            <h2>"Data retention"</h2>
            <div class="row">
                <label>"Delete responses older than (days; empty keeps them)"
                    <input type="number" min="1" max="3650" prop:value=days on:input=move |ev| days.set(event_target_value(&ev))/>
                </label>
                <button type="button" on:click=move |_| {
                    let text = days.get();
                    save.dispatch(text.trim().parse::<i64>().ok());
                }>"Save retention"</button>
            </div>
            {action_error(move || save.value().get())}
            {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <p class="notice" role="status">"Saved."</p> })}
        </section>
    }
}
