//! The survey widget's browser entry point. Separate from the dashboard's
//! bundle so a customer's visitors download only the widget: the page's
//! props come from the JSON the server embedded, and the same component the
//! server rendered hydrates over its HTML.

use app::widget::{SurveyWidget, WidgetProps};
use leptos::prelude::*;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    let Some(props) = read_props() else {
        // Without props the page is not a widget page; the plain form stays.
        web_sys::console::warn_1(&"vox: widget props missing or unreadable; staying a plain form".into());
        return;
    };
    let preload = app::widget::control_preloader(&props.survey.questions);
    leptos::mount::hydrate_body(move || view! { <SurveyWidget props/> });
    preload();
    // Tests and scripts wait for this mark: clicks before hydration are lost.
    // Controls whose code is a chunk of its own go live when it arrives.
    app::widget::when_settled(|| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

fn read_props() -> Option<WidgetProps> {
    let text = document().get_element_by_id("vox-widget-props")?.text_content()?;
    app::widget::props_json::decode(&text)
}
