//! Whether one answer has the shape and range its question's type allows.
//! Required answers are checked apart (see `validate`): here `null` is
//! always fine, it clears an answer.

use super::MAX_TEXT_ANSWER;
use crate::domain::question_kind::{
    format_number, is_date, is_exact_number, thousandths, Choice, QuestionKind, EVERY_TYPE_BUILT, OTHER_CHOICE,
};
use serde_json::Value;

/// The longest text of one contact or address field.
pub const MAX_FIELD_TEXT: usize = 500;

pub fn check_value(kind: &QuestionKind, value: &Value) -> Result<(), String> {
    if value.is_null() {
        return Ok(());
    }
    if let Some((min, max)) = kind.scale() {
        return match value.as_i64() {
            Some(n) if (min..=max).contains(&n) => Ok(()),
            _ => Err(format!("must be a whole number from {min} to {max}")),
        };
    }
    match kind {
        QuestionKind::SingleChoice { choices, allow_other } => one_choice(choices, *allow_other, value),
        QuestionKind::MultipleChoice { choices, allow_other } => {
            distinct_ids(value, |id| is_choice(choices, id) || (*allow_other && id == OTHER_CHOICE))
                .map(|_| ())
                .ok_or_else(|| "must be a list of distinct choice ids of this question".into())
        }
        QuestionKind::Text { .. } => match value.as_str() {
            Some(s) if s.chars().count() <= MAX_TEXT_ANSWER => Ok(()),
            Some(_) => Err(format!("must be at most {MAX_TEXT_ANSWER} characters")),
            None => Err("must be text".into()),
        },
        QuestionKind::Email => match value.as_str() {
            Some(s) if super::looks_like_email(s) => Ok(()),
            _ => Err("must be an email address".into()),
        },
        QuestionKind::Nps | QuestionKind::Rating { .. } | QuestionKind::Csat => Ok(()),
        // Left out of the classic widget bundle, which never shows these types.
        newer if EVERY_TYPE_BUILT => check_newer_value(newer, value),
        _ => Err("is of a type this widget cannot check".into()),
    }
}

fn is_choice(choices: &[Choice], id: &str) -> bool {
    choices.iter().any(|c| c.id == id)
}

fn one_choice(choices: &[Choice], allow_other: bool, value: &Value) -> Result<(), String> {
    match value.as_str() {
        Some(id) if is_choice(choices, id) || (allow_other && id == OTHER_CHOICE) => Ok(()),
        _ => Err("must be the id of one of the question's choices".into()),
    }
}

