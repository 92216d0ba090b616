//! Validation rules an author adds to a question beyond what its type checks:
//! length limits and a pattern for text and email answers, at least or at
//! most N choices for multiple answers, and an optional message of the
//! author's own. (A number's range is the `number` type's `min` and `max`.)
//! `broken_rule` is the one check: the server refuses with it, the widget
//! explains with it, in the visitor's language.

use super::error::Problems;
use super::i18n::Messages;
use super::pattern::Pattern;
use super::question_kind::{QuestionKind, EVERY_TYPE_BUILT};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const MAX_RULE_MESSAGE: usize = 200;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"minLength": 6, "maxLength": 8, "pattern": "[A-Z]{2}\\d{4,6}", "message": "Your order number, e.g. AB12345"})))]
#[serde(rename_all = "camelCase")]
pub struct ValidationRules {
    /// `text` and `email`: at least this many characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    /// `text` and `email`: at most this many characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// `text` and `email`: the whole answer matches this pattern (syntax in
    /// the README; matched in linear time, at most 500 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// `multiple_choice` and multiple `picture_choice`: at least this many choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_choices: Option<u32>,
    /// `multiple_choice` and multiple `picture_choice`: at most this many choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_choices: Option<u32>,
    /// Shown instead of Vox's own message when a rule is broken; translated
    /// per language in `translations.<lang>.questions.<id>.validationMessage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl ValidationRules {
    pub fn is_empty(&self) -> bool {
        *self == ValidationRules::default()
    }
}

/// The rule an answer breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrokenRule {
    TooShort(u32),
    TooLong(u32),
    PatternMismatch,
    TooFewChoices(u32),
    TooManyChoices(u32),
}

impl BrokenRule {
    /// The rule's field name, also how a no-JavaScript page is told which one broke.
    pub fn code(self) -> &'static str {
        match self {
            BrokenRule::TooShort(_) => "minLength",
            BrokenRule::TooLong(_) => "maxLength",
            BrokenRule::PatternMismatch => "pattern",
            BrokenRule::TooFewChoices(_) => "minChoices",
            BrokenRule::TooManyChoices(_) => "maxChoices",
        }
    }

    /// The rule named by `code`, with its figure from `rules`.
    pub fn from_code(code: &str, rules: &ValidationRules) -> Option<BrokenRule> {
        Some(match code {
            "minLength" => BrokenRule::TooShort(rules.min_length?),
            "maxLength" => BrokenRule::TooLong(rules.max_length?),
            "pattern" => BrokenRule::PatternMismatch.when(rules.pattern.is_some())?,
            "minChoices" => BrokenRule::TooFewChoices(rules.min_choices?),
            "maxChoices" => BrokenRule::TooManyChoices(rules.max_choices?),
            _ => return None,
        })
    }

    fn when(self, present: bool) -> Option<BrokenRule> {
        present.then_some(self)
    }

    /// For API clients (problem+json).
    pub fn english(self) -> String {
        match self {
            BrokenRule::TooShort(n) => format!("must be at least {n} characters (validation.minLength)"),
            BrokenRule::TooLong(n) => format!("must be at most {n} characters (validation.maxLength)"),
            BrokenRule::PatternMismatch => "must match the question's pattern (validation.pattern)".into(),
            BrokenRule::TooFewChoices(n) => format!("must have at least {n} choices (validation.minChoices)"),
            BrokenRule::TooManyChoices(n) => format!("must have at most {n} choices (validation.maxChoices)"),
        }
    }

    /// For the visitor: the author's message if there is one, else the
    /// widget's own in the visitor's language.
    pub fn message(self, rules: &ValidationRules, messages: &Messages) -> String {
        if let Some(own) = rules.message.as_ref().filter(|m| !m.trim().is_empty()) {
            return own.clone();
        }
        let (text, n) = match self {
            BrokenRule::TooShort(n) => (messages.too_short, n),
            BrokenRule::TooLong(n) => (messages.too_long, n),
            BrokenRule::PatternMismatch => (messages.pattern_mismatch, 0),
            BrokenRule::TooFewChoices(n) => (messages.too_few_choices, n),
            BrokenRule::TooManyChoices(n) => (messages.too_many_choices, n),
        };
        text.replace("{n}", &n.to_string())
    }
}

