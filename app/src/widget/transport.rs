//! Saving the visitor's response through the public client API, the same
//! endpoints the embed and third-party clients use: `POST
//! /api/client/surveys/{id}/responses` for the first answer, then `PATCH
//! /api/client/responses/{id}` with the response token.

use super::form::Draft;
use super::host::HostContext;
use super::json::object;
use crate::domain::answers::Answers;
use crate::domain::AppError;
use serde_json::{Map, Value};

/// Creates the response (first call) or updates it; `completing` completes it.
/// Context the server refuses (the host page's metadata or responder) never
/// costs the visitor their answers: the refused part is dropped with a
/// console warning and the answers are sent again with the rest.
#[allow(clippy::too_many_arguments)]
pub async fn save(
    survey_id: &str,
    existing: Option<Draft>,
    answers: Answers,
    hidden_fields: Map<String, Value>,
    language: String,
    invitation: Option<String>,
    completing: bool,
    context: &HostContext,
) -> Result<Draft, AppError> {
    let attempt = save_with(
        survey_id,
        existing.clone(),
        answers.clone(),
        hidden_fields.clone(),
        language.clone(),
        invitation.clone(),
        completing,
        context,
    )
    .await;
    match attempt {
        Err(refused) if only_context_refused(&refused) => {
            warn_refused(&refused);
            let kept = without_refused(context, &refused);
            save_with(survey_id, existing, answers, hidden_fields, language, invitation, completing, &kept).await
        }
        other => other,
    }
}

/// The context minus what the server refused: the named metadata keys (all
/// of it when the metadata as a whole was refused) and a refused responder.
fn without_refused(context: &HostContext, refused: &AppError) -> HostContext {
    let mut kept = context.clone();
    let AppError::Validation { errors } = refused else { return HostContext::default() };
    for field in errors.iter().map(|e| e.field.as_str()) {
        match field.strip_prefix("metadata.") {
            Some(key) => kept.metadata.retain(|k, _| k != key),
            None if field.starts_with("responder") => kept.responder = None,
            None => kept.metadata.clear(),
        }
    }
    kept
}

#[allow(clippy::too_many_arguments)]
async fn save_with(
    survey_id: &str,
    existing: Option<Draft>,
    answers: Answers,
    hidden_fields: Map<String, Value>,
    language: String,
    invitation: Option<String>,
    completing: bool,
    context: &HostContext,
) -> Result<Draft, AppError> {
    if let Some(draft) = existing {
        let body = object([
            ("answers", Value::Object(answers.clone())),
            ("completed", completing.into()),
            ("metadata", Value::Object(context.metadata.clone())),
            ("responder", responder(context)),
        ]);
        let path = format!("/api/client/responses/{}", draft.id);
        match send("PATCH", &path, Some(&draft.token), &body).await {
            Ok(_) => return Ok(draft),
            // A response kept from an earlier visit that can no longer be
            // continued (too old, or deleted): start a new one instead.
            Err(AppError::NotFound { .. }) => {}
            Err(AppError::Conflict { code, .. }) if code == "response_final" => {}
            Err(other) => return Err(other),
        }
    }
    create(survey_id, answers, hidden_fields, language, invitation, completing, context).await
}

fn responder(context: &HostContext) -> Value {
    context.responder.clone().map_or(Value::Null, Value::Object)
}

/// Attaches the host page's context to a response that already exists
/// (also after completion). Refused context is dropped with a console warning.
pub async fn attach(draft: &Draft, context: &HostContext) -> Result<(), AppError> {
    let body = object([("metadata", Value::Object(context.metadata.clone())), ("responder", responder(context))]);
    match send("PATCH", &format!("/api/client/responses/{}", draft.id), Some(&draft.token), &body).await {
        Err(refused) if only_context_refused(&refused) => {
            warn_refused(&refused);
            Ok(())
        }
        other => other.map(|_| ()),
    }
}

/// True when everything the server refused is the host page's context, none of it the visitor's answers.
fn only_context_refused(error: &AppError) -> bool {
    matches!(error, AppError::Validation { errors } if !errors.is_empty()
        && errors.iter().all(|e| e.field.starts_with("metadata") || e.field.starts_with("responder")))
}

