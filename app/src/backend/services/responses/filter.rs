//! Which responses a list, an overview or an export covers: one filter, read
//! from the same query string everywhere (the REST API, the dashboard's
//! address bar, export links), turned into one SQL condition.
//!
//! `from`, `to` (RFC 3339 or YYYY-MM-DD), `completed=true|false`,
//! `language=el`, `contactId=con_…`, `version=2` (the published version
//! answered), `metadata.KEY=VALUE`, `hidden.NAME=VALUE`,
//! `answer.QUESTION=OP:VALUE` with OP one of eq, ne, lt, lte, gt, gte
//! (`answer.q1=lte:6` is "detractors"; `answer.q2=food` means eq; a number
//! question compares decimals, a date question dates: `answer.q7=lt:2026-12-01`),
//! `answer.QUESTION.ROW=COLUMN` for a matrix row, `answer.QUESTION.FIELD=TEXT`
//! for a contact or address field, `tag=NAME` (or a tag id; repeated, all
//! must be on the response).

use crate::backend::services::responses::answer_index::{day_number, HIDDEN_PREFIX};
use crate::domain::event::parse_instant;
use crate::domain::question_kind::{is_date, is_exact_number, thousandths};
use crate::domain::survey::{Question, QuestionKind};
use crate::domain::AppError;

/// At most this many metadata, hidden-field and answer conditions together.
pub const MAX_METADATA_FILTERS: usize = 10;
/// At most this many `tag=` conditions.
pub const MAX_TAG_FILTERS: usize = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerOp {
    Eq,
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
}

impl AnswerOp {
    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "eq" => AnswerOp::Eq,
            "ne" => AnswerOp::Ne,
            "lt" => AnswerOp::Lt,
            "lte" => AnswerOp::Lte,
            "gt" => AnswerOp::Gt,
            "gte" => AnswerOp::Gte,
            _ => return None,
        })
    }

    fn sql(self) -> &'static str {
        match self {
            AnswerOp::Eq => "=",
            AnswerOp::Ne => "<>",
            AnswerOp::Lt => "<",
            AnswerOp::Lte => "<=",
            AnswerOp::Gt => ">",
            AnswerOp::Gte => ">=",
        }
    }
}

/// A condition on one question's answer.
#[derive(Clone, Debug, PartialEq)]
pub struct AnswerCondition {
    pub question_id: String,
    pub op: AnswerOp,
    pub value: String,
}

/// The order of a response list (`sort=`): not a filter, but read from the same query.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    /// Most recently completed first; partial responses last.
    Completed,
}

impl Sort {
    pub fn order_by(self) -> &'static str {
        match self {
            Sort::Newest => "created_at DESC, id DESC",
            Sort::Oldest => "created_at ASC, id ASC",
            Sort::Completed => "completed DESC, completed_at DESC, id DESC",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResponseFilter {
    pub sort: Sort,
    pub completed: Option<bool>,
    /// Inclusive lower bound on creation time, epoch ms.
    pub from_ms: Option<i64>,
    /// Exclusive upper bound on creation time, epoch ms.
    pub to_ms: Option<i64>,
    pub contact_id: Option<String>,
    pub language: Option<String>,
    /// Only responses answered under this published version of the survey.
    pub version: Option<i64>,
    /// `metadata.KEY=VALUE` pairs; all must match.
    pub metadata: Vec<(String, String)>,
    /// `hidden.NAME=VALUE` pairs; all must match.
    pub hidden: Vec<(String, String)>,
    pub answers: Vec<AnswerCondition>,
    /// `tag=` values: a tag's name (any case) or id; every one must be on the response.
    pub tags: Vec<String>,
}

/// A parameter of a query assembled at run time.
#[derive(Clone, Debug, PartialEq)]
pub enum Param {
    Text(String),
    Int(i64),
}

pub fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    params: &'q [Param],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for p in params {
        query = match p {
            Param::Text(t) => query.bind(t.as_str()),
            Param::Int(i) => query.bind(*i),
        };
    }
    query
}