/// The first rule `answer` breaks, if any. An empty answer breaks none (the
/// question's `required` decides about those); an answer of the wrong shape
/// is the type check's to refuse.
pub fn broken_rule(rules: &ValidationRules, answer: &Value) -> Option<BrokenRule> {
    // Most questions have no rules: skip counting characters on every answer.
    if rules.is_empty() {
        return None;
    }
    match answer {
        Value::String(text) if !text.trim().is_empty() => {
            let length = text.chars().count() as u64;
            if let Some(min) = rules.min_length.filter(|min| length < u64::from(*min)) {
                return Some(BrokenRule::TooShort(min));
            }
            if let Some(max) = rules.max_length.filter(|max| length > u64::from(*max)) {
                return Some(BrokenRule::TooLong(max));
            }
            // A stored pattern compiled when the survey was saved. The classic
            // widget bundle has no pattern engine: surveys with a pattern load
            // the other one (`widget::boot_script_url`).
            let mismatch = EVERY_TYPE_BUILT
                && rules.pattern.as_deref().and_then(|p| Pattern::compile(p).ok()).is_some_and(|p| !p.matches(text));
            mismatch.then_some(BrokenRule::PatternMismatch)
        }
        Value::Array(chosen) if !chosen.is_empty() => {
            let count = chosen.len() as u64;
            if let Some(min) = rules.min_choices.filter(|min| count < u64::from(*min)) {
                return Some(BrokenRule::TooFewChoices(min));
            }
            rules.max_choices.filter(|max| count > u64::from(*max)).map(BrokenRule::TooManyChoices)
        }
        _ => None,
    }
}

fn takes_text_rules(kind: &QuestionKind) -> bool {
    matches!(kind, QuestionKind::Text { .. } | QuestionKind::Email)
}

/// How many choices a question offers, if it takes several answers.
fn choices_offered(kind: &QuestionKind) -> Option<usize> {
    match kind {
        QuestionKind::MultipleChoice { choices, allow_other } => Some(choices.len() + usize::from(*allow_other)),
        QuestionKind::PictureChoice { choices, multiple: true } => Some(choices.len()),
        _ => None,
    }
}

