//! `GET /s/{surveyId}` (the link page and, with `?embed=1`, the embed frame)
//! and `GET /s/{surveyId}/thanks` (after a no-JavaScript post).
//!
//! The widget is its own small Leptos app, not a route of the dashboard: the
//! page is rendered here in full, its props are embedded as JSON, and the
//! widget bundle (`/pkg/widget/`) hydrates it. Without that bundle (or
//! without JavaScript) the page is a working form.

use app::backend::services::surveys;
use app::backend::AppState;
use app::domain::i18n;
use app::domain::recall::{self, RecallSources};
use app::domain::response::MAX_VALUE_LEN;
use app::domain::shuffle::Seed;
use app::domain::survey::PublicSurvey;
use app::domain::AppError;
use app::widget::{boot_script_url, SurveyNotFound, SurveyWidget, ThankYou, WidgetProps, STYLESHEET_URL};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeader;

type Params = Query<Vec<(String, String)>>;

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// The visitor's language preferences: `?lang=` first, then the browser's.
fn preferences(params: &[(String, String)], headers: &HeaderMap) -> Vec<String> {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    param(params, "lang").map(str::to_string).into_iter().chain(i18n::parse_accept_language(accept)).collect()
}

fn localize(survey: PublicSurvey, params: &[(String, String)], headers: &HeaderMap) -> PublicSurvey {
    let languages = survey.options.languages();
    let language =
        i18n::choose(&languages, &survey.options.default_language, &preferences(params, headers)).to_string();
    survey.localized(&language)
}

