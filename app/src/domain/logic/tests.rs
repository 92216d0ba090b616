//! The logic rules, each on its own: operators, groups, the walk (skips,
//! jumps, endings, required answers, variables) and the definition checks.

use super::*;
use crate::domain::error::Problems;
use crate::domain::survey::Question;
use crate::domain::survey_options::SurveyOptions;
use serde_json::{json, Value};

fn answers(v: Value) -> Answers {
    v.as_object().unwrap().clone()
}

fn questions(v: Value) -> Vec<Question> {
    serde_json::from_value(v).unwrap()
}

fn facts<'a>(answers: &'a Answers, other: &'a Map<String, Value>) -> Facts<'a> {
    Facts { answers, passed: None, hidden_fields: other, metadata: other, variables: other }
}

fn cond(op: ConditionOp, value: Option<Value>) -> Condition {
    Condition::on_question("q1", op, value)
}

#[test]
fn operators() {
    let a = answers(json!({"q1": 6, "many": ["x", "y"]}));
    let none = Map::new();
    let f = facts(&a, &none);
    assert!(cond(ConditionOp::Lte, Some(json!(6))).holds(&f));
    assert!(!cond(ConditionOp::Lt, Some(json!(6))).holds(&f));
    assert!(cond(ConditionOp::Gte, Some(json!(0))).holds(&f));
    assert!(cond(ConditionOp::Eq, Some(json!(6))).holds(&f));
    assert!(cond(ConditionOp::Eq, Some(json!(6.0))).holds(&f), "numbers compare by value");
    assert!(cond(ConditionOp::Neq, Some(json!(7))).holds(&f));
    assert!(cond(ConditionOp::In, Some(json!([5, 6]))).holds(&f));
    assert!(cond(ConditionOp::Answered, None).holds(&f));
    assert!(!cond(ConditionOp::NotAnswered, None).holds(&f));
    let many = |op, value| Condition::on_question("many", op, Some(value));
    assert!(many(ConditionOp::Contains, json!("y")).holds(&f));
    assert!(many(ConditionOp::IncludesAny, json!(["z", "y"])).holds(&f));
    assert!(!many(ConditionOp::IncludesAll, json!(["x", "z"])).holds(&f));
    assert!(many(ConditionOp::IncludesAll, json!(["x", "y"])).holds(&f));
    assert!(many(ConditionOp::IncludesNone, json!(["z"])).holds(&f));
    assert!(!many(ConditionOp::IncludesNone, json!(["x"])).holds(&f));
    let empty = Answers::new();
    let nothing = facts(&empty, &none);
    assert!(!cond(ConditionOp::Lte, Some(json!(6))).holds(&nothing), "unanswered never matches a comparison");
    assert!(!cond(ConditionOp::Neq, Some(json!(6))).holds(&nothing), "nor a 'not'");
    assert!(!many(ConditionOp::IncludesNone, json!(["x"])).holds(&nothing));
    let six = answers(json!({"q1": "six"}));
    assert!(!cond(ConditionOp::Lte, Some(json!(6))).holds(&facts(&six, &none)));
    for op in ConditionOp::ALL {
        assert_eq!(serde_json::to_value(op).unwrap(), json!(op.as_str()));
    }
}

