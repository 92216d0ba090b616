//! An organisation's declared metadata keys: typed, validated, and
//! anonymized ones never stored in clear. Undeclared keys are kept as text,
//! unless the organisation is in strict mode.

use super::error::{AppError, Problems};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const MAX_DECLARED_KEYS: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MetadataType {
    Text,
    Number,
    /// `YYYY-MM-DD` or an RFC 3339 timestamp.
    Date,
    Boolean,
}

impl MetadataType {
    pub fn as_str(self) -> &'static str {
        match self {
            MetadataType::Text => "text",
            MetadataType::Number => "number",
            MetadataType::Date => "date",
            MetadataType::Boolean => "boolean",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "text" => Some(MetadataType::Text),
            "number" => Some(MetadataType::Number),
            "date" => Some(MetadataType::Date),
            "boolean" => Some(MetadataType::Boolean),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MetadataKey {
    pub key: String,
    #[serde(rename = "type")]
    pub kind: MetadataType,
    /// Stored only as a keyed hash (or dropped, per the organisation's setting).
    #[serde(default)]
    pub anonymize: bool,
}

/// What happens to values of anonymized keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AnonymizeMode {
    /// `hmac-sha256:<hex>`: equal values stay comparable, the clear value is gone.
    #[default]
    Hash,
    Drop,
}

/// The organisation's rules for metadata.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MetadataPolicy {
    pub keys: Vec<MetadataKey>,
    /// Refuse keys that are not declared (instead of keeping them as text).
    #[serde(default)]
    pub strict: bool,
    #[serde(default)]
    pub anonymize_mode: AnonymizeMode,
}

fn typed(kind: MetadataType, value: &Value) -> Result<Value, &'static str> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        other => other.to_string(),
    };
    match kind {
        MetadataType::Text => Ok(Value::String(match value {
            Value::String(s) => s.clone(),
            _ => text,
        })),
        MetadataType::Number => match value {
            Value::Number(_) => Ok(value.clone()),
            _ => text
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .and_then(|n| serde_json::Number::from_f64(n))
                .map(|n| {
                    // Whole numbers stay whole (`42`, not `42.0`).
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                        .map_or(Value::Number(n), |f| Value::from(f as i64))
                })
                .ok_or("must be a number"),
        },
        MetadataType::Boolean => match (value, text.as_str()) {
            (Value::Bool(_), _) => Ok(value.clone()),
            (_, "true") => Ok(Value::Bool(true)),
            (_, "false") => Ok(Value::Bool(false)),
            _ => Err("must be true or false"),
        },
        MetadataType::Date => {
            let ok = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").is_ok()
                || chrono::DateTime::parse_from_rfc3339(&text).is_ok();
            if ok {
                Ok(Value::String(text))
            } else {
                Err("must be a date (YYYY-MM-DD) or an RFC 3339 timestamp")
            }
        }
    }
}

impl MetadataPolicy {
    /// Applies the policy to incoming metadata: declared keys are typed,
    /// anonymized ones hashed by `hash` (or dropped), undeclared ones become
    /// text or, in strict mode, are refused. Errors name `metadata.<key>`.
    pub fn apply(
        &self,
        metadata: &Map<String, Value>,
        hash: impl Fn(&str, &str) -> String,
    ) -> Result<Map<String, Value>, AppError> {
        let mut problems = Problems::default();
        let mut out = Map::new();
        for (key, value) in metadata {
            let field = format!("metadata.{key}");
            match self.keys.iter().find(|k| &k.key == key) {
                Some(declared) => match typed(declared.kind, value) {
                    Err(message) => problems.add(field, message),
                    Ok(_) if declared.anonymize && self.anonymize_mode == AnonymizeMode::Drop => {}
                    Ok(v) if declared.anonymize => {
                        let clear = match &v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        out.insert(key.clone(), Value::String(hash(key, &clear)));
                    }
                    Ok(v) => {
                        out.insert(key.clone(), v);
                    }
                },
                None if self.strict => {
                    problems.add(field, "not a declared metadata key (the organisation is in strict mode)")
                }
                None => {
                    let text = match value {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    out.insert(key.clone(), Value::String(text));
                }
            }
        }
        problems.into_result().map(|_| out)
    }

    /// Whether `key` is declared as anonymized (filters must hash their value too).
    pub fn is_anonymized(&self, key: &str) -> bool {
        self.keys.iter().any(|k| k.key == key && k.anonymize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn policy(strict: bool) -> MetadataPolicy {
        MetadataPolicy {
            keys: vec![
                MetadataKey { key: "total".into(), kind: MetadataType::Number, anonymize: false },
                MetadataKey { key: "vip".into(), kind: MetadataType::Boolean, anonymize: false },
                MetadataKey { key: "shipped".into(), kind: MetadataType::Date, anonymize: false },
                MetadataKey { key: "email".into(), kind: MetadataType::Text, anonymize: true },
            ],
            strict,
            anonymize_mode: AnonymizeMode::Hash,
        }
    }

    fn fake_hash(key: &str, value: &str) -> String {
        format!("hmac-sha256:{key}:{}", value.len())
    }

    #[test]
    fn declared_keys_are_typed_and_anonymized() {
        let m = json!({"total": "42", "vip": "true", "shipped": "2026-11-25", "email": "a@b.co", "plan": 3});
        let out = policy(false).apply(m.as_object().unwrap(), fake_hash).unwrap();
        assert_eq!(
            Value::Object(out),
            json!({"total": 42, "vip": true, "shipped": "2026-11-25", "email": "hmac-sha256:email:6", "plan": "3"})
        );
    }

    #[test]
    fn bad_values_and_strict_mode_are_refused() {
        let m = json!({"total": "lots", "vip": "maybe", "shipped": "yesterday", "plan": "pro"});
        let err = policy(true).apply(m.as_object().unwrap(), fake_hash).unwrap_err();
        for f in ["metadata.total", "metadata.vip", "metadata.shipped", "metadata.plan"] {
            assert!(err.message_for(f).is_some(), "{f}");
        }
    }

    #[test]
    fn drop_mode_keeps_nothing_of_anonymized_keys() {
        let p = MetadataPolicy { anonymize_mode: AnonymizeMode::Drop, ..policy(false) };
        let out = p.apply(json!({"email": "a@b.co"}).as_object().unwrap(), fake_hash).unwrap();
        assert!(out.is_empty());
    }
}