/// The ten types beyond the classic seven (those are checked by `check_value`).
fn check_newer_value(kind: &QuestionKind, value: &Value) -> Result<(), String> {
    match kind {
        QuestionKind::Dropdown { choices, allow_other } => one_choice(choices, *allow_other, value),
        QuestionKind::PictureChoice { choices, multiple: false } => match value.as_str() {
            Some(id) if is_choice(choices, id) => Ok(()),
            _ => Err("must be the id of one of the question's choices".into()),
        },
        QuestionKind::PictureChoice { choices, multiple: true } => distinct_ids(value, |id| is_choice(choices, id))
            .map(|_| ())
            .ok_or_else(|| "must be a list of distinct choice ids of this question".into()),
        QuestionKind::Ranking { choices, .. } => {
            let places = kind.ranked_places();
            match distinct_ids(value, |id| is_choice(choices, id)) {
                Some(n) if n == places => Ok(()),
                _ => Err(format!("must list {places} distinct choice ids of this question, first place first")),
            }
        }
        QuestionKind::Matrix { rows, columns } => {
            let object = value.as_object().ok_or("must be an object of row id → column id")?;
            for (row, column) in object {
                if !rows.iter().any(|r| &r.id == row) {
                    return Err(format!("'{row}' is not a row of this question"));
                }
                if !column.is_null() && !column.as_str().is_some_and(|c| is_choice(columns, c)) {
                    return Err(format!("row '{row}' must be answered with a column id"));
                }
            }
            Ok(())
        }
        QuestionKind::Number { min, max, step, .. } => {
            let x = value.as_f64().filter(|x| is_exact_number(*x)).ok_or("must be a number with at most 3 decimals")?;
            // Messages print numbers by hand (see `format_number`): no float printing in the widget.
            if min.is_some_and(|m| x < m) || max.is_some_and(|m| x > m) {
                return Err(match (min, max) {
                    (Some(low), Some(high)) => {
                        format!("must be from {} to {}", format_number(*low), format_number(*high))
                    }
                    (Some(low), None) => format!("must be at least {}", format_number(*low)),
                    (_, high) => format!("must be at most {}", format_number(high.unwrap_or_default())),
                });
            }
            if let Some(step) = step {
                let from = min.unwrap_or(0.0);
                let (offset, step_t) = (thousandths(x) - thousandths(from), thousandths(*step));
                if step_t > 0 && offset % step_t != 0 {
                    return Err(format!("must be {} plus a multiple of {}", format_number(from), format_number(*step)));
                }
            }
            Ok(())
        }
        QuestionKind::Date { min, max } => {
            let date = value.as_str().filter(|d| is_date(d)).ok_or("must be a date written YYYY-MM-DD")?;
            if min.as_deref().is_some_and(|m| date < m) || max.as_deref().is_some_and(|m| date > m) {
                return Err(format!(
                    "must be from {} to {}",
                    min.as_deref().unwrap_or("any date"),
                    max.as_deref().unwrap_or("any date")
                ));
            }
            Ok(())
        }
        QuestionKind::Consent { .. } => match value {
            Value::Bool(true) => Ok(()),
            _ => Err("must be true (consent given), or null".into()),
        },
        QuestionKind::Statement { .. } => match value.as_str() {
            Some(CLICKED) => Ok(()),
            _ => Err(format!("must be \"{CLICKED}\" (the button was followed), or null")),
        },
        QuestionKind::ContactInfo { fields } | QuestionKind::Address { fields } => {
            let object = value.as_object().ok_or("must be an object of field name → text")?;
            for (name, text) in object {
                if !fields.iter().any(|f| &f.name == name) {
                    return Err(format!("'{name}' is not a field of this question"));
                }
                let Some(text) = text.as_str() else {
                    if text.is_null() {
                        continue;
                    }
                    return Err(format!("'{name}' must be text"));
                };
                if text.chars().count() > MAX_FIELD_TEXT || text.chars().any(crate::domain::survey::is_forbidden_char) {
                    return Err(format!("'{name}' must be at most {MAX_FIELD_TEXT} characters of text"));
                }
                match name.as_str() {
                    "email" if !super::looks_like_email(text) => return Err("'email' must be an email address".into()),
                    "phone" if !looks_like_phone(text) => return Err("'phone' must be a phone number".into()),
                    _ => {}
                }
            }
            Ok(())
        }
        // The classic seven are checked by `check_value`, never sent here.
        _ => Err("is of a type this widget cannot check".into()),
    }
}

/// The answer of a statement whose button was followed.
pub const CLICKED: &str = "clicked";

/// How many ids a list holds when it is a list of distinct ids that `valid`
/// accepts. A list rather than a hash set: `seen` holds only distinct valid
/// ids, never more than the question's choices, and the widget's wasm is
/// spared a hash table.
fn distinct_ids(value: &Value, valid: impl Fn(&str) -> bool) -> Option<usize> {
    let mut seen: Vec<&str> = Vec::new();
    for id in value.as_array()? {
        match id.as_str() {
            Some(id) if valid(id) && !seen.contains(&id) => seen.push(id),
            _ => return None,
        }
    }
    Some(seen.len())
}

/// Digits with the usual separators: 5 to 20 digits.
pub fn looks_like_phone(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    (5..=20).contains(&digits) && text.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c))
}