#[test]
fn rows_positions_dates_and_other_subjects() {
    let a = answers(json!({"grid": {"price": "good"}, "rank": ["speed", "price"], "day": "2026-12-07"}));
    let hidden = answers(json!({"source": "email"}));
    let metadata = answers(json!({"store": "athens", "basket": 42}));
    let variables = answers(json!({"score": 3}));
    let f = Facts { answers: &a, passed: None, hidden_fields: &hidden, metadata: &metadata, variables: &variables };
    let row =
        Condition { row: Some("price".into()), ..Condition::on_question("grid", ConditionOp::Eq, Some(json!("good"))) };
    assert!(row.holds(&f));
    let place =
        Condition { choice: Some("price".into()), ..Condition::on_question("rank", ConditionOp::Lte, Some(json!(2))) };
    assert!(place.holds(&f), "price ranked second");
    let first =
        Condition { choice: Some("price".into()), ..Condition::on_question("rank", ConditionOp::Eq, Some(json!(1))) };
    assert!(!first.holds(&f));
    assert!(Condition::on_question("day", ConditionOp::After, Some(json!("2026-12-01"))).holds(&f));
    assert!(!Condition::on_question("day", ConditionOp::Before, Some(json!("2026-12-07"))).holds(&f));
    let on = |field: &str, name: &str, op, value: Value| -> Condition {
        serde_json::from_value(json!({field: name, "op": op, "value": value})).unwrap()
    };
    assert!(on("hidden", "source", ConditionOp::Eq, json!("email")).holds(&f));
    assert!(on("metadata", "store", ConditionOp::Eq, json!("athens")).holds(&f));
    assert!(on("metadata", "basket", ConditionOp::Gt, json!(40)).holds(&f));
    assert!(on("variable", "score", ConditionOp::Gte, json!(3)).holds(&f));
    assert!(!on("metadata", "missing", ConditionOp::Eq, json!("x")).holds(&f));
}

#[test]
fn groups_join_with_and_or_and_nest() {
    let when: When = serde_json::from_value(json!({
        "match": "any",
        "conditions": [
            {"question": "q1", "op": "lte", "value": 6},
            {"match": "all", "conditions": [
                {"question": "q1", "op": "eq", "value": 7},
                {"metadata": "store", "op": "eq", "value": "athens"}
            ]}
        ]
    }))
    .unwrap();
    assert_eq!(when.depth(), 2);
    assert_eq!(when.conditions().len(), 3);
    let athens = answers(json!({"store": "athens"}));
    let none = Map::new();
    let holds = |a: Value, metadata: &Map<String, Value>| {
        let a = answers(a);
        when.holds(&Facts { answers: &a, passed: None, hidden_fields: &none, metadata, variables: &none })
    };
    assert!(holds(json!({"q1": 3}), &none));
    assert!(holds(json!({"q1": 7}), &athens));
    assert!(!holds(json!({"q1": 7}), &none));
    assert!(!holds(json!({"q1": 9}), &athens));
    // A lone condition still reads and writes as before.
    let one: When = serde_json::from_value(json!({"question": "q1", "op": "answered"})).unwrap();
    assert_eq!(serde_json::to_value(&one).unwrap(), json!({"question": "q1", "op": "answered"}));
}

fn walk_of(qs: &[Question], variables: &[Variable], a: Value) -> Walk {
    walk(qs, variables, &[], &answers(a), Surroundings::default(), None)
}

#[test]
fn detractors_see_the_follow_up_and_stale_answers_go() {
    let qs = questions(json!([
        {"id": "q1", "type": "nps", "title": "NPS"},
        {"id": "why", "type": "text", "title": "Why?", "showIf": {"question": "q1", "op": "lte", "value": 6}}
    ]));
    assert_eq!(walk_of(&qs, &[], json!({"q1": 3})).path, vec![0, 1]);
    let promoter = walk_of(&qs, &[], json!({"q1": 9, "why": "x"}));
    assert_eq!(promoter.path, vec![0]);
    let mut a = answers(json!({"q1": 9, "why": "x"}));
    prune_unasked(&qs, &promoter, &mut a);
    assert_eq!(Value::Object(a), json!({"q1": 9}));
}

fn branching() -> (Vec<Question>, SurveyOptions) {
    let qs = questions(json!([
        {"id": "q1", "type": "nps", "title": "NPS", "required": true, "logic": [
            {"when": {"question": "q1", "op": "lte", "value": 6}, "actions": [
                {"type": "require", "question": "fix"}, {"type": "jump", "question": "fix"}]},
            {"when": {"question": "q1", "op": "gte", "value": 9}, "actions": [{"type": "jump", "ending": "fan"}]}
        ]},
        {"id": "praise", "type": "text", "title": "What do you like?"},
        {"id": "fix", "type": "text", "title": "What should we fix?"},
        {"id": "age", "type": "number", "title": "Age?"}
    ]));
    let options: SurveyOptions = serde_json::from_value(json!({
        "endings": [{"id": "fan", "title": "Thanks!", "redirectUrl": "https://example.com/review?nps={{q1}}"}]
    }))
    .unwrap();
    (qs, options)
}

