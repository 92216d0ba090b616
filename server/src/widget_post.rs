//! `POST /s/{surveyId}`: the survey form posted by a browser without
//! JavaScript. Same service as the hydrated widget and the client API; the
//! answer is a redirect to the ending the logic reached (its page, or its
//! own address), or back to the form with the ids of the questions to fix.

use app::backend::services::responses::intake;
use app::backend::AppState;
use app::domain::AppError;
use axum::extract::{Path, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

/// The thank-you page's query: the ending reached and the numbers the logic
/// calculated (for `{{var.score}}`; numbers only, so an edited address can
/// put no words on the page), then what was carried. The names hold a dot,
/// which no hidden field's name can.
fn thanks_query(response: &app::domain::response::SurveyResponse, carried: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(ending) = &response.ending {
        query.append_pair("logic.ending", ending);
    }
    for (name, value) in &response.variables {
        if value.is_number() {
            query.append_pair(&format!("var.{name}"), &value.to_string());
        }
    }
    let mut query = query.finish();
    if !carried.is_empty() {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(carried);
    }
    if query.is_empty() {
        query
    } else {
        format!("?{query}")
    }
}

pub async fn submit(State(state): State<AppState>, Path(survey_id): Path<String>, RawForm(body): RawForm) -> Response {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    // Only ids that passed through the id check reach the redirect URL.
    let back = match app::domain::ids::is_valid(app::domain::ids::IdKind::Survey, &survey_id) {
        true => format!("/s/{survey_id}"),
        false => return (StatusCode::NOT_FOUND, "survey not found").into_response(),
    };
    // The language and hidden fields travel on, so the next page is the same survey.
    let carried: String = fields
        .iter()
        .filter_map(|(k, v)| match k.as_str() {
            "language" => Some(("lang", v.as_str())),
            "invitation" => Some(("i", v.as_str())),
            _ => k.strip_prefix("hidden.").map(|name| (name, v.as_str())),
        })
        .fold(url::form_urlencoded::Serializer::new(String::new()), |mut query, (k, v)| {
            query.append_pair(k, v);
            query
        })
        .finish();
    let (and_carried, with_carried) = match carried.is_empty() {
        true => (String::new(), String::new()),
        false => (format!("&{carried}"), format!("?{carried}")),
    };
    match intake::submit_form(&state, &survey_id, &fields).await {
        Ok(submitted) => match submitted.redirect {
            Some(address) => Redirect::to(&address).into_response(),
            None => {
                Redirect::to(&format!("{back}/thanks{}", thanks_query(&submitted.response, &carried))).into_response()
            }
        },
        Err(AppError::Validation { errors }) if errors.iter().any(|e| e.field.starts_with("answers.")) => {
            let ids: Vec<String> = intake::form_refusals(&state, &survey_id, &fields, &errors)
                .await
                .iter()
                .map(|entry| url::form_urlencoded::byte_serialize(entry.as_bytes()).collect())
                .collect();
            Redirect::to(&format!("{back}?invalid={}{and_carried}", ids.join(","))).into_response()
        }
        Err(AppError::RateLimited { .. }) => (StatusCode::TOO_MANY_REQUESTS, "too many requests").into_response(),
        Err(AppError::NotFound { .. }) => (StatusCode::NOT_FOUND, "survey not found").into_response(),
        // The survey closed meanwhile: the page says so.
        Err(AppError::Validation { .. }) => Redirect::to(&format!("{back}{with_carried}")).into_response(),
        Err(e) => {
            (StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), e.human()).into_response()
        }
    }
}
