//! A question's logic in the builder: rules of "when these conditions hold
//! (all or any), do these actions" — jump to a later question or an ending,
//! require a later answer, calculate a variable. Conditions read this or an
//! earlier question (a matrix row, a ranked choice's place), a hidden field,
//! a metadata key or a variable. Groups inside groups come by import or the
//! API and are shown, not edited, here.

use super::edit_question;
use crate::domain::logic::{Action, Calculation, Condition, ConditionGroup, ConditionOp, LogicRule, Match, When};
use crate::domain::survey::{Question, QuestionKind, SurveyDraft};
use crate::domain::survey_pages::Steps;
use leptos::prelude::*;
use serde_json::Value;

/// Operators with the words the builder shows.
const OPERATORS: [(ConditionOp, &str); 15] = [
    (ConditionOp::Eq, "is"),
    (ConditionOp::Neq, "is not"),
    (ConditionOp::Lte, "is at most"),
    (ConditionOp::Gte, "is at least"),
    (ConditionOp::Lt, "is less than"),
    (ConditionOp::Gt, "is more than"),
    (ConditionOp::In, "is one of"),
    (ConditionOp::Contains, "includes"),
    (ConditionOp::IncludesAny, "includes any of"),
    (ConditionOp::IncludesAll, "includes all of"),
    (ConditionOp::IncludesNone, "includes none of"),
    (ConditionOp::Before, "is before"),
    (ConditionOp::After, "is after"),
    (ConditionOp::Answered, "is answered"),
    (ConditionOp::NotAnswered, "is not answered"),
];

const CALCULATIONS: [(Calculation, &str); 5] = [
    (Calculation::Add, "add"),
    (Calculation::Subtract, "subtract"),
    (Calculation::Multiply, "multiply by"),
    (Calculation::Divide, "divide by"),
    (Calculation::Assign, "set to"),
];

/// The flat conditions of a rule the builder edits, and how they join;
/// `None` when groups nest (shown, not edited).
fn flat(when: &Option<When>) -> Option<(Match, Vec<Condition>)> {
    match when {
        None => Some((Match::All, Vec::new())),
        Some(When::One(c)) => Some((Match::All, vec![c.clone()])),
        Some(When::Group(g)) => {
            let conditions: Option<Vec<Condition>> = g
                .conditions
                .iter()
                .map(|w| match w {
                    When::One(c) => Some(c.clone()),
                    When::Group(_) => None,
                })
                .collect();
            conditions.map(|c| (g.join, c))
        }
    }
}

/// Writes flat conditions back: none is "always", one stands alone.
fn unflat(join: Match, mut conditions: Vec<Condition>) -> Option<When> {
    match conditions.len() {
        0 => None,
        1 => conditions.pop().map(When::One),
        _ => Some(When::Group(ConditionGroup { join, conditions: conditions.into_iter().map(When::One).collect() })),
    }
}

/// Typed as the author means it: numbers as numbers, lists split at commas.
fn typed(op: ConditionOp, text: &str) -> Value {
    let one =
        |t: &str| t.trim().parse::<f64>().map(crate::domain::logic::number_value).unwrap_or_else(|_| t.trim().into());
    match op {
        ConditionOp::In | ConditionOp::IncludesAny | ConditionOp::IncludesAll | ConditionOp::IncludesNone => {
            Value::Array(text.split(',').filter(|t| !t.trim().is_empty()).map(one).collect())
        }
        ConditionOp::Before | ConditionOp::After => Value::String(text.trim().into()),
        _ => one(text),
    }
}

