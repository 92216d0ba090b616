//! One intake for every way a response arrives. The client API, the no-JS
//! form post and personal invitation links create one ([`submit`],
//! [`submit_form`]); the respondent's later changes continue it
//! ([`continue_response`], with its `responseToken`). Whatever the door, the
//! response as it would stand afterwards goes through one chain of checks
//! ([`check`]) and is written through one path, group commit (its writes,
//! index rows and webhook deliveries in a transaction shared with concurrent
//! arrivals). A rule added to either applies everywhere.
//!
//! Continuing: answers merge (later values win, `null` clears); a completed
//! response's answers are final, but metadata may still be attached to it. A
//! response that came through an invitation keeps the invitation's context:
//! it stays the invited contact's (`responder` is ignored) and the
//! invitation's metadata (`distributionId`, the event's fields) wins over the
//! page's.

use crate::backend::db::{new_id, now_ms, Db};
use crate::backend::group_commit::Audience;
use crate::backend::services::organization::metadata_keys;
use crate::backend::services::outreach::invitations;
use crate::backend::services::responses::get_any;
use crate::backend::services::surveys::{self, SurveyDefinition};
use crate::backend::AppState;
use crate::domain::answers::{self, Answers};
use crate::domain::error::Problems;
use crate::domain::ids::IdKind;
use crate::domain::logic::{prune_unasked, walk, Surroundings};
use crate::domain::response::{validate_flat_map, Responder, ResponseInput, ResponsePatch, SurveyResponse};
use crate::domain::survey::SurveyStatus;
use crate::domain::AppError;
use serde_json::{Map, Value};
use sqlx::Row;
use std::sync::Arc;
use write::{store_change, store_new, Change, NewResponse};

mod write;

/// How long after its creation a response can still be continued.
pub const EDITABLE_FOR_MS: i64 = 24 * 3600 * 1000;

/// Stores a respondent's answers to a published survey. Everything is
/// validated first; nothing is written unless all of it is acceptable.
/// `site` is the origin of the page calling from another site, if any: it
/// must be one the survey allows.
pub async fn submit(
    state: &AppState,
    survey_id: &str,
    input: ResponseInput,
    site: Option<&str>,
) -> Result<SurveyResponse, AppError> {
    let definition = answerable_definition(&state.db, survey_id).await?;
    surveys::check_site(&definition.survey, site)?;
    create(state, &definition, input).await
}

/// Reads a widget form post (fields named `q.<questionId>`, optional
/// `hidden.<name>` hidden fields and the `language` shown) and submits it as
/// a complete response. Hidden fields the survey does not declare are
/// ignored here: they come from a page address anyone can edit.
pub async fn submit_form(
    state: &AppState,
    survey_id: &str,
    fields: &[(String, String)],
) -> Result<FormSubmitted, AppError> {
    let definition = answerable_definition(&state.db, survey_id).await?;
    let survey = &definition.survey;
    let answers = answers::from_form(&survey.questions, fields)?;
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let hidden_fields = fields
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("hidden.")
                .filter(|name| survey.options.hidden_fields.iter().any(|h| h == name))
                .map(|name| (name.to_string(), Value::String(v.clone())))
        })
        .collect();
    let language = field("language").filter(|v| survey.options.languages().contains(v));
    let invitation = field("invitation").filter(|v| !v.is_empty());
    let input = ResponseInput { answers, hidden_fields, language, invitation, completed: true, ..Default::default() };
    let response = create(state, &definition, input).await?;
    let redirect = redirect_address(survey, &response);
    Ok(FormSubmitted { response, redirect })
}

/// A form post stored: the response, and the address its ending sends the
/// visitor to, if it has one.
pub struct FormSubmitted {
    pub response: SurveyResponse,
    pub redirect: Option<String>,
}

/// The ending's address with the response's answers, hidden fields and
/// variables filled in, each URL-encoded (the widget does the same).
pub fn redirect_address(survey: &crate::domain::survey::PublicSurvey, response: &SurveyResponse) -> Option<String> {
    let id = response.ending.as_deref()?;
    let url = survey.options.endings.iter().find(|e| e.id == id)?.redirect_url.as_deref()?;
    let sources = crate::domain::recall::RecallSources {
        questions: &survey.questions,
        answers: Some(&response.answers),
        hidden_fields: Some(&response.hidden_fields),
        variables: Some(&response.variables),
    };
    Some(crate::domain::recall::render_url(url, &sources))
}