#[test]
fn jumps_skip_ahead_and_endings_end() {
    let (qs, options) = branching();
    let detractor = walk_of(&qs, &options.variables, json!({"q1": 2}));
    assert_eq!(detractor.path, vec![0, 2, 3], "praise skipped");
    assert!(detractor.requires(2, &qs[2]), "fix required by logic");
    assert!(!detractor.requires(3, &qs[3]));
    assert_eq!(detractor.ending, None);
    let fan = walk_of(&qs, &options.variables, json!({"q1": 10, "praise": "all", "fix": "x"}));
    assert_eq!(fan.path, vec![0]);
    assert_eq!(fan.ending.as_deref(), Some("fan"));
    let passive = walk_of(&qs, &options.variables, json!({"q1": 7}));
    assert_eq!(passive.path, vec![0, 1, 2, 3]);
    assert!(!passive.requires(2, &qs[2]));
    assert_eq!(passive.after(1), Some(2));
    assert_eq!(passive.before(1), Some(0));
    // The answers decide, and the checks of a response follow them.
    let missing = crate::domain::answers::validate_walked(&qs, &answers(json!({"q1": 2})), Some(&detractor));
    assert!(missing.unwrap_err().message_for("answers.fix").is_some());
}

#[test]
fn variables_calculate_a_quiz_score() {
    let qs = questions(json!([
        {"id": "capital", "type": "single_choice", "title": "Capital of Greece?",
         "choices": [{"id": "athens", "label": "Athens"}, {"id": "sparta", "label": "Sparta"}],
         "logic": [{"when": {"question": "capital", "op": "eq", "value": "athens"},
                    "actions": [{"type": "calculate", "variable": "score", "operator": "add", "value": 1}]}]},
        {"id": "year", "type": "number", "title": "Year of the first modern Olympics?",
         "logic": [
            {"when": {"question": "year", "op": "eq", "value": 1896},
             "actions": [{"type": "calculate", "variable": "score", "operator": "add", "value": 1}]},
            {"actions": [{"type": "calculate", "variable": "guess", "operator": "assign", "valueFrom": "year"},
                         {"type": "calculate", "variable": "label", "operator": "add", "value": "done"}]}
         ]},
        {"id": "end", "type": "text", "title": "You scored {{var.score}}",
         "showIf": {"variable": "score", "op": "gte", "value": 1}}
    ]));
    let variables: Vec<Variable> = serde_json::from_value(json!([
        {"id": "score"}, {"id": "guess", "type": "number", "initial": -1}, {"id": "label", "type": "text"}
    ]))
    .unwrap();
    let all_right = walk_of(&qs, &variables, json!({"capital": "athens", "year": 1896}));
    assert_eq!(Value::Object(all_right.variables.clone()), json!({"score": 2, "guess": 1896, "label": "done"}));
    assert_eq!(all_right.path, vec![0, 1, 2]);
    let all_wrong = walk_of(&qs, &variables, json!({"capital": "sparta"}));
    assert_eq!(Value::Object(all_wrong.variables), json!({"score": 0, "guess": -1, "label": "done"}));
    assert_eq!(all_wrong.path, vec![0, 1], "a variable can hide a question");
    // As they stand when a question shows: its own logic has not run yet.
    let at_year = walk(
        &qs,
        &variables,
        &[],
        &answers(json!({"capital": "athens", "year": 1896})),
        Default::default(),
        Some("year"),
    );
    assert_eq!(at_year.variables["score"], json!(1));
}

