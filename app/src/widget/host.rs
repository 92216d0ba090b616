//! Talking to the host page when the widget runs in the embed frame: only
//! with the one origin the server checked (`parent_origin`) and only with the
//! parent window. The frame announces itself (`vox:ready`), reports its
//! height (`vox:resize`) and completion (`vox:completed`); the host sends
//! metadata and the responder (`vox:metadata`).

use serde_json::{Map, Value};

/// What the host page attached with `updateMetadata`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HostContext {
    pub metadata: Map<String, Value>,
    /// The responder object as the host page gave it; the server checks it
    /// (and what it refuses is dropped, see `transport::save`).
    pub responder: Option<Map<String, Value>>,
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use crate::widget::json;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    fn parent() -> Option<web_sys::Window> {
        let window = web_sys::window()?;
        let parent = window.parent().ok().flatten()?;
        // Not framed: the parent is the window itself.
        (!js_sys::Object::is(&parent, &window)).then_some(parent)
    }

    pub fn post(parent_origin: &str, message: &Value) {
        if let Some(parent) = parent() {
            let _ = parent.post_message(&json::to_js(message), parent_origin);
        }
    }

    /// Listens for the host's messages and keeps the parent told of the
    /// widget's height. Lives as long as the page.
    pub fn connect(parent_origin: String, on_context: impl Fn(HostContext) + 'static) {
        let Some(window) = web_sys::window() else { return };
        let expected = parent_origin.clone();
        let listener = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let from_parent = match (event.source(), parent()) {
                (Some(source), Some(parent)) => js_sys::Object::is(&source, &parent),
                _ => false,
            };
            if event.origin() != expected || !from_parent {
                return;
            }
            let Some(message) = json::from_js(&event.data()) else { return };
            if message.get("type").and_then(Value::as_str) != Some("vox:metadata") {
                return;
            }
            let metadata = message.get("metadata").and_then(Value::as_object).cloned().unwrap_or_default();
            let responder = message.get("responder").and_then(Value::as_object).cloned();
            on_context(HostContext { metadata, responder });
        });
        let _ = window.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
        listener.forget();

        let origin = parent_origin.clone();
        let report = Closure::<dyn Fn()>::new(move || {
            let height = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector("main.vox-widget").ok().flatten())
                .map(|main| main.get_bounding_client_rect().height().ceil())
                .unwrap_or(0.0);
            post(&origin, &json::object([("type", "vox:resize".into()), ("height", height.into())]));
        });
        if let (Ok(observer), Some(main)) = (
            web_sys::ResizeObserver::new(report.as_ref().unchecked_ref()),
            window.document().and_then(|d| d.query_selector("main.vox-widget").ok().flatten()),
        ) {
            observer.observe(&main);
        }
        report.forget();
        post(&parent_origin, &json::object([("type", "vox:ready".into())]));
    }
}

#[cfg(feature = "hydrate")]
pub use browser::{connect, post};

/// The server renders; only the browser talks to the host page.
#[cfg(not(feature = "hydrate"))]
pub fn connect(_parent_origin: String, _on_context: impl Fn(HostContext) + 'static) {}

#[cfg(not(feature = "hydrate"))]
pub fn post(_parent_origin: &str, _message: &Value) {}
