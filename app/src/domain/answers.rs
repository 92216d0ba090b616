//! Answers to a survey: checking them against the questions, and reading them
//! from a plain HTML form post (the widget's no-JavaScript path and its
//! hydrated path both send form fields, so both go through `from_form`).

use super::error::{AppError, Problems};
use super::survey::{other_key, Question, QuestionKind, OTHER_CHOICE};
use serde_json::{Map, Value};

/// `{questionId: value}` as stored and as the API shows it.
pub type Answers = Map<String, Value>;

pub const MAX_TEXT_ANSWER: usize = 10_000;
/// The form field name of a question's answer control.
pub fn field_name(question_id: &str) -> String {
    format!("q.{question_id}")
}

/// Checks `answers` against `questions`. With `completing`, every required
/// question must be answered. Errors name `answers.<questionId>`.
pub fn validate(questions: &[Question], answers: &Answers, completing: bool) -> Result<(), AppError> {
    let mut problems = Problems::default();
    for (key, value) in answers {
        let field = format!("answers.{key}");
        if let Some(question_id) = key.strip_suffix(".other") {
            match questions.iter().find(|q| q.id == question_id) {
                Some(q) if q.kind.allows_other() => {
                    if let Err(message) = check_other_text(value) {
                        problems.add(field, message);
                    }
                }
                _ => problems.add(field, "no question with an 'other' choice has this id"),
            }
            continue;
        }
        match questions.iter().find(|q| &q.id == key) {
            None => problems.add(field, "no such question in this survey"),
            Some(q) => {
                if let Err(message) = check_value(&q.kind, value) {
                    problems.add(field, message);
                }
            }
        }
    }
    if completing {
        // Only questions the answers show are required.
        for q in questions.iter().filter(|q| q.required && super::logic::is_visible(q, answers)) {
            if !answers.get(&q.id).is_some_and(|v| !v.is_null()) {
                problems.add(format!("answers.{}", q.id), "this question requires an answer");
            }
        }
        // "Other" needs its words.
        for q in questions.iter().filter(|q| q.kind.allows_other() && super::logic::is_visible(q, answers)) {
            let chose_other = answers.get(&q.id).is_some_and(|v| match v {
                Value::String(s) => s == OTHER_CHOICE,
                Value::Array(ids) => ids.iter().any(|id| id.as_str() == Some(OTHER_CHOICE)),
                _ => false,
            });
            let text = answers.get(&other_key(&q.id)).and_then(Value::as_str).unwrap_or_default();
            if chose_other && text.trim().is_empty() {
                problems.add(format!("answers.{}", other_key(&q.id)), "say what 'other' means");
            }
        }
    }
    problems.into_result()
}

fn check_other_text(value: &Value) -> Result<(), String> {
    match value {
        Value::Null => Ok(()),
        Value::String(s) if s.chars().count() <= MAX_TEXT_ANSWER => Ok(()),
        Value::String(_) => Err(format!("must be at most {MAX_TEXT_ANSWER} characters")),
        _ => Err("must be text".into()),
    }
}

fn check_value(kind: &QuestionKind, value: &Value) -> Result<(), String> {
    if value.is_null() {
        return Ok(()); // an explicit null clears an answer
    }
    if let Some((min, max)) = kind.scale() {
        return match value.as_i64() {
            Some(n) if (min..=max).contains(&n) => Ok(()),
            _ => Err(format!("must be a whole number from {min} to {max}")),
        };
    }
    match kind {
        QuestionKind::SingleChoice { choices, allow_other } => match value.as_str() {
            Some(id) if choices.iter().any(|c| c.id == id) || (*allow_other && id == OTHER_CHOICE) => Ok(()),
            _ => Err("must be the id of one of the question's choices".into()),
        },
        QuestionKind::MultipleChoice { choices, allow_other } => {
            let ids = value.as_array().ok_or("must be a list of choice ids")?;
            // A list rather than a hash set: `seen` holds only distinct valid
            // ids, so never more than the question's choices, and the widget's
            // wasm is spared a hash table.
            let mut seen: Vec<&str> = Vec::new();
            for id in ids {
                match id.as_str() {
                    Some(id)
                        if (choices.iter().any(|c| c.id == id) || (*allow_other && id == OTHER_CHOICE))
                            && !seen.contains(&id) =>
                    {
                        seen.push(id)
                    }
                    _ => return Err("must be a list of distinct choice ids of this question".into()),
                }
            }
            Ok(())
        }
        QuestionKind::Text { .. } => match value.as_str() {
            Some(s) if s.chars().count() <= MAX_TEXT_ANSWER => Ok(()),
            Some(_) => Err(format!("must be at most {MAX_TEXT_ANSWER} characters")),
            None => Err("must be text".into()),
        },
        QuestionKind::Email => match value.as_str() {
            Some(s) if looks_like_email(s) => Ok(()),
            _ => Err("must be an email address".into()),
        },
        _ => Ok(()),
    }
}

/// Deliberately permissive: one '@', something on each side, a dot in the domain.
pub fn looks_like_email(s: &str) -> bool {
    let s = s.trim();
    s.len() <= 254
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && s.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        })
}

