//! Skip logic: a question may be shown only when an earlier answer meets a
//! condition (e.g. NPS ≤ 6 → "What went wrong?"). The same function decides on
//! the server (validation, required questions) and in the browser (what the
//! widget shows).

use super::answers::Answers;
use super::error::Problems;
use super::survey::Question;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConditionOp {
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
}

impl ConditionOp {
    pub const ALL: [ConditionOp; 10] = [
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
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.as_str() == name)
    }
}

/// "Show this question only if …".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Condition {
    /// The id of an earlier question.
    pub question: String,
    pub op: ConditionOp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64()
}

impl Condition {
    pub fn holds(&self, answers: &Answers) -> bool {
        let answer = answers.get(&self.question).filter(|v| !v.is_null());
        let expected = self.value.as_ref();
        match (self.op, answer) {
            (ConditionOp::Answered, a) => a.is_some(),
            (ConditionOp::NotAnswered, a) => a.is_none(),
            (_, None) => false,
            (ConditionOp::Eq, Some(a)) => Some(a) == expected,
            (ConditionOp::Neq, Some(a)) => Some(a) != expected,
            (ConditionOp::In, Some(a)) => expected.and_then(Value::as_array).is_some_and(|list| list.contains(a)),
            (ConditionOp::Contains, Some(a)) => {
                a.as_array().is_some_and(|items| expected.is_some_and(|e| items.contains(e)))
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

/// Whether a question is shown, given the answers so far.
pub fn is_visible(question: &Question, answers: &Answers) -> bool {
    question.show_if.as_ref().is_none_or(|c| c.holds(answers))
}

/// Removes answers to questions that the other answers hide, so a changed
/// earlier answer never leaves a stale answer behind.
pub fn prune_hidden(questions: &[Question], answers: &mut Answers) {
    for q in questions {
        if !is_visible(q, answers) {
            // `retain`, not `remove`: the widget's wasm has `retain` already
            // and `remove` would add the ordered map's shifting removal.
            let other = super::survey::other_key(&q.id);
            answers.retain(|key, _| *key != q.id && *key != other);
        }
    }
}

/// Checks that each condition refers to an earlier question and has a value
/// where its operator needs one.
pub fn validate_conditions(problems: &mut Problems, questions: &[Question]) {
    for (i, q) in questions.iter().enumerate() {
        let Some(c) = &q.show_if else { continue };
        let at = |f: &str| format!("questions[{i}].showIf.{f}");
        if !questions[..i].iter().any(|earlier| earlier.id == c.question) {
            problems.add(at("question"), "must be the id of an earlier question");
        }
        let needs_value = !matches!(c.op, ConditionOp::Answered | ConditionOp::NotAnswered);
        match (&c.value, needs_value) {
            (None, true) => problems.add(at("value"), "this operator needs a value"),
            (Some(v), true) if matches!(c.op, ConditionOp::In) && !v.is_array() => {
                problems.add(at("value"), "must be a list")
            }
            (Some(v), true)
                if matches!(c.op, ConditionOp::Lt | ConditionOp::Lte | ConditionOp::Gt | ConditionOp::Gte)
                    && !v.is_number() =>
            {
                problems.add(at("value"), "must be a number")
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::survey::QuestionKind;
    use serde_json::json;

    fn q(id: &str, show_if: Option<Condition>) -> Question {
        Question {
            id: id.into(),
            title: id.into(),
            description: None,
            required: true,
            kind: QuestionKind::Nps,
            show_if,
            validation: Default::default(),
        }
    }

    fn answers(v: Value) -> Answers {
        v.as_object().unwrap().clone()
    }

    fn cond(op: ConditionOp, value: Option<Value>) -> Condition {
        Condition { question: "q1".into(), op, value }
    }

    #[test]
    fn operators() {
        let a = answers(json!({"q1": 6, "many": ["x", "y"]}));
        assert!(cond(ConditionOp::Lte, Some(json!(6))).holds(&a));
        assert!(!cond(ConditionOp::Lt, Some(json!(6))).holds(&a));
        assert!(cond(ConditionOp::Gte, Some(json!(0))).holds(&a));
        assert!(cond(ConditionOp::Eq, Some(json!(6))).holds(&a));
        assert!(cond(ConditionOp::Neq, Some(json!(7))).holds(&a));
        assert!(cond(ConditionOp::In, Some(json!([5, 6]))).holds(&a));
        assert!(cond(ConditionOp::Answered, None).holds(&a));
        assert!(!cond(ConditionOp::NotAnswered, None).holds(&a));
        let many = Condition { question: "many".into(), op: ConditionOp::Contains, value: Some(json!("y")) };
        assert!(many.holds(&a));
        assert!(
            !cond(ConditionOp::Lte, Some(json!(6))).holds(&answers(json!({}))),
            "unanswered never matches a comparison"
        );
        assert!(!cond(ConditionOp::Lte, Some(json!(6))).holds(&answers(json!({"q1": "six"}))));
    }

    #[test]
    fn detractors_see_the_follow_up() {
        let questions = vec![q("q1", None), q("why", Some(cond(ConditionOp::Lte, Some(json!(6)))))];
        assert!(is_visible(&questions[1], &answers(json!({"q1": 3}))));
        assert!(!is_visible(&questions[1], &answers(json!({"q1": 9}))));
        let mut a = answers(json!({"q1": 9, "why": 5}));
        prune_hidden(&questions, &mut a);
        assert_eq!(Value::Object(a), json!({"q1": 9}));
    }

    #[test]
    fn conditions_must_point_backwards_and_carry_values() {
        let questions = vec![
            q("a", Some(cond(ConditionOp::Answered, None))),
            q("q1", None),
            q("b", Some(cond(ConditionOp::Lte, None))),
            q("c", Some(cond(ConditionOp::In, Some(json!(3))))),
        ];
        let mut p = Problems::default();
        validate_conditions(&mut p, &questions);
        let err = p.into_result().unwrap_err();
        for f in ["questions[0].showIf.question", "questions[2].showIf.value", "questions[3].showIf.value"] {
            assert!(err.message_for(f).is_some(), "{f}: {err:?}");
        }
    }
}