/// What the survey page is told after `submit_form` refused answers: each
/// refused answer's key, with `:<rule>` (e.g. `q2:minLength`) when a
/// validation rule broke, so the page can say which in the visitor's language.
pub async fn form_refusals(
    state: &AppState,
    survey_id: &str,
    fields: &[(String, String)],
    errors: &[crate::domain::FieldError],
) -> Vec<String> {
    let keys = errors.iter().filter_map(|e| e.field.strip_prefix("answers."));
    let survey = surveys::definition(&state.db, survey_id).await.ok().map(|d| d.survey.clone());
    let answers = survey.as_ref().and_then(|s| answers::from_form(&s.questions, fields).ok());
    keys.map(|key| {
        let broken = survey.as_ref().zip(answers.as_ref()).and_then(|(survey, answers)| {
            let question = survey.questions.iter().find(|q| q.id == key)?;
            crate::domain::validation_rules::broken_rule(&question.validation, answers.get(key)?)
        });
        match broken {
            Some(rule) => format!("{key}:{}", rule.code()),
            None => key.to_string(),
        }
    })
    .collect()
}

/// The survey's definition for an arrival, closing it first if it is due
/// (its closing time has passed or its response limit is reached), so the
/// arrival is refused and `survey.closed` announced.
async fn answerable_definition(db: &Db, survey_id: &str) -> Result<SurveyDefinition, AppError> {
    let definition = surveys::definition(db, survey_id).await?;
    surveys::close_when_due(db, &definition).await?;
    Ok(definition)
}

/// The response as an arrival would leave it, before it is checked.
struct Candidate<'a> {
    definition: &'a SurveyDefinition,
    /// Every answer, after merging a change into the stored ones.
    answers: Answers,
    completed: bool,
    /// The metadata this arrival brings (typed by the organisation's rules here).
    incoming_metadata: &'a Map<String, Value>,
    /// The metadata the response has already (none when it is new).
    stored_metadata: Map<String, Value>,
    /// Only a new response brings hidden fields and names its language.
    hidden_fields: Option<&'a Map<String, Value>>,
    /// The hidden fields logic conditions read: those arriving, or those stored.
    known_hidden_fields: &'a Map<String, Value>,
    language: Option<&'a str>,
    responder: Option<&'a Responder>,
    invitation: Option<&'a invitations::LinkedInvitation>,
}

/// What [`check`] accepted: the answers and metadata to store, and what the
/// survey's logic made of them.
struct Checked {
    pub(super) answers: Answers,
    pub(super) metadata: Map<String, Value>,
    pub(super) variables: Map<String, Value>,
    /// The ending reached, once the response is complete.
    pub(super) ending: Option<String>,
}

/// The one chain of checks. Answers to questions the survey's logic does
/// not lead to are dropped, not refused (the walk is Vox's own: variables
/// and the ending are calculated here, never taken from the client); metadata is typed by the organisation's rules and
/// the invitation's context wins; every problem is reported at once, each
/// naming its field (with any the door found already in `problems`).
async fn check(state: &AppState, candidate: Candidate<'_>, mut problems: Problems) -> Result<Checked, AppError> {
    let survey = &candidate.definition.survey;
    let org_id = candidate.definition.organization_id.as_str();
    let mut answers = candidate.answers;
    validate_flat_map(&mut problems, "metadata", candidate.incoming_metadata);
    let mut metadata = candidate.stored_metadata;
    match apply_metadata_policy(state, org_id, candidate.incoming_metadata).await {
        Ok(typed) => metadata.extend(typed),
        Err(AppError::Validation { errors }) => errors.into_iter().for_each(|e| problems.add(e.field, e.message)),
        Err(other) => return Err(other),
    }
    if let Some(linked) = candidate.invitation {
        // What the event said wins over what the page says.
        metadata.extend(linked.metadata.clone());
    }
    validate_flat_map(&mut problems, "metadata", &metadata);
    if let Some(hidden_fields) = candidate.hidden_fields {
        validate_flat_map(&mut problems, "hiddenFields", hidden_fields);
        for key in hidden_fields.keys().filter(|k| !survey.options.hidden_fields.contains(k)) {
            problems.add(format!("hiddenFields.{key}"), "not a hidden field of this survey");
        }
    }
    if let Some(responder) = candidate.responder {
        responder.validate(&mut problems);
    }
    if let Some(language) = candidate.language {
        if !survey.options.languages().iter().any(|l| l == language) {
            problems.add(
                "language",
                format!("must be one of the survey's languages: {}", survey.options.languages().join(", ")),
            );
        }
    }
    let around = Surroundings { hidden_fields: Some(candidate.known_hidden_fields), metadata: Some(&metadata) };
    let walked = walk(&survey.questions, &survey.options.variables, &survey.options.pages, &answers, around, None);
    prune_unasked(&survey.questions, &walked, &mut answers);
    let completing = candidate.completed.then_some(&walked);
    if let Err(AppError::Validation { errors }) = answers::validate_walked(&survey.questions, &answers, completing) {
        errors.into_iter().for_each(|e| problems.add(e.field, e.message));
    }
    problems.into_result()?;
    let ending = if candidate.completed { walked.ending } else { None };
    Ok(Checked { answers, metadata, variables: walked.variables, ending })
}

