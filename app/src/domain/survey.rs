//! Surveys and their questions, and the rules a survey definition must follow.

use super::error::{AppError, Problems};
use super::survey_options::{SurveyOptions, Theme, Translation};
pub use super::validation_rules::ValidationRules;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const MAX_NAME_LEN: usize = 200;
pub const MAX_TITLE_LEN: usize = 1_000;
pub const MAX_QUESTIONS: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SurveyStatus {
    #[default]
    Draft,
    Published,
    Closed,
}

impl SurveyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SurveyStatus::Draft => "draft",
            SurveyStatus::Published => "published",
            SurveyStatus::Closed => "closed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "draft" => Some(SurveyStatus::Draft),
            "published" => Some(SurveyStatus::Published),
            "closed" => Some(SurveyStatus::Closed),
            _ => None,
        }
    }
}

pub use super::question_kind::{other_key, Choice, InfoField, MatrixRow, QuestionKind, RatingStyle, OTHER_CHOICE};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"id": "q1", "type": "nps", "title": "How likely are you to recommend us?", "required": true})))]
#[serde(rename_all = "camelCase")]
pub struct Question {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(flatten)]
    pub kind: QuestionKind,
    /// Skip logic: show the question only when this holds (a condition or a
    /// group of them, over earlier answers, hidden fields, metadata, variables).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<super::logic::When>,
    /// What happens once it is answered: jumps, required answers, calculations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub logic: Vec<super::logic::LogicRule>,
    /// Rules the answer must follow beyond the type's own.
    #[serde(default, skip_serializing_if = "ValidationRules::is_empty")]
    pub validation: ValidationRules,
    /// Shows the choices (a matrix: its rows) in a random order, the same
    /// for one respondent across reloads; anchored choices keep their place
    /// and "Other" stays last. Choice, drop-down, picture, ranking and matrix
    /// questions only.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shuffle: bool,
}

/// A stored survey as the dashboard and the API see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"id": "srv_01hzx8k2m4n6p8r0t2v4x6z8b0", "name": "After checkout", "status": "published", "questions": [{"id": "q1", "type": "nps", "title": "How likely are you to recommend us?", "required": true}], "createdAt": "2026-11-25T10:00:00Z", "updatedAt": "2026-11-25T10:05:00Z", "responseCount": 42, "version": 3})))]
#[serde(rename_all = "camelCase")]
pub struct Survey {
    pub id: String,
    pub name: String,
    pub status: SurveyStatus,
    pub questions: Vec<Question>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub response_count: i64,
    /// Increases with every change; the `ETag` of the survey. Send it back in
    /// `If-Match` to update only the version you saw.
    #[serde(default)]
    pub version: i64,
    /// The published version respondents answer now (`GET …/versions`); 0
    /// until the survey is first published. Unlike `version`, it moves only
    /// when what respondents see changes.
    #[serde(default)]
    pub published_version: i64,
    #[serde(default)]
    pub closes_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub response_limit: Option<i64>,
    #[serde(flatten)]
    pub options: SurveyOptions,
}

/// What the widget needs to render a survey to a visitor; nothing internal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PublicSurvey {
    pub id: String,
    pub name: String,
    pub status: SurveyStatus,
    pub questions: Vec<Question>,
    #[serde(flatten)]
    pub options: SurveyOptions,
    /// The language the texts above are in (after `localized`).
    #[serde(default)]
    pub language: String,
    /// Sites the organisation allows for all its surveys; checked on the
    /// server, never sent to visitors.
    #[serde(skip)]
    pub organization_sites: Vec<String>,
}

impl From<Survey> for PublicSurvey {
    fn from(s: Survey) -> Self {
        let language = s.options.default_language.clone();
        PublicSurvey {
            id: s.id,
            name: s.name,
            status: s.status,
            questions: s.questions,
            options: s.options,
            language,
            organization_sites: Vec::new(),
        }
    }
}

impl PublicSurvey {
    /// Whether a page at `origin` may show the survey: the survey's own
    /// allowed sites or its organisation's.
    pub fn allows_site(&self, origin: &str) -> bool {
        self.options.embed.allows(origin) || super::embed::origin_in(&self.organization_sites, origin)
    }