fn shown(value: &Option<Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items.iter().map(|v| shown(&Some(v.clone()))).collect::<Vec<_>>().join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// What a condition reads, as the subject list's value.
fn subject_key(c: &Condition) -> String {
    match (&c.question, &c.hidden, &c.metadata, &c.variable) {
        (Some(q), ..) => format!("q:{q}"),
        (_, Some(h), ..) => format!("h:{h}"),
        (_, _, Some(_), _) => "m:".into(),
        (.., Some(v)) => format!("v:{v}"),
        _ => String::new(),
    }
}

fn with_subject(key: &str, op: ConditionOp, value: Option<Value>) -> Condition {
    let (kind, name) = key.split_once(':').unwrap_or(("q", key));
    let name = Some(name.to_string());
    let base = Condition { op, value, ..Default::default() };
    match kind {
        "h" => Condition { hidden: name, ..base },
        "m" => Condition { metadata: Some(String::new()), ..base },
        "v" => Condition { variable: name, ..base },
        _ => Condition { question: name, ..base },
    }
}

type RuleEdit = Box<dyn FnOnce(&mut LogicRule)>;

#[component]
pub fn RulesEditor(draft: RwSignal<SurveyDraft>, id: String) -> impl IntoView {
    let id = StoredValue::new(id);
    let number = move || draft.with(|d| d.questions.iter().position(|q| q.id == id.get_value()).map_or(0, |p| p + 1));
    let count = Memo::new(move |_| {
        draft.with(|d| d.questions.iter().find(|q| q.id == id.get_value()).map_or(0, |q| q.logic.len()))
    });
    let add_rule = move |_| {
        edit_question(draft, &id.get_value(), |q| {
            let first = Condition::on_question(q.id.clone(), ConditionOp::Answered, None);
            q.logic.push(LogicRule { when: Some(first.into()), actions: Vec::new() });
        })
    };
    view! {
        <fieldset class="logic-rules">
            <legend>{move || format!("Question {} logic", number())}</legend>
            <p class="hint">"Once this question is answered: where its conditions hold, a rule's actions run. Jumps go forward only, so every way through the survey ends."</p>
            {move || (0..count.get()).map(|r| view! { <RuleEditor draft id=id.get_value() r/> }).collect_view()}
            <button type="button" on:click=add_rule>{move || format!("Add rule to question {}", number())}</button>
        </fieldset>
    }
}

#[component]
fn RuleEditor(draft: RwSignal<SurveyDraft>, id: String, r: usize) -> impl IntoView {
    let id = StoredValue::new(id);
    let position = move || draft.with(|d| d.questions.iter().position(|q| q.id == id.get_value()).unwrap_or(0));
    let label = move |what: &str| format!("Question {} rule {} {what}", position() + 1, r + 1);
    let rule =
        move || draft.with(|d| d.questions.get(position()).and_then(|q| q.logic.get(r).cloned()).unwrap_or_default());
    let edit = move |f: RuleEdit| {
        edit_question(draft, &id.get_value(), |q| {
            if let Some(rule) = q.logic.get_mut(r) {
                f(rule)
            }
        })
    };
    let conditions = Memo::new(move |_| flat(&rule().when).map(|(_, c)| c.len()));
    let join = move || flat(&rule().when).map_or(Match::All, |(j, _)| j);
    let action_count = Memo::new(move |_| rule().actions.len());
    let add_condition = move |_| {
        let subject = draft.with(|d| d.questions.get(position()).map(|q| format!("q:{}", q.id))).unwrap_or_default();
        edit(Box::new(move |rule| {
            if let Some((join, mut list)) = flat(&rule.when) {
                list.push(with_subject(&subject, ConditionOp::Answered, None));
                rule.when = unflat(join, list);
            }
        }))
    };
    let add_action =
        move |_| edit(Box::new(|rule| rule.actions.push(Action::Jump { question: None, page: None, ending: None })));
    view! {
        <div class="logic-rule stack">
            <div class="row">
                <strong>{move || format!("Rule {}", r + 1)}</strong>
                <label class="inline" hidden=move || conditions.get().unwrap_or(0) < 2>{move || label("joins its conditions with")}
                    <select on:change=move |ev| {
                        let any = event_target_value(&ev) == "any";
                        edit(Box::new(move |rule| {
                            if let Some((_, list)) = flat(&rule.when) {
                                rule.when = unflat(if any { Match::Any } else { Match::All }, list);
                            }
                        }))
                    }>
                        <option value="all" selected=move || join() == Match::All>"and (all hold)"</option>
                        <option value="any" selected=move || join() == Match::Any>"or (any holds)"</option>
                    </select>
                </label>
                <button type="button" class="link" aria-label=move || label("remove")
                    on:click=move |_| edit_question(draft, &id.get_value(), |q| { if r < q.logic.len() { q.logic.remove(r); } })>
                    "Remove rule"
                </button>
            </div>
            {move || match conditions.get() {
                None => view! { <p class="hint">"When: nested condition groups (set by import or the API)."</p> }.into_any(),
                Some(0) => view! { <p class="hint">"Always (no condition)."</p> }.into_any(),
                Some(n) => (0..n).map(|c| view! { <ConditionRow draft id=id.get_value() r c/> }).collect_view().into_any(),
            }}
            <button type="button" class="link" hidden=move || conditions.get().is_none() on:click=add_condition>
                {move || label("add condition")}
            </button>
            {move || (0..action_count.get()).map(|a| view! { <ActionRow draft id=id.get_value() r a/> }).collect_view()}
            <button type="button" class="link" on:click=add_action>{move || label("add action")}</button>
        </div>
    }
}

#[component]
fn ConditionRow(draft: RwSignal<SurveyDraft>, id: String, r: usize, c: usize) -> impl IntoView {
    let id = StoredValue::new(id);
    let position = move || draft.with(|d| d.questions.iter().position(|q| q.id == id.get_value()).unwrap_or(0));
    let label = move |what: &str| format!("Question {} rule {} condition {} {what}", position() + 1, r + 1, c + 1);
    let condition = move || {
        draft.with(|d| {
            let rule = d.questions.get(position()).and_then(|q| q.logic.get(r));
            rule.and_then(|rule| flat(&rule.when)).and_then(|(_, list)| list.get(c).cloned()).unwrap_or_default()
        })
    };
    let edit = move |f: Box<dyn FnOnce(&mut Condition)>| {
        edit_question(draft, &id.get_value(), |q| {
            let Some(rule) = q.logic.get_mut(r) else { return };
            if let Some((join, mut list)) = flat(&rule.when) {
                if let Some(condition) = list.get_mut(c) {
                    f(condition);
                }
                rule.when = unflat(join, list);
            }
        })
    };
    // This question and earlier ones, hidden fields, metadata, variables.
    let subjects = move || {
        draft.with(|d| {
            let at = position();
            let questions = d.questions[..=at.min(d.questions.len().saturating_sub(1))]
                .iter()
                .enumerate()
                .map(|(i, q)| (format!("q:{}", q.id), format!("Question {}", i + 1)));
            let hidden = d.options.hidden_fields.iter().map(|h| (format!("h:{h}"), format!("Hidden field {h}")));
            let variables = d.options.variables.iter().map(|v| (format!("v:{}", v.id), format!("Variable {}", v.id)));
            questions
                .chain(hidden)
                .chain([("m:".to_string(), "Metadata key".to_string())])
                .chain(variables)
                .collect::<Vec<_>>()
        })
    };
    let subject_question = move || -> Option<Question> {
        let qid = condition().question?;
        draft.with(|d| d.questions.iter().find(|q| q.id == qid).cloned())
    };
    let parts = move || match subject_question().map(|q| q.kind) {
        Some(QuestionKind::Matrix { rows, .. }) => {
            Some(("row", rows.into_iter().map(|r| (r.id, r.label)).collect::<Vec<_>>()))
        }
        Some(QuestionKind::Ranking { choices, .. }) => {
            Some(("place of", choices.into_iter().map(|c| (c.id, c.label)).collect()))
        }
        _ => None,
    };
    let remove = move |_| {
        edit_question(draft, &id.get_value(), |q| {
            let Some(rule) = q.logic.get_mut(r) else { return };
            if let Some((join, mut list)) = flat(&rule.when) {
                if c < list.len() {
                    list.remove(c);
                }
                rule.when = unflat(join, list);
            }
        })
    };
    view! {
        <div class="row logic-condition">
            <select aria-label=move || label("subject") on:change=move |ev| {
                let key = event_target_value(&ev);
                edit(Box::new(move |cond| *cond = with_subject(&key, cond.op, cond.value.clone())));
            }>
                {move || subjects().into_iter().map(|(key, text)| {
                    let selected = subject_key(&condition()) == key;
                    view! { <option value=key selected=selected>{text}</option> }
                }).collect_view()}
            </select>
            <input type="text" class="short" hidden=move || condition().metadata.is_none() aria-label=move || label("metadata key")
                prop:value=move || condition().metadata.unwrap_or_default()
                on:input=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |cond| cond.metadata = Some(v))) }/>
            {move || parts().map(|(what, options)| {
                let chosen = condition().row.or(condition().choice).unwrap_or_default();
                view! {
                    <select aria-label=label(what) on:change=move |ev| {
                        let part = Some(event_target_value(&ev)).filter(|p| !p.is_empty());
                        edit(Box::new(move |cond| {
                            if what == "row" { cond.row = part } else { cond.choice = part }
                        }))
                    }>
                        <option value="">{format!("(choose a {what})")}</option>
                        {options.into_iter().map(|(id, text)| {
                            let selected = id == chosen;
                            view! { <option value=id selected=selected>{text}</option> }
                        }).collect_view()}
                    </select>
                }
            })}
            <select aria-label=move || label("operator") on:change=move |ev| {
                let name = event_target_value(&ev);
                let op = OPERATORS.iter().find(|(_, l)| *l == name).map_or(ConditionOp::Eq, |(op, _)| *op);
                edit(Box::new(move |cond| {
                    let text = shown(&cond.value);
                    cond.op = op;
                    cond.value = op.needs_value().then(|| typed(op, &text));
                }))
            }>
                {OPERATORS.iter().map(|(op, text)| {
                    let op = *op;
                    view! { <option value=*text selected=move || condition().op == op>{*text}</option> }
                }).collect_view()}
            </select>
            <input type="text" class="short" aria-label=move || label("value")
                hidden=move || !condition().op.needs_value()
                placeholder=move || match condition().op {
                    ConditionOp::Before | ConditionOp::After => "YYYY-MM-DD",
                    ConditionOp::In | ConditionOp::IncludesAny | ConditionOp::IncludesAll | ConditionOp::IncludesNone => "c1, c2",
                    _ => "",
                }
                prop:value=move || shown(&condition().value)
                on:change=move |ev| {
                    let text = event_target_value(&ev);
                    edit(Box::new(move |cond| cond.value = Some(typed(cond.op, &text))))
                }/>
            <button type="button" class="link" aria-label=move || label("remove") on:click=remove>"×"</button>
        </div>
    }
}

