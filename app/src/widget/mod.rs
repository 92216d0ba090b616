//! The survey-taking widget: what a customer's visitors see, on the link page
//! `/s/{surveyId}`, in the embed frame, and as the builder's live preview.
//!
//! The server renders it completely (a plain form that posts to `/s/{id}`,
//! so it works without JavaScript); the small widget bundle then hydrates it
//! into one question per step, saving the response as the visitor goes.
//! It needs no router and no server functions, which keeps that bundle small.

mod deferred;
mod engine;
mod form;
mod host;
mod json;
mod newer_controls;
mod parts;
pub mod props_json;
mod question;
mod recalled;
mod saved;
mod transport;

pub use deferred::when_settled;
pub use newer_controls::preloader as control_preloader;

use crate::domain::embed::EmbedSettings;
use crate::domain::i18n::{self, Messages};
use crate::domain::recall::has_recall;
use crate::domain::survey::{PublicSurvey, SurveyStatus};
use crate::domain::survey_options::Appearance;
use leptos::either::Either;
use leptos::prelude::*;
use serde::Serialize;
use serde_json::Map;

/// The widget's stylesheet (served by the server from `style/widget.css`);
/// the version in the address changes with every release.
pub const STYLESHEET_URL: &str = concat!("/widget.css?v=", env!("CARGO_PKG_VERSION"));
/// The start script of the classic widget bundle, for surveys of the seven
/// classic question types (both bundles are written by `.ci/build-widget.sh`).
pub const BOOT_SCRIPT_URL: &str = "/pkg/widget/boot.js";
/// The start script of the bundle that carries every question type.
pub const EVERY_TYPE_BOOT_SCRIPT_URL: &str = "/pkg/widget/every-type/boot.js";

/// The bundle a survey's page loads: the classic one (smaller) when every
/// question is of a classic type, none has a pattern to match, no text
/// recalls an answer and the logic is no more than single `showIf`
/// conditions on answers, so such surveys never pay for the rest.
pub fn boot_script_url(survey: &PublicSurvey) -> &'static str {
    let recalls = |q: &crate::domain::survey::Question| {
        let labels = q.kind.choices().unwrap_or_default();
        has_recall(&q.title)
            || q.description.as_deref().is_some_and(has_recall)
            || labels.iter().any(|c| has_recall(&c.label))
    };
    let simple_logic = |q: &crate::domain::survey::Question| {
        q.logic.is_empty() && !q.show_if.as_ref().is_some_and(|w| w.is_advanced())
    };
    let classic = survey
        .questions
        .iter()
        .all(|q| q.kind.is_classic() && q.validation.pattern.is_none() && !recalls(q) && simple_logic(q))
        && !survey.thank_you().is_some_and(has_recall)
        && survey.options.variables.is_empty()
        && survey.options.endings.is_empty()
        && survey.options.pages.is_empty();
    if classic {
        BOOT_SCRIPT_URL
    } else {
        EVERY_TYPE_BOOT_SCRIPT_URL
    }
}

/// Everything the widget renders from; the server embeds it in the page as
/// JSON so the browser hydrates exactly what was rendered (written with
/// serde, read back by `props_json`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WidgetProps {
    /// Already localized to the language shown.
    pub survey: PublicSurvey,
    /// Hidden-field values from the page address or the embed.
    #[serde(default)]
    pub hidden_fields: Map<String, serde_json::Value>,
    /// Questions a no-JavaScript post was refused for.
    #[serde(default)]
    pub invalid: Vec<String>,
    /// Rendered inside the embed frame (no page chrome).
    #[serde(default)]
    pub embedded: bool,
    /// In the embed frame: the origin of the host page, checked against the
    /// survey's allowed sites; the only origin messages go to and come from.
    #[serde(default)]
    pub parent_origin: Option<String>,
    /// The builder's live preview: nothing is saved.
    #[serde(default)]
    pub preview: bool,
    /// The personal invitation link's token (`?i=…`), sent with the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation: Option<String>,
    /// The widget's own texts in the survey's language
    /// (`i18n::messages(&survey.language)`).
    pub messages: &'static Messages,
}

impl WidgetProps {
    /// Only what the widget shows: the survey is already localized, so its
    /// translations go, and so do the embed settings and the invitation
    /// email's template. The page renders and embeds these same props.
    pub fn for_visitor(mut self) -> Self {
        let options = &mut self.survey.options;
        options.translations.clear();
        options.embed = EmbedSettings::default();
        options.invitation_email = None;
        // Shuffled questions arrive in this visitor's order (`arranged_for`):
        // how they were shuffled is not the visitor's business.
        for page in &mut self.survey.options.pages {
            page.shuffle = false;
        }
        for question in &mut self.survey.questions {
            question.shuffle = false;
            for choice in question.kind.choices_mut().into_iter().flatten() {
                choice.anchored = false;
            }
        }
        self
    }
}

/// The root element's inline custom property for the brand colour. Only a
/// validated `#rgb`/`#rrggbb` value ever gets here (see `survey_options`).
fn brand_style(survey: &PublicSurvey) -> Option<String> {
    survey
        .options
        .theme
        .brand_color
        .as_deref()
        .filter(|c| crate::domain::survey_options::is_hex_color(c))
        .map(|c| format!("--vox-brand:{c}"))
}

#[component]
pub fn SurveyWidget(props: WidgetProps) -> impl IntoView {
    // Read by reference, then `props` moves on to the form: cloning the
    // survey would compile its options' (translations') cloning into the
    // widget's wasm for nothing.
    let survey = &props.survey;
    // From the props, not `i18n::messages`: that would put every language's
    // texts into the widget's wasm.
    let messages = props.messages;
    let appearance = match survey.options.theme.appearance {
        Appearance::Auto => None,
        other => Some(other.as_str()),
    };
    let logo = survey
        .options
        .theme
        .logo_url
        .clone()
        .filter(|u| crate::domain::survey_options::is_image_url(u))
        .map(|src| view! { <img class="vox-logo" src=src alt=""/> });
    let (language, style) = (survey.language.clone(), brand_style(survey));
    let direction = i18n::direction(&language);
    let embedded = props.embedded;
    // Drafts only reach the form in the builder's preview. `Either` rather
    // than `into_any`: type erasure costs the widget's wasm several kilobytes.
    let open = survey.status == SurveyStatus::Published || (survey.status == SurveyStatus::Draft && props.preview);
    let body = if open {
        Either::Left(view! { <form::SurveyForm props messages/> })
    } else {
        Either::Right(view! {
            <h1>{props.survey.name}</h1>
            <p class="vox-notice" role="status">{messages.closed}</p>
        })
    };
    view! {
        <main class="vox-widget" class:vox-embedded=embedded lang=language dir=direction
            data-appearance=appearance style=style>
            {logo}
            {body}
        </main>
    }
}

/// After the last answer (also the no-JavaScript thank-you page): the
/// ending's heading and text with their recalls filled in, or Vox's own.
#[component]
pub fn ThankYou<H: IntoView + 'static, T: IntoView + 'static>(title: H, text: T) -> impl IntoView {
    view! {
        <section class="vox-thanks" id="vox-thanks" role="status" tabindex="-1">
            <h1>{title}</h1>
            <p>{text}</p>
        </section>
    }
}

/// For an unknown or unpublished survey.
#[component]
pub fn SurveyNotFound(messages: &'static Messages) -> impl IntoView {
    view! {
        <main class="vox-widget">
            <h1>{messages.not_found_title}</h1>
            <p>{messages.not_found_body}</p>
        </main>
    }
}
