//! Published versions of a survey (README "Surveys → Versions"). Publishing
//! freezes what respondents answer; editing a published survey makes the
//! next version and never touches stored answers. Each response records the
//! version it was answered under, and a question id keeps its type for the
//! survey's whole life, so an answer is never read as something else.

use super::error::Problems;
use super::question_diff::QuestionChange;
use super::survey::{Question, SurveyDraft};
use super::survey_options::SurveyOptions;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What changed from the version before (by question id).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VersionChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Same id, other wording, choices or settings.
    pub changed: Vec<String>,
    /// For each question in `changed`, what changed in it.
    #[serde(default)]
    pub details: Vec<QuestionChange>,
    /// Questions kept but put in another order.
    pub reordered: bool,
    /// The name, languages, translations, hidden fields, thank-you text,
    /// variables, endings or pages.
    pub settings_changed: bool,
}

/// One published version, as listed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SurveyVersionSummary {
    /// 1 for the first publishing, then one more for each published change.
    pub number: i64,
    pub published_at: DateTime<Utc>,
    pub question_count: usize,
    /// Against the version before; for version 1, every question is added.
    pub changes: VersionChanges,
    /// Responses answered under this version.
    pub response_count: i64,
}

/// One published version with its whole definition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SurveyVersion {
    #[serde(flatten)]
    pub summary: SurveyVersionSummary,
    pub name: String,
    pub questions: Vec<Question>,
    #[serde(flatten)]
    pub options: SurveyOptions,
}

/// Every question id and choice id the published versions used. Answers to
/// them are stored, so a new question or choice never takes one, even one
/// removed a moment ago in the builder (its answers would mix with theirs).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishedIds {
    pub questions: Vec<String>,
    /// Per question id: the ids its choices (a matrix's rows and columns) had.
    pub choices: std::collections::BTreeMap<String, Vec<String>>,
}

impl PublishedIds {
    /// From every question of every published version.
    pub fn of<'a>(published: impl IntoIterator<Item = &'a Question>) -> PublishedIds {
        let mut ids = PublishedIds::default();
        for question in published {
            if !ids.questions.contains(&question.id) {
                ids.questions.push(question.id.clone());
            }
            for id in question.kind.option_ids() {
                let used = ids.choices.entry(question.id.clone()).or_default();
                if !used.iter().any(|u| u == id) {
                    used.push(id.to_string());
                }
            }
        }
        ids
    }

    pub fn question(&self, id: &str) -> bool {
        self.questions.iter().any(|q| q == id)
    }

    pub fn choice(&self, question: &str, id: &str) -> bool {
        self.choices.get(question).is_some_and(|ids| ids.iter().any(|c| c == id))
    }
}

/// The part of a definition respondents see; a change to it is a new version.
/// Theme, embedding and the invitation email are presentation and are not.
#[derive(PartialEq)]
pub struct Answerable<'a> {
    pub name: &'a str,
    pub questions: &'a [Question],
    pub default_language: &'a str,
    pub translations: &'a std::collections::BTreeMap<String, super::survey_options::Translation>,
    pub hidden_fields: &'a [String],
    pub thank_you: Option<&'a str>,
    pub variables: &'a [super::logic::Variable],
    pub endings: &'a [super::logic::Ending],
    pub pages: &'a [super::survey_pages::Page],
}

impl<'a> Answerable<'a> {
    pub fn of(name: &'a str, questions: &'a [Question], options: &'a SurveyOptions) -> Self {
        Answerable {
            name: name.trim(),
            questions,
            default_language: &options.default_language,
            translations: &options.translations,
            hidden_fields: &options.hidden_fields,
            thank_you: options.thank_you.as_deref(),
            variables: &options.variables,
            endings: &options.endings,
            pages: &options.pages,
        }
    }

    pub fn of_draft(draft: &'a SurveyDraft) -> Self {
        Self::of(&draft.name, &draft.questions, &draft.options)
    }
}

/// What changed between two answerable definitions.
pub fn changes(before: Option<&Answerable<'_>>, after: &Answerable<'_>) -> VersionChanges {
    let Some(before) = before else {
        return VersionChanges { added: after.questions.iter().map(|q| q.id.clone()).collect(), ..Default::default() };
    };
    let old_ids: BTreeSet<&str> = before.questions.iter().map(|q| q.id.as_str()).collect();
    let new_ids: BTreeSet<&str> = after.questions.iter().map(|q| q.id.as_str()).collect();
    let added = after.questions.iter().filter(|q| !old_ids.contains(q.id.as_str())).map(|q| q.id.clone()).collect();
    let removed = before.questions.iter().filter(|q| !new_ids.contains(q.id.as_str())).map(|q| q.id.clone()).collect();
    let details: Vec<_> = after
        .questions
        .iter()
        .filter_map(|q| {
            let old = before.questions.iter().find(|old| old.id == q.id)?;
            // Anything the part-by-part comparison does not name is a setting.
            let unnamed = || {
                (old != q).then(|| QuestionChange {
                    question: q.id.clone(),
                    parts: vec!["settings".into()],
                    ..Default::default()
                })
            };
            super::question_diff::differences(old, q).or_else(unnamed)
        })
        .collect();
    let changed = details.iter().map(|d| d.question.clone()).collect();
    let kept_order = |questions: &[Question], other: &BTreeSet<&str>| -> Vec<String> {
        questions.iter().filter(|q| other.contains(q.id.as_str())).map(|q| q.id.clone()).collect()
    };
    let reordered = kept_order(before.questions, &new_ids) != kept_order(after.questions, &old_ids);
    let settings_changed = before.name != after.name
        || before.default_language != after.default_language
        || before.translations != after.translations
        || before.hidden_fields != after.hidden_fields
        || before.thank_you != after.thank_you
        || before.variables != after.variables
        || before.endings != after.endings
        || before.pages != after.pages;
    VersionChanges { added, removed, changed, details, reordered, settings_changed }
}

