//! Where and when the survey shows on customers' sites.

use crate::domain::embed::{Placement, Trigger};
use crate::domain::survey::SurveyDraft;
use leptos::prelude::*;

fn trigger_kind(t: &Trigger) -> &'static str {
    match t {
        Trigger::Load => "load",
        Trigger::Delay { .. } => "delay",
        Trigger::Scroll { .. } => "scroll",
        Trigger::Exit => "exit",
        Trigger::Event { .. } => "event",
    }
}

fn trigger_of(kind: &str, value: &str) -> Trigger {
    match kind {
        "delay" => Trigger::Delay { seconds: value.trim().parse().unwrap_or(5) },
        "scroll" => Trigger::Scroll { percent: value.trim().parse().unwrap_or(50) },
        "exit" => Trigger::Exit,
        "event" => Trigger::Event { event: value.trim().to_string() },
        _ => Trigger::Load,
    }
}

fn trigger_value(t: &Trigger) -> String {
    match t {
        Trigger::Delay { seconds } => seconds.to_string(),
        Trigger::Scroll { percent } => percent.to_string(),
        Trigger::Event { event } => event.clone(),
        _ => String::new(),
    }
}

#[component]
pub fn EmbeddingSettings(draft: RwSignal<SurveyDraft>) -> impl IntoView {
    let embed = move || draft.with(|d| d.options.embed.clone());
    let sites_text = RwSignal::new(draft.with_untracked(|d| d.options.embed.allowed_origins.join("\n")));
    let value_text = RwSignal::new(draft.with_untracked(|d| trigger_value(&d.options.embed.trigger)));
    let set_trigger = move |kind: String, value: String| {
        draft.update(|d| d.options.embed.trigger = trigger_of(&kind, &value));
    };
    view! {
        <details class="card embedding">
            <summary>"Embedding"</summary>
            <div class="stack">
                <label>"Sites allowed to show this survey (one per line, e.g. https://shop.example.com or https://*.example.com)"
                    <textarea rows="3" prop:value=sites_text on:input=move |ev| {
                        let v = event_target_value(&ev);
                        sites_text.set(v.clone());
                        let sites = v.lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect();
                        draft.update(|d| d.options.embed.allowed_origins = sites);
                    }></textarea>
                </label>
                <div class="row">
                    <label class="inline">"Show as"
                        <select on:change=move |ev| {
                            let placement = match event_target_value(&ev).as_str() {
                                "slide_in" => Placement::SlideIn,
                                "inline" => Placement::Inline,
                                _ => Placement::Modal,
                            };
                            draft.update(|d| d.options.embed.placement = placement);
                        }>
                            {[(Placement::Modal, "modal", "A dialog over the page"), (Placement::SlideIn, "slide_in", "A panel in the corner"), (Placement::Inline, "inline", "Inside an element of the page")]
                                .into_iter().map(|(p, value, label)| view! {
                                    <option value=value selected=move || embed().placement == p>{label}</option>
                                }).collect_view()}
                        </select>
                    </label>
                    <label class="inline">"Show when"
                        <select on:change=move |ev| set_trigger(event_target_value(&ev), value_text.get_untracked())>
                            {[("load", "the page loads"), ("delay", "after some seconds"), ("scroll", "scrolled this far (%)"), ("exit", "the visitor is about to leave"), ("event", "the page tracks this event")]
                                .into_iter().map(|(value, label)| view! {
                                    <option value=value selected=move || trigger_kind(&embed().trigger) == value>{label}</option>
                                }).collect_view()}
                        </select>
                    </label>
                    <input type="text" size="10" aria-label="Trigger value"
                        hidden=move || matches!(embed().trigger, Trigger::Load | Trigger::Exit)
                        prop:value=value_text on:input=move |ev| {
                            let v = event_target_value(&ev);
                            value_text.set(v.clone());
                            set_trigger(trigger_kind(&embed().trigger).to_string(), v);
                        }/>
                    <label class="inline">"Ask again after (days)"
                        <input type="number" min="0" max="3650" prop:value=move || embed().recontact_days.to_string()
                            on:input=move |ev| {
                                let days = event_target_value(&ev).trim().parse().unwrap_or(30);
                                draft.update(|d| d.options.embed.recontact_days = days);
                            }/>
                    </label>
                </div>
            </div>
        </details>
    }
}
