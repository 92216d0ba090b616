//! Refusing logic that cannot work, each problem named by its field:
//! conditions must look back (at questions already asked), name what exists
//! and carry the value their operator needs; jumps and required answers
//! point forward. Jumps only forward means every way through a survey moves
//! on and ends: at an ending a jump names, or after the last question at the
//! standard thank-you. No loop, and no way that never ends, can be saved.

use super::condition::{Condition, ConditionOp, When};
use super::rules::{Action, Calculation, LogicRule, VariableKind};
use crate::domain::error::Problems;
use crate::domain::number_text::is_date;
use crate::domain::question_kind::{is_valid_key, QuestionKind};
use crate::domain::survey::{check_text, is_forbidden_char, Question, MAX_TITLE_LEN};
use crate::domain::survey_options::SurveyOptions;
use crate::domain::survey_pages::{page_start, Steps};
use serde_json::Value;

pub const MAX_VARIABLES: usize = 50;
pub const MAX_ENDINGS: usize = 20;
pub const MAX_RULES: usize = 20;
pub const MAX_ACTIONS: usize = 20;
/// Conditions in one tree, and how deep its groups nest.
pub const MAX_CONDITIONS: usize = 50;
pub const MAX_DEPTH: usize = 3;
pub const MAX_ENDING_TEXT: usize = 2_000;
pub const MAX_URL: usize = 2_000;
pub const MAX_TEXT_VALUE: usize = 500;

/// Checks variables, endings, every `showIf` and every question's `logic`.
pub fn validate(problems: &mut Problems, questions: &[Question], options: &SurveyOptions) {
    check_variables(problems, options);
    check_endings(problems, options);
    let steps = Steps::of(questions, &options.pages);
    let scope = Scope { questions, options, steps };
    for (i, q) in questions.iter().enumerate() {
        if let Some(when) = &q.show_if {
            // Shown or not is decided before the question (its page, if it is
            // on one) is answered.
            let (first, _) = scope.steps.bounds(i);
            let earlier = if first < i { "a question before its page" } else { "an earlier question" };
            scope.check_when(problems, &format!("questions[{i}].showIf"), when, first, earlier);
        }
        if q.logic.len() > MAX_RULES {
            problems.add(format!("questions[{i}].logic"), format!("at most {MAX_RULES} rules"));
            continue;
        }
        for (r, rule) in q.logic.iter().enumerate() {
            scope.check_rule(problems, &format!("questions[{i}].logic[{r}]"), rule, i);
        }
    }
}

fn check_variables(problems: &mut Problems, options: &SurveyOptions) {
    if options.variables.len() > MAX_VARIABLES {
        problems.add("variables", format!("at most {MAX_VARIABLES} variables"));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, v) in options.variables.iter().enumerate() {
        let at = |f: &str| format!("variables[{i}].{f}");
        if !is_valid_key(&v.id) {
            problems.add(at("id"), "1–64 letters, digits, '-' or '_'");
        } else if !seen.insert(v.id.as_str()) {
            problems.add(at("id"), "duplicate variable id");
        }
        match (v.kind, &v.initial) {
            (_, None) => {}
            (VariableKind::Number, Some(n)) if n.as_f64().is_some_and(f64::is_finite) => {}
            (VariableKind::Number, Some(_)) => problems.add(at("initial"), "must be a number"),
            (VariableKind::Text, Some(Value::String(s))) => check_plain(problems, at("initial"), s, MAX_TEXT_VALUE),
            (VariableKind::Text, Some(_)) => problems.add(at("initial"), "must be text"),
        }
    }
}

fn check_endings(problems: &mut Problems, options: &SurveyOptions) {
    if options.endings.len() > MAX_ENDINGS {
        problems.add("endings", format!("at most {MAX_ENDINGS} endings"));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, e) in options.endings.iter().enumerate() {
        let at = |f: &str| format!("endings[{i}].{f}");
        if !is_valid_key(&e.id) {
            problems.add(at("id"), "1–64 letters, digits, '-' or '_'");
        } else if !seen.insert(e.id.as_str()) {
            problems.add(at("id"), "duplicate ending id");
        }
        if let Some(title) = &e.title {
            check_text(problems, at("title"), title, MAX_TITLE_LEN);
        }
        if let Some(text) = &e.text {
            check_text(problems, at("text"), text, MAX_ENDING_TEXT);
        }
        if let Some(url) = &e.redirect_url {
            if let Err(message) = check_redirect(url) {
                problems.add(at("redirectUrl"), message);
            }
        }
        if e.title.is_none() && e.text.is_none() && e.redirect_url.is_none() {
            problems.add(at("text"), "an ending needs a title, a text or a redirectUrl");
        }
    }
}