#[component]
fn ActionRow(draft: RwSignal<SurveyDraft>, id: String, r: usize, a: usize) -> impl IntoView {
    let id = StoredValue::new(id);
    let position = move || draft.with(|d| d.questions.iter().position(|q| q.id == id.get_value()).unwrap_or(0));
    let label = move |what: &str| format!("Question {} rule {} action {} {what}", position() + 1, r + 1, a + 1);
    let action =
        move || draft.with(|d| d.questions.get(position()).and_then(|q| q.logic.get(r)?.actions.get(a).cloned()));
    let edit = move |f: Box<dyn FnOnce(&mut Action)>| {
        edit_question(draft, &id.get_value(), |q| {
            if let Some(action) = q.logic.get_mut(r).and_then(|rule| rule.actions.get_mut(a)) {
                f(action)
            }
        })
    };
    let kind = move || match action() {
        Some(Action::Jump { ending: Some(_), .. }) => "ending",
        Some(Action::Jump { .. }) | None => "jump",
        Some(Action::Require { .. }) => "require",
        Some(Action::Calculate { .. }) => "calculate",
    };
    // The rule runs once this question's step (its page, if it is on one) is
    // answered: targets lie beyond the step, sources within it or before.
    let step_end = move || draft.with(|d| Steps::of(&d.questions, &d.options.pages).bounds(position()).1);
    let later = move || {
        draft.with(|d| {
            d.questions
                .iter()
                .enumerate()
                .skip(step_end() + 1)
                .map(|(i, q)| (q.id.clone(), format!("Question {}", i + 1)))
                .collect::<Vec<_>>()
        })
    };
    // Where a jump may land: a question on no page, or a page (at its start).
    let jump_targets = move || {
        draft.with(|d| {
            let steps = Steps::of(&d.questions, &d.options.pages);
            d.questions
                .iter()
                .enumerate()
                .skip(step_end() + 1)
                .filter(|(i, _)| steps.bounds(*i).0 == *i)
                .map(|(i, q)| match steps.page(i).and_then(|p| d.options.pages.get(p)) {
                    Some(page) => (format!("p:{}", page.id), format!("Page of question {}", i + 1)),
                    None => (format!("q:{}", q.id), format!("Question {}", i + 1)),
                })
                .collect::<Vec<_>>()
        })
    };
    let asked = move || {
        draft.with(|d| {
            d.questions
                .iter()
                .enumerate()
                .take(step_end() + 1)
                .map(|(i, q)| (q.id.clone(), format!("Question {}", i + 1)))
                .collect::<Vec<_>>()
        })
    };
    let endings =
        move || draft.with(|d| d.options.endings.iter().map(|e| (e.id.clone(), e.id.clone())).collect::<Vec<_>>());
    let variables =
        move || draft.with(|d| d.options.variables.iter().map(|v| (v.id.clone(), v.id.clone())).collect::<Vec<_>>());
    let target = move || match action() {
        Some(Action::Jump { question: Some(q), .. }) => Some(format!("q:{q}")),
        Some(Action::Jump { page: Some(p), .. }) => Some(format!("p:{p}")),
        Some(Action::Jump { ending, .. }) => ending,
        Some(Action::Require { question }) => Some(question),
        Some(Action::Calculate { variable, .. }) => Some(variable),
        None => None,
    };
    let choose = move |what: &'static str, options: Vec<(String, String)>, set: fn(&mut Action, String)| {
        let current = target().unwrap_or_default();
        view! {
            <select aria-label=label(what) on:change=move |ev| {
                let v = event_target_value(&ev);
                edit(Box::new(move |action| set(action, v)))
            }>
                <option value="">"(choose)"</option>
                {options.into_iter().map(|(value, text)| {
                    let selected = value == current;
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        }
    };
    let calculation = move || match action() {
        Some(Action::Calculate { operator, value, value_from, .. }) => Some((operator, value, value_from)),
        _ => None,
    };
    view! {
        <div class="row logic-action">
            <select aria-label=move || label("type") on:change=move |ev| {
                let chosen = event_target_value(&ev);
                edit(Box::new(move |action| *action = match chosen.as_str() {
                    "ending" => Action::Jump { question: None, page: None, ending: Some(String::new()) },
                    "require" => Action::Require { question: String::new() },
                    "calculate" => Action::Calculate { variable: String::new(), operator: Calculation::Add, value: Some(1.into()), value_from: None },
                    _ => Action::Jump { question: None, page: None, ending: None },
                }))
            }>
                <option value="jump" selected=move || kind() == "jump">"Jump to question"</option>
                <option value="ending" selected=move || kind() == "ending">"Jump to ending"</option>
                <option value="require" selected=move || kind() == "require">"Require question"</option>
                <option value="calculate" selected=move || kind() == "calculate">"Calculate variable"</option>
            </select>
            {move || match kind() {
                "jump" => choose("question", jump_targets(), |a, v| *a = match v.split_once(':') {
                    Some(("p", page)) => Action::Jump { question: None, page: Some(page.to_string()), ending: None },
                    _ => Action::Jump { question: Some(v.trim_start_matches("q:").to_string()), page: None, ending: None },
                }).into_any(),
                "ending" => choose("ending", endings(), |a, v| *a = Action::Jump { question: None, page: None, ending: Some(v) }).into_any(),
                "require" => choose("question", later(), |a, v| *a = Action::Require { question: v }).into_any(),
                _ => choose("variable", variables(), |a, v| {
                    if let Action::Calculate { variable, .. } = a { *variable = v }
                }).into_any(),
            }}
            {move || calculation().map(|(operator, value, value_from)| view! {
                <select aria-label=label("operator") on:change=move |ev| {
                    let name = event_target_value(&ev);
                    let chosen = CALCULATIONS.iter().find(|(_, t)| *t == name).map_or(Calculation::Add, |(c, _)| *c);
                    edit(Box::new(move |a| if let Action::Calculate { operator, .. } = a { *operator = chosen }))
                }>
                    {CALCULATIONS.iter().map(|(c, text)| view! { <option value=*text selected={*c == operator}>{*text}</option> }).collect_view()}
                </select>
                <input type="text" class="short" aria-label=label("value") prop:value=shown(&value)
                    placeholder="1"
                    on:change=move |ev| {
                        let text = event_target_value(&ev);
                        edit(Box::new(move |a| if let Action::Calculate { value, value_from, .. } = a {
                            *value = (!text.trim().is_empty()).then(|| typed(ConditionOp::Eq, &text));
                            if value.is_some() { *value_from = None; }
                        }))
                    }/>
                <select aria-label=label("or the answer to") on:change=move |ev| {
                    let from = Some(event_target_value(&ev)).filter(|v| !v.is_empty());
                    edit(Box::new(move |a| if let Action::Calculate { value, value_from, .. } = a {
                        if from.is_some() { *value = None; }
                        *value_from = from;
                    }))
                }>
                    <option value="">"(or the answer to…)"</option>
                    {asked().into_iter().map(|(qid, text)| {
                        let selected = value_from.as_deref() == Some(qid.as_str());
                        view! { <option value=qid selected=selected>{text}</option> }
                    }).collect_view()}
                </select>
            })}
            <button type="button" class="link" aria-label=move || label("remove")
                on:click=move |_| edit_question(draft, &id.get_value(), |q| {
                    if let Some(rule) = q.logic.get_mut(r) { if a < rule.actions.len() { rule.actions.remove(a); } }
                })>
                "×"
            </button>
        </div>
    }
}
