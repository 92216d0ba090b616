//! One type, two spellings. The organisation family of the API (integration
//! webhooks) spells its fields in snake_case where the survey family uses
//! camelCase. `SnakeCase` wraps a camelCase type and renames its keys on the
//! way out, in the JSON and in the OpenAPI schema, so the fields are declared
//! (and documented) once. Only for types whose nested objects are their own
//! fields: every object key below the wrapper is renamed.

use serde::{Serialize, Serializer};
use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
pub struct SnakeCase<T>(pub T);

impl<T: Serialize> Serialize for SnakeCase<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = serde_json::to_value(&self.0).map_err(serde::ser::Error::custom)?;
        snake_keys(value).serialize(serializer)
    }
}

impl<T> From<T> for SnakeCase<T> {
    fn from(inner: T) -> Self {
        SnakeCase(inner)
    }
}

fn snake_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (to_snake(&k), snake_keys(v))).collect()),
        Value::Array(items) => Value::Array(items.into_iter().map(snake_keys).collect()),
        other => other,
    }
}

/// `nextAttemptAt` → `next_attempt_at`.
pub fn to_snake(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(feature = "ssr")]
mod schema {
    use super::{to_snake, SnakeCase};
    use serde_json::Value;
    use std::borrow::Cow;
    use utoipa::openapi::schema::Schema;
    use utoipa::openapi::RefOr;
    use utoipa::{PartialSchema, ToSchema};

    impl<T: ToSchema> PartialSchema for SnakeCase<T> {
        fn schema() -> RefOr<Schema> {
            let mut value = serde_json::to_value(T::schema()).expect("a schema serialises");
            snake_properties(&mut value);
            serde_json::from_value(value).expect("a renamed schema is still a schema")
        }
    }

    impl<T: ToSchema> ToSchema for SnakeCase<T> {
        /// `Delivery` → `IntegrationDelivery`: the family that spells so.
        fn name() -> Cow<'static, str> {
            Cow::Owned(format!("Integration{}", T::name()))
        }

        fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
            T::schemas(schemas);
        }
    }

    /// Renames the keys under every `properties` and in every `required`;
    /// references to other schemas are left alone, so the wrapped type must
    /// inline what it nests.
    fn snake_properties(value: &mut Value) {
        let Value::Object(map) = value else {
            if let Value::Array(items) = value {
                items.iter_mut().for_each(snake_properties);
            }
            return;
        };
        if let Some(Value::Object(properties)) = map.get_mut("properties") {
            let renamed = std::mem::take(properties)
                .into_iter()
                .map(|(key, mut schema)| {
                    snake_properties(&mut schema);
                    (to_snake(&key), schema)
                })
                .collect();
            *properties = renamed;
        }
        if let Some(Value::Array(required)) = map.get_mut("required") {
            for name in required.iter_mut() {
                if let Value::String(text) = name {
                    *text = to_snake(text);
                }
            }
        }
        for (key, child) in map.iter_mut() {
            if key != "properties" && key != "required" {
                snake_properties(child);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Sample {
        webhook_id: String,
        next_attempt_at: Option<i64>,
        attempts: Vec<Inner>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Inner {
        duration_ms: i64,
    }

    #[test]
    fn renames_every_key_below_the_wrapper() {
        let sample = Sample { webhook_id: "w".into(), next_attempt_at: None, attempts: vec![Inner { duration_ms: 3 }] };
        let json = serde_json::to_value(SnakeCase(sample)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"webhook_id": "w", "next_attempt_at": null, "attempts": [{"duration_ms": 3}]})
        );
    }

    #[test]
    fn camel_to_snake() {
        assert_eq!(to_snake("nextAttemptAt"), "next_attempt_at");
        assert_eq!(to_snake("id"), "id");
    }
}
