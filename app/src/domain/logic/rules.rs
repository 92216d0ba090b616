//! What a question does once answered (`logic`): when a condition holds,
//! jump ahead, require a later answer or calculate a variable. Variables
//! (scores, quiz results) and endings are declared on the survey.

use super::condition::When;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// "When … then …", evaluated as the visitor leaves the question; without
/// `when`, always.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"when": {"question": "q1", "op": "lte", "value": 6}, "actions": [{"type": "jump", "ending": "sorry"}]})))]
pub struct LogicRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<When>,
    pub actions: Vec<Action>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Action {
    /// Go on at a later `question` or `page`, or finish at `ending`. The
    /// first jump that applies wins.
    Jump {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        question: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        page: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ending: Option<String>,
    },
    /// A later, otherwise optional question must be answered.
    Require { question: String },
    /// `variable = variable <operator> value`, with `value` given or read from
    /// the answer to `valueFrom` (a question asked by now).
    Calculate {
        variable: String,
        operator: Calculation,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value_from: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Calculation {
    Assign,
    /// Numbers add; texts append.
    Add,
    Subtract,
    Multiply,
    /// By zero: the variable keeps its value.
    Divide,
}

impl Calculation {
    pub const ALL: [Calculation; 5] =
        [Calculation::Assign, Calculation::Add, Calculation::Subtract, Calculation::Multiply, Calculation::Divide];

    pub fn as_str(self) -> &'static str {
        match self {
            Calculation::Assign => "assign",
            Calculation::Add => "add",
            Calculation::Subtract => "subtract",
            Calculation::Multiply => "multiply",
            Calculation::Divide => "divide",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// The new value of a variable. Numbers stay finite (an overflow keeps
    /// the old value); texts take what they are given as text.
    pub fn apply(self, current: &Value, operand: &Value) -> Value {
        if let Value::String(text) = current {
            let operand = match operand {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            return match self {
                Calculation::Assign => Value::String(operand),
                Calculation::Add => Value::String(format!("{text}{operand}")),
                _ => current.clone(),
            };
        }
        let (Some(a), Some(b)) = (current.as_f64(), operand.as_f64()) else { return current.clone() };
        let result = match self {
            Calculation::Assign => b,
            Calculation::Add => a + b,
            Calculation::Subtract => a - b,
            Calculation::Multiply => a * b,
            Calculation::Divide if b == 0.0 => a,
            Calculation::Divide => a / b,
        };
        if result.is_finite() {
            number_value(result)
        } else {
            current.clone()
        }
    }
}

/// Whole numbers as integers (`3`, not `3.0`), as people write them.
pub fn number_value(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Value::from(n as i64)
    } else {
        Value::from(n)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VariableKind {
    #[default]
    Number,
    Text,
}

/// A value the survey's logic calculates (a score, a segment), stored on the
/// response as `variables` and recalled as `{{var.<id>}}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"id": "score", "type": "number", "initial": 0})))]
pub struct Variable {
    pub id: String,
    #[serde(default, rename = "type")]
    pub kind: VariableKind,
    /// The starting value: `0` or `""` unless given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial: Option<Value>,
}

impl Variable {
    pub fn initial_value(&self) -> Value {
        match (&self.initial, self.kind) {
            (Some(v), _) => v.clone(),
            (None, VariableKind::Number) => Value::from(0),
            (None, VariableKind::Text) => Value::String(String::new()),
        }
    }
}

/// Every variable at its starting value.
pub fn initial_variables(variables: &[Variable]) -> Map<String, Value> {
    // Inserted one by one: collecting into a map sorts first, and the
    // widget would carry a sort routine for it.
    let mut all = Map::new();
    for v in variables {
        all.insert(v.id.clone(), v.initial_value());
    }
    all
}

/// One of the survey's endings: its own heading and text, or a page to send
/// the visitor to (`redirectUrl`, recalls filled in and URL-encoded).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"id": "promoter", "title": "Thank you!", "text": "Would you leave us a review?", "redirectUrl": "https://example.com/review?score={{q1}}"})))]
#[serde(rename_all = "camelCase")]
pub struct Ending {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn calculations() {
        assert_eq!(Calculation::Add.apply(&json!(2), &json!(3)), json!(5));
        assert_eq!(Calculation::Subtract.apply(&json!(2), &json!(3)), json!(-1));
        assert_eq!(Calculation::Multiply.apply(&json!(2), &json!(1.5)), json!(3));
        assert_eq!(Calculation::Divide.apply(&json!(1), &json!(4)), json!(0.25));
        assert_eq!(Calculation::Divide.apply(&json!(7), &json!(0)), json!(7), "by zero keeps the value");
        assert_eq!(Calculation::Assign.apply(&json!(7), &json!(1)), json!(1));
        assert_eq!(Calculation::Multiply.apply(&json!(1e300), &json!(1e300)), json!(1e300), "overflow keeps it");
        assert_eq!(Calculation::Add.apply(&json!(1), &json!("x")), json!(1), "text never enters a number");
        assert_eq!(Calculation::Add.apply(&json!("a"), &json!("b")), json!("ab"));
        assert_eq!(Calculation::Add.apply(&json!("n="), &json!(3)), json!("n=3"));
        assert_eq!(Calculation::Assign.apply(&json!("a"), &json!("b")), json!("b"));
        assert_eq!(Calculation::Subtract.apply(&json!("a"), &json!("b")), json!("a"));
        for c in Calculation::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), json!(c.as_str()));
            assert_eq!(Calculation::parse(c.as_str()), Some(c));
        }
    }

    #[test]
    fn actions_read_as_documented() {
        let rule: LogicRule = serde_json::from_value(json!({
            "when": {"match": "any", "conditions": [{"question": "q1", "op": "lte", "value": 6}, {"hidden": "vip", "op": "eq", "value": "yes"}]},
            "actions": [
                {"type": "jump", "ending": "sorry"},
                {"type": "require", "question": "q4"},
                {"type": "calculate", "variable": "score", "operator": "add", "valueFrom": "q1"}
            ]
        }))
        .unwrap();
        assert_eq!(rule.actions.len(), 3);
        assert!(matches!(&rule.actions[2], Action::Calculate { value_from: Some(q), .. } if q == "q1"));
        let back = serde_json::to_value(&rule).unwrap();
        assert_eq!(back["when"]["match"], "any");
        assert_eq!(back["actions"][2]["valueFrom"], "q1");
    }
}
