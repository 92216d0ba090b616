//! Ready-made surveys the builder offers (NPS with follow-up, CSAT after
//! purchase, …), each written in every language the widget speaks. A
//! template becomes an ordinary draft survey in the language the author
//! picks, with the other languages as its translations.

use super::error::AppError;
use super::i18n::apply_translation;
use super::survey::{PublicSurvey, QuestionKind, SurveyDraft};
use super::survey_options::{EndingTranslation, QuestionTranslation, Translation};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The languages the widget's own texts exist in (`i18n::messages`); every
/// template is complete in each.
pub const WIDGET_LANGUAGES: [&str; 7] = ["en", "el", "de", "fr", "es", "ar", "he"];

/// A template as stored (`app/templates/<id>.json`): the survey in English
/// with a translation into each other widget language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurveyTemplate {
    pub id: String,
    /// Language → the template's name in the picker.
    pub title: BTreeMap<String, String>,
    /// Language → one sentence on what it asks and when to send it.
    pub summary: BTreeMap<String, String>,
    pub survey: SurveyDraft,
}

/// A template as the picker lists it, in one language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TemplateSummary {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub question_count: usize,
    /// The languages the survey comes with (its default first).
    pub languages: Vec<String>,
}

impl SurveyTemplate {
    pub fn summary_in(&self, language: &str) -> TemplateSummary {
        let pick = |texts: &BTreeMap<String, String>| {
            texts.get(language).or_else(|| texts.get("en")).cloned().unwrap_or_default()
        };
        let mut languages = vec![language.to_string()];
        languages.extend(WIDGET_LANGUAGES.iter().filter(|l| **l != language).map(|l| l.to_string()));
        TemplateSummary {
            id: self.id.clone(),
            title: pick(&self.title),
            summary: pick(&self.summary),
            question_count: self.survey.questions.len(),
            languages,
        }
    }

    /// The survey with `language` as its default language (its texts in
    /// place) and every other language as a translation.
    pub fn draft_in(&self, language: &str) -> Result<SurveyDraft, AppError> {
        let mut draft = self.survey.clone();
        if language == draft.options.default_language {
            return Ok(draft);
        }
        let Some(translation) = draft.options.translations.remove(language) else {
            return Err(AppError::field("language", format!("must be one of {}", WIDGET_LANGUAGES.join(", "))));
        };
        let original = texts_of(&draft);
        let mut survey = PublicSurvey {
            id: String::new(),
            name: draft.name,
            status: draft.status,
            questions: draft.questions,
            options: draft.options,
            language: language.to_string(),
            organization_sites: Vec::new(),
        };
        apply_translation(&mut survey, &translation);
        let previous = std::mem::replace(&mut survey.options.default_language, language.to_string());
        survey.options.translations.insert(previous, original);
        Ok(SurveyDraft {
            name: survey.name,
            questions: survey.questions,
            options: survey.options,
            ..self.survey.clone()
        })
    }
}

/// Every text of a definition as a translation: what `apply_translation`
/// puts back. Keeps the default language's texts when another takes its place.
pub fn texts_of(draft: &SurveyDraft) -> Translation {
    let questions = draft
        .questions
        .iter()
        .map(|q| {
            let mut texts = QuestionTranslation {
                title: Some(q.title.clone()),
                description: q.description.clone(),
                validation_message: q.validation.message.clone(),
                ..Default::default()
            };
            let mut kind = q.kind.clone();
            if let Some(choices) = kind.choices_mut() {
                texts.choices = choices.iter().map(|c| (c.id.clone(), c.label.clone())).collect();
            }
            match &q.kind {
                QuestionKind::Matrix { rows, .. } => {
                    texts.rows = rows.iter().map(|r| (r.id.clone(), r.label.clone())).collect();
                }
                QuestionKind::Consent { label } | QuestionKind::Statement { button_label: Some(label), .. } => {
                    texts.label = Some(label.clone());
                }
                QuestionKind::Number { unit: Some(unit), .. } => texts.unit = Some(unit.clone()),
                _ => {}
            }
            (q.id.clone(), texts)
        })
        .collect();
    let endings = draft
        .options
        .endings
        .iter()
        .map(|e| (e.id.clone(), EndingTranslation { title: e.title.clone(), text: e.text.clone() }))
        .collect();
    Translation {
        name: Some(draft.name.clone()),
        thank_you: draft.options.thank_you.clone(),
        questions,
        endings,
        invitation_email: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn template() -> SurveyTemplate {
        serde_json::from_value(json!({
            "id": "tiny",
            "title": {"en": "Tiny", "el": "Μικρό"},
            "summary": {"en": "One question."},
            "survey": {
                "name": "Tiny", "thankYou": "Thanks!",
                "questions": [
                    {"id": "q1", "type": "single_choice", "title": "Which?", "choices": [{"id": "a", "label": "Apples"}]},
                    {"id": "q2", "type": "matrix", "title": "Rate", "rows": [{"id": "r", "label": "Speed"}],
                     "columns": [{"id": "g", "label": "Good"}, {"id": "b", "label": "Bad"}]}
                ],
                "endings": [{"id": "bye", "title": "Bye", "text": "See you"}],
                "translations": {"el": {"name": "Μικρό", "thankYou": "Ευχαριστούμε!",
                    "questions": {"q1": {"title": "Ποιο;", "choices": {"a": "Μήλα"}},
                                  "q2": {"title": "Βαθμολογήστε", "rows": {"r": "Ταχύτητα"}, "choices": {"g": "Καλά", "b": "Κακά"}}},
                    "endings": {"bye": {"title": "Γεια", "text": "Τα λέμε"}}}}
            }
        }))
        .unwrap()
    }

    #[test]
    fn the_default_language_gives_the_survey_as_written() {
        let t = template();
        assert_eq!(t.draft_in("en").unwrap(), t.survey);
    }

    #[test]
    fn another_language_becomes_the_default_and_english_a_translation() {
        let draft = template().draft_in("el").unwrap();
        assert_eq!(draft.options.default_language, "el");
        assert_eq!(draft.name, "Μικρό");
        assert_eq!(draft.questions[0].title, "Ποιο;");
        assert_eq!(draft.questions[0].kind.choices().unwrap()[0].label, "Μήλα");
        assert_eq!(draft.options.endings[0].title.as_deref(), Some("Γεια"));
        assert!(!draft.options.translations.contains_key("el"));
        let english = &draft.options.translations["en"];
        assert_eq!(english.name.as_deref(), Some("Tiny"));
        assert_eq!(english.questions["q1"].choices["a"], "Apples");
        assert_eq!(english.questions["q2"].rows["r"], "Speed");
        assert_eq!(english.questions["q2"].choices["b"], "Bad");
        assert_eq!(english.endings["bye"].text.as_deref(), Some("See you"));
        // Ids, logic and settings are untouched.
        assert_eq!(draft.questions[1].id, "q2");
        assert!(draft.validate().is_ok());
    }

    #[test]
    fn an_unknown_language_is_refused_by_name() {
        let err = template().draft_in("ja").unwrap_err();
        assert!(err.message_for("language").is_some());
    }

    #[test]
    fn the_summary_falls_back_to_english() {
        let t = template();
        assert_eq!(t.summary_in("el").title, "Μικρό");
        assert_eq!(t.summary_in("el").summary, "One question.");
        assert_eq!(t.summary_in("el").languages[0], "el");
        assert_eq!(t.summary_in("el").question_count, 2);
    }
}
