//! Answers to a survey: checking them against the questions, and reading them
//! from a plain HTML form post (the widget's no-JavaScript path and its
//! hydrated path both send form fields, so both go through `from_form`).

mod form;
mod value;

pub use form::from_form;
pub use value::{looks_like_phone, CLICKED, MAX_FIELD_TEXT};

use super::error::{AppError, Problems};
use super::logic::{walk, Walk};
use super::question_kind::EVERY_TYPE_BUILT;
use super::survey::{other_key, Question, QuestionKind, OTHER_CHOICE};
use serde_json::{Map, Value};
use value::check_value;

/// `{questionId: value}` as stored and as the API shows it.
pub type Answers = Map<String, Value>;

pub const MAX_TEXT_ANSWER: usize = 10_000;
/// The form field name of a question's answer control.
pub fn field_name(question_id: &str) -> String {
    format!("q.{question_id}")
}

/// Checks `answers` against `questions`. With `completing`, every required
/// question the answers lead to must be answered. Errors name
/// `answers.<questionId>`.
pub fn validate(questions: &[Question], answers: &Answers, completing: bool) -> Result<(), AppError> {
    let walked = completing.then(|| walk(questions, &[], &[], answers, Default::default(), None));
    validate_walked(questions, answers, walked.as_ref())
}