    /// The survey with its texts in `language` where translated (the default
    /// language's text where not). Unknown languages give the default.
    pub fn localized(mut self, language: &str) -> PublicSurvey {
        let Some(translation) = self.options.translations.get(language).cloned() else {
            self.language = self.options.default_language.clone();
            return self;
        };
        super::i18n::apply_translation(&mut self, &translation);
        self.language = language.to_string();
        self
    }

    /// The thank-you text in the survey's current language, if the author set one.
    pub fn thank_you(&self) -> Option<&str> {
        self.options.thank_you.as_deref()
    }
}

/// The editable part of a survey: what create and update accept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"name": "After checkout", "status": "published", "questions": [{"id": "q1", "type": "nps", "title": "How likely are you to recommend us?", "required": true}, {"id": "q2", "type": "text", "title": "What could we do better?", "multiline": true}]})))]
#[serde(rename_all = "camelCase")]
pub struct SurveyDraft {
    pub name: String,
    #[serde(default)]
    pub questions: Vec<Question>,
    #[serde(default)]
    pub status: SurveyStatus,
    /// Stop accepting responses at this time.
    #[serde(default)]
    pub closes_at: Option<DateTime<Utc>>,
    /// Stop accepting responses after this many complete ones.
    #[serde(default)]
    pub response_limit: Option<i64>,
    #[serde(flatten)]
    pub options: SurveyOptions,
}

/// A partial update: absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"status": "closed"})))]
#[serde(rename_all = "camelCase")]
pub struct SurveyPatch {
    pub name: Option<String>,
    pub questions: Option<Vec<Question>>,
    pub status: Option<SurveyStatus>,
    /// Set, or `null` to remove, the closing time.
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<DateTime<Utc>>))]
    pub closes_at: Option<Option<DateTime<Utc>>>,
    /// Set, or `null` to remove, the response limit.
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub response_limit: Option<Option<i64>>,
    pub default_language: Option<String>,
    pub translations: Option<BTreeMap<String, Translation>>,
    pub theme: Option<Theme>,
    pub hidden_fields: Option<Vec<String>>,
    pub embed: Option<super::embed::EmbedSettings>,
    /// Set, or `null` to remove, the custom thank-you text.
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub thank_you: Option<Option<String>>,
    /// Set, or `null` to remove, the invitation email's own words.
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<super::survey_options::EmailTemplate>))]
    pub invitation_email: Option<Option<super::survey_options::EmailTemplate>>,
    pub variables: Option<Vec<super::logic::Variable>>,
    pub endings: Option<Vec<super::logic::Ending>>,
    pub pages: Option<Vec<super::survey_pages::Page>>,
}

impl SurveyPatch {
    /// The survey's options with this patch applied.
    pub fn apply_options(&self, current: SurveyOptions) -> SurveyOptions {
        SurveyOptions {
            default_language: self.default_language.clone().unwrap_or(current.default_language),
            translations: self.translations.clone().unwrap_or(current.translations),
            theme: self.theme.clone().unwrap_or(current.theme),
            hidden_fields: self.hidden_fields.clone().unwrap_or(current.hidden_fields),
            thank_you: self.thank_you.clone().unwrap_or(current.thank_you),
            variables: self.variables.clone().unwrap_or(current.variables),
            endings: self.endings.clone().unwrap_or(current.endings),
            pages: self.pages.clone().unwrap_or(current.pages),
            embed: self.embed.clone().unwrap_or(current.embed),
            invitation_email: self.invitation_email.clone().unwrap_or(current.invitation_email),
        }
    }
}

/// Tells "absent" (outer `None`) from "null" (`Some(None)`) in a patch.
fn double_option<'de, T: Deserialize<'de>, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

use super::question_kind::is_valid_key;