/// The organisation's metadata rules applied to incoming metadata (typed,
/// anonymized, strict); see `domain::metadata_keys`.
pub async fn apply_metadata_policy(
    state: &AppState,
    org_id: &str,
    metadata: &Map<String, Value>,
) -> Result<Map<String, Value>, AppError> {
    if metadata.is_empty() {
        return Ok(metadata.clone());
    }
    let policy = metadata_keys::policy(&state.db, org_id).await?;
    policy.apply(metadata, |key, value| state.metadata_hasher.hash(org_id, key, value))
}

/// The audience of a survey's response events.
fn audience(org_id: &str, survey_id: &str) -> Audience {
    Audience { organization_id: org_id.to_string(), survey_id: Some(survey_id.to_string()) }
}

async fn create(
    state: &AppState,
    definition: &SurveyDefinition,
    mut input: ResponseInput,
) -> Result<SurveyResponse, AppError> {
    let (org_id, survey) = (&definition.organization_id, &definition.survey);
    match survey.status {
        SurveyStatus::Published => {}
        SurveyStatus::Draft => return Err(AppError::not_found("survey")),
        SurveyStatus::Closed => {
            return Err(AppError::field("surveyId", "this survey is closed and no longer accepts responses"))
        }
    }
    // A personal invitation link: the invited contact answers, with the event's context.
    let mut problems = Problems::default();
    let invitation = match &input.invitation {
        Some(token) => {
            let linked = match state.invitation_links.open(token) {
                Some(id) => invitations::by_id(&state.db, &id).await?,
                None => None,
            };
            match linked {
                Some(l) if l.invitation.survey_id == survey.id && l.organization_id == *org_id => Some(l),
                _ => {
                    problems.add("invitation", "not a valid invitation for this survey");
                    None
                }
            }
        }
        None => None,
    };
    if invitation.is_some() {
        input.responder = None;
    }
    let candidate = Candidate {
        definition,
        answers: std::mem::take(&mut input.answers),
        completed: input.completed,
        incoming_metadata: &input.metadata,
        stored_metadata: Map::new(),
        hidden_fields: Some(&input.hidden_fields),
        known_hidden_fields: &input.hidden_fields,
        language: input.language.as_deref(),
        responder: input.responder.as_ref(),
        invitation: invitation.as_ref(),
    };
    let checked = check(state, candidate, problems).await?;
    input.answers = checked.answers;
    input.metadata = checked.metadata;
    let (variables, ending) = (checked.variables, checked.ending);
    if invitation.is_none() && input.responder.is_none() {
        input.responder = Responder::from_answers(&survey.questions, &input.answers);
    }
    if let Some(linked) = &invitation {
        if input.language.is_none() {
            let languages = survey.options.languages();
            let wanted: Vec<String> =
                linked.invitation.locale.iter().map(|l| crate::domain::contact::primary_language(l)).collect();
            let chosen = crate::domain::i18n::choose(&languages, &survey.options.default_language, &wanted);
            input.language = Some(chosen.to_string());
        }
    }
    let new = Arc::new(NewResponse {
        id: new_id(IdKind::Response),
        organization_id: org_id.to_string(),
        survey_id: survey.id.clone(),
        questions: survey.questions.clone(),
        survey_version: definition.published_version,
        created_at: now_ms(),
        input,
        variables,
        ending,
        invitation,
    });
    let (response, queued) = state
        .writes
        .write_reporting(audience(org_id, &survey.id), move |tx, subscribers| {
            let new = new.clone();
            Box::pin(async move { store_new(tx, &new, subscribers).await })
        })
        .await?;
    if queued > 0 {
        state.webhook_wakeup.notify_one();
    }
    Ok(response)
}

