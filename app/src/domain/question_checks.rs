//! The rules a question's type-specific settings must follow (a rating's
//! scale, choices, a ranking's places, a matrix's rows and columns, number
//! and date ranges, contact and address fields), each problem named by field.

use super::error::Problems;
use super::question_kind::*;

pub fn is_valid_key(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Checks a question's type-specific settings; `at` names a field of question `i`.
pub fn validate_kind(problems: &mut Problems, i: usize, kind: &QuestionKind, required: bool) {
    let at = |f: &str| format!("questions[{i}].{f}");
    let pictures = matches!(kind, QuestionKind::PictureChoice { .. });
    if let Some(choices) = kind.choices() {
        let max = if matches!(kind, QuestionKind::Dropdown { .. }) { MAX_DROPDOWN_CHOICES } else { MAX_CHOICES };
        let min = if matches!(kind, QuestionKind::Ranking { .. }) { 2 } else { 1 };
        validate_choices(problems, &at("choices"), choices, min, max, pictures);
        if kind.allows_other() && choices.iter().any(|c| c.id == OTHER_CHOICE) {
            problems.add(at("choices"), "the choice id 'other' is reserved when allowOther is on");
        }
    }
    match kind {
        QuestionKind::Rating { scale, .. } if !(3..=10).contains(scale) => {
            problems.add(at("scale"), "must be between 3 and 10");
        }
        QuestionKind::Ranking { choices, rank_count: Some(n) } if *n == 0 || usize::from(*n) > choices.len() => {
            problems.add(at("rankCount"), "must be from 1 to the number of choices");
        }
        QuestionKind::Matrix { rows, columns } => {
            if rows.is_empty() || rows.len() > MAX_MATRIX_ROWS {
                problems.add(at("rows"), format!("1–{MAX_MATRIX_ROWS} rows"));
            }
            let mut seen = Vec::new();
            for (j, row) in rows.iter().enumerate() {
                check_key(problems, format!("questions[{i}].rows[{j}].id"), &row.id, &mut seen, "duplicate row id");
                super::survey::check_text(
                    problems,
                    format!("questions[{i}].rows[{j}].label"),
                    &row.label,
                    MAX_LABEL_LEN * 10,
                );
            }
            validate_choices(problems, &at("columns"), columns, 2, MAX_MATRIX_COLUMNS, false);
        }
        QuestionKind::Number { min, max, step, unit } => {
            for (name, value) in [("min", min), ("max", max), ("step", step)] {
                if value.is_some_and(|x| !is_exact_number(x)) {
                    problems.add(at(name), format!("at most {NUMBER_DECIMALS} decimals, and at most {MAX_NUMBER:e}"));
                }
            }
            if let (Some(low), Some(high)) = (min, max) {
                if low > high {
                    problems.add(at("max"), "must not be less than min");
                }
            }
            if step.is_some_and(|s| s <= 0.0) {
                problems.add(at("step"), "must be more than 0");
            }
            if let Some(unit) = unit {
                super::survey::check_text(problems, at("unit"), unit, 20);
            }
        }
        QuestionKind::Date { min, max } => {
            for (name, value) in [("min", min), ("max", max)] {
                if value.as_deref().is_some_and(|d| !is_date(d)) {
                    problems.add(at(name), "must be a date written YYYY-MM-DD");
                }
            }
            if let (Some(low), Some(high)) = (min, max) {
                if is_date(low) && is_date(high) && low > high {
                    problems.add(at("max"), "must not be before min");
                }
            }
        }
        QuestionKind::Consent { label } => {
            super::survey::check_text(problems, at("label"), label, super::survey::MAX_TITLE_LEN)
        }
        QuestionKind::Statement { button_label, button_url } => {
            if required {
                problems.add(at("required"), "a statement has no answer to require");
            }
            match (button_label, button_url) {
                (Some(label), Some(url)) => {
                    super::survey::check_text(problems, at("buttonLabel"), label, MAX_LABEL_LEN);
                    if !is_https_url(url) {
                        problems.add(at("buttonUrl"), "must be an https address");
                    }
                }
                (None, None) => {}
                (None, Some(_)) => problems.add(at("buttonLabel"), "a button needs a label"),
                (Some(_), None) => problems.add(at("buttonUrl"), "a button needs an address"),
            }
        }
        QuestionKind::ContactInfo { fields } => validate_fields(problems, &at("fields"), fields, &CONTACT_FIELDS),
        QuestionKind::Address { fields } => validate_fields(problems, &at("fields"), fields, &ADDRESS_FIELDS),
        _ => {}
    }
}

/// An https address with nothing that could break out of an attribute.
pub fn is_https_url(value: &str) -> bool {
    value.starts_with("https://") && super::survey_options::is_image_url(value)
}

fn check_key<'a>(problems: &mut Problems, field: String, id: &'a str, seen: &mut Vec<&'a str>, duplicate: &str) {
    if !is_valid_key(id) {
        problems.add(field, "1–64 letters, digits, '-' or '_'");
    } else if seen.contains(&id) {
        problems.add(field, duplicate);
    } else {
        seen.push(id);
    }
}

fn validate_choices(problems: &mut Problems, at: &str, choices: &[Choice], min: usize, max: usize, pictures: bool) {
    if choices.len() < min || choices.len() > max {
        problems.add(at, format!("{min}–{max} entries"));
        return;
    }
    let mut seen = Vec::new();
    for (j, c) in choices.iter().enumerate() {
        let field = |f: &str| format!("{at}[{j}].{f}");
        check_key(problems, field("id"), &c.id, &mut seen, "duplicate choice id");
        super::survey::check_text(problems, field("label"), &c.label, super::survey::MAX_TITLE_LEN);
        match (&c.image_url, pictures) {
            (Some(url), true) if !is_https_url(url) => problems.add(field("imageUrl"), "must be an https address"),
            (None, true) => problems.add(field("imageUrl"), "a picture choice needs an image"),
            (Some(_), false) => problems.add(field("imageUrl"), "only picture_choice questions show images"),
            _ => {}
        }
    }
}

fn validate_fields(problems: &mut Problems, at: &str, fields: &[InfoField], allowed: &[&str]) {
    if fields.is_empty() {
        problems.add(at, "at least one field");
    }
    let mut seen = Vec::new();
    for (j, f) in fields.iter().enumerate() {
        let field = format!("{at}[{j}].name");
        if !allowed.contains(&f.name.as_str()) {
            problems.add(field, format!("one of {}", allowed.join(", ")));
        } else if seen.contains(&f.name.as_str()) {
            problems.add(field, "duplicate field");
        } else {
            seen.push(f.name.as_str());
        }
    }
}
