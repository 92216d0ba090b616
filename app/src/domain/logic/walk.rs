//! The way through a survey for given answers: which questions are asked, in
//! what order, which logic made required, what the variables come to and
//! which ending is reached. The widget walks it to choose the next step; the
//! server walks it again to decide what a response must (and may) contain.

use super::rules::{initial_variables, Action, Variable};
use super::Facts;
use crate::domain::answers::Answers;
use crate::domain::question_kind::EVERY_TYPE_BUILT;
use crate::domain::survey::{other_key, Question};
use crate::domain::survey_pages::{page_start, Page, Steps};
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

/// Walks the survey from its first question, a step at a time: a page's
/// questions together (`pages`), every other question alone. With `until`,
/// stops on reaching the step of that question, before its logic runs
/// (variables as they stand when it is shown).
pub fn walk(
    questions: &[Question],
    variables: &[Variable],
    pages: &[Page],
    answers: &Answers,
    around: Surroundings,
    until: Option<&str>,
) -> Walk {
    let no_values = Map::new();
    let hidden_fields = around.hidden_fields.unwrap_or(&no_values);
    let metadata = around.metadata.unwrap_or(&no_values);
    let mut walk = Walk::default();
    // The classic widget bundle has no logic rules or pages (`boot_script_url`).
    if EVERY_TYPE_BUILT {
        walk.required_by_logic = vec![false; questions.len()];
        walk.variables = initial_variables(variables);
    }
    let steps = if EVERY_TYPE_BUILT { Some(Steps::of(questions, pages)) } else { None };
    // Only answers to questions passed on the way count, so answers left
    // behind by a changed earlier answer never steer (or fill) anything.
    let mut passed = vec![false; questions.len()];
    let index_of = |id: &str| questions.iter().position(|q| q.id == id);
    let mut i = 0;
    while i < questions.len() {
        let (first, last) = steps.as_ref().map_or((i, i), |s| s.bounds(i));
        // Which of the step's questions show is decided as it is reached.
        let mut asked = Vec::new();
        for j in first..=last {
            let facts = Facts {
                answers,
                passed: Some((questions, &passed)),
                hidden_fields,
                metadata,
                variables: &walk.variables,
            };
            if questions[j].show_if.as_ref().is_none_or(|c| c.holds(&facts)) {
                asked.push(j);
            }
        }
        walk.path.extend(&asked);
        if asked.iter().any(|j| until == Some(questions[*j].id.as_str())) {
            break;
        }
        for j in &asked {
            passed[*j] = true;
        }
        // Each question's logic once the step is left, in the survey's order:
        // the page's own list, which a shuffled page shown in another order keeps.
        let in_order: Vec<usize> = match steps.as_ref().and_then(|s| s.page(i)).and_then(|p| pages.get(p)) {
            Some(page) => page.questions.iter().filter_map(|id| index_of(id)).filter(|j| asked.contains(j)).collect(),
            None => asked.clone(),
        };
        let mut jump: Option<(&Option<String>, &Option<String>, &Option<String>)> = None;
        if EVERY_TYPE_BUILT {
            for rule in in_order.iter().flat_map(|j| &questions[*j].logic) {
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
                        Action::Jump { question, page, ending } => {
                            jump.get_or_insert((question, page, ending));
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
        let target = match jump {
            Some((_, _, Some(ending))) => {
                walk.ending = Some(ending.clone());
                break;
            }
            Some((Some(question), _, _)) => index_of(question),
            Some((_, Some(page), _)) => page_start(questions, pages, page),
            _ => None,
        };
        // Only forward (definitions with other jumps are refused).
        i = target.filter(|j| *j > last).unwrap_or(last + 1);
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
