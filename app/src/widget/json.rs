//! JSON text to and from `serde_json::Value` for the widget. In the browser
//! the browser's own `JSON` does the parsing and printing, so serde_json's
//! parser and printer (and serde's machinery behind them) stay out of the
//! widget's wasm; elsewhere (server rendering, tests) serde_json does it.

use serde_json::{Map, Value};

/// An object from its fields.
pub fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    object_from(&mut fields.into_iter())
}

// One copy for every number of fields, and inserts rather than `collect`
// (which sorts first): both keep the widget's wasm smaller.
fn object_from(fields: &mut dyn Iterator<Item = (&str, Value)>) -> Value {
    let mut map = Map::new();
    for (k, v) in fields {
        map.insert(k.to_string(), v);
    }
    Value::Object(map)
}

#[cfg(feature = "hydrate")]
pub use browser::{from_js, parse, stringify, to_js};

#[cfg(not(feature = "hydrate"))]
pub fn parse(text: &str) -> Option<Value> {
    serde_json::from_str(text).ok()
}

#[cfg(not(feature = "hydrate"))]
pub fn stringify(value: &Value) -> String {
    value.to_string()
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use js_sys::{Array, Object, Reflect, JSON};
    use wasm_bindgen::{JsCast, JsValue};

    pub fn parse(text: &str) -> Option<Value> {
        from_js(&JSON::parse(text).ok()?)
    }

    pub fn stringify(value: &Value) -> String {
        JSON::stringify(&to_js(value)).ok().and_then(|s| s.as_string()).unwrap_or_default()
    }

    /// A value the browser holds (a message's data, parsed JSON) as JSON,
    /// the way `JSON.stringify` would see it: what JSON cannot hold
    /// (`undefined`, functions) is left out of objects and is `null` in
    /// arrays; on its own it is `None`.
    pub fn from_js(js: &JsValue) -> Option<Value> {
        if js.is_null() {
            return Some(Value::Null);
        }
        if let Some(b) = js.as_bool() {
            return Some(Value::Bool(b));
        }
        if let Some(n) = js.as_f64() {
            return Some(number(n));
        }
        if let Some(s) = js.as_string() {
            return Some(Value::String(s));
        }
        if Array::is_array(js) {
            let items = js.unchecked_ref::<Array>().iter();
            return Some(Value::Array(items.map(|item| from_js(&item).unwrap_or(Value::Null)).collect()));
        }
        if !js.is_object() || js.is_function() {
            return None;
        }
        let mut map = Map::new();
        for entry in Object::entries(js.unchecked_ref()).iter() {
            let pair: Array = entry.unchecked_into();
            if let (Some(key), Some(value)) = (pair.get(0).as_string(), from_js(&pair.get(1))) {
                map.insert(key, value);
            }
        }
        Some(Value::Object(map))
    }

    /// Whole numbers as integers, as serde_json reads them (`9`, not
    /// `9.0`): answers are compared with `Value::from(9)`.
    fn number(n: f64) -> Value {
        const LIMIT: f64 = 9_007_199_254_740_992.0; // 2^53: exact in an f64
        if n.fract() == 0.0 && n.abs() <= LIMIT {
            Value::from(n as i64)
        } else {
            serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
        }
    }

    pub fn to_js(value: &Value) -> JsValue {
        match value {
            Value::Null => JsValue::NULL,
            Value::Bool(b) => JsValue::from_bool(*b),
            Value::Number(n) => JsValue::from_f64(n.as_f64().unwrap_or_default()),
            Value::String(s) => JsValue::from_str(s),
            Value::Array(items) => items.iter().map(to_js).collect::<Array>().into(),
            Value::Object(map) => {
                let object = Object::new();
                for (k, v) in map {
                    let _ = Reflect::set(&object, &JsValue::from_str(k), &to_js(v));
                }
                object.into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_keep_their_fields() {
        assert_eq!(
            object([("type", json!("vox:resize")), ("height", json!(12))]),
            json!({"type": "vox:resize", "height": 12})
        );
        assert_eq!(
            parse(&stringify(&json!({"a": [1, "b", null, true, 2.5]}))),
            Some(json!({"a": [1, "b", null, true, 2.5]}))
        );
    }
}
