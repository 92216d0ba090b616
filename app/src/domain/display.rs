//! Answers and metadata as people read them: choice labels instead of ids,
//! "Other: …" with the respondent's words. One implementation for the
//! dashboard and the exports.

use super::answers::Answers;
use super::survey::{other_key, Question, OTHER_CHOICE};
use serde_json::{Map, Value};

pub fn answer(question: &Question, answers: &Answers) -> String {
    let value = answers.get(&question.id);
    let other_text = answers.get(&other_key(&question.id)).and_then(Value::as_str).unwrap_or_default();
    let label = |id: &str| {
        if id == OTHER_CHOICE && question.kind.allows_other() {
            return format!("Other: {other_text}");
        }
        question
            .kind
            .choices()
            .and_then(|cs| cs.iter().find(|c| c.id == id))
            .map_or(id.to_string(), |c| c.label.clone())
    };
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) if question.kind.choices().is_some() => label(s),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => {
            items.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), label)).collect::<Vec<_>>().join(", ")
        }
        Some(other) => other.to_string(),
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
}
