//! Survey logic: which questions are shown (`showIf`), what happens once a
//! question is answered (`logic`: jumps, required answers, calculated
//! variables), and where the survey ends (`endings`). The same functions
//! decide on the server (what a response must contain) and in the browser
//! (what the widget shows next).

pub mod checks;
mod condition;
mod rules;
mod walk;

pub use checks::validate;
pub use condition::{Condition, ConditionGroup, ConditionOp, Match, When};
pub use rules::{initial_variables, number_value, Action, Calculation, Ending, LogicRule, Variable, VariableKind};
pub use walk::{prune_unasked, walk, Surroundings, Walk};

use super::answers::Answers;
use super::survey::Question;
use serde_json::{Map, Value};

/// What conditions can look at.
pub struct Facts<'a> {
    pub answers: &'a Answers,
    /// When walking: the questions, and which were passed on the way; only
    /// their answers count. `None`: every answer does.
    pub passed: Option<(&'a [Question], &'a [bool])>,
    pub hidden_fields: &'a Map<String, Value>,
    pub metadata: &'a Map<String, Value>,
    pub variables: &'a Map<String, Value>,
}

impl Facts<'_> {
    fn answer(&self, question: &str) -> Option<&Value> {
        if let Some((questions, passed)) = self.passed {
            let at = questions.iter().position(|q| q.id == question)?;
            if !passed.get(at).copied().unwrap_or(false) {
                return None;
            }
        }
        self.answers.get(question)
    }
}

#[cfg(test)]
mod tests;
