//! Answers and metadata as people read them: choice labels instead of ids,
//! "Other: …" with the respondent's words. One implementation for the
//! dashboard and the exports.

use super::answers::{Answers, CLICKED};
use super::survey::{other_key, Question, QuestionKind, OTHER_CHOICE};
use serde_json::{Map, Value};

/// A question's answer as one text: choice labels, "Other: …", a ranking
/// as "1. …, 2. …", a matrix or contact answer as "part: text" pairs.
pub fn answer(question: &Question, answers: &Answers) -> String {
    let parts = part_columns(question);
    if !parts.is_empty() && !matches!(question.kind, QuestionKind::Ranking { .. }) {
        return parts
            .iter()
            .filter_map(|(name, part)| {
                let text = part_answer(question, answers, part);
                (!text.is_empty()).then(|| format!("{name}: {text}"))
            })
            .collect::<Vec<_>>()
            .join("; ");
    }
    let value = answers.get(&question.id);
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) if question.kind.choices().is_some() => choice_label(question, answers, s),
        Some(Value::String(s)) if s == CLICKED => "Clicked".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(true)) => "Accepted".into(),
        Some(Value::Array(items)) if matches!(question.kind, QuestionKind::Ranking { .. }) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                format!(
                    "{}. {}",
                    i + 1,
                    v.as_str().map_or_else(|| v.to_string(), |id| choice_label(question, answers, id))
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), |id| choice_label(question, answers, id)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    }
}

fn choice_label(question: &Question, answers: &Answers, id: &str) -> String {
    if id == OTHER_CHOICE && question.kind.allows_other() {
        let other_text = answers.get(&other_key(&question.id)).and_then(Value::as_str).unwrap_or_default();
        return format!("Other: {other_text}");
    }
    question.kind.choices().and_then(|cs| cs.iter().find(|c| c.id == id)).map_or(id.to_string(), |c| c.label.clone())
}

/// A part of an answer that has its own column in exports.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// A matrix row, or a contact or address field.
    Key(String),
    /// A ranking's place, from 1.
    Place(usize),
}

/// The parts of a question that get a column each (with the name people
/// read): a matrix's rows, a ranking's places, a contact or address
/// question's fields. Empty for the other types, which take one column.
pub fn part_columns(question: &Question) -> Vec<(String, Part)> {
    let english = super::i18n::messages("en");
    match &question.kind {
        QuestionKind::Matrix { rows, .. } => rows.iter().map(|r| (r.label.clone(), Part::Key(r.id.clone()))).collect(),
        QuestionKind::Ranking { .. } => {
            (1..=question.kind.ranked_places()).map(|n| (format!("#{n}"), Part::Place(n))).collect()
        }
        QuestionKind::ContactInfo { fields } | QuestionKind::Address { fields } => {
            fields.iter().map(|f| (english.field_label(&f.name).to_string(), Part::Key(f.name.clone()))).collect()
        }
        _ => Vec::new(),
    }
}

/// One part of an answer as text (a matrix row's column label, a ranked choice's label).
pub fn part_answer(question: &Question, answers: &Answers, part: &Part) -> String {
    let answer = answers.get(&question.id);
    let value = match part {
        Part::Key(key) => answer.and_then(|a| a.get(key.as_str())),
        Part::Place(n) => answer.and_then(|a| a.get(n - 1)),
    };
    let Some(text) = value.and_then(Value::as_str) else { return String::new() };
    match &question.kind {
        QuestionKind::Matrix { columns, .. } => {
            columns.iter().find(|c| c.id == text).map_or(text.to_string(), |c| c.label.clone())
        }
        QuestionKind::Ranking { .. } => choice_label(question, answers, text),
        _ => text.to_string(),
    }
}

/// A flat map's value as text: strings as they are, others as JSON.
pub fn value_text(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_string)
}

/// Metadata as `key: value` lines, in key order.
pub fn metadata(metadata: &Map<String, Value>) -> String {
    let mut pairs: Vec<String> = metadata.iter().map(|(k, v)| format!("{k}: {}", value_text(v))).collect();
    pairs.sort();
    pairs.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn choices_read_as_labels_and_other_as_words() {
        let q: Question = serde_json::from_value(json!({"id": "q", "type": "multiple_choice", "title": "T",
            "allowOther": true, "choices": [{"id": "a", "label": "Apples"}]}))
        .unwrap();
        let answers = json!({"q": ["a", "other"], "q.other": "Pears"});
        assert_eq!(answer(&q, answers.as_object().unwrap()), "Apples, Other: Pears");
        assert_eq!(metadata(json!({"b": 2, "a": "x"}).as_object().unwrap()), "a: x\nb: 2");
    }

    #[test]
    fn new_types_read_as_people_say_them() {
        let q = |v: serde_json::Value| -> Question { serde_json::from_value(v).unwrap() };
        let matrix = q(json!({"id": "m", "type": "matrix", "title": "T",
            "rows": [{"id": "speed", "label": "Speed"}, {"id": "price", "label": "Price"}],
            "columns": [{"id": "good", "label": "Good"}, {"id": "bad", "label": "Bad"}]}));
        let ranking = q(json!({"id": "r", "type": "ranking", "title": "T",
            "choices": [{"id": "a", "label": "Apples"}, {"id": "b", "label": "Bananas"}]}));
        let contact = q(
            json!({"id": "c", "type": "contact_info", "title": "T", "fields": [{"name": "firstName"}, {"name": "email"}]}),
        );
        let answers = json!({"m": {"speed": "good", "price": "bad"}, "r": ["b", "a"], "c": {"email": "a@b.co"}});
        let answers = answers.as_object().unwrap();
        assert_eq!(answer(&matrix, answers), "Speed: Good; Price: Bad");
        assert_eq!(answer(&ranking, answers), "1. Bananas, 2. Apples");
        assert_eq!(answer(&contact, answers), "Email: a@b.co");
        let columns = part_columns(&ranking);
        assert_eq!(columns.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["#1", "#2"]);
        assert_eq!(part_answer(&ranking, answers, &columns[0].1), "Bananas");
        assert_eq!(part_answer(&matrix, answers, &Part::Key("price".into())), "Bad");
        let consent = q(json!({"id": "ok", "type": "consent", "title": "T", "label": "Yes"}));
        assert_eq!(answer(&consent, json!({"ok": true}).as_object().unwrap()), "Accepted");
    }
}
