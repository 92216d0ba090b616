//! A survey as a portable JSON document: exported from one organisation (or
//! Vox instance) and imported into another, its question ids kept or remapped.
//! The document is the survey's editable definition (`SurveyDraft`) in an
//! envelope that names the format, so a later format can still be told apart.

use super::error::FieldError;
use super::survey::{Survey, SurveyDraft, SurveyStatus};
use super::AppError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `format` of every survey document.
pub const FORMAT: &str = "vox.survey";
/// The one `formatVersion` this Vox reads and writes.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"format": "vox.survey", "formatVersion": 1, "exportedAt": "2026-12-06T10:00:00Z", "survey": {"name": "After checkout", "status": "published", "questions": [{"id": "q1", "type": "nps", "title": "How likely are you to recommend us?", "required": true}]}})))]
#[serde(rename_all = "camelCase")]
pub struct SurveyDocument {
    /// Always `vox.survey`.
    pub format: String,
    /// Always `1` for now.
    pub format_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exported_at: Option<DateTime<Utc>>,
    /// The survey's definition, as `POST /api/surveys` takes it. An import
    /// always creates a draft, whatever `status` says.
    pub survey: SurveyDraft,
}

/// What an import does with the document's question ids.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum IdMode {
    /// Keep them, so answers, filters and integrations line up with the original.
    #[default]
    Keep,
    /// Number the questions `q1`, `q2`, … in their order.
    Remap,
}

/// What an import created: the draft survey, and the question ids that
/// changed (old → new; empty when the ids were kept).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SurveyImport {
    pub survey: Survey,
    pub renamed_ids: BTreeMap<String, String>,
}

impl IdMode {
    pub fn parse(text: &str) -> Option<IdMode> {
        match text {
            "keep" => Some(IdMode::Keep),
            "remap" => Some(IdMode::Remap),
            _ => None,
        }
    }
}

impl SurveyDocument {
    /// The document of a stored survey: its definition, nothing of its
    /// history (id, responses, versions).
    pub fn of(survey: Survey, exported_at: DateTime<Utc>) -> SurveyDocument {
        SurveyDocument {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            exported_at: Some(exported_at),
            survey: SurveyDraft {
                name: survey.name,
                questions: survey.questions,
                status: survey.status,
                closes_at: survey.closes_at,
                response_limit: survey.response_limit,
                options: survey.options,
            },
        }
    }

    /// The definition to create: checked, as a draft, its ids as `mode` says.
    /// Returns it with the ids it changed (old → new; empty when kept).
    /// Problems are named by their place in the document (`survey.questions[0].id`).
    pub fn into_draft(self, mode: IdMode) -> Result<(SurveyDraft, BTreeMap<String, String>), AppError> {
        if self.format != FORMAT {
            return Err(AppError::field("format", format!("must be \"{FORMAT}\"")));
        }
        if self.format_version != FORMAT_VERSION {
            return Err(AppError::field(
                "formatVersion",
                format!("this Vox reads version {FORMAT_VERSION} of the format"),
            ));
        }
        let mut draft = self.survey;
        draft.status = SurveyStatus::Draft;
        let renamed = match mode {
            IdMode::Keep => BTreeMap::new(),
            IdMode::Remap => remap_question_ids(&mut draft),
        };
        draft.validate().map_err(|error| match error {
            AppError::Validation { errors } => AppError::Validation {
                errors: errors.into_iter().map(|e| FieldError::new(format!("survey.{}", e.field), e.message)).collect(),
            },
            other => other,
        })?;
        Ok((draft, renamed))
    }
}

