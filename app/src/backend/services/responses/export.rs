//! Exports of a survey's (filtered) responses as CSV or NDJSON, produced a
//! page at a time (keyset pagination, oldest first), so a million responses
//! stream out in constant memory.

use crate::backend::db::Db;
use crate::backend::services::organization::audit;
use crate::backend::services::responses;
use crate::backend::services::responses::filter::{bind_all, Param, ResponseFilter};
use crate::domain::display;
use crate::domain::response::SurveyResponse;
use crate::domain::survey::Survey;
use crate::domain::AppError;
use sqlx::Row;

/// Responses per database round trip.
pub const PAGE: i64 = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Ndjson,
}

impl Format {
    pub fn parse(text: &str) -> Option<Format> {
        match text {
            "csv" => Some(Format::Csv),
            "ndjson" | "jsonl" | "json" => Some(Format::Ndjson),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Ndjson => "application/x-ndjson",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Ndjson => "ndjson",
        }
    }
}

/// Where the next page starts: after this (created_at, id).
pub type Cursor = Option<(i64, String)>;

/// Records in the audit log that `actor` exported `rows` responses of a survey.
pub async fn record_started(
    db: &Db,
    org_id: &str,
    actor: &audit::Actor,
    survey_id: &str,
    format: Format,
    filter_query: Option<&str>,
    rows: i64,
) {
    let details = serde_json::json!({
        "surveyId": survey_id,
        "format": format.extension(),
        "filter": filter_query.unwrap_or(""),
        "rows": rows,
    });
    audit::record(
        db,
        org_id,
        actor,
        crate::domain::audit::AuditAction::ExportStarted,
        audit::target("survey", survey_id),
        details,
    )
    .await;
}

/// How many responses the export will hold (for progress).
pub async fn count(db: &Db, org_id: &str, survey_id: &str, filter: &ResponseFilter) -> Result<i64, AppError> {
    let (condition, params) = filter.to_sql(org_id, survey_id);
    Ok(bind_all(sqlx::query(&format!("SELECT COUNT(*) AS n FROM responses WHERE {condition}")), &params)
        .fetch_one(db.pool())
        .await?
        .try_get("n")?)
}

/// The next page of responses after `cursor`, oldest first, and the cursor after it.
pub async fn page(
    db: &Db,
    org_id: &str,
    survey_id: &str,
    filter: &ResponseFilter,
    cursor: &Cursor,
) -> Result<(Vec<SurveyResponse>, Cursor), AppError> {
    let (mut condition, mut params) = filter.to_sql(org_id, survey_id);
    if let Some((created_at, id)) = cursor {
        params.push(Param::Int(*created_at));
        let t = params.len();
        params.push(Param::Text(id.clone()));
        condition.push_str(&format!(" AND (created_at > ${t} OR (created_at = ${t} AND id > ${}))", params.len()));
    }
    let rows = bind_all(
        sqlx::query(&format!(
            "SELECT {} FROM responses WHERE {condition} ORDER BY created_at, id LIMIT {PAGE}",
            responses::COLUMNS
        )),
        &params,
    )
    .fetch_all(db.pool())
    .await?;
    let mut responses = rows.iter().map(responses::from_row).collect::<Result<Vec<_>, _>>()?;
    responses::tags::fill_in(db, &mut responses).await?;
    let next = responses.last().map(|r| (r.created_at.timestamp_millis(), r.id.clone()));
    Ok((responses, next))
}

/// A CSV field: quoted when needed, and defused when a spreadsheet would
/// read it as a formula (OWASP's CSV injection advice).
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn line(fields: impl IntoIterator<Item = String>) -> String {
    let mut out = fields.into_iter().map(|f| field(&f)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

/// The CSV header: fixed columns, one per question, one per hidden field,
/// one per variable, the ending (when the survey has endings), the metadata, then the tags.
pub fn csv_header(survey: &Survey) -> String {
    let fixed = ["id", "createdAt", "completedAt", "completed", "language", "contactId"].map(str::to_string);
    // One column per question; one per matrix row, ranking place, contact or address field.
    let questions = survey.questions.iter().flat_map(|q| {
        let parts = display::part_columns(q);
        if parts.is_empty() {
            vec![format!("{}: {}", q.id, q.title)]
        } else {
            parts.into_iter().map(|(name, _)| format!("{}: {} — {name}", q.id, q.title)).collect()
        }
    });
    let hidden = survey.options.hidden_fields.iter().map(|h| format!("hidden.{h}"));
    let variables = survey.options.variables.iter().map(|v| format!("var.{}", v.id));
    let ending = (!survey.options.endings.is_empty()).then(|| "ending".to_string());
    let logic = variables.chain(ending);
    // Tags come last, so the columns that came before them keep their places.
    let tail = ["metadata".to_string(), "tags".to_string()];
    line(fixed.into_iter().chain(questions).chain(hidden).chain(logic).chain(tail))
}

pub fn csv_row(survey: &Survey, response: &SurveyResponse) -> String {
    let fixed = [
        response.id.clone(),
        response.created_at.to_rfc3339(),
        response.completed_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        response.completed.to_string(),
        response.language.clone().unwrap_or_default(),
        response.contact_id.clone().unwrap_or_default(),
    ];
    let answers = survey.questions.iter().flat_map(|q| {
        let parts = display::part_columns(q);
        if parts.is_empty() {
            vec![display::answer(q, &response.answers)]
        } else {
            parts.iter().map(|(_, part)| display::part_answer(q, &response.answers, part)).collect()
        }
    });
    let hidden = survey
        .options
        .hidden_fields
        .iter()
        .map(|h| response.hidden_fields.get(h).map(display::value_text).unwrap_or_default());
    let variables = survey
        .options
        .variables
        .iter()
        .map(|v| response.variables.get(&v.id).map(display::value_text).unwrap_or_default());
    let ending = (!survey.options.endings.is_empty()).then(|| response.ending.clone().unwrap_or_default());
    let logic = variables.chain(ending);
    let metadata = if response.metadata.is_empty() {
        String::new()
    } else {
        serde_json::Value::Object(response.metadata.clone()).to_string()
    };
    // Names joined with "; " (a tag's name never holds a semicolon: `tag::check_name`).
    let tags = response.tags.as_deref().unwrap_or_default().join("; ");
    line(fixed.into_iter().chain(answers).chain(hidden).chain(logic).chain([metadata, tags]))
}

pub fn ndjson_row(response: &SurveyResponse) -> String {
    let mut text = serde_json::to_string(response).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\"\nbye"), "\"say \"\"hi\"\"\nbye\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(line(["a".to_string(), "b,c".to_string()]), "a,\"b,c\"\r\n");
    }
}
