//! "Import a survey": a document exported from Vox (this instance or another),
//! chosen as a file or pasted, becomes a new draft survey. Works without
//! JavaScript too (paste, then submit); with it, choosing a file fills the box.

use crate::server_fns::surveys::ImportSurvey;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn ImportSurveyCard() -> impl IntoView {
    let import = ServerAction::<ImportSurvey>::new();
    let document = RwSignal::new(String::new());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(done)) = import.value().get() {
            navigate(&format!("/dashboard/surveys/{}/edit", done.survey.id), Default::default());
        }
    });
    view! {
        <details class="card">
            <summary>"Import a survey"</summary>
            <ActionForm action=import attr:class="stack">
                <label>
                    "Survey file (exported from Vox as JSON)"
                    <input type="file" accept="application/json,.json" on:change=move |ev| read_chosen_file(ev, document)/>
                </label>
                <label>
                    "Or paste the document"
                    <textarea name="document" rows="6" required prop:value=move || document.get()
                        on:input=move |ev| document.set(event_target_value(&ev))></textarea>
                </label>
                <label>
                    "Question ids"
                    <select name="ids">
                        <option value="keep" selected>"Keep them (answers and integrations line up with the original)"</option>
                        <option value="remap">"Number them q1, q2, … in order"</option>
                    </select>
                </label>
                <button type="submit" class="primary" disabled=import.pending()>"Import as a draft"</button>
            </ActionForm>
            {crate::components::action_error(move || import.value().get())}
        </details>
    }
}

/// Puts the chosen file's text into the document box (in the browser only).
fn read_chosen_file(ev: leptos::ev::Event, document: RwSignal<String>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        leptos::task::spawn_local(async move {
            if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                document.set(text.as_string().unwrap_or_default());
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, document);
}