/// True for characters that have no place in a name or title. NUL in
/// particular cannot be stored in a PostgreSQL TEXT column.
pub fn is_forbidden_char(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

pub fn check_text(problems: &mut Problems, field: String, value: &str, max: usize) {
    if value.chars().any(is_forbidden_char) {
        problems.add(field, "must not contain control characters");
    } else if value.trim().is_empty() {
        problems.add(field, "must not be empty");
    } else if value.chars().count() > max {
        problems.add(field, format!("must be at most {max} characters"));
    }
}

impl SurveyDraft {
    /// Checks the whole definition and names every problem found.
    pub fn validate(&self) -> Result<(), AppError> {
        let mut problems = Problems::default();
        check_text(&mut problems, "name".into(), &self.name, MAX_NAME_LEN);
        validate_questions(&mut problems, &self.questions);
        self.options.validate(&mut problems, &self.questions);
        super::logic::validate(&mut problems, &self.questions, &self.options);
        super::recall::validate_survey(&mut problems, &self.questions, &self.options);
        if self.response_limit.is_some_and(|n| n < 1) {
            problems.add("responseLimit", "must be at least 1");
        }
        if self.status == SurveyStatus::Published && self.questions.is_empty() {
            problems.add("questions", "a published survey needs at least one question");
        }
        problems.into_result()
    }
}

/// Checks a list of questions; shared by create and by partial updates.
pub fn validate_questions(problems: &mut Problems, questions: &[Question]) {
    if questions.len() > MAX_QUESTIONS {
        problems.add("questions", format!("at most {MAX_QUESTIONS} questions"));
        return;
    }
    let mut seen = std::collections::HashSet::new();
    for (i, q) in questions.iter().enumerate() {
        let at = |f: &str| format!("questions[{i}].{f}");
        if !is_valid_key(&q.id) {
            problems.add(at("id"), "1–64 letters, digits, '-' or '_'");
        } else if !seen.insert(q.id.as_str()) {
            problems.add(at("id"), "duplicate question id");
        }
        check_text(problems, at("title"), &q.title, MAX_TITLE_LEN);
        if let Some(d) = &q.description {
            if d.chars().count() > MAX_TITLE_LEN {
                problems.add(at("description"), format!("must be at most {MAX_TITLE_LEN} characters"));
            }
        }
        super::question_kind::validate_kind(problems, i, &q.kind, q.required);
        if q.shuffle && q.kind.choices().is_none() && !matches!(q.kind, QuestionKind::Matrix { .. }) {
            problems.add(at("shuffle"), "only questions with choices (or a matrix's rows) can be shuffled");
        }
        super::validation_rules::validate(problems, &format!("questions[{i}]"), &q.kind, &q.validation);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nps(id: &str) -> Question {
        Question {
            id: id.into(),
            title: "How likely?".into(),
            description: None,
            required: true,
            kind: QuestionKind::Nps,
            show_if: None,
            logic: Vec::new(),
            validation: Default::default(),
            shuffle: false,
        }
    }

    #[test]
    fn question_json_uses_the_public_type_names() {
        let q: Question = serde_json::from_str(
            r#"{"id":"q1","type":"single_choice","title":"Pick","choices":[{"id":"a","label":"A"}]}"#,
        )
        .unwrap();
        assert_eq!(q.kind.type_name(), "single_choice");
        let back = serde_json::to_value(&q).unwrap();
        assert_eq!(back["type"], "single_choice");
        assert_eq!(back["required"], false);
    }

    #[test]
    fn unknown_type_is_refused() {
        assert!(serde_json::from_str::<Question>(r#"{"id":"q","type":"slider","title":"x"}"#).is_err());
    }

    #[test]
    fn validation_names_each_bad_field() {
        let draft = SurveyDraft {
            name: " ".into(),
            questions: vec![
                nps("q1"),
                nps("q1"),
                Question { kind: QuestionKind::Rating { scale: 12, style: RatingStyle::Stars }, ..nps("q2") },
                Question { kind: QuestionKind::SingleChoice { choices: vec![], allow_other: false }, ..nps("q3") },
                Question { shuffle: true, ..nps("q4") },
            ],
            status: SurveyStatus::Draft,
            response_limit: Some(0),
            ..Default::default()
        };
        let err = draft.validate().unwrap_err();
        for field in [
            "name",
            "questions[1].id",
            "questions[2].scale",
            "questions[3].choices",
            "questions[4].shuffle",
            "responseLimit",
        ] {
            assert!(err.message_for(field).is_some(), "expected an error for {field}: {err:?}");
        }
    }

    #[test]
    fn published_survey_needs_a_question() {
        let draft =
            SurveyDraft { name: "S".into(), questions: vec![], status: SurveyStatus::Published, ..Default::default() };
        assert!(draft.validate().unwrap_err().message_for("questions").is_some());
        let ok = SurveyDraft { questions: vec![nps("q1")], ..draft };
        assert!(ok.validate().is_ok());
    }
}