/// As [`validate`], completing along `walk` when given: the questions it asks
/// are required when they are, or when logic made them so.
pub fn validate_walked(questions: &[Question], answers: &Answers, completing: Option<&Walk>) -> Result<(), AppError> {
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
                } else if let Some(broken) = super::validation_rules::broken_rule(&q.validation, value) {
                    problems.add(field, broken.english());
                }
            }
        }
    }
    if let Some(walk) = completing {
        // Only questions the answers lead to are required.
        let asked = || walk.path.iter().map(|i| (*i, &questions[*i]));
        for (i, q) in asked() {
            for key in unanswered_required(q, walk.requires(i, q), answers) {
                problems.add(format!("answers.{key}"), "this question requires an answer");
            }
        }
        // "Other" needs its words.
        for (_, q) in asked().filter(|(_, q)| q.kind.allows_other()) {
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

/// The answers keys a completed response lacks for `question`: the
/// question's id, or `<id>.<part>` for a matrix row or a contact or address
/// field that must be answered on its own.
fn unanswered_required(question: &Question, required: bool, answers: &Answers) -> Vec<String> {
    let answer = answers.get(&question.id).filter(|v| !v.is_null());
    let part_given = |part: &str| {
        answer.and_then(|a| a.get(part)).is_some_and(|v| v.as_str().map_or(!v.is_null(), |s| !s.trim().is_empty()))
    };
    let mut missing = Vec::new();
    match &question.kind {
        QuestionKind::Statement { .. } => {}
        QuestionKind::Matrix { rows, .. } if EVERY_TYPE_BUILT => {
            for row in rows.iter().filter(|r| (required || r.required) && !part_given(&r.id)) {
                missing.push(format!("{}.{}", question.id, row.id));
            }
        }
        QuestionKind::ContactInfo { fields } | QuestionKind::Address { fields } if EVERY_TYPE_BUILT => {
            for field in fields.iter().filter(|f| f.required && !part_given(&f.name)) {
                missing.push(format!("{}.{}", question.id, field.name));
            }
            if required && missing.is_empty() && !fields.iter().any(|f| part_given(&f.name)) {
                missing.push(question.id.clone());
            }
        }
        _ if required && answer.is_none() => missing.push(question.id.clone()),
        _ => {}
    }
    missing
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
            logic: Vec::new(),
            validation: Default::default(),
            shuffle: false,
        };
        let choices = vec![Choice::new("a", "A"), Choice::new("b", "B")];
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

    fn rich() -> Vec<Question> {
        let q = |id: &str, required, kind: Value| Question {
            id: id.into(),
            title: id.into(),
            description: None,
            required,
            kind: serde_json::from_value(kind).unwrap(),
            show_if: None,
            logic: Vec::new(),
            validation: Default::default(),
            shuffle: false,
        };
        let abc = json!([{"id": "a", "label": "A"}, {"id": "b", "label": "B"}, {"id": "c", "label": "C"}]);
        let pics = json!([{"id": "a", "label": "A", "imageUrl": "https://x.example/a.png"},
                          {"id": "b", "label": "B", "imageUrl": "https://x.example/b.png"}]);
        vec![
            q("drop", false, json!({"type": "dropdown", "choices": abc, "allowOther": true})),
            q("rank", false, json!({"type": "ranking", "choices": abc, "rankCount": 2})),
            q(
                "grid",
                false,
                json!({"type": "matrix", "rows": [{"id": "speed", "label": "Speed", "required": true}, {"id": "price", "label": "Price"}],
                "columns": [{"id": "good", "label": "Good"}, {"id": "bad", "label": "Bad"}]}),
            ),
            q("num", false, json!({"type": "number", "min": 0, "max": 10, "step": 0.5})),
            q("day", false, json!({"type": "date", "min": "2026-01-01", "max": "2026-12-31"})),
            q("ok", true, json!({"type": "consent", "label": "I agree"})),
            q("cta", false, json!({"type": "statement", "buttonLabel": "Read", "buttonUrl": "https://x.example"})),
            q("pic", false, json!({"type": "picture_choice", "choices": pics, "multiple": true})),
            q(
                "who",
                false,
                json!({"type": "contact_info", "fields": [{"name": "firstName"}, {"name": "email", "required": true}, {"name": "phone"}]}),
            ),
            q("where", true, json!({"type": "address", "fields": [{"name": "line1"}, {"name": "city"}]})),
        ]
    }

    #[test]
    fn every_new_type_accepts_its_answer() {
        let a = answers(json!({
            "drop": "other", "drop.other": "D", "rank": ["c", "a"], "grid": {"speed": "good"}, "num": 7.5,
            "day": "2026-02-28", "ok": true, "cta": "clicked", "pic": ["b"],
            "who": {"firstName": "Ana", "email": "ana@example.com", "phone": "+30 210 1234567"},
            "where": {"city": "Athens"}
        }));
        assert_eq!(validate(&rich(), &a, true), Ok(()));
    }

    #[test]
    fn every_new_type_refuses_what_it_cannot_hold() {
        let a = answers(json!({
            "drop": "zzz", "rank": ["a", "a"], "grid": {"speed": "meh"}, "num": 7.25, "day": "2027-01-01",
            "ok": false, "cta": "seen", "pic": "a", "who": {"email": "nope"}, "where": {"planet": "Mars"}
        }));
        let err = validate(&rich(), &a, false).unwrap_err();
        for f in ["drop", "rank", "grid", "num", "day", "ok", "cta", "pic", "who", "where"] {
            assert!(err.message_for(&format!("answers.{f}")).is_some(), "{f}: {err:?}");
        }
        let short = validate(&rich(), &answers(json!({"rank": ["a"], "num": 11})), false).unwrap_err();
        assert!(short.message_for("answers.rank").is_some_and(|m| m.contains('2')), "{short:?}");
        assert!(short.message_for("answers.num").is_some());
    }

    #[test]
    fn parts_are_required_on_their_own() {
        // The matrix row "speed", the contact's email, the consent, and the address as a whole.
        let err = validate(&rich(), &answers(json!({"grid": {"price": "bad"}, "who": {"firstName": "Ana"}})), true)
            .unwrap_err();
        for f in ["answers.grid.speed", "answers.who.email", "answers.ok", "answers.where"] {
            assert!(err.message_for(f).is_some(), "{f}: {err:?}");
        }
        assert!(err.message_for("answers.grid.price").is_none() && err.message_for("answers.cta").is_none());
        let blank = validate(&rich(), &answers(json!({"where": {"city": "  "}})), true).unwrap_err();
        assert!(blank.message_for("answers.where").is_some(), "blank text is no answer");
    }

    #[test]
    fn reads_every_new_type_from_form_fields() {
        let f = |k: &str, v: &str| (k.to_string(), v.to_string());
        let fields = vec![
            f("q.drop", "b"),
            f("q.rank.1", "c"),
            f("q.rank.2", "b"),
            f("q.grid.speed", "good"),
            f("q.grid.price", ""),
            f("q.num", "7.5"),
            f("q.day", "2026-03-01"),
            f("q.ok", "true"),
            f("q.cta", "clicked"),
            f("q.pic", "a"),
            f("q.pic", "b"),
            f("q.who.firstName", " Ana "),
            f("q.who.email", "ana@example.com"),
            f("q.where.city", ""),
        ];
        let a = from_form(&rich(), &fields).unwrap();
        assert_eq!(
            Value::Object(a.clone()),
            json!({"drop": "b", "rank": ["c", "b"], "grid": {"speed": "good"}, "num": 7.5, "day": "2026-03-01",
                   "ok": true, "cta": "clicked", "pic": ["a", "b"], "who": {"firstName": "Ana", "email": "ana@example.com"}})
        );
        assert_eq!(validate(&rich(), &a, false), Ok(()));
        assert_eq!(from_form(&rich(), &[f("q.num", "8")]).unwrap()["num"], json!(8), "whole numbers stay whole");
        assert!(from_form(&rich(), &[f("q.num", "eight")]).unwrap_err().message_for("answers.num").is_some());
    }
}
