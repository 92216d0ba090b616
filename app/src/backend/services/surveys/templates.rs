//! The built-in survey templates (`app/templates/*.json`, compiled into the
//! server): listed in a language and turned into a new draft survey of the
//! caller's organisation through the same `create` as every other survey.

use super::create;
use crate::backend::db::Db;
use crate::domain::survey::Survey;
use crate::domain::survey_template::{SurveyTemplate, TemplateSummary, WIDGET_LANGUAGES};
use crate::domain::AppError;
use std::sync::LazyLock;

/// In the order the builder offers them.
const SOURCES: [&str; 6] = [
    include_str!("../../../../templates/nps-follow-up.json"),
    include_str!("../../../../templates/csat-after-purchase.json"),
    include_str!("../../../../templates/product-feedback.json"),
    include_str!("../../../../templates/churn-survey.json"),
    include_str!("../../../../templates/event-feedback.json"),
    include_str!("../../../../templates/employee-pulse.json"),
];

// A template that does not parse is a build mistake the unit tests below
// catch; at run time the set is fixed.
static TEMPLATES: LazyLock<Vec<SurveyTemplate>> = LazyLock::new(|| {
    SOURCES.iter().map(|source| serde_json::from_str(source).expect("a built-in template parses")).collect()
});

/// Every template, its texts in `language` (English for a language the
/// widget does not speak).
pub fn list(language: &str) -> Vec<TemplateSummary> {
    let language = if WIDGET_LANGUAGES.contains(&language) { language } else { "en" };
    TEMPLATES.iter().map(|t| t.summary_in(language)).collect()
}

/// A new draft survey from template `id`, written in `language`; `name`
/// replaces the template's.
pub async fn create_from(
    db: &Db,
    org_id: &str,
    id: &str,
    language: &str,
    name: Option<String>,
) -> Result<Survey, AppError> {
    let template =
        TEMPLATES.iter().find(|t| t.id == id).ok_or_else(|| AppError::field("template", "no such template"))?;
    let mut draft = template.draft_in(language)?;
    if let Some(name) = name {
        draft.name = name;
    }
    create(db, org_id, draft).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::survey_options::Translation;
    use crate::domain::survey_template::texts_of;

    /// Where a translation has text: "name", "questions.q1.title", "questions.q2.choices.a", …
    fn places(t: &Translation) -> Vec<String> {
        let mut found = Vec::new();
        let mut add = |place: String, text: Option<&String>| {
            if let Some(text) = text {
                assert!(!text.trim().is_empty(), "{place} is empty");
                found.push(place);
            }
        };
        add("name".into(), t.name.as_ref());
        add("thankYou".into(), t.thank_you.as_ref());
        for (id, q) in &t.questions {
            add(format!("questions.{id}.title"), q.title.as_ref());
            add(format!("questions.{id}.description"), q.description.as_ref());
            add(format!("questions.{id}.label"), q.label.as_ref());
            add(format!("questions.{id}.unit"), q.unit.as_ref());
            add(format!("questions.{id}.validationMessage"), q.validation_message.as_ref());
            for (choice, label) in &q.choices {
                add(format!("questions.{id}.choices.{choice}"), Some(label));
            }
            for (row, label) in &q.rows {
                add(format!("questions.{id}.rows.{row}"), Some(label));
            }
        }
        for (id, e) in &t.endings {
            add(format!("endings.{id}.title"), e.title.as_ref());
            add(format!("endings.{id}.text"), e.text.as_ref());
        }
        found.sort();
        found
    }

    #[test]
    fn there_are_six_distinct_templates_in_every_widget_language() {
        let ids: std::collections::BTreeSet<&str> = TEMPLATES.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids.len(), 6);
        for template in TEMPLATES.iter() {
            for language in WIDGET_LANGUAGES {
                assert!(template.title.contains_key(language), "{} has no {language} title", template.id);
                assert!(template.summary.contains_key(language), "{} has no {language} summary", template.id);
            }
            let mut translated: Vec<&str> = template.survey.options.translations.keys().map(String::as_str).collect();
            translated.push(&template.survey.options.default_language);
            translated.sort_unstable();
            let mut expected = WIDGET_LANGUAGES.to_vec();
            expected.sort_unstable();
            assert_eq!(translated, expected, "{}", template.id);
        }
    }

    #[test]
    fn every_text_of_every_template_is_translated() {
        for template in TEMPLATES.iter() {
            let english = places(&texts_of(&template.survey));
            for (language, translation) in &template.survey.options.translations {
                assert_eq!(places(translation), english, "{} in {language}", template.id);
            }
        }
    }

    #[test]
    fn every_template_is_a_valid_survey_in_every_language() {
        for template in TEMPLATES.iter() {
            for language in WIDGET_LANGUAGES {
                let draft = template.draft_in(language).unwrap();
                assert_eq!(draft.options.default_language, language);
                if let Err(e) = draft.validate() {
                    panic!("{} in {language}: {e:?}", template.id);
                }
            }
        }
    }
}