/// An absolute http(s) address; `{{…}}` recalls in it are filled in later.
fn check_redirect(url: &str) -> Result<(), String> {
    let lower = url.to_ascii_lowercase();
    if url.chars().count() > MAX_URL {
        return Err(format!("must be at most {MAX_URL} characters"));
    }
    if url.chars().any(|c| c.is_whitespace() || is_forbidden_char(c)) {
        return Err("must not contain spaces or control characters".into());
    }
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    let Some(rest) = rest else { return Err("must be an http:// or https:// address".into()) };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() {
        return Err("must be an http:// or https:// address with a host".into());
    }
    // Answers fill in the path and query only: no answer can choose the site.
    if host.contains("{{") {
        return Err("recalls may fill in the path and query, not the host".into());
    }
    Ok(())
}

fn check_plain(problems: &mut Problems, field: String, text: &str, max: usize) {
    if text.chars().any(is_forbidden_char) {
        problems.add(field, "must not contain control characters");
    } else if text.chars().count() > max {
        problems.add(field, format!("must be at most {max} characters"));
    }
}

struct Scope<'a> {
    questions: &'a [Question],
    options: &'a SurveyOptions,
    steps: Steps,
}

impl Scope<'_> {
    fn index_of(&self, id: &str) -> Option<usize> {
        self.questions.iter().position(|q| q.id == id)
    }

    fn variable_kind(&self, id: &str) -> Option<VariableKind> {
        self.options.variables.iter().find(|v| v.id == id).map(|v| v.kind)
    }

    /// `i`: the question the rule is on. Its logic runs once its step (its
    /// page, or itself) is answered, so it may look at the whole step and
    /// must lead past it.
    fn check_rule(&self, problems: &mut Problems, at: &str, rule: &LogicRule, i: usize) {
        let (_, last) = self.steps.bounds(i);
        if let Some(when) = &rule.when {
            let earlier =
                if last > i { "a question on its page or before it" } else { "this question or an earlier one" };
            self.check_when(problems, &format!("{at}.when"), when, last + 1, earlier);
        }
        if rule.actions.is_empty() {
            problems.add(format!("{at}.actions"), "a rule needs at least one action");
        } else if rule.actions.len() > MAX_ACTIONS {
            problems.add(format!("{at}.actions"), format!("at most {MAX_ACTIONS} actions"));
        }
        for (a, action) in rule.actions.iter().enumerate() {
            self.check_action(problems, &format!("{at}.actions[{a}]"), action, last);
        }
    }

    /// `last`: the last question of the rule's step; targets lie beyond it.
    fn check_action(&self, problems: &mut Problems, at: &str, action: &Action, last: usize) {
        let field = |f: &str| format!("{at}.{f}");
        const BACKWARDS: &str =
            "jumps backwards (or to itself): logic may only jump forward, so that no survey can loop";
        match action {
            Action::Jump { question, page, ending } => match (question, page, ending) {
                (Some(target), None, None) => match self.index_of(target) {
                    None => problems.add(field("question"), "no such question"),
                    Some(j) if j <= last => problems.add(field("question"), BACKWARDS),
                    Some(j) if self.steps.bounds(j).0 != j => {
                        problems.add(field("question"), "is inside a page: jump to the page instead")
                    }
                    Some(_) => {}
                },
                (None, Some(target), None) => match page_start(self.questions, &self.options.pages, target) {
                    None => problems.add(field("page"), "no such page (see pages)"),
                    Some(j) if j <= last => problems.add(field("page"), BACKWARDS),
                    Some(_) => {}
                },
                (None, None, Some(target)) => {
                    if !self.options.endings.iter().any(|e| e.id == *target) {
                        problems.add(field("ending"), "no such ending (see endings)");
                    }
                }
                (_, Some(_), _) => problems.add(field("page"), "a jump names one of a question, a page or an ending"),
                _ => problems.add(field("question"), "a jump names one of a question, a page or an ending"),
            },
            Action::Require { question } => match self.index_of(question) {
                None => problems.add(field("question"), "no such question"),
                Some(j) if j <= last => {
                    problems.add(field("question"), "must be a later question (after its page, if it is on one)")
                }
                Some(_) => {}
            },
            Action::Calculate { variable, operator, value, value_from } => {
                let Some(kind) = self.variable_kind(variable) else {
                    problems.add(field("variable"), "no such variable (see variables)");
                    return;
                };
                if kind == VariableKind::Text && !matches!(operator, Calculation::Assign | Calculation::Add) {
                    problems.add(field("operator"), "a text variable can only be assigned or added to");
                }
                match (value, value_from) {
                    (Some(_), Some(_)) | (None, None) => {
                        problems.add(field("value"), "give either a value or valueFrom")
                    }
                    (Some(v), None) => match kind {
                        VariableKind::Number if !v.as_f64().is_some_and(f64::is_finite) => {
                            problems.add(field("value"), "must be a number")
                        }
                        VariableKind::Number if *operator == Calculation::Divide && v.as_f64() == Some(0.0) => {
                            problems.add(field("value"), "cannot divide by zero")
                        }
                        VariableKind::Text => match v {
                            Value::String(s) => check_plain(problems, field("value"), s, MAX_TEXT_VALUE),
                            _ => problems.add(field("value"), "must be text"),
                        },
                        VariableKind::Number => {}
                    },
                    (None, Some(source)) => match self.index_of(source) {
                        Some(j) if j <= last => {}
                        _ => problems.add(field("valueFrom"), "must be this question or an earlier one"),
                    },
                }
            }
        }
    }

    /// `bound`: conditions may look at questions before this index.
    fn check_when(&self, problems: &mut Problems, at: &str, when: &When, bound: usize, earlier: &str) {
        if when.depth() > MAX_DEPTH {
            problems.add(at.to_string(), format!("groups nest at most {MAX_DEPTH} deep"));
            return;
        }
        if when.conditions().len() > MAX_CONDITIONS {
            problems.add(at.to_string(), format!("at most {MAX_CONDITIONS} conditions"));
            return;
        }
        match when {
            When::One(c) => self.check_condition(problems, at, c, bound, earlier),
            When::Group(group) => {
                if group.conditions.is_empty() {
                    problems.add(format!("{at}.conditions"), "a group needs at least one condition");
                }
                for (k, inner) in group.conditions.iter().enumerate() {
                    self.check_when(problems, &format!("{at}.conditions[{k}]"), inner, bound, earlier);
                }
            }
        }
    }

    fn check_condition(&self, problems: &mut Problems, at: &str, c: &Condition, bound: usize, earlier: &str) {
        let field = |f: &str| format!("{at}.{f}");
        let named = [c.question.is_some(), c.hidden.is_some(), c.metadata.is_some(), c.variable.is_some()];
        if named.iter().filter(|n| **n).count() != 1 {
            problems.add(field("question"), "name exactly one of question, hidden, metadata or variable");
            return;
        }
        if (c.row.is_some() || c.choice.is_some()) && c.question.is_none() {
            problems.add(field("row"), "row and choice belong to a question");
        }
        if let Some(id) = &c.question {
            match self.index_of(id) {
                Some(j) if j < bound => {
                    let kind = &self.questions[j].kind;
                    match (&c.row, &c.choice, kind) {
                        (Some(_), Some(_), _) => problems.add(field("row"), "name a row or a choice, not both"),
                        (Some(row), None, QuestionKind::Matrix { rows, .. }) => {
                            if !rows.iter().any(|r| r.id == *row) {
                                problems.add(field("row"), "no such row in this matrix");
                            }
                        }
                        (Some(_), None, _) => problems.add(field("row"), "only a matrix question has rows"),
                        (None, Some(choice), QuestionKind::Ranking { choices, .. }) => {
                            if !choices.iter().any(|ch| ch.id == *choice) {
                                problems.add(field("choice"), "no such choice in this ranking");
                            }
                        }
                        (None, Some(_), _) => {
                            problems.add(field("choice"), "only a ranking question has positions to compare")
                        }
                        (None, None, _) => {}
                    }
                }
                _ => problems.add(field("question"), format!("must be the id of {earlier}")),
            }
        }
        if let Some(name) = &c.hidden {
            if !self.options.hidden_fields.contains(name) {
                problems.add(field("hidden"), "no such hidden field (see hiddenFields)");
            }
        }
        if let Some(key) = &c.metadata {
            if key.is_empty() || key.chars().count() > 100 || key.chars().any(is_forbidden_char) {
                problems.add(field("metadata"), "1–100 characters, no control characters");
            }
        }
        if let Some(name) = &c.variable {
            if self.variable_kind(name).is_none() {
                problems.add(field("variable"), "no such variable (see variables)");
            }
        }
        check_value(problems, &field("value"), c);
    }
}

/// The value an operator needs: a list, a number, a date, or anything.
fn check_value(problems: &mut Problems, field: &str, c: &Condition) {
    let value = c.value.as_ref();
    if !c.op.needs_value() {
        if value.is_some() {
            problems.add(field.to_string(), "this operator takes no value");
        }
        return;
    }
    let Some(v) = value else {
        problems.add(field.to_string(), "this operator needs a value");
        return;
    };
    let wrong = match c.op {
        ConditionOp::In | ConditionOp::IncludesAny | ConditionOp::IncludesAll | ConditionOp::IncludesNone => {
            (!v.is_array()).then_some("must be a list")
        }
        ConditionOp::Lt | ConditionOp::Lte | ConditionOp::Gt | ConditionOp::Gte => {
            (!v.is_number()).then_some("must be a number")
        }
        ConditionOp::Before | ConditionOp::After => {
            (!v.as_str().is_some_and(is_date)).then_some("must be a date, YYYY-MM-DD")
        }
        _ => None,
    };
    if let Some(message) = wrong {
        problems.add(field.to_string(), message);
    }
}