/// Tells the host page's developer, in the browser console, what was refused and why.
fn warn_refused(error: &AppError) {
    let AppError::Validation { errors } = error else { return };
    let mut _text = String::from("[vox] updateMetadata: refused by the survey, not sent: ");
    for (i, e) in errors.iter().enumerate() {
        let separator = if i == 0 { "" } else { "; " };
        _text += &format!("{separator}{}: {}", e.field, e.message);
    }
    #[cfg(feature = "hydrate")]
    web_sys::console::warn_1(&_text.into());
}

async fn create(
    survey_id: &str,
    mut answers: Answers,
    hidden_fields: Map<String, Value>,
    language: String,
    invitation: Option<String>,
    completing: bool,
    context: &HostContext,
) -> Result<Draft, AppError> {
    // A new response has nothing to clear: leave unanswered questions out.
    answers.retain(|_, v| !v.is_null());
    let body = object([
        ("answers", Value::Object(answers)),
        ("hiddenFields", Value::Object(hidden_fields)),
        ("language", language.into()),
        ("completed", completing.into()),
        ("metadata", Value::Object(context.metadata.clone())),
        ("responder", responder(context)),
        ("invitation", invitation.into()),
    ]);
    let created = send("POST", &format!("/api/client/surveys/{survey_id}/responses"), None, &body).await?;
    let field = |name: &str| created.get(name).and_then(Value::as_str).map(str::to_string);
    match (field("id"), field("responseToken")) {
        (Some(id), Some(token)) => Ok(Draft { id, token }),
        _ => Err(AppError::Internal),
    }
}

/// One JSON request; problem+json errors come back as the `AppError` they
/// describe (validation errors keep their fields).
#[cfg(feature = "hydrate")]
async fn send(method: &str, path: &str, bearer: Option<&str>, body: &Value) -> Result<Value, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_body(&wasm_bindgen::JsValue::from_str(&super::json::stringify(body)));
    let headers = web_sys::Headers::new().map_err(|_| AppError::Internal)?;
    headers.set("Content-Type", "application/json").map_err(|_| AppError::Internal)?;
    if let Some(token) = bearer {
        headers.set("Authorization", &format!("Bearer {token}")).map_err(|_| AppError::Internal)?;
    }
    init.set_headers(&headers);
    let request = web_sys::Request::new_with_str_and_init(path, &init).map_err(|_| AppError::Internal)?;
    let window = web_sys::window().ok_or(AppError::Internal)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| AppError::Transport { message: "network error".into() })?
        .unchecked_into();
    let text = JsFuture::from(response.text().map_err(|_| AppError::Internal)?)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_default();
    let parsed = super::json::parse(&text).unwrap_or(Value::Null);
    if response.ok() {
        return Ok(parsed);
    }
    Err(from_problem(response.status(), &parsed))
}

#[cfg(feature = "hydrate")]
fn from_problem(status: u16, problem: &Value) -> AppError {
    // Read by hand: serde's derived decoder would cost the widget's wasm more.
    let text = |e: &Value, key: &str| e.get(key).and_then(Value::as_str).map(str::to_string);
    let errors: Vec<crate::domain::FieldError> = problem
        .get("errors")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|e| Some(crate::domain::FieldError::new(text(e, "field")?, text(e, "message")?)))
                .collect()
        })
        .unwrap_or_default();
    let code = problem.get("code").and_then(Value::as_str).unwrap_or_default().to_string();
    match status {
        422 | 400 if !errors.is_empty() => AppError::Validation { errors },
        404 => AppError::NotFound { what: "response".into() },
        409 => AppError::Conflict { code, message: String::new() },
        429 => AppError::RateLimited { retry_after_secs: 1 },
        _ => AppError::Transport { message: format!("HTTP {status}") },
    }
}

/// Requests leave from the browser only; the server renders, never sends.
#[cfg(not(feature = "hydrate"))]
async fn send(_method: &str, _path: &str, _bearer: Option<&str>, _body: &Value) -> Result<Value, AppError> {
    Err(AppError::Transport { message: "no browser here".into() })
}
