//! The conditions an invite setting may put on an event
//! (`metadata.store == "athens"`, `products[].brand in [...]`), evaluated over
//! the event as stored, so the outcome can always be explained.

use crate::domain::error::Problems;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How a condition compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    /// Some value at the field equals `value`.
    Eq,
    /// No value at the field equals `value`.
    Ne,
    /// Some value at the field is one of `value` (a list).
    In,
    /// No value at the field is one of `value` (a list).
    NotIn,
    /// Some value at the field contains the text `value` (ignoring case).
    Contains,
    /// `value: true`: the field is present and not empty; `false`: it is absent.
    Exists,
}

/// One test over the event, e.g. `{"field": "products[].brand", "operator": "in", "value": ["acme"]}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Condition {
    /// A path into the event: `metadata.store`, `customer.email`, `products[].brand`.
    pub field: String,
    pub operator: Operator,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub value: Value,
}

/// The top-level event keys a condition may look at.
const EVENT_FIELDS: &[&str] = &[
    "type",
    "channel",
    "customer",
    "transaction",
    "system",
    "systemVersion",
    "products",
    "metadata",
    "defaultLocale",
    "estimatedDeliveryDate",
];

impl Condition {
    pub fn validate(&self, problems: &mut Problems, at: &str) {
        let first = self.field.split(['.', '[']).next().unwrap_or("");
        let segments_ok = self.field.split('.').all(|s| {
            let name = s.strip_suffix("[]").unwrap_or(s);
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        });
        if !EVENT_FIELDS.contains(&first) || !segments_ok || self.field.len() > 200 {
            problems.add(
                format!("{at}.field"),
                format!(
                    "a path into the event starting with one of {}, e.g. metadata.store or products[].brand",
                    EVENT_FIELDS.join(", ")
                ),
            );
        }
        let scalar = |v: &Value| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_));
        let ok = match self.operator {
            Operator::Eq | Operator::Ne => scalar(&self.value),
            Operator::Contains => self.value.is_string(),
            Operator::In | Operator::NotIn => self
                .value
                .as_array()
                .is_some_and(|list| !list.is_empty() && list.len() <= 100 && list.iter().all(scalar)),
            Operator::Exists => self.value.is_boolean(),
        };
        if !ok {
            let wants = match self.operator {
                Operator::Eq | Operator::Ne => "a string, number or boolean",
                Operator::Contains => "a string",
                Operator::In | Operator::NotIn => "a list of 1–100 strings, numbers or booleans",
                Operator::Exists => "true or false",
            };
            problems.add(format!("{at}.value"), format!("must be {wants} for {:?}", self.operator));
        }
    }

    /// Does the event satisfy this condition?
    pub fn holds(&self, event: &Value) -> bool {
        let found = values_at(event, &self.field);
        let texts: Vec<String> = found.iter().filter_map(|v| scalar_text(v)).collect();
        match self.operator {
            Operator::Eq => scalar_text(&self.value).is_some_and(|want| texts.contains(&want)),
            Operator::Ne => scalar_text(&self.value).is_some_and(|want| !texts.contains(&want)),
            Operator::In => list_texts(&self.value).iter().any(|want| texts.contains(want)),
            Operator::NotIn => !list_texts(&self.value).iter().any(|want| texts.contains(want)),
            Operator::Contains => {
                let want = self.value.as_str().unwrap_or("").to_lowercase();
                texts.iter().any(|t| t.to_lowercase().contains(&want))
            }
            Operator::Exists => {
                let present = found.iter().any(|v| !v.is_null() && v.as_str() != Some(""));
                present == self.value.as_bool().unwrap_or(true)
            }
        }
    }

    /// Human-readable: `metadata.store == "athens"`.
    pub fn describe(&self) -> String {
        let op = match self.operator {
            Operator::Eq => "==",
            Operator::Ne => "!=",
            Operator::In => "in",
            Operator::NotIn => "not in",
            Operator::Contains => "contains",
            Operator::Exists => "exists",
        };
        format!("{} {op} {}", self.field, self.value)
    }
}

/// Strings as they are, numbers and booleans as their JSON text, so `"42"` and `42` compare equal.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) => Some(value.to_string()),
        _ => None,
    }
}

fn list_texts(value: &Value) -> Vec<String> {
    value.as_array().map(|l| l.iter().filter_map(scalar_text).collect()).unwrap_or_default()
}

/// Every value at `path`; `name[]` steps into each element of an array.
fn values_at<'a>(root: &'a Value, path: &str) -> Vec<&'a Value> {
    let mut current = vec![root];
    for segment in path.split('.') {
        let (name, each) = match segment.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (segment, false),
        };
        let mut next = Vec::new();
        for value in current {
            let Some(child) = value.get(name) else { continue };
            match (each, child) {
                (true, Value::Array(items)) => next.extend(items.iter()),
                (true, _) => {}
                (false, child) => next.push(child),
            }
        }
        current = next;
    }
    current
}

/// True when every condition holds (no conditions: always).
pub fn all_hold(conditions: &[Condition], event: &Value) -> bool {
    conditions.iter().all(|c| c.holds(event))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn condition(field: &str, operator: Operator, value: Value) -> Condition {
        Condition { field: field.into(), operator, value }
    }

    #[test]
    fn conditions_over_the_event() {
        let event = json!({
            "metadata": {"store": "athens", "items": 3},
            "products": [{"brand": "acme"}, {"brand": "specialbrand"}],
            "customer": {"email": "a@example.com"}
        });
        assert!(condition("metadata.store", Operator::Eq, json!("athens")).holds(&event));
        assert!(!condition("metadata.store", Operator::Eq, json!("berlin")).holds(&event));
        assert!(condition("metadata.items", Operator::Eq, json!("3")).holds(&event));
        assert!(condition("products[].brand", Operator::In, json!(["specialbrand", "x"])).holds(&event));
        assert!(!condition("products[].brand", Operator::NotIn, json!(["acme"])).holds(&event));
        assert!(condition("metadata.store", Operator::Ne, json!("berlin")).holds(&event));
        assert!(condition("customer.email", Operator::Contains, json!("EXAMPLE")).holds(&event));
        assert!(condition("metadata.coupon", Operator::Exists, json!(false)).holds(&event));
        assert!(!condition("metadata.coupon", Operator::Exists, json!(true)).holds(&event));
        assert_eq!(
            condition("metadata.store", Operator::Eq, json!("athens")).describe(),
            r#"metadata.store == "athens""#
        );
    }

    #[test]
    fn bad_conditions_are_named() {
        let mut p = Problems::default();
        condition("price", Operator::Eq, json!(1)).validate(&mut p, "conditions[0]");
        condition("metadata.x", Operator::In, json!("a")).validate(&mut p, "conditions[1]");
        let err = p.into_result().unwrap_err();
        assert!(err.message_for("conditions[0].field").is_some());
        assert!(err.message_for("conditions[1].value").is_some());
    }
}