#[test]
fn answers_left_behind_do_not_steer() {
    // "why" is hidden once q1 is 9, so its stale answer must not trigger the jump.
    let qs = questions(json!([
        {"id": "q1", "type": "nps", "title": "NPS"},
        {"id": "why", "type": "text", "title": "Why?", "showIf": {"question": "q1", "op": "lte", "value": 6}},
        {"id": "next", "type": "text", "title": "More?",
         "showIf": {"question": "why", "op": "answered"}}
    ]));
    assert_eq!(walk_of(&qs, &[], json!({"q1": 9, "why": "x"})).path, vec![0]);
}

fn problems_of(qs: &[Question], options: &SurveyOptions) -> Vec<String> {
    let mut p = Problems::default();
    validate(&mut p, qs, options);
    match p.into_result() {
        Ok(()) => Vec::new(),
        Err(crate::domain::AppError::Validation { errors }) => errors.into_iter().map(|e| e.field).collect(),
        Err(other) => panic!("{other:?}"),
    }
}

#[test]
fn a_sound_definition_passes() {
    let (qs, options) = branching();
    assert_eq!(problems_of(&qs, &options), Vec::<String>::new());
}

#[test]
fn conditions_must_point_backwards_and_carry_values() {
    let qs = questions(json!([
        {"id": "a", "type": "nps", "title": "A", "showIf": {"question": "q1", "op": "answered"}},
        {"id": "q1", "type": "nps", "title": "Q1"},
        {"id": "b", "type": "nps", "title": "B", "showIf": {"question": "q1", "op": "lte"}},
        {"id": "c", "type": "nps", "title": "C", "showIf": {"question": "q1", "op": "in", "value": 3}},
        {"id": "d", "type": "nps", "title": "D", "showIf": {"match": "all", "conditions": [
            {"question": "q1", "op": "before", "value": "yesterday"},
            {"hidden": "nope", "op": "eq", "value": 1},
            {"variable": "nope", "op": "eq", "value": 1},
            {"question": "q1", "hidden": "x", "op": "answered"},
            {"question": "q1", "row": "r1", "op": "answered"},
            {"match": "any", "conditions": []}
        ]}}
    ]));
    let found = problems_of(&qs, &SurveyOptions::default());
    for f in [
        "questions[0].showIf.question",
        "questions[2].showIf.value",
        "questions[3].showIf.value",
        "questions[4].showIf.conditions[0].value",
        "questions[4].showIf.conditions[1].hidden",
        "questions[4].showIf.conditions[2].variable",
        "questions[4].showIf.conditions[3].question",
        "questions[4].showIf.conditions[4].row",
        "questions[4].showIf.conditions[5].conditions",
    ] {
        assert!(found.iter().any(|x| x == f), "{f}: {found:?}");
    }
}

#[test]
fn jumps_backwards_unknown_targets_and_bad_calculations_are_refused() {
    let qs = questions(json!([
        {"id": "q1", "type": "nps", "title": "Q1"},
        {"id": "q2", "type": "nps", "title": "Q2", "logic": [
            {"actions": [{"type": "jump", "question": "q1"}]},
            {"actions": [{"type": "jump", "question": "q2"}]},
            {"actions": [{"type": "jump", "ending": "nowhere"}]},
            {"actions": [{"type": "jump"}]},
            {"actions": [{"type": "require", "question": "q1"}]},
            {"actions": [{"type": "calculate", "variable": "ghost", "operator": "add", "value": 1}]},
            {"actions": [{"type": "calculate", "variable": "score", "operator": "divide", "value": 0}]},
            {"actions": [{"type": "calculate", "variable": "name", "operator": "multiply", "value": "x"}]},
            {"actions": [{"type": "calculate", "variable": "score", "operator": "add", "valueFrom": "q3"}]},
            {"actions": [{"type": "calculate", "variable": "score", "operator": "add", "value": "one"}]},
            {"actions": []},
            {"when": {"question": "q3", "op": "answered"}, "actions": [{"type": "require", "question": "q3"}]}
        ]},
        {"id": "q3", "type": "nps", "title": "Q3"}
    ]));
    let options: SurveyOptions = serde_json::from_value(json!({
        "variables": [{"id": "score"}, {"id": "name", "type": "text"}, {"id": "score"}, {"id": "bad", "initial": "x"}],
        "endings": [{"id": "e1"}, {"id": "e2", "redirectUrl": "javascript:alert(1)"},
                    {"id": "e3", "redirectUrl": "https://{{hidden.site}}/x"}]
    }))
    .unwrap();
    let found = problems_of(&qs, &options);
    let at = |r: usize, f: &str| format!("questions[1].logic[{r}].{f}");
    for f in [
        at(0, "actions[0].question"),
        at(1, "actions[0].question"),
        at(2, "actions[0].ending"),
        at(3, "actions[0].question"),
        at(4, "actions[0].question"),
        at(5, "actions[0].variable"),
        at(6, "actions[0].value"),
        at(7, "actions[0].operator"),
        at(8, "actions[0].valueFrom"),
        at(9, "actions[0].value"),
        at(10, "actions"),
        at(11, "when.question"),
        "variables[2].id".to_string(),
        "variables[3].initial".to_string(),
        "endings[0].text".to_string(),
        "endings[1].redirectUrl".to_string(),
        "endings[2].redirectUrl".to_string(),
    ] {
        assert!(found.contains(&f), "{f}: {found:?}");
    }
    assert_eq!(found.iter().filter(|f| f.starts_with("questions[1].logic[11]")).count(), 1, "{found:?}");
}