impl ResponseFilter {
    /// Reads the filter from a query string; unknown parameters are left to the caller.
    pub fn from_query(query: &str) -> Result<ResponseFilter, AppError> {
        let mut filter = ResponseFilter::default();
        let time = |field: &str, value: &str, end_of_day: bool| -> Result<i64, AppError> {
            let t = parse_instant(value).ok_or_else(|| {
                AppError::field(field, "an RFC 3339 timestamp (2026-01-31T00:00:00Z) or a date (2026-01-31)")
            })?;
            // A plain date as the upper bound includes that whole day.
            let whole_day = end_of_day && value.trim().len() == 10;
            Ok(t.timestamp_millis() + if whole_day { 86_400_000 } else { 0 })
        };
        // A form's way to say `metadata.KEY=VALUE`: `metadataKey=KEY&metadataValue=VALUE`.
        let (mut form_key, mut form_value) = (None, None);
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let value = value.trim().to_string();
            match key.as_ref() {
                "metadataKey" => form_key = Some(value.clone()),
                "metadataValue" => form_value = Some(value.clone()),
                _ => {}
            }
            if value.is_empty() {
                continue;
            }
            match key.as_ref() {
                "from" => filter.from_ms = Some(time("from", &value, false)?),
                "to" => filter.to_ms = Some(time("to", &value, true)?),
                "contactId" | "contact_id" => filter.contact_id = Some(value),
                "tag" => {
                    if filter.tags.len() == MAX_TAG_FILTERS {
                        return Err(AppError::field("tag", format!("at most {MAX_TAG_FILTERS} tag filters")));
                    }
                    filter.tags.push(value)
                }
                "language" => filter.language = Some(value),
                "sort" => {
                    filter.sort = match value.as_str() {
                        "newest" => Sort::Newest,
                        "oldest" => Sort::Oldest,
                        "completed" => Sort::Completed,
                        _ => return Err(AppError::field("sort", "newest, oldest or completed")),
                    }
                }
                "version" => {
                    filter.version = Some(
                        value
                            .parse::<i64>()
                            .ok()
                            .filter(|n| *n >= 1)
                            .ok_or_else(|| AppError::field("version", "a published version number (1, 2, …)"))?,
                    )
                }
                "completed" => {
                    filter.completed = Some(match value.as_str() {
                        "true" => true,
                        "false" => false,
                        _ => return Err(AppError::field("completed", "must be true or false")),
                    })
                }
                key => {
                    let (kind, name) = match key.split_once('.') {
                        Some((kind @ ("metadata" | "hidden" | "answer"), name)) => (kind, name),
                        _ => continue,
                    };
                    if name.is_empty() {
                        return Err(AppError::field(key, format!("name the key: {kind}.NAME=VALUE")));
                    }
                    if filter.metadata.len() + filter.hidden.len() + filter.answers.len() == MAX_METADATA_FILTERS {
                        return Err(AppError::field(
                            key,
                            format!("at most {MAX_METADATA_FILTERS} metadata, hidden-field and answer filters"),
                        ));
                    }
                    match kind {
                        "metadata" => filter.metadata.push((name.to_string(), value)),
                        "hidden" => filter.hidden.push((name.to_string(), value)),
                        _ => {
                            let (op, operand) = match value.split_once(':') {
                                Some((op, operand)) => match AnswerOp::parse(op) {
                                    Some(op) => (op, operand.to_string()),
                                    None => (AnswerOp::Eq, value.clone()),
                                },
                                None => (AnswerOp::Eq, value.clone()),
                            };
                            let comparable = operand.parse::<f64>().is_ok_and(f64::is_finite) || is_date(&operand);
                            if !matches!(op, AnswerOp::Eq | AnswerOp::Ne) && !comparable {
                                return Err(AppError::field(
                                    key,
                                    "lt, lte, gt and gte compare with a number or a date, e.g. lte:6 or lt:2026-12-01",
                                ));
                            }
                            filter.answers.push(AnswerCondition { question_id: name.to_string(), op, value: operand });
                        }
                    }
                }
            }
        }
        if let (Some(key), Some(value)) = (form_key.filter(|k| !k.is_empty()), form_value.filter(|v| !v.is_empty())) {
            filter.metadata.push((key, value));
        }
        Ok(filter)
    }

    /// The conditions on `responses` (no alias) for one survey; parameters from `$1`.
    pub fn survey_sql(&self, survey_id: &str) -> (String, Vec<Param>) {
        self.sql_with(vec!["survey_id = $1".to_string()], vec![Param::Text(survey_id.into())])
    }

    /// The same, also scoped to the organisation (`$1`) — for lists.
    /// The filter with its answer conditions in the answer index's terms:
    /// a number question's operand in thousandths, a date question's in days
    /// since 1970 (see `answer_index`). Errors name the filter's key.
    pub fn resolved(&self, questions: &[Question]) -> Result<ResponseFilter, AppError> {
        let mut filter = self.clone();
        for condition in &mut filter.answers {
            let key = format!("answer.{}", condition.question_id);
            match questions.iter().find(|q| q.id == condition.question_id).map(|q| &q.kind) {
                Some(QuestionKind::Number { .. }) => {
                    let x = condition.value.parse::<f64>().ok().filter(|x| is_exact_number(*x)).ok_or_else(|| {
                        AppError::field(&key, "a number question compares with a number, e.g. gte:4.5")
                    })?;
                    condition.value = thousandths(x).to_string();
                }
                Some(QuestionKind::Date { .. }) => {
                    let day = day_number(&condition.value).ok_or_else(|| {
                        AppError::field(&key, "a date question compares with a date, e.g. lt:2026-12-01")
                    })?;
                    condition.value = day.to_string();
                }
                Some(kind)
                    if kind.scale().is_some()
                        && !matches!(condition.op, AnswerOp::Eq | AnswerOp::Ne)
                        && condition.value.parse::<i64>().is_err() =>
                {
                    return Err(AppError::field(&key, "a scale compares with a whole number, e.g. lte:6"));
                }
                _ => {}
            }
        }
        Ok(filter)
    }

    pub fn to_sql(&self, org_id: &str, survey_id: &str) -> (String, Vec<Param>) {
        self.sql_with(
            vec!["organization_id = $1".to_string(), "survey_id = $2".to_string()],
            vec![Param::Text(org_id.into()), Param::Text(survey_id.into())],
        )
    }

    /// True when nothing beyond time and completion is asked: the answer rows carry both.
    pub fn answers_alone_suffice(&self) -> bool {
        self.contact_id.is_none()
            && self.language.is_none()
            && self.version.is_none()
            && self.metadata.is_empty()
            && self.hidden.is_empty()
            && self.answers.is_empty()
            && self.tags.is_empty()
    }

    fn sql_with(&self, mut clauses: Vec<String>, mut params: Vec<Param>) -> (String, Vec<Param>) {
        let mut add = |clause: &str, param: Param, params: &mut Vec<Param>| {
            params.push(param);
            clauses.push(clause.replace('?', &format!("${}", params.len())));
        };
        if let Some(c) = self.completed {
            add("completed = ?", Param::Int(i64::from(c)), &mut params);
        }
        if let Some(t) = self.from_ms {
            add("created_at >= ?", Param::Int(t), &mut params);
        }
        if let Some(t) = self.to_ms {
            add("created_at < ?", Param::Int(t), &mut params);
        }
        if let Some(contact) = &self.contact_id {
            add("contact_id = ?", Param::Text(contact.clone()), &mut params);
        }
        if let Some(language) = &self.language {
            add("language = ?", Param::Text(language.clone()), &mut params);
        }
        if let Some(version) = self.version {
            // NULL: answered before versions were kept, under version 1.
            add("COALESCE(survey_version, 1) = ?", Param::Int(version), &mut params);
        }
        let pairs = self
            .metadata
            .iter()
            .map(|(k, v)| (k.clone(), v))
            .chain(self.hidden.iter().map(|(k, v)| (format!("{HIDDEN_PREFIX}{k}"), v)));
        for (key, value) in pairs {
            params.push(Param::Text(key));
            params.push(Param::Text(value.clone()));
            let (k, v) = (params.len() - 1, params.len());
            clauses.push(format!(
                "EXISTS (SELECT 1 FROM response_metadata m WHERE m.response_id = responses.id AND m.key = ${k} AND m.value = ${v})"
            ));
        }
        for condition in &self.answers {
            params.push(Param::Text(condition.question_id.clone()));
            let q = params.len();
            let test = match condition.value.parse::<i64>() {
                Ok(n) => {
                    params.push(Param::Int(n));
                    format!("a.num_value {} ${}", condition.op.sql(), params.len())
                }
                Err(_) => {
                    params.push(Param::Text(condition.value.clone()));
                    let v = params.len();
                    match condition.op {
                        AnswerOp::Ne => format!(
                            "(a.choice IS NULL OR a.choice <> ${v}) AND (a.text_value IS NULL OR a.text_value <> ${v})"
                        ),
                        _ => format!("(a.choice = ${v} OR a.text_value = ${v})"),
                    }
                }
            };
            clauses.push(format!(
                "EXISTS (SELECT 1 FROM response_answers a WHERE a.response_id = responses.id AND a.question_id = ${q} AND {test})"
            ));
        }
        for tag in &self.tags {
            params.push(Param::Text(tag.clone()));
            let id = params.len();
            params.push(Param::Text(crate::domain::tag::name_key(tag)));
            let key = params.len();
            // The response's own tags are its organisation's (`tags::attach`).
            clauses.push(format!(
                "EXISTS (SELECT 1 FROM response_tags rt JOIN tags t ON t.id = rt.tag_id \
                 WHERE rt.response_id = responses.id AND (t.id = ${id} OR t.name_key = ${key}))"
            ));
        }
        (clauses.join(" AND "), params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_string_becomes_a_filter() {
        let f = ResponseFilter::from_query(
            "from=2026-11-01&to=2026-11-30&completed=true&language=el&metadata.store=athens&hidden.source=mail&answer.q1=lte:6&answer.q2=food&page=2",
        )
        .unwrap();
        assert_eq!(f.completed, Some(true));
        assert_eq!(f.to_ms.unwrap() - f.from_ms.unwrap(), 30 * 86_400_000, "the 'to' date is included whole");
        assert_eq!(f.metadata, vec![("store".to_string(), "athens".to_string())]);
        assert_eq!(f.hidden, vec![("source".to_string(), "mail".to_string())]);
        assert_eq!(f.answers[0], AnswerCondition { question_id: "q1".into(), op: AnswerOp::Lte, value: "6".into() });
        assert_eq!(f.answers[1].op, AnswerOp::Eq);
        let (sql, params) = f.survey_sql("srv_1");
        assert!(sql.contains("a.num_value <= $"), "{sql}");
        assert!(sql.contains("m.key = $"), "{sql}");
        assert!(params.contains(&Param::Text("hidden:source".into())));
        assert!(!f.answers_alone_suffice());
        assert!(ResponseFilter::from_query("completed=false&from=2026-01-01").unwrap().answers_alone_suffice());
        let tagged = ResponseFilter::from_query("tag=Urgent&tag=tag_x").unwrap();
        assert_eq!(tagged.tags, vec!["Urgent".to_string(), "tag_x".to_string()]);
        assert!(!tagged.answers_alone_suffice(), "answer rows do not carry tags");
        let (sql, params) = tagged.survey_sql("srv_1");
        assert_eq!(sql.matches("response_tags").count(), 2, "{sql}");
        assert!(params.contains(&Param::Text("urgent".into())), "names compare in lower case");
        let too_many = (0..=MAX_TAG_FILTERS).map(|i| format!("tag=t{i}")).collect::<Vec<_>>().join("&");
        assert!(ResponseFilter::from_query(&too_many).unwrap_err().message_for("tag").is_some());
        let v2 = ResponseFilter::from_query("version=2").unwrap();
        assert_eq!(v2.version, Some(2));
        assert!(!v2.answers_alone_suffice(), "answer rows do not carry the version");
        assert!(v2.survey_sql("srv_1").0.contains("COALESCE(survey_version, 1) = $2"));
        for bad in ["version=0", "version=two", "version=-1"] {
            assert!(ResponseFilter::from_query(bad).unwrap_err().message_for("version").is_some(), "{bad}");
        }
        let form = ResponseFilter::from_query("metadataKey=store&metadataValue=athens&hidden.source=").unwrap();
        assert_eq!(form.metadata, vec![("store".to_string(), "athens".to_string())]);
        assert!(form.hidden.is_empty(), "empty form fields are no filter");
    }

    #[test]
    fn bad_values_are_named() {
        for (query, field) in [
            ("completed=maybe", "completed"),
            ("from=yesterday", "from"),
            ("answer.q1=lte:six", "answer.q1"),
            ("metadata.=x", "metadata."),
        ] {
            match ResponseFilter::from_query(query) {
                Err(AppError::Validation { errors }) => assert_eq!(errors[0].field, field, "{query}"),
                other => panic!("{query}: {other:?}"),
            }
        }
    }
}
