//! Settings → Allowed sites: origins that may show any of the
//! organisation's surveys, so a shop is not repeated on every survey.

use crate::components::action_error;
use crate::server_fns::settings::save_embed_sites;
use leptos::prelude::*;

#[component]
pub fn SitesSection(initial: Vec<String>) -> impl IntoView {
    let text = RwSignal::new(initial.join("\n"));
    let save = Action::new(|sites: &Vec<String>| save_embed_sites(sites.clone()));
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            text.set(saved.join("\n"));
        }
    });
    let on_save = move |_| {
        let sites = text.get().lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
        save.dispatch(sites);
    };
    view! {
        <section class="card stack" aria-label="Allowed sites">
            <h2>"Allowed sites"</h2>
            <p class="description">
                "Sites that may show any of your surveys (embedded with the snippet), in addition to each survey's own list. "
                "One origin per line, such as https://shop.example.com; https://*.example.com allows every subdomain."
            </p>
            <label>"Sites"
                <textarea rows="4" prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            </label>
            <div class="actions">
                <button type="button" on:click=on_save disabled=save.pending()>"Save sites"</button>
            </div>
            {action_error(move || save.value().get())}
            {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <p class="notice" role="status">"Sites saved."</p> })}
        </section>
    }
}