/// A respondent continuing their own response (PATCH with its `responseToken`).
pub async fn continue_response(
    state: &AppState,
    response_id: &str,
    token: &str,
    patch: ResponsePatch,
    site: Option<&str>,
) -> Result<SurveyResponse, AppError> {
    // Any failure to prove ownership looks like "not found": no oracle for ids.
    if !state.response_tokens.verify(response_id, token) {
        return Err(AppError::not_found("response"));
    }
    let (org_id, current) = get_any(&state.db, response_id).await?;
    if now_ms() - current.created_at.timestamp_millis() > EDITABLE_FOR_MS {
        return Err(AppError::Conflict {
            code: "response_final".into(),
            message: "this response can no longer be changed".into(),
        });
    }
    let invitation = match invitation_of(&state.db, response_id).await? {
        Some(id) => invitations::by_id(&state.db, &id).await?,
        None => None,
    };
    let mut patch = patch;
    if invitation.is_some() {
        patch.responder = None;
    }
    let definition = answerable_definition(&state.db, &current.survey_id).await?;
    surveys::check_site(&definition.survey, site)?;
    let changes_answers = patch.answers.as_ref().is_some_and(|a| !a.is_empty()) || patch.completed == Some(true);
    if changes_answers && definition.survey.status != SurveyStatus::Published {
        return Err(AppError::field("surveyId", "this survey is closed and no longer accepts responses"));
    }
    if changes_answers && current.completed && patch.answers.as_ref().is_some_and(|a| !a.is_empty()) {
        return Err(AppError::field("answers", "the response is complete; its answers can no longer change"));
    }
    let mut merged = current.answers.clone();
    for (k, v) in patch.answers.clone().unwrap_or_default() {
        if v.is_null() {
            merged.remove(&k);
        } else {
            merged.insert(k, v);
        }
    }
    // Answers given under an earlier version to questions this one no longer
    // has stay as they were: never checked against a definition without them.
    let asked = |key: &str| {
        definition.survey.questions.iter().any(|q| q.id == key || crate::domain::survey::other_key(&q.id) == key)
    };
    let sent = patch.answers.as_ref();
    let earlier: Answers = merged
        .iter()
        .filter(|(key, _)| !asked(key) && !sent.is_some_and(|s| s.contains_key(*key)))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    merged.retain(|key, _| !earlier.contains_key(key));
    let completed = current.completed || patch.completed.unwrap_or(false);
    let incoming = patch.metadata.clone().unwrap_or_default();
    let candidate = Candidate {
        definition: &definition,
        answers: merged,
        completed,
        incoming_metadata: &incoming,
        stored_metadata: current.metadata.clone(),
        hidden_fields: None,
        known_hidden_fields: &current.hidden_fields,
        language: None,
        responder: patch.responder.as_ref(),
        invitation: invitation.as_ref(),
    };
    let mut checked = check(state, candidate, Problems::default()).await?;
    if current.completed {
        // Final answers: what the logic made of them stays as it was.
        (checked.variables, checked.ending) = (current.variables.clone(), current.ending.clone());
    }
    // A contact question answered now names the respondent, unless someone already does.
    let responder = match (&patch.responder, &invitation, &current.contact_id) {
        (None, None, None) => Responder::from_answers(&definition.survey.questions, &checked.answers),
        _ => patch.responder.clone(),
    };
    checked.answers.extend(earlier);
    let change = Arc::new(Change {
        organization_id: org_id.clone(),
        questions: definition.survey.questions.clone(),
        survey_version: definition.published_version,
        checked,
        completed,
        responder,
        invitation_id: invitation.map(|linked| linked.invitation.id),
        current,
        at: now_ms(),
    });
    let survey_id = change.current.survey_id.clone();
    let (response, queued) = state
        .writes
        .write_reporting(audience(&org_id, &survey_id), move |tx, subscribers| {
            let change = change.clone();
            Box::pin(async move { store_change(tx, &change, subscribers).await })
        })
        .await?;
    if queued > 0 {
        state.webhook_wakeup.notify_one();
    }
    Ok(response)
}

/// The invitation a response came through, if any.
async fn invitation_of(db: &Db, response_id: &str) -> Result<Option<String>, AppError> {
    let row =
        sqlx::query("SELECT invitation_id FROM responses WHERE id = $1").bind(response_id).fetch_one(db.pool()).await?;
    Ok(row.try_get("invitation_id")?)
}
