//! Answers read from a plain HTML form post: the widget's no-JavaScript path
//! and its hydrated path both send form fields, so both come through here.
//!
//! A question's control is named `q.<questionId>`; a part answered on its
//! own (a matrix row, a contact or address field, a ranking's place n) is
//! named `q.<questionId>.<part>`.

use super::{field_name, Answers, Value};
use crate::domain::error::{AppError, Problems};
use crate::domain::question_kind::{
    is_exact_number, other_key, parse_thousandths, QuestionKind, EVERY_TYPE_BUILT, OTHER_CHOICE,
};
use crate::domain::survey::Question;

/// Reads answers from form fields. Empty fields mean "not answered". Values
/// that cannot be read for the question's type are reported per field;
/// other field names are ignored.
pub fn from_form(questions: &[Question], fields: &[(String, String)]) -> Result<Answers, AppError> {
    let mut answers = Answers::new();
    let mut problems = Problems::default();
    let given = |name: &str| -> Vec<&str> {
        fields.iter().filter(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.as_str()).collect()
    };
    for q in questions {
        let name = field_name(&q.id);
        // Only the newer types have parts (the classic widget bundle leaves them out).
        let parts = if EVERY_TYPE_BUILT { q.kind.parts() } else { Vec::new() };
        if EVERY_TYPE_BUILT && (!parts.is_empty() || matches!(q.kind, QuestionKind::Ranking { .. })) {
            if let Some(value) = composite(&q.kind, &parts, |part| given(&format!("{name}.{part}")).first().copied()) {
                answers.insert(q.id.clone(), value);
            }
            continue;
        }
        let values = given(&name);
        if values.is_empty() {
            continue;
        }
        let value = match &q.kind {
            kind if kind.answers_many() => Value::Array(values.iter().map(|v| Value::String(v.to_string())).collect()),
            kind if kind.scale().is_some() => match values[0].trim().parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => {
                    problems.add(format!("answers.{}", q.id), "must be a number");
                    continue;
                }
            },
            QuestionKind::Number { .. } if EVERY_TYPE_BUILT => match parse_thousandths(values[0]) {
                Some(t) if is_exact_number(t as f64 / 1_000.0) => number(t),
                _ => {
                    problems.add(format!("answers.{}", q.id), "must be a number with at most 3 decimals");
                    continue;
                }
            },
            QuestionKind::Consent { .. } => Value::Bool(true),
            QuestionKind::Email | QuestionKind::Date { .. } => Value::String(values[0].trim().to_string()),
            _ => Value::String(values[0].to_string()),
        };
        let chose_other = q.kind.allows_other() && values.contains(&OTHER_CHOICE);
        answers.insert(q.id.clone(), value);
        if chose_other {
            if let Some(text) = given(&field_name(&other_key(&q.id))).first() {
                answers.insert(other_key(&q.id), Value::String(text.to_string()));
            }
        }
    }
    problems.into_result().map(|_| answers)
}

/// A number from whole thousandths; a whole number as an integer, so `5`
/// reads back as `5` and not `5.0`.
fn number(thousandths: i64) -> Value {
    if thousandths % 1_000 == 0 {
        Value::from(thousandths / 1_000)
    } else {
        Value::from(thousandths as f64 / 1_000.0)
    }
}

/// The answer of a question whose parts are separate fields: a ranking's
/// places in order, or an object of the answered parts; `None` when no part
/// was answered.
fn composite<'a>(kind: &QuestionKind, parts: &[&str], field: impl Fn(&str) -> Option<&'a str>) -> Option<Value> {
    if matches!(kind, QuestionKind::Ranking { .. }) {
        let places: Vec<Value> = (1..=kind.ranked_places())
            .filter_map(|n| field(&n.to_string()))
            .map(|id| Value::String(id.into()))
            .collect();
        return (!places.is_empty()).then_some(Value::Array(places));
    }
    let mut object = serde_json::Map::new();
    for part in parts {
        if let Some(text) = field(part) {
            object.insert(part.to_string(), Value::String(text.trim().to_string()));
        }
    }
    (!object.is_empty()).then_some(Value::Object(object))
}
