//! What changed in one question between two published versions, part by
//! part: the versions view says "q2: title; choices: added c4, relabelled a"
//! rather than only "q2 changed".

use super::survey::{Question, QuestionKind};
use serde::{Deserialize, Serialize};

/// The changes to one question kept from the version before.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct QuestionChange {
    pub question: String,
    /// Which parts changed, of: `title`, `description`, `required`,
    /// `settings` (the type's own, e.g. a rating's scale), `choices`,
    /// `order` (of its choices, rows or columns), `showIf`, `logic`,
    /// `validation`, `shuffle`.
    pub parts: Vec<String>,
    /// Choice ids (a matrix's row and column ids) new in this version.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<String>,
    /// Choice ids gone in this version (their stored answers stay readable).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
    /// Choice ids kept with another label or image (answers keep their id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relabelled: Vec<String>,
}

/// A question's options as (id, how it is shown): choices, or a matrix's
/// rows then columns.
fn options(kind: &QuestionKind) -> Vec<(String, String)> {
    let mut listed: Vec<(String, String)> = kind
        .choices()
        .unwrap_or_default()
        .iter()
        .map(|c| (c.id.clone(), format!("{}\u{1f}{}", c.label, c.image_url.as_deref().unwrap_or_default())))
        .collect();
    if let QuestionKind::Matrix { rows, columns } = kind {
        listed.extend(rows.iter().map(|r| (r.id.clone(), r.label.clone())));
        listed.extend(columns.iter().map(|c| (c.id.clone(), c.label.clone())));
    }
    listed
}

/// The type's own settings without its options (compared separately).
fn settings(kind: &QuestionKind) -> QuestionKind {
    let mut kind = kind.clone();
    if let Some(choices) = kind.choices_mut() {
        // Anchoring is part of shuffling; compare it there.
        choices.clear();
    }
    // A matrix row's own `required` is a setting; its label is compared with the options.
    if let QuestionKind::Matrix { rows, .. } = &mut kind {
        for row in rows.iter_mut() {
            row.label.clear();
        }
        rows.retain(|r| r.required);
    }
    kind
}

/// What differs between `before` and `after` (the same question id); `None`
/// when nothing does.
pub fn differences(before: &Question, after: &Question) -> Option<QuestionChange> {
    let mut change = QuestionChange { question: after.id.clone(), ..Default::default() };
    let mut part = |changed: bool, name: &str| {
        if changed {
            change.parts.push(name.to_string());
        }
    };
    part(before.title != after.title, "title");
    part(before.description != after.description, "description");
    part(before.required != after.required, "required");
    part(settings(&before.kind) != settings(&after.kind), "settings");
    let (old, new) = (options(&before.kind), options(&after.kind));
    let has = |list: &[(String, String)], id: &str| list.iter().any(|(i, _)| i == id);
    let added: Vec<String> = new.iter().filter(|(id, _)| !has(&old, id)).map(|(id, _)| id.clone()).collect();
    let removed: Vec<String> = old.iter().filter(|(id, _)| !has(&new, id)).map(|(id, _)| id.clone()).collect();
    let relabelled: Vec<String> = new
        .iter()
        .filter(|(id, shown)| old.iter().any(|(o, was)| o == id && was != shown))
        .map(|(id, _)| id.clone())
        .collect();
    part(!added.is_empty() || !removed.is_empty() || !relabelled.is_empty(), "choices");
    let kept = |list: &[(String, String)], other: &[(String, String)]| -> Vec<String> {
        list.iter().filter(|(id, _)| has(other, id)).map(|(id, _)| id.clone()).collect()
    };
    part(kept(&old, &new) != kept(&new, &old), "order");
    part(before.show_if != after.show_if, "showIf");
    part(before.logic != after.logic, "logic");
    part(before.validation != after.validation, "validation");
    let anchors = |q: &Question| -> Vec<String> {
        q.kind.choices().unwrap_or_default().iter().filter(|c| c.anchored).map(|c| c.id.clone()).collect()
    };
    part(before.shuffle != after.shuffle || anchors(before) != anchors(after), "shuffle");
    change.added = added;
    change.removed = removed;
    change.relabelled = relabelled;
    (!change.parts.is_empty()).then_some(change)
}

/// In words, for the dashboard: "title; choices (added c4; relabelled a)".
pub fn describe(change: &QuestionChange) -> String {
    change
        .parts
        .iter()
        .map(|part| {
            if part != "choices" {
                return part.clone();
            }
            let mut details = Vec::new();
            for (label, ids) in
                [("added", &change.added), ("removed", &change.removed), ("relabelled", &change.relabelled)]
            {
                if !ids.is_empty() {
                    details.push(format!("{label} {}", ids.join(", ")));
                }
            }
            format!("choices ({})", details.join("; "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(value: serde_json::Value) -> Question {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn an_unchanged_question_has_no_differences() {
        let a = q(json!({"id": "q1", "type": "nps", "title": "Likely?"}));
        assert_eq!(differences(&a, &a.clone()), None);
    }

    #[test]
    fn each_part_is_named() {
        let before = q(json!({"id": "q1", "type": "single_choice", "title": "Which?", "choices": [
            {"id": "a", "label": "Food"}, {"id": "b", "label": "Service"}, {"id": "c", "label": "Price"}]}));
        let after = q(json!({"id": "q1", "type": "single_choice", "title": "Which one?", "required": true,
            "allowOther": true, "shuffle": true, "choices": [
            {"id": "b", "label": "Service"}, {"id": "a", "label": "Meals"}, {"id": "d", "label": "Wait", "anchored": true}]}));
        let change = differences(&before, &after).unwrap();
        assert_eq!(change.parts, ["title", "required", "settings", "choices", "order", "shuffle"]);
        assert_eq!(
            (change.added, change.removed, change.relabelled),
            (vec!["d".to_string()], vec!["c".to_string()], vec!["a".to_string()])
        );
        let change = differences(&before, &after).unwrap();
        assert_eq!(
            describe(&change),
            "title; required; settings; choices (added d; removed c; relabelled a); order; shuffle"
        );
    }

    #[test]
    fn matrix_rows_and_columns_logic_and_rules_count() {
        let before = q(json!({"id": "m", "type": "matrix", "title": "Rate",
            "rows": [{"id": "r1", "label": "Speed"}], "columns": [{"id": "y", "label": "Good"}]}));
        let after = q(json!({"id": "m", "type": "matrix", "title": "Rate",
            "rows": [{"id": "r1", "label": "Speed", "required": true}], "columns": [{"id": "y", "label": "Good"}, {"id": "n", "label": "Bad"}],
            "showIf": {"hidden": "source", "op": "eq", "value": "app"}}));
        let change = differences(&before, &after).unwrap();
        assert_eq!(change.parts, ["settings", "choices", "showIf"], "a row made required is a setting");
        assert_eq!((change.added, change.relabelled), (vec!["n".to_string()], Vec::<String>::new()));
        let text = q(json!({"id": "t", "type": "text", "title": "Why?"}));
        let ruled = q(json!({"id": "t", "type": "text", "title": "Why?", "validation": {"maxLength": 20},
            "logic": [{"actions": [{"type": "jump", "ending": "bye"}]}]}));
        assert_eq!(differences(&text, &ruled).unwrap().parts, ["logic", "validation"]);
    }
}