#[test]
fn nesting_and_size_are_bounded() {
    let mut when = json!({"question": "q1", "op": "answered"});
    for _ in 0..4 {
        when = json!({"match": "all", "conditions": [when]});
    }
    let qs = questions(json!([
        {"id": "q1", "type": "nps", "title": "Q1"},
        {"id": "q2", "type": "nps", "title": "Q2", "showIf": when}
    ]));
    assert_eq!(problems_of(&qs, &SurveyOptions::default()), vec!["questions[1].showIf".to_string()]);
    let many: Vec<Value> = (0..51).map(|_| json!({"question": "q1", "op": "answered"})).collect();
    let qs = questions(json!([
        {"id": "q1", "type": "nps", "title": "Q1"},
        {"id": "q2", "type": "nps", "title": "Q2", "showIf": {"match": "any", "conditions": many}}
    ]));
    assert_eq!(problems_of(&qs, &SurveyOptions::default()), vec!["questions[1].showIf".to_string()]);
}

#[test]
fn a_group_with_a_mistake_names_it() {
    let err = serde_json::from_value::<Question>(json!({
        "id": "q2", "type": "nps", "title": "Q2",
        "showIf": {"match": "any", "conditions": [{"question": "q1", "op": "bigger"}]}
    }))
    .unwrap_err()
    .to_string();
    assert!(err.contains("bigger"), "{err}");
}

fn pages(v: Value) -> Vec<crate::domain::survey_pages::Page> {
    serde_json::from_value(v).unwrap()
}

/// q1 alone, a page of q2–q4, then q5 and q6 alone.
fn paged_survey(q2_logic: Value) -> Vec<Question> {
    questions(json!([
        {"id": "q1", "type": "nps", "title": "Q1"},
        {"id": "q2", "type": "nps", "title": "Q2", "logic": q2_logic},
        {"id": "q3", "type": "nps", "title": "Q3", "showIf": {"question": "q1", "op": "gte", "value": 5}},
        {"id": "q4", "type": "nps", "title": "Q4", "logic": [{"actions": [
            {"type": "calculate", "variable": "score", "operator": "multiply", "value": 10}]}]},
        {"id": "q5", "type": "nps", "title": "Q5"},
        {"id": "q6", "type": "nps", "title": "Q6"}
    ]))
}