/// Gives the questions the ids `q1`, `q2`, … in their order and rewrites
/// every reference to them (skip logic, translations). Returns old → new for
/// the ids that changed. All new ids are decided before any is applied, so an
/// old `q2` that becomes `q1` never captures another question's references.
pub fn remap_question_ids(draft: &mut SurveyDraft) -> BTreeMap<String, String> {
    let new_ids: BTreeMap<String, String> =
        draft.questions.iter().enumerate().map(|(i, q)| (q.id.clone(), format!("q{}", i + 1))).collect();
    let rename = |id: &mut String| {
        if let Some(new) = new_ids.get(id.as_str()) {
            *id = new.clone();
        }
    };
    for question in &mut draft.questions {
        rename(&mut question.id);
        if let Some(condition) = &mut question.show_if {
            rename(&mut condition.question);
        }
    }
    for translation in draft.options.translations.values_mut() {
        translation.questions = std::mem::take(&mut translation.questions)
            .into_iter()
            .map(|(mut id, texts)| {
                rename(&mut id);
                (id, texts)
            })
            .collect();
    }
    new_ids.into_iter().filter(|(old, new)| old != new).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document(survey: serde_json::Value) -> SurveyDocument {
        serde_json::from_value(json!({"format": "vox.survey", "formatVersion": 1, "survey": survey})).unwrap()
    }

    fn branching() -> SurveyDocument {
        document(json!({
            "name": "Visit", "status": "published",
            "questions": [
                {"id": "score", "type": "nps", "title": "Recommend?", "required": true},
                {"id": "q1", "type": "text", "title": "Why?", "showIf": {"question": "score", "op": "lte", "value": 6}},
                {"id": "pick", "type": "single_choice", "title": "Which?", "choices": [{"id": "a", "label": "A"}],
                 "showIf": {"question": "q1", "op": "answered"}}
            ],
            "translations": {"el": {"questions": {"score": {"title": "Θα μας προτείνατε;"}, "q1": {"title": "Γιατί;"}}}}
        }))
    }

    #[test]
    fn kept_ids_stay_and_the_import_is_a_draft() {
        let (draft, renamed) = branching().into_draft(IdMode::Keep).unwrap();
        assert!(renamed.is_empty());
        assert_eq!(draft.status, SurveyStatus::Draft);
        let ids: Vec<_> = draft.questions.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["score", "q1", "pick"]);
    }

    #[test]
    fn remapped_ids_follow_the_order_and_every_reference_follows_them() {
        let (draft, renamed) = branching().into_draft(IdMode::Remap).unwrap();
        let ids: Vec<_> = draft.questions.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["q1", "q2", "q3"]);
        // The old q1 became q2; the old score became q1: no reference is captured.
        assert_eq!(draft.questions[1].show_if.as_ref().unwrap().question, "q1");
        assert_eq!(draft.questions[2].show_if.as_ref().unwrap().question, "q2");
        let greek = &draft.options.translations["el"].questions;
        assert_eq!(greek["q1"].title.as_deref(), Some("Θα μας προτείνατε;"));
        assert_eq!(greek["q2"].title.as_deref(), Some("Γιατί;"));
        assert_eq!(
            renamed,
            BTreeMap::from([
                ("pick".to_string(), "q3".to_string()),
                ("q1".to_string(), "q2".to_string()),
                ("score".to_string(), "q1".to_string()),
            ])
        );
    }

    #[test]
    fn an_exported_survey_reads_back_as_the_same_definition() {
        let (draft, _) = branching().into_draft(IdMode::Keep).unwrap();
        let survey = Survey {
            id: "srv_x".into(),
            name: draft.name.clone(),
            status: SurveyStatus::Published,
            questions: draft.questions.clone(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
            response_count: 3,
            version: 2,
            published_version: 1,
            closes_at: None,
            response_limit: Some(100),
            options: draft.options.clone(),
        };
        let text = serde_json::to_string(&SurveyDocument::of(survey, Utc::now())).unwrap();
        assert!(!text.contains("srv_x") && !text.contains("responseCount"), "{text}");
        let (again, _) = serde_json::from_str::<SurveyDocument>(&text).unwrap().into_draft(IdMode::Keep).unwrap();
        assert_eq!(again.questions, draft.questions);
        assert_eq!(again.options, draft.options);
        assert_eq!(again.response_limit, Some(100));
    }

    #[test]
    fn another_format_or_version_and_an_invalid_survey_are_named() {
        let mut other = branching();
        other.format = "typeform".into();
        assert_eq!(other.into_draft(IdMode::Keep).unwrap_err(), AppError::field("format", "must be \"vox.survey\""));
        let mut later = branching();
        later.format_version = 2;
        assert!(
            matches!(later.into_draft(IdMode::Keep), Err(AppError::Validation { errors }) if errors[0].field == "formatVersion")
        );
        let broken = document(json!({"name": "", "questions": [{"id": "q 1", "type": "nps", "title": "x"}]}));
        let Err(AppError::Validation { errors }) = broken.into_draft(IdMode::Keep) else { panic!("accepted") };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"survey.name") && fields.contains(&"survey.questions[0].id"), "{fields:?}");
    }
}
