//! The way through a survey for given answers: which questions are asked, in
//! what order, which logic made required, what the variables come to and
//! which ending is reached. The widget walks it to choose the next step; the
//! server walks it again to decide what a response must (and may) contain.

use super::rules::{initial_variables, Action, Variable};
use super::Facts;
use crate::domain::answers::Answers;
use crate::domain::question_kind::EVERY_TYPE_BUILT;
use crate::domain::survey::{other_key, Question};
use serde_json::{Map, Value};

/// Where the visitor is and what they brought, besides their answers.
#[derive(Clone, Copy, Default)]
pub struct Surroundings<'a> {
    pub hidden_fields: Option<&'a Map<String, Value>>,
    pub metadata: Option<&'a Map<String, Value>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Walk {
    /// Indexes of the questions asked, in order.
    pub path: Vec<usize>,
    /// By question index: whether logic made it required.
    pub required_by_logic: Vec<bool>,
    pub variables: Map<String, Value>,
    /// The ending a jump reached; `None`: the survey's standard thank-you.
    pub ending: Option<String>,
}

impl Walk {
    /// Every question asked, none required by logic: for checking one question alone.
    pub fn everything(questions: &[Question]) -> Walk {
        Walk {
            path: (0..questions.len()).collect(),
            required_by_logic: vec![false; questions.len()],
            ..Default::default()
        }
    }

    pub fn asks(&self, index: usize) -> bool {
        self.path.contains(&index)
    }

    /// Whether question `index` must be answered to complete the response.
    pub fn requires(&self, index: usize, question: &Question) -> bool {
        question.required || self.required_by_logic.get(index).copied().unwrap_or(false)
    }

    /// The question asked after `index`, if any.
    pub fn after(&self, index: usize) -> Option<usize> {
        let at = self.path.iter().position(|i| *i == index)?;
        self.path.get(at + 1).copied()
    }

    /// The question asked before `index`, if any.
    pub fn before(&self, index: usize) -> Option<usize> {
        let at = self.path.iter().position(|i| *i == index)?;
        at.checked_sub(1).and_then(|p| self.path.get(p).copied())
    }
}

/// Walks the survey from its first question. With `until`, stops on reaching
/// that question, before its own logic runs (variables as they stand when it
/// is shown).
pub fn walk(
    questions: &[Question],
    variables: &[Variable],
    answers: &Answers,
    around: Surroundings,
    until: Option<&str>,
) -> Walk {
    let no_values = Map::new();
    let hidden_fields = around.hidden_fields.unwrap_or(&no_values);
    let metadata = around.metadata.unwrap_or(&no_values);
    let mut walk = Walk::default();
    // The classic widget bundle has no logic rules (`boot_script_url`).
    if EVERY_TYPE_BUILT {
        walk.required_by_logic = vec![false; questions.len()];
        walk.variables = initial_variables(variables);
    }
    // Only answers to questions passed on the way count, so answers left
    // behind by a changed earlier answer never steer (or fill) anything.
    let mut passed = vec![false; questions.len()];
    let index_of = |id: &str| questions.iter().position(|q| q.id == id);
    let mut i = 0;
    while let Some(question) = questions.get(i) {
        let facts =
            Facts { answers, passed: Some((questions, &passed)), hidden_fields, metadata, variables: &walk.variables };
        if question.show_if.as_ref().is_some_and(|c| !c.holds(&facts)) {
            i += 1;
            continue;
        }
        walk.path.push(i);
        if until == Some(question.id.as_str()) {
            break;
        }
        passed[i] = true;
        let mut jump: Option<(&Option<String>, &Option<String>)> = None;
        if EVERY_TYPE_BUILT {
            for rule in &question.logic {
                let facts = Facts {
                    answers,
                    passed: Some((questions, &passed)),
                    hidden_fields,
                    metadata,
                    variables: &walk.variables,
                };
                if rule.when.as_ref().is_some_and(|w| !w.holds(&facts)) {
                    continue;
                }
                for action in &rule.actions {
                    match action {
                        Action::Jump { question, ending } => {
                            jump.get_or_insert((question, ending));
                        }
                        Action::Require { question } => {
                            if let Some(j) = index_of(question) {
                                walk.required_by_logic[j] = true;
                            }
                        }
                        Action::Calculate { variable, operator, value, value_from } => {
                            let was_passed = |q: &&String| index_of(q).is_some_and(|j| passed[j]);
                            let from_answer = value_from.as_ref().filter(was_passed).and_then(|q| answers.get(q));
                            let Some(operand) = value.as_ref().or(from_answer) else { continue };
                            if let Some(current) = walk.variables.get(variable) {
                                let next = operator.apply(current, operand);
                                walk.variables.insert(variable.clone(), next);
                            }
                        }
                    }
                }
            }
        }
        match jump {
            Some((_, Some(ending))) => {
                walk.ending = Some(ending.clone());
                break;
            }
            // Only forward (definitions with other jumps are refused).
            Some((Some(target), _)) => i = index_of(target).filter(|j| *j > i).unwrap_or(i + 1),
            _ => i += 1,
        }
    }
    walk
}

/// Removes answers to questions the walk does not ask, so a changed earlier
/// answer never leaves a stale answer behind.
pub fn prune_unasked(questions: &[Question], walk: &Walk, answers: &mut Answers) {
    for (i, q) in questions.iter().enumerate() {
        if !walk.asks(i) {
            // `retain`, not `remove`: the widget's wasm has `retain` already
            // and `remove` would add the ordered map's shifting removal.
            let other = other_key(&q.id);
            answers.retain(|key, _| *key != q.id && *key != other);
        }
    }
}