/// A question id keeps the type it was published with: stored answers to
/// `q1` must never be read as another type's. `published` holds every
/// question of every published version.
pub fn check_stable_types<'a>(
    problems: &mut Problems,
    published: impl IntoIterator<Item = &'a Question>,
    questions: &[Question],
) {
    let published: Vec<&Question> = published.into_iter().collect();
    for (i, question) in questions.iter().enumerate() {
        let earlier =
            published.iter().find(|old| old.id == question.id && old.kind.type_name() != question.kind.type_name());
        if let Some(old) = earlier {
            problems.add(
                format!("questions[{i}].type"),
                format!(
                    "question {} was published as {}; its answers would be misread as {}: give the new question a new id",
                    question.id,
                    old.kind.type_name(),
                    question.kind.type_name()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::survey::{Choice, QuestionKind};

    fn question(id: &str, kind: QuestionKind) -> Question {
        Question {
            id: id.into(),
            title: format!("About {id}"),
            description: None,
            required: false,
            kind,
            show_if: None,
            logic: Vec::new(),
            validation: Default::default(),
            shuffle: false,
        }
    }

    fn choice(id: &str, label: &str) -> Choice {
        Choice::new(id, label)
    }

    #[test]
    fn the_first_version_adds_every_question() {
        let questions = vec![question("q1", QuestionKind::Nps), question("q2", QuestionKind::Email)];
        let options = SurveyOptions::default();
        let found = changes(None, &Answerable::of("S", &questions, &options));
        assert_eq!(found.added, vec!["q1", "q2"]);
        assert!(found.removed.is_empty() && found.changed.is_empty() && !found.reordered && !found.settings_changed);
    }

    #[test]
    fn changes_name_added_removed_changed_and_moved_questions() {
        let options = SurveyOptions::default();
        let pick = |labels: &[(&str, &str)]| QuestionKind::SingleChoice {
            choices: labels.iter().map(|(id, label)| choice(id, label)).collect(),
            allow_other: false,
        };
        let before = vec![
            question("q1", QuestionKind::Nps),
            question("q2", pick(&[("a", "Food"), ("b", "Service")])),
            question("q3", QuestionKind::Email),
        ];
        let after = vec![
            question("q2", pick(&[("a", "Meals"), ("b", "Service")])),
            question("q1", QuestionKind::Nps),
            question("q4", QuestionKind::Text { multiline: true }),
        ];
        let found = changes(Some(&Answerable::of("S", &before, &options)), &Answerable::of("S", &after, &options));
        assert_eq!(found.added, vec!["q4"]);
        assert_eq!(found.removed, vec!["q3"]);
        assert_eq!(found.changed, vec!["q2"], "a relabelled choice changes its question");
        assert_eq!(found.details[0].relabelled, vec!["a"]);
        assert!(found.reordered);
        assert!(!found.settings_changed);
        let renamed = changes(Some(&Answerable::of("S", &after, &options)), &Answerable::of("T", &after, &options));
        assert!(renamed.settings_changed && renamed.changed.is_empty() && !renamed.reordered);
    }

    #[test]
    fn presentation_is_not_part_of_the_answerable_definition() {
        let questions = vec![question("q1", QuestionKind::Nps)];
        let plain = SurveyOptions::default();
        let mut themed = SurveyOptions::default();
        themed.theme.brand_color = Some("#123456".into());
        assert!(Answerable::of("S", &questions, &plain) == Answerable::of("S", &questions, &themed));
        let mut thanked = SurveyOptions::default();
        thanked.thank_you = Some("Thanks!".into());
        assert!(Answerable::of("S", &questions, &plain) != Answerable::of("S", &questions, &thanked));
    }

    #[test]
    fn published_ids_are_every_question_and_choice_ever_published() {
        let pick = |ids: &[&str]| QuestionKind::MultipleChoice {
            choices: ids.iter().map(|id| choice(id, id)).collect(),
            allow_other: false,
        };
        let published = vec![
            question("q1", pick(&["a", "b", "c"])),
            question("q2", QuestionKind::Email),
            question("q1", pick(&["a", "d"])),
        ];
        let ids = PublishedIds::of(&published);
        assert_eq!(ids.questions, vec!["q1", "q2"]);
        assert_eq!(ids.choices["q1"], vec!["a", "b", "c", "d"]);
        assert!(ids.question("q2") && !ids.question("q3"));
        assert!(ids.choice("q1", "d") && !ids.choice("q1", "e") && !ids.choice("q2", "a"));
    }

    #[test]
    fn a_published_question_id_keeps_its_type() {
        let published = vec![question("q1", QuestionKind::Nps), question("q2", QuestionKind::Email)];
        let mut problems = Problems::default();
        let edited = vec![
            question("q2", QuestionKind::Email),
            question("q1", QuestionKind::Text { multiline: false }),
            question("q3", QuestionKind::Csat),
        ];
        check_stable_types(&mut problems, &published, &edited);
        let err = problems.into_result().unwrap_err();
        assert!(err.message_for("questions[1].type").is_some_and(|m| m.contains("nps")), "{err:?}");
        assert!(err.message_for("questions[0].type").is_none());
        let mut problems = Problems::default();
        check_stable_types(&mut problems, &published, &[question("q1", QuestionKind::Nps)]);
        assert!(problems.into_result().is_ok(), "removing a question or keeping its type is fine");
    }
}