pub async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Params,
    headers: HeaderMap,
) -> Response {
    let embedded = param(&params, "embed").is_some_and(|v| v == "1" || v == "true");
    // A personal invitation link: marks it opened, and its language comes first.
    let invitation = match param(&params, "i") {
        Some(token) => match invitation_for(&state, &id, token).await {
            Ok(found) => found,
            Err(e) => return error_page(e),
        },
        None => None,
    };
    if let Some((_, linked)) = &invitation {
        if linked.invitation.completed_at.is_some() {
            return Redirect::to(&format!("/s/{id}/thanks")).into_response();
        }
    }
    let mut params = params;
    if let Some(locale) = invitation.as_ref().and_then(|(_, l)| l.invitation.locale.clone()) {
        if param(&params, "lang").is_none() {
            params.push(("lang".into(), app::domain::contact::primary_language(&locale)));
        }
    }
    let survey = match surveys::get_public_closing_if_due(&state.db, &id).await {
        Ok(survey) => localize(survey, &params, &headers),
        Err(AppError::NotFound { .. }) => return not_found(&params, &headers),
        Err(e) => return error_page(e),
    };
    // The embed frame names the page that frames it; only allowed sites get
    // a frame, and the browser enforces it (frame-ancestors is that origin).
    let parent_origin = match (embedded, param(&params, "origin")) {
        (false, _) => None,
        (true, Some(origin)) if survey.allows_site(origin) => app::domain::embed::normalize_origin(origin),
        (true, _) => return not_allowed_here(&survey),
    };
    let (survey, new_seed) = arranged(survey, &params, &headers, &state);
    let hidden_fields = hidden_fields_of(&survey, &params);
    // Only ids of this survey's questions (or their "other" text), each with
    // the name of a rule it has, are kept: a crafted address cannot put text
    // on the page.
    let invalid = param(&params, "invalid")
        .unwrap_or_default()
        .split(',')
        .filter(|entry| {
            let (id, rule) = entry.split_once(':').unwrap_or((entry, ""));
            survey.questions.iter().any(|q| {
                let rule_known = rule.is_empty()
                    || app::domain::validation_rules::BrokenRule::from_code(rule, &q.validation).is_some();
                (q.id == id && rule_known) || (app::domain::survey::other_key(&q.id) == id && rule.is_empty())
            })
        })
        .map(str::to_string)
        .collect();
    let frame_ancestors = parent_origin.clone().unwrap_or_else(|| "'self'".into());
    let invitation = invitation.map(|(token, _)| token);
    let messages = app::domain::i18n::messages_for(&survey.language, !survey.options.pages.is_empty());
    let props =
        WidgetProps { survey, hidden_fields, invalid, embedded, parent_origin, preview: false, invitation, messages }
            .for_visitor();
    let title = props.survey.name.clone();
    let language = props.survey.language.clone();
    let props_json = serde_json::to_string(&props).unwrap_or_default();
    let bundle = boot_script_url(&props.survey);
    let body = Owner::new().with(|| view! { <SurveyWidget props/> }.to_html());
    let mut response = document(&title, &language, Some((&props_json, bundle)), &body, &frame_ancestors);
    if let Some(cookie) = new_seed.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// The cookie that keeps a visitor's shuffle seed on the survey pages.
const SEED_COOKIE: &str = "vox_seed";

/// The survey with its shuffled questions in this visitor's order, and the
/// `Set-Cookie` value that keeps a newly drawn seed. The seed is the embed
/// loader's `?seed=` (the host site keeps it: a framed page's cookies are
/// third-party), else the cookie, else new. Only surveys that shuffle draw
/// or keep one.
fn arranged(
    survey: PublicSurvey,
    params: &[(String, String)],
    headers: &HeaderMap,
    state: &AppState,
) -> (PublicSurvey, Option<String>) {
    if !survey.questions.iter().any(|q| q.shuffle) && !survey.options.pages.iter().any(|p| p.shuffle) {
        return (survey, None);
    }
    let from_cookie = || {
        let cookies = headers.get_all(header::COOKIE).into_iter().filter_map(|v| v.to_str().ok());
        cookies
            .flat_map(|h| h.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == SEED_COOKIE)
            .and_then(|(_, value)| Seed::parse(value))
    };
    if let Some(seed) = param(params, "seed").and_then(Seed::parse).or_else(from_cookie) {
        return (survey.arranged_for(seed), None);
    }
    let seed = Seed::new(rand::random());
    let secure = if state.config.secure_cookies() { "; Secure" } else { "" };
    // A year: long enough that a respondent who comes back sees the same order.
    let cookie = format!("{SEED_COOKIE}={}; Path=/s/; HttpOnly; SameSite=Lax; Max-Age=31536000{secure}", seed.to_hex());
    (survey.arranged_for(seed), Some(cookie))
}

/// The invitation a genuine `?i=` token names for this survey (marked
/// opened), with the token; a forged or foreign token is simply ignored.
async fn invitation_for(
    state: &AppState,
    survey_id: &str,
    token: &str,
) -> Result<Option<(String, app::backend::services::outreach::invitations::LinkedInvitation)>, AppError> {
    let Some(id) = state.invitation_links.open(token) else { return Ok(None) };
    let Some(linked) = app::backend::services::outreach::invitations::by_id(&state.db, &id).await? else {
        return Ok(None);
    };
    if linked.invitation.survey_id != survey_id || linked.invitation.status == "cancelled" {
        return Ok(None);
    }
    app::backend::services::outreach::invitations::mark_opened(&state.db, &id).await?;
    Ok(Some((token.to_string(), linked)))
}

/// The embed frame asked for by a site the survey does not allow.
fn not_allowed_here(survey: &PublicSurvey) -> Response {
    let body = format!(
        r#"<main class="vox-widget"><p class="vox-notice" role="status">This survey cannot be shown on this site.</p></main><!-- {} -->"#,
        escape(&survey.id)
    );
    let mut response = document(&survey.name, &survey.language, None, &body, "'none'");
    *response.status_mut() = StatusCode::FORBIDDEN;
    response
}

pub async fn thanks(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Params,
    headers: HeaderMap,
) -> Response {
    let survey = match surveys::get_public_closing_if_due(&state.db, &id).await {
        Ok(survey) => localize(survey, &params, &headers),
        Err(AppError::NotFound { .. }) => return not_found(&params, &headers),
        Err(e) => return error_page(e),
    };
    let messages = i18n::messages(&survey.language);
    // Without JavaScript the answers are gone by now: recalls of them show
    // their fallbacks; hidden fields, the ending reached and the numbers the
    // logic calculated travel in the address.
    let hidden_fields = hidden_fields_of(&survey, &params);
    let variables = variables_of(&survey, &params);
    let sources = RecallSources {
        questions: &survey.questions,
        hidden_fields: Some(&hidden_fields),
        variables: Some(&variables),
        ..Default::default()
    };
    let ending = param(&params, "logic.ending").and_then(|id| survey.options.endings.iter().find(|e| e.id == id));
    let title = match ending.and_then(|e| e.title.as_deref()) {
        Some(own) => recall::render(own, &sources),
        None => messages.thank_you_title.to_string(),
    };
    let own_text = ending.and_then(|e| e.text.as_deref()).or(survey.thank_you());
    let text = recall::render(own_text.unwrap_or(messages.thank_you_body), &sources);
    let dir = i18n::direction(&survey.language);
    let body = Owner::new().with(|| view! { <main class="vox-widget" dir=dir><ThankYou title text/></main> }.to_html());
    document(&survey.name, &survey.language, None, &body, "'self'")
}

/// The declared number variables the address gives (`var.score=3`), as
/// numbers: whatever else an edited address holds is not shown.
fn variables_of(survey: &PublicSurvey, params: &[(String, String)]) -> serde_json::Map<String, serde_json::Value> {
    let numbers = survey.options.variables.iter().filter(|v| v.kind == app::domain::logic::VariableKind::Number);
    numbers
        .filter_map(|v| {
            let n: f64 = param(params, &format!("var.{}", v.id))?.parse().ok().filter(|n: &f64| n.is_finite())?;
            Some((v.id.clone(), app::domain::logic::number_value(n)))
        })
        .collect()
}

/// The declared hidden fields the address fills in (only those are taken).
fn hidden_fields_of(survey: &PublicSurvey, params: &[(String, String)]) -> serde_json::Map<String, serde_json::Value> {
    survey
        .options
        .hidden_fields
        .iter()
        .filter_map(|name| {
            let value: String = param(params, name)?.chars().take(MAX_VALUE_LEN).collect();
            Some((name.clone(), serde_json::Value::String(value)))
        })
        .collect()
}

fn not_found(params: &[(String, String)], headers: &HeaderMap) -> Response {
    let language = preferences(params, headers).first().cloned().unwrap_or_else(|| "en".into());
    let messages = i18n::messages(&language);
    let body = Owner::new().with(|| view! { <SurveyNotFound messages/> }.to_html());
    let mut response = document(messages.not_found_title, "en", None, &body, "'self'");
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

fn error_page(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, error.human()).into_response()
}

use app::backend::html::escape;

/// JSON that is safe inside `<script type="application/json">`: no `<` at all,
/// so neither `</script>` nor `<!--` can end or bend the element.
fn script_json(json: &str) -> String {
    json.replace('<', "\\u003c").replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029")
}

/// `frame_ancestors`: who may frame the page (`'self'`, `'none'`, or the one
/// allowed site of the embed frame).
/// `hydration`: the props as JSON and the boot script of the bundle that hydrates them.
fn document(
    title: &str,
    language: &str,
    hydration: Option<(&str, &str)>,
    body: &str,
    frame_ancestors: &str,
) -> Response {
    // Without props there is nothing to hydrate: no script at all.
    let scripts = hydration
        .map(|(json, boot_script)| {
            format!(
                r#"<script type="application/json" id="vox-widget-props">{}</script><script type="module" src="{boot_script}"></script>"#,
                script_json(json)
            )
        })
        .unwrap_or_default();
    let html = format!(
        r#"<!DOCTYPE html><html lang="{lang}" dir="{dir}"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>{title}</title><link rel="icon" type="image/svg+xml" href="/favicon.svg"/><link rel="stylesheet" href="{STYLESHEET_URL}"/>{scripts}</head><body class="vox-page">{body}</body></html>"#,
        lang = escape(language),
        dir = i18n::direction(language),
        title = escape(title),
    );
    let mut response = (StatusCode::OK, axum::response::Html(html)).into_response();
    let headers = response.headers_mut();
    let ancestors = frame_ancestors;
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' https: http: data:; connect-src 'self'; form-action 'self'; base-uri 'none'; \
         object-src 'none'; frame-ancestors {ancestors}"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    response
}

/// `GET /widget.css`: the widget's stylesheet, compiled into the binary.
pub async fn stylesheet() -> Response {
    static SENT: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| crate::css::minify(include_str!("../../style/widget.css")));
    let mut response = (StatusCode::OK, SENT.as_str()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_json_cannot_close_its_script() {
        let json = serde_json::to_string(&serde_json::json!({"name": "</script><script>alert(1)</script>"})).unwrap();
        assert!(!script_json(&json).contains('<'));
        let back: serde_json::Value = serde_json::from_str(&script_json(&json)).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>");
    }
}

/// `/pkg/widget/*`: the widget bundle, served from the brotli/gzip copies
/// written at build time when the browser accepts them.
pub fn bundle_files(site_root: &std::path::Path) -> SetResponseHeader<ServeDir, HeaderValue> {
    let files = ServeDir::new(site_root.join("pkg/widget")).precompressed_br().precompressed_gzip();
    SetResponseHeader::if_not_present(files, header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"))
}