#[test]
fn a_page_is_asked_whole_and_its_logic_runs_after_it_in_the_surveys_order() {
    let variables: Vec<Variable> = serde_json::from_value(json!([{"id": "score", "type": "number"}])).unwrap();
    let on_page = pages(json!([{"id": "p", "questions": ["q2", "q3", "q4"]}]));
    let qs = paged_survey(json!([{"actions": [
        {"type": "calculate", "variable": "score", "operator": "assign", "value": 1},
        {"type": "jump", "question": "q6"}]}]));
    let given = answers(json!({"q1": 7, "q2": 1, "q4": 3}));
    let walked = walk(&qs, &variables, &on_page, &given, Surroundings::default(), None);
    // q2's jump waits until the page is left: q3 (shown, by q1) and q4 are still asked.
    assert_eq!(walked.path, vec![0, 1, 2, 3, 5]);
    assert_eq!(walked.variables["score"], json!(10), "assign (q2) before multiply (q4)");
    // Without the page, q2's jump skips q3 and q4 at once.
    let alone = walk(&qs, &variables, &[], &given, Surroundings::default(), None);
    assert_eq!(alone.path, vec![0, 1, 5]);
    // A shuffled page shown as q4, q2, q3: the same way through, the same score.
    let mut shown = qs.clone();
    shown[1..4].rotate_right(1);
    let arranged = walk(&shown, &variables, &on_page, &given, Surroundings::default(), None);
    assert_eq!(arranged.variables, walked.variables);
    let ids = |w: &Walk, qs: &[Question]| -> Vec<String> {
        let mut ids: Vec<String> = w.path.iter().map(|i| qs[*i].id.clone()).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&arranged, &shown), ids(&walked, &qs));
    // `until` stops at the page, before its logic.
    let until = walk(&qs, &variables, &on_page, &given, Surroundings::default(), Some("q3"));
    assert_eq!((until.path, until.variables["score"].clone()), (vec![0, 1, 2, 3], json!(0)));
}

#[test]
fn a_jump_lands_on_a_page() {
    let mut qs = paged_survey(json!([]));
    qs[0].logic = serde_json::from_value(json!([{"actions": [{"type": "jump", "page": "p"}]}])).unwrap();
    let on_page = pages(json!([{"id": "p", "questions": ["q4", "q5"]}]));
    let walked = walk(&qs, &[], &on_page, &answers(json!({"q1": 1})), Surroundings::default(), None);
    assert_eq!(walked.path, vec![0, 3, 4, 5]);
    let mut options = SurveyOptions { pages: on_page, ..Default::default() };
    options.variables = serde_json::from_value(json!([{"id": "score", "type": "number"}])).unwrap();
    assert!(problems_of(&qs, &options).is_empty(), "{:?}", problems_of(&qs, &options));
}

#[test]
fn page_logic_is_refused_where_the_page_could_not_keep_it() {
    let mut options =
        SurveyOptions { pages: pages(json!([{"id": "p", "questions": ["q2", "q3", "q4"]}])), ..Default::default() };
    options.variables = serde_json::from_value(json!([{"id": "score", "type": "number"}])).unwrap();
    let mut qs = paged_survey(json!([
        {"actions": [{"type": "jump", "question": "q4"}]},
        {"actions": [{"type": "require", "question": "q3"}]},
        {"actions": [{"type": "jump", "page": "nowhere"}]},
        {"actions": [{"type": "jump", "page": "p"}]},
        {"when": {"question": "q4", "op": "answered"}, "actions": [{"type": "calculate", "variable": "score", "operator": "add", "valueFrom": "q4"}]}
    ]));
    // A condition on a question of its own page: the page shows as a whole.
    qs[3].show_if = Some(serde_json::from_value(json!({"question": "q2", "op": "answered"})).unwrap());
    // A jump into the middle of the page.
    qs[0].logic = serde_json::from_value(json!([{"actions": [{"type": "jump", "question": "q3"}]}])).unwrap();
    assert_eq!(
        problems_of(&qs, &options),
        [
            "questions[0].logic[0].actions[0].question",
            "questions[1].logic[0].actions[0].question",
            "questions[1].logic[1].actions[0].question",
            "questions[1].logic[2].actions[0].page",
            "questions[1].logic[3].actions[0].page",
            "questions[3].showIf.question",
        ]
    );
}
