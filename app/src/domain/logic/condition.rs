//! Conditions: "NPS ≤ 6", "store = athens", "score ≥ 3", joined in groups by
//! AND/OR. One evaluation serves the widget (what it shows next), the server
//! (what a response must contain) and, later, alert rules and payload filters.

use super::Facts;
use crate::domain::question_kind::EVERY_TYPE_BUILT;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConditionOp {
    #[default]
    Answered,
    NotAnswered,
    Eq,
    Neq,
    Lt,
    Lte,
    Gt,
    Gte,
    /// The answer is one of `value` (an array).
    In,
    /// A multiple-choice answer includes `value`.
    Contains,
    /// A choice answer (one or several) includes at least one of `value`.
    IncludesAny,
    /// … includes every one of `value`.
    IncludesAll,
    /// … includes none of `value` (and was answered).
    IncludesNone,
    /// A date answer (`YYYY-MM-DD`) before `value`.
    Before,
    /// A date answer after `value`.
    After,
}

impl ConditionOp {
    pub const ALL: [ConditionOp; 15] = [
        ConditionOp::Answered,
        ConditionOp::NotAnswered,
        ConditionOp::Eq,
        ConditionOp::Neq,
        ConditionOp::Lt,
        ConditionOp::Lte,
        ConditionOp::Gt,
        ConditionOp::Gte,
        ConditionOp::In,
        ConditionOp::Contains,
        ConditionOp::IncludesAny,
        ConditionOp::IncludesAll,
        ConditionOp::IncludesNone,
        ConditionOp::Before,
        ConditionOp::After,
    ];

    /// The operator's name in JSON (the same as serde's; a test checks).
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionOp::Answered => "answered",
            ConditionOp::NotAnswered => "not_answered",
            ConditionOp::Eq => "eq",
            ConditionOp::Neq => "neq",
            ConditionOp::Lt => "lt",
            ConditionOp::Lte => "lte",
            ConditionOp::Gt => "gt",
            ConditionOp::Gte => "gte",
            ConditionOp::In => "in",
            ConditionOp::Contains => "contains",
            ConditionOp::IncludesAny => "includes_any",
            ConditionOp::IncludesAll => "includes_all",
            ConditionOp::IncludesNone => "includes_none",
            ConditionOp::Before => "before",
            ConditionOp::After => "after",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.as_str() == name)
    }

    /// Whether the operator compares with a `value`.
    pub fn needs_value(self) -> bool {
        !matches!(self, ConditionOp::Answered | ConditionOp::NotAnswered)
    }
}

/// One test over an earlier answer (`question`, with `row` for a matrix row
/// or `choice` for a ranked choice's position, 1 = first), a hidden field, a
/// metadata key or a variable: exactly one of the four is named.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"question": "q1", "op": "lte", "value": 6})))]
pub struct Condition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// A matrix row of `question`: its column is compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<String>,
    /// A choice of the ranking `question`: its position is compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variable: Option<String>,
    pub op: ConditionOp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

/// How a group joins its conditions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Match {
    /// AND.
    #[default]
    All,
    /// OR.
    Any,
}

/// Conditions joined by AND (`all`) or OR (`any`); a group may hold groups.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"match": "any", "conditions": [{"question": "q1", "op": "lte", "value": 6}, {"metadata": "store", "op": "eq", "value": "athens"}]})))]
pub struct ConditionGroup {
    #[serde(default, rename = "match")]
    pub join: Match,
    #[cfg_attr(feature = "ssr", schema(no_recursion))]
    pub conditions: Vec<When>,
}

/// A condition or a group of them: `{"question": …, "op": …}` or
/// `{"match": "any", "conditions": […]}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum When {
    One(Condition),
    Group(ConditionGroup),
}

// By hand rather than `untagged`: a mistake inside a group is then reported
// by its own field, not as "did not match any variant".
impl<'de> Deserialize<'de> for When {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = Value::deserialize(d)?;
        let is_group = value.get("conditions").is_some() || value.get("match").is_some();
        if is_group {
            ConditionGroup::deserialize(value).map(When::Group).map_err(D::Error::custom)
        } else {
            Condition::deserialize(value).map(When::One).map_err(D::Error::custom)
        }
    }
}

impl From<Condition> for When {
    fn from(condition: Condition) -> Self {
        When::One(condition)
    }
}

impl When {
    pub fn holds(&self, facts: &Facts) -> bool {
        match self {
            When::One(condition) => condition.holds(facts),
            When::Group(group) if EVERY_TYPE_BUILT => match group.join {
                Match::All => group.conditions.iter().all(|c| c.holds(facts)),
                Match::Any => group.conditions.iter().any(|c| c.holds(facts)),
            },
            // The classic bundle has no groups: such surveys load the other one.
            When::Group(_) => false,
        }
    }

    /// Every condition in the tree, depth first.
    pub fn conditions(&self) -> Vec<&Condition> {
        let mut all = Vec::new();
        self.collect(&mut all);
        all
    }