/// Reads answers from form fields named `q.<questionId>`. Empty fields mean
/// "not answered". Values that cannot be read for the question's type are
/// reported per field; other field names are ignored.
pub fn from_form(questions: &[Question], fields: &[(String, String)]) -> Result<Answers, AppError> {
    let mut answers = Answers::new();
    let mut problems = Problems::default();
    for q in questions {
        let name = field_name(&q.id);
        let values: Vec<&str> =
            fields.iter().filter(|(k, v)| k == &name && !v.trim().is_empty()).map(|(_, v)| v.as_str()).collect();
        if values.is_empty() {
            continue;
        }
        let value = match &q.kind {
            QuestionKind::MultipleChoice { .. } => {
                Value::Array(values.iter().map(|v| Value::String(v.to_string())).collect())
            }
            kind if kind.scale().is_some() => match values[0].trim().parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => {
                    problems.add(format!("answers.{}", q.id), "must be a number");
                    continue;
                }
            },
            QuestionKind::Email => Value::String(values[0].trim().to_string()),
            _ => Value::String(values[0].to_string()),
        };
        let chose_other = q.kind.allows_other() && values.contains(&OTHER_CHOICE);
        answers.insert(q.id.clone(), value);
        if chose_other {
            let other_field = field_name(&other_key(&q.id));
            if let Some((_, text)) = fields.iter().find(|(k, v)| *k == other_field && !v.trim().is_empty()) {
                answers.insert(other_key(&q.id), Value::String(text.clone()));
            }
        }
    }
    problems.into_result().map(|_| answers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::survey::Choice;
    use serde_json::json;

    fn questions() -> Vec<Question> {
        let q = |id: &str, required, kind| Question {
            id: id.into(),
            title: id.into(),
            description: None,
            required,
            kind,
            show_if: None,
        };
        let choices = vec![Choice { id: "a".into(), label: "A".into() }, Choice { id: "b".into(), label: "B".into() }];
        vec![
            q("nps", true, QuestionKind::Nps),
            q("stars", false, QuestionKind::Rating { scale: 5, style: Default::default() }),
            q("one", false, QuestionKind::SingleChoice { choices: choices.clone(), allow_other: true }),
            q("many", false, QuestionKind::MultipleChoice { choices, allow_other: false }),
            q("why", false, QuestionKind::Text { multiline: true }),
            q("mail", false, QuestionKind::Email),
        ]
    }

    fn answers(v: Value) -> Answers {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn accepts_valid_answers() {
        let a = answers(
            json!({"nps": 10, "stars": 1, "one": "b", "many": ["a", "b"], "why": "<b>fine</b>", "mail": "x@y.io"}),
        );
        assert!(validate(&questions(), &a, true).is_ok());
    }

    #[test]
    fn names_every_bad_answer() {
        let a = answers(
            json!({"nps": 11, "stars": 0, "one": "zzz", "many": ["a", "a"], "why": 5, "mail": "nope", "ghost": 1}),
        );
        let err = validate(&questions(), &a, false).unwrap_err();
        for f in ["nps", "stars", "one", "many", "why", "mail", "ghost"] {
            assert!(err.message_for(&format!("answers.{f}")).is_some(), "{f}: {err:?}");
        }
    }

    #[test]
    fn required_only_checked_on_completion() {
        let a = answers(json!({"why": "partial"}));
        assert!(validate(&questions(), &a, false).is_ok());
        let err = validate(&questions(), &a, true).unwrap_err();
        assert!(err.message_for("answers.nps").is_some());
    }

    #[test]
    fn nps_boundaries() {
        for (v, ok) in [(0, true), (10, true), (-1, false), (11, false)] {
            let a = answers(json!({ "nps": v }));
            assert_eq!(validate(&questions(), &a, false).is_ok(), ok, "nps {v}");
        }
        assert!(validate(&questions(), &answers(json!({"nps": 7.5})), false).is_err());
    }

    #[test]
    fn reads_form_fields_by_type() {
        let f = |k: &str, v: &str| (k.to_string(), v.to_string());
        let fields = vec![
            f("q.nps", "9"),
            f("q.many", "a"),
            f("q.many", "b"),
            f("q.why", "  keeps spaces "),
            f("q.mail", ""),
            f("other", "x"),
        ];
        let a = from_form(&questions(), &fields).unwrap();
        assert_eq!(Value::Object(a), json!({"nps": 9, "many": ["a", "b"], "why": "  keeps spaces "}));
        let err = from_form(&questions(), &[f("q.nps", "lots")]).unwrap_err();
        assert!(err.message_for("answers.nps").is_some());
    }

    #[test]
    fn other_answers_need_their_words() {
        let qs = questions();
        assert!(validate(&qs, &answers(json!({"nps": 5, "one": "other", "one.other": "By post"})), true).is_ok());
        let err = validate(&qs, &answers(json!({"nps": 5, "one": "other"})), true).unwrap_err();
        assert!(err.message_for("answers.one.other").is_some());
        // "many" does not allow other, and a stray ".other" key is refused.
        let err = validate(&qs, &answers(json!({"many": ["other"], "many.other": "x"})), false).unwrap_err();
        assert!(err.message_for("answers.many").is_some() && err.message_for("answers.many.other").is_some());
        let f = |k: &str, v: &str| (k.to_string(), v.to_string());
        let a = from_form(&qs, &[f("q.one", "other"), f("q.one.other", "By post")]).unwrap();
        assert_eq!(Value::Object(a), json!({"one": "other", "one.other": "By post"}));
    }
}
