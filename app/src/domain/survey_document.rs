//! A survey as a portable JSON document: exported from one organisation (or
//! Vox instance) and imported into another, its question ids kept or remapped.
//! The document is the survey's editable definition (`SurveyDraft`) in an
//! envelope that names the format, so a later format can still be told apart.

use super::error::FieldError;
use super::logic::Action;
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
        let rules = question.logic.iter_mut();
        let trees = question.show_if.iter_mut().chain(rules.flat_map(|r| r.when.iter_mut()));
        for condition in trees.flat_map(|w| w.conditions_mut()) {
            condition.question.iter_mut().for_each(rename);
        }
        for action in question.logic.iter_mut().flat_map(|r| r.actions.iter_mut()) {
            match action {
                Action::Jump { question, .. } => question.iter_mut().for_each(rename),
                Action::Require { question } => rename(question),
                Action::Calculate { value_from, .. } => value_from.iter_mut().for_each(rename),
            }
        }
    }
    for page in &mut draft.options.pages {
        page.questions.iter_mut().for_each(rename);
    }
    rename_every_recall(draft, &|id| new_ids.get(id).cloned());
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

/// Every text that may recall, in the survey and its translations.
fn rename_every_recall(draft: &mut SurveyDraft, rename: &dyn Fn(&str) -> Option<String>) {
    let mut texts: Vec<&mut String> = Vec::new();
    for q in &mut draft.questions {
        texts.push(&mut q.title);
        texts.extend(q.description.as_mut());
        if let Some(choices) = q.kind.choices_mut() {
            texts.extend(choices.iter_mut().map(|c| &mut c.label));
        }
    }
    let options = &mut draft.options;
    texts.extend(options.thank_you.as_mut());
    for e in &mut options.endings {
        texts.extend(e.title.as_mut().into_iter().chain(e.text.as_mut()).chain(e.redirect_url.as_mut()));
    }
    for t in options.translations.values_mut() {
        texts.extend(t.thank_you.as_mut());
        for q in t.questions.values_mut() {
            texts.extend(q.title.as_mut().into_iter().chain(q.description.as_mut()));
            texts.extend(q.choices.values_mut());
        }
        for e in t.endings.values_mut() {
            texts.extend(e.title.as_mut().into_iter().chain(e.text.as_mut()));
        }
    }
    for text in texts {
        super::recall::rename_recalls(text, rename);
    }
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
                {"id": "pick", "type": "single_choice", "title": "Which, {{hidden.who|you}}?",
                 "choices": [{"id": "a", "label": "A for {{score}}"}],
                 "showIf": {"question": "q1", "op": "answered"},
                 "logic": [{"when": {"match": "any", "conditions": [{"question": "score", "op": "gte", "value": 9}]},
                            "actions": [{"type": "calculate", "variable": "v", "operator": "assign", "valueFrom": "q1"}]}]}
            ],
            "hiddenFields": ["who"],
            "variables": [{"id": "v", "type": "text"}],
            "thankYou": "You said {{q1|nothing}}",
            "translations": {"el": {"questions": {"score": {"title": "Θα μας προτείνατε;"}, "q1": {"title": "Γιατί; {{score}}"}}}}
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
        let condition_of = |i: usize| draft.questions[i].show_if.as_ref().unwrap().conditions()[0].question.clone();
        assert_eq!(condition_of(1).as_deref(), Some("q1"));
        assert_eq!(condition_of(2).as_deref(), Some("q2"));
        let greek = &draft.options.translations["el"].questions;
        assert_eq!(greek["q1"].title.as_deref(), Some("Θα μας προτείνατε;"));
        assert_eq!(greek["q2"].title.as_deref(), Some("Γιατί; {{q1}}"));
        let pick = &draft.questions[2];
        assert_eq!(pick.title, "Which, {{hidden.who|you}}?");
        assert_eq!(pick.kind.choices().unwrap()[0].label, "A for {{q1}}");
        assert_eq!(pick.logic[0].when.as_ref().unwrap().conditions()[0].question.as_deref(), Some("q1"));
        assert!(matches!(&pick.logic[0].actions[0], Action::Calculate { value_from: Some(q), .. } if q == "q2"));
        assert_eq!(draft.options.thank_you.as_deref(), Some("You said {{q2|nothing}}"));
        assert_eq!(draft.validate(), Ok(()));
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