    fn collect<'a>(&'a self, into: &mut Vec<&'a Condition>) {
        match self {
            When::One(c) => into.push(c),
            When::Group(g) => g.conditions.iter().for_each(|c| c.collect(into)),
        }
    }

    pub fn conditions_mut(&mut self) -> Vec<&mut Condition> {
        match self {
            When::One(c) => vec![c],
            When::Group(g) => g.conditions.iter_mut().flat_map(When::conditions_mut).collect(),
        }
    }

    /// Whether it needs more than the classic bundle's single conditions.
    pub fn is_advanced(&self) -> bool {
        match self {
            When::One(c) => c.is_advanced(),
            When::Group(_) => true,
        }
    }

    /// How deep groups nest (a lone condition: 0).
    pub fn depth(&self) -> usize {
        match self {
            When::One(_) => 0,
            When::Group(g) => 1 + g.conditions.iter().map(When::depth).max().unwrap_or(0),
        }
    }
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// Equal as JSON, except that numbers compare by value (`1` equals `1.0`,
/// which a calculated variable may hold).
fn same(a: &Value, b: &Value) -> bool {
    if !EVERY_TYPE_BUILT {
        return a == b;
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

impl Condition {
    /// A condition on a question's whole answer (the classic form).
    pub fn on_question(question: impl Into<String>, op: ConditionOp, value: Option<Value>) -> Self {
        Condition { question: Some(question.into()), op, value, ..Default::default() }
    }

    /// Whether it needs the every-type bundle (anything beyond a whole
    /// answer compared by the first ten operators).
    pub fn is_advanced(&self) -> bool {
        self.question.is_none()
            || self.row.is_some()
            || self.choice.is_some()
            || matches!(
                self.op,
                ConditionOp::IncludesAny
                    | ConditionOp::IncludesAll
                    | ConditionOp::IncludesNone
                    | ConditionOp::Before
                    | ConditionOp::After
            )
    }

    /// The value this condition looks at, if there is one.
    fn subject(&self, facts: &Facts) -> Option<Value> {
        if let Some(question) = &self.question {
            let answer = facts.answer(question)?;
            if !EVERY_TYPE_BUILT {
                return Some(answer.clone());
            }
            return match (&self.row, &self.choice) {
                (Some(row), _) => answer.get(row).cloned(),
                (_, Some(choice)) => answer
                    .as_array()?
                    .iter()
                    .position(|id| id.as_str() == Some(choice))
                    .map(|p| Value::from(p as u64 + 1)),
                _ => Some(answer.clone()),
            };
        }
        if !EVERY_TYPE_BUILT {
            return None;
        }
        let found = match (&self.hidden, &self.metadata, &self.variable) {
            (Some(name), _, _) => facts.hidden_fields.get(name),
            (_, Some(key), _) => facts.metadata.get(key),
            (_, _, Some(name)) => facts.variables.get(name),
            _ => None,
        };
        found.cloned()
    }

    pub fn holds(&self, facts: &Facts) -> bool {
        let subject = self.subject(facts).filter(|v| !v.is_null() && v.as_str() != Some(""));
        let expected = self.value.as_ref();
        let listed = || expected.and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        match (self.op, subject.as_ref()) {
            (ConditionOp::Answered, a) => a.is_some(),
            (ConditionOp::NotAnswered, a) => a.is_none(),
            (_, None) => false,
            (ConditionOp::Eq, Some(a)) => expected.is_some_and(|e| same(a, e)),
            (ConditionOp::Neq, Some(a)) => !expected.is_some_and(|e| same(a, e)),
            (ConditionOp::In, Some(a)) => listed().iter().any(|e| same(a, e)),
            (ConditionOp::Contains, Some(a)) => {
                a.as_array().is_some_and(|items| expected.is_some_and(|e| items.contains(e)))
            }
            (ConditionOp::IncludesAny | ConditionOp::IncludesAll | ConditionOp::IncludesNone, Some(a))
                if EVERY_TYPE_BUILT =>
            {
                let given = a.as_array().map(Vec::as_slice).unwrap_or(std::slice::from_ref(a));
                let chosen = |e: &Value| given.contains(e);
                match self.op {
                    ConditionOp::IncludesAny => listed().iter().any(chosen),
                    ConditionOp::IncludesAll => listed().iter().all(chosen),
                    _ => !listed().iter().any(chosen),
                }
            }
            // `YYYY-MM-DD` orders as text.
            (ConditionOp::Before | ConditionOp::After, Some(a)) if EVERY_TYPE_BUILT => {
                match (a.as_str(), expected.and_then(Value::as_str)) {
                    (Some(a), Some(b)) if self.op == ConditionOp::Before => a < b,
                    (Some(a), Some(b)) => a > b,
                    _ => false,
                }
            }
            (op, Some(a)) => match (number(a), expected.and_then(number)) {
                (Some(a), Some(b)) => match op {
                    ConditionOp::Lt => a < b,
                    ConditionOp::Lte => a <= b,
                    ConditionOp::Gt => a > b,
                    ConditionOp::Gte => a >= b,
                    _ => false,
                },
                _ => false,
            },
        }
    }
}