/// Checks a question's rules when its survey is saved; `at` is the
/// question's path (`questions[2]`).
pub fn validate(problems: &mut Problems, at: &str, kind: &QuestionKind, rules: &ValidationRules) {
    let field = |name: &str| format!("{at}.validation.{name}");
    let text_rules = [
        ("minLength", rules.min_length.is_some()),
        ("maxLength", rules.max_length.is_some()),
        ("pattern", rules.pattern.is_some()),
    ];
    for (name, _) in text_rules.iter().filter(|(_, set)| *set) {
        if !takes_text_rules(kind) {
            problems.add(field(name), "applies only to text and email questions");
        }
    }
    let offered = choices_offered(kind);
    for (name, value) in [("minChoices", rules.min_choices), ("maxChoices", rules.max_choices)] {
        match (value, offered) {
            (None, _) => {}
            (Some(_), None) => {
                problems.add(field(name), "applies only to multiple_choice and multiple picture_choice questions")
            }
            (Some(0), _) => problems.add(field(name), "must be at least 1"),
            (Some(n), Some(offered)) if n as usize > offered => {
                problems.add(field(name), format!("the question offers only {offered} choices"))
            }
            _ => {}
        }
    }
    if let (Some(min), Some(max)) = (rules.min_choices, rules.max_choices) {
        if min > max {
            problems.add(field("minChoices"), "must not be more than maxChoices");
        }
    }
    for (name, value) in [("minLength", rules.min_length), ("maxLength", rules.max_length)] {
        match value {
            Some(0) => problems.add(field(name), "must be at least 1"),
            Some(n) if n as usize > super::answers::MAX_TEXT_ANSWER => {
                problems.add(field(name), format!("must be at most {}", super::answers::MAX_TEXT_ANSWER))
            }
            _ => {}
        }
    }
    if let (Some(min), Some(max)) = (rules.min_length, rules.max_length) {
        if min > max {
            problems.add(field("minLength"), "must not be more than maxLength");
        }
    }
    if let Some(Err(e)) = rules.pattern.as_deref().map(Pattern::compile) {
        problems.add(field("pattern"), e.to_string());
    }
    match rules.message.as_deref() {
        Some(m) if m.trim().is_empty() => {
            problems.add(field("message"), "must not be empty; leave it out for Vox's own")
        }
        Some(m) if m.chars().count() > MAX_RULE_MESSAGE => {
            problems.add(field("message"), format!("must be at most {MAX_RULE_MESSAGE} characters"))
        }
        Some(_) if rules == &(ValidationRules { message: rules.message.clone(), ..Default::default() }) => {
            problems.add(field("message"), "there is no rule for it to explain")
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::i18n;
    use crate::domain::survey::Choice;
    use serde_json::json;

    fn text_rules() -> ValidationRules {
        ValidationRules {
            min_length: Some(3),
            max_length: Some(6),
            pattern: Some(r"[a-z]+\d*".into()),
            ..Default::default()
        }
    }

    fn problems_of(kind: &QuestionKind, rules: &ValidationRules) -> Vec<(String, String)> {
        let mut problems = Problems::default();
        validate(&mut problems, "questions[0]", kind, rules);
        match problems.into_result() {
            Ok(()) => Vec::new(),
            Err(crate::domain::AppError::Validation { errors }) => {
                errors.into_iter().map(|e| (e.field, e.message)).collect()
            }
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn text_answers_follow_length_then_pattern() {
        let rules = text_rules();
        assert_eq!(broken_rule(&rules, &json!("ab")), Some(BrokenRule::TooShort(3)));
        assert_eq!(broken_rule(&rules, &json!("abcdefg")), Some(BrokenRule::TooLong(6)));
        assert_eq!(broken_rule(&rules, &json!("ab-1")), Some(BrokenRule::PatternMismatch));
        assert_eq!(broken_rule(&rules, &json!("abc12")), None);
        // Characters, not bytes: four Greek letters are four.
        let greek = ValidationRules { max_length: Some(4), ..Default::default() };
        assert_eq!(broken_rule(&greek, &json!("αβγδ")), None);
    }

    #[test]
    fn empty_answers_are_for_required_to_judge() {
        let rules = ValidationRules { min_length: Some(3), min_choices: Some(2), ..Default::default() };
        assert_eq!(broken_rule(&rules, &json!("")), None);
        assert_eq!(broken_rule(&rules, &json!("  ")), None);
        assert_eq!(broken_rule(&rules, &json!([])), None);
        assert_eq!(broken_rule(&rules, &Value::Null), None);
    }

    #[test]
    fn choice_counts() {
        let rules = ValidationRules { min_choices: Some(2), max_choices: Some(3), ..Default::default() };
        assert_eq!(broken_rule(&rules, &json!(["a"])), Some(BrokenRule::TooFewChoices(2)));
        assert_eq!(broken_rule(&rules, &json!(["a", "b", "c", "d"])), Some(BrokenRule::TooManyChoices(3)));
        assert_eq!(broken_rule(&rules, &json!(["a", "other"])), None);
    }

    #[test]
    fn the_visitor_reads_the_rule_in_their_language_or_the_authors_words() {
        let rules = text_rules();
        assert_eq!(BrokenRule::TooShort(3).message(&rules, i18n::messages("en")), "Please use at least 3 characters.");
        assert_eq!(
            BrokenRule::TooShort(3).message(&rules, i18n::messages("de")),
            "Bitte mindestens 3 Zeichen eingeben."
        );
        let own = ValidationRules { message: Some("Order numbers look like ab123".into()), ..text_rules() };
        assert_eq!(BrokenRule::PatternMismatch.message(&own, i18n::messages("fr")), "Order numbers look like ab123");
    }

    #[test]
    fn codes_round_trip_with_the_rules_figures() {
        let rules = ValidationRules { min_choices: Some(2), ..text_rules() };
        for broken in
            [BrokenRule::TooShort(3), BrokenRule::TooLong(6), BrokenRule::PatternMismatch, BrokenRule::TooFewChoices(2)]
        {
            assert_eq!(BrokenRule::from_code(broken.code(), &rules), Some(broken));
        }
        assert_eq!(BrokenRule::from_code("maxChoices", &rules), None);
        assert_eq!(BrokenRule::from_code("<script>", &rules), None);
    }

    #[test]
    fn rules_must_fit_the_question() {
        let text = QuestionKind::Text { multiline: false };
        assert!(problems_of(&text, &text_rules()).is_empty());
        let choices = QuestionKind::MultipleChoice {
            choices: vec![Choice::new("a", "A"), Choice::new("b", "B")],
            allow_other: true,
        };
        let wrong_type = problems_of(&choices, &text_rules());
        assert_eq!(wrong_type.len(), 3, "{wrong_type:?}");
        assert_eq!(
            wrong_type[0],
            ("questions[0].validation.minLength".into(), "applies only to text and email questions".into())
        );
        let too_many = ValidationRules { min_choices: Some(4), max_choices: Some(1), ..Default::default() };
        let problems = problems_of(&choices, &too_many);
        assert!(
            problems
                .contains(&("questions[0].validation.minChoices".into(), "the question offers only 3 choices".into())),
            "{problems:?}"
        );
        assert!(problems
            .contains(&("questions[0].validation.minChoices".into(), "must not be more than maxChoices".into())));
        let single_pictures = QuestionKind::PictureChoice { choices: vec![], multiple: false };
        assert_eq!(
            problems_of(&single_pictures, &ValidationRules { max_choices: Some(1), ..Default::default() }).len(),
            1
        );
    }

    #[test]
    fn bad_figures_patterns_and_messages_are_named() {
        let email = QuestionKind::Email;
        let bad = ValidationRules {
            min_length: Some(0),
            max_length: Some(20_000),
            pattern: Some("(ab".into()),
            message: Some(" ".into()),
            ..Default::default()
        };
        let fields: Vec<String> = problems_of(&email, &bad).into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            ["minLength", "maxLength", "pattern", "message"].map(|f| format!("questions[0].validation.{f}"))
        );
        let alone = ValidationRules { message: Some("Hm".into()), ..Default::default() };
        assert_eq!(problems_of(&email, &alone)[0].1, "there is no rule for it to explain");
        let inverted = ValidationRules { min_length: Some(5), max_length: Some(4), ..Default::default() };
        assert_eq!(problems_of(&email, &inverted)[0].1, "must not be more than maxLength");
    }
}
