//! The ten question types beyond the first seven (README "Surveys → Question
//! types"), end to end: created through the API, answered through the client
//! API and the no-JavaScript form, counted in the overview, filtered, and
//! exported with a column per matrix row, ranking place and contact field.

use crate::common::{expect_problem, get_json, problem_fields, spawn_app, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

fn questions() -> Value {
    json!([
        {"id": "store", "type": "dropdown", "title": "Which store?", "required": true, "allowOther": true,
         "choices": [{"id": "ath", "label": "Athens"}, {"id": "the", "label": "Thessaloniki"}]},
        {"id": "prio", "type": "ranking", "title": "What matters most?", "rankCount": 2,
         "choices": [{"id": "price", "label": "Price"}, {"id": "speed", "label": "Speed"}, {"id": "care", "label": "Care"}]},
        {"id": "grid", "type": "matrix", "title": "How was it?",
         "rows": [{"id": "food", "label": "Food", "required": true}, {"id": "staff", "label": "Staff"}],
         "columns": [{"id": "good", "label": "Good"}, {"id": "bad", "label": "Bad"}]},
        {"id": "spent", "type": "number", "title": "How much did you spend?", "min": 0, "max": 1000, "step": 0.01, "unit": "€"},
        {"id": "visit", "type": "date", "title": "When did you visit?", "min": "2026-01-01", "max": "2026-12-31"},
        {"id": "terms", "type": "consent", "title": "Privacy", "label": "You may contact me about my answers", "required": true},
        {"id": "news", "type": "statement", "title": "Our newsletter", "buttonLabel": "Read it", "buttonUrl": "https://example.com/news"},
        {"id": "look", "type": "picture_choice", "title": "Which look?", "multiple": true,
         "choices": [{"id": "red", "label": "Red bowl", "imageUrl": "https://example.com/red.png"},
                     {"id": "blue", "label": "Blue bowl", "imageUrl": "https://example.com/blue.png"}]},
        {"id": "you", "type": "contact_info", "title": "Who are you?",
         "fields": [{"name": "firstName"}, {"name": "email", "required": true}, {"name": "phone"}]},
        {"id": "home", "type": "address", "title": "Where do you live?", "fields": [{"name": "city"}, {"name": "country"}]}
    ])
}

async fn create(app: &TestApp, owner: &Client) -> String {
    let res = owner
        .post(app.url("/api/surveys"))
        .json(&json!({"name": "Every type", "status": "published", "questions": questions()}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

/// Whether `whole` holds everything `part` says (objects may hold more keys: defaults).
fn contains(whole: &Value, part: &Value) -> bool {
    match (whole, part) {
        (Value::Object(w), Value::Object(p)) => p.iter().all(|(k, v)| w.get(k).is_some_and(|x| contains(x, v))),
        (Value::Array(w), Value::Array(p)) => w.len() == p.len() && w.iter().zip(p).all(|(x, v)| contains(x, v)),
        (Value::Number(w), Value::Number(p)) => w.as_f64() == p.as_f64(),
        _ => whole == part,
    }
}

fn full_answers(store: &str, first: &str, spent: f64, visit: &str) -> Value {
    json!({
        "store": store, "prio": [first, "care"], "grid": {"food": "good", "staff": "bad"}, "spent": spent,
        "visit": visit, "terms": true, "news": "clicked", "look": ["blue"],
        "you": {"firstName": "Ana", "email": "ana@example.com", "phone": "+30 210 1234567"},
        "home": {"city": "Athens", "country": "Greece"}
    })
}

#[tokio::test]
async fn every_new_type_is_created_answered_counted_filtered_and_exported() {
    let app = spawn_app().await;
    let owner = app.signed_in("Taverna").await;
    let survey = create(&app, &owner).await;
    let stored = get_json(&owner, app.url(&format!("/api/surveys/{survey}"))).await;
    assert!(
        contains(&stored["questions"], &questions()),
        "the definition reads back as written: {}",
        stored["questions"]
    );

    for (store, first, spent, visit) in [
        ("ath", "price", 12.5, "2026-03-01"),
        ("the", "speed", 40.0, "2026-03-05"),
        ("ath", "price", 7.25, "2026-04-10"),
    ] {
        let res = app.submit_completed(&survey, full_answers(store, first, spent, visit)).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    }

    let overview = get_json(&owner, app.url(&format!("/api/surveys/{survey}/overview"))).await;
    let stats =
        |id: &str| overview["questions"].as_array().unwrap().iter().find(|q| q["questionId"] == id).unwrap().clone();
    assert_eq!(stats("store")["bars"][0]["count"], 2);
    let prio = stats("prio");
    assert_eq!(prio["answered"], 3);
    assert_eq!(prio["ranks"][0]["averagePlace"], 1.0);
    assert_eq!(prio["ranks"][0]["firstPlacePercent"], 66.7);
    assert_eq!(prio["ranks"][2]["averagePlace"], 2.0, "care is always second");
    let grid = stats("grid");
    assert_eq!((grid["answered"].as_i64(), grid["rows"][0]["bars"][0]["count"].as_i64()), (Some(3), Some(3)));
    assert_eq!(grid["rows"][1]["bars"][1]["count"], 3);
    let spent = stats("spent");
    assert_eq!(spent["number"], json!({"mean": 19.917, "median": 12.5, "min": 7.25, "max": 40.0}));
    assert_eq!(stats("visit")["date"]["median"], "2026-03-05");
    assert_eq!(stats("terms")["answered"], 3);
    assert_eq!(stats("news")["answered"], 3, "three clicks");
    assert_eq!(stats("look")["bars"][1]["count"], 3);
    assert_eq!(stats("you")["answered"], 3);

    // Filters reach into matrix rows, numbers and dates.
    let count = |query: &'static str| {
        let (owner, url) = (owner.clone(), app.url(&format!("/api/surveys/{survey}/responses?{query}")));
        async move { get_json(&owner, url).await["meta"]["total"].as_i64().unwrap() }
    };
    assert_eq!(count("answer.grid.food=good").await, 3);
    assert_eq!(count("answer.grid.staff=good").await, 0);
    assert_eq!(count("answer.spent=gte:12.5").await, 2);
    assert_eq!(count("answer.spent=lt:8").await, 1);
    assert_eq!(count("answer.visit=lt:2026-04-01").await, 2);
    assert_eq!(count("answer.prio=price").await, 2, "at any place");
    assert_eq!(count("answer.prio=care").await, 3, "second place counts too");
    assert_eq!(count("answer.store=the").await, 1);
    let bad =
        owner.get(app.url(&format!("/api/surveys/{survey}/responses?answer.visit=lt:soon"))).send().await.unwrap();
    assert!(problem_fields(&expect_problem(bad, 422).await).contains(&"answer.visit".to_string()));

    // The CSV has a column per ranking place, matrix row and contact field.
    let csv = owner
        .get(app.url(&format!("/api/surveys/{survey}/responses/export?format=csv")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let header = csv.lines().next().unwrap();
    for column in [
        "prio: What matters most? — #1",
        "grid: How was it? — Staff",
        "you: Who are you? — Email",
        "home: Where do you live? — City",
    ] {
        assert!(header.contains(column), "{column} in {header}");
    }
    let first_row = csv.lines().nth(1).unwrap();
    assert!(
        first_row.contains("Athens,Price,Care,Good,Bad,12.5,2026-03-01,Accepted,Clicked,Blue bowl,Ana,ana@example.com"),
        "{first_row}"
    );

    // The contact question named the respondent.
    let contacts = get_json(&owner, app.url("/api/directory/contacts?search=ana%40example.com")).await;
    assert_eq!(contacts["data"][0]["email"], "ana@example.com");
    assert_eq!(contacts["data"][0]["firstName"], "Ana");
}

#[tokio::test]
async fn wrong_answers_and_missing_parts_are_named() {
    let app = spawn_app().await;
    let owner = app.signed_in("Taverna").await;
    let survey = create(&app, &owner).await;
    let mut answers = full_answers("ath", "price", 12.5, "2026-03-01");
    answers["prio"] = json!(["price", "price"]);
    answers["spent"] = json!(12.345);
    answers["visit"] = json!("2027-01-01");
    answers["terms"] = json!(false);
    answers["grid"] = json!({"staff": "good"});
    answers["you"] = json!({"firstName": "Ana"});
    answers["look"] = json!(["green"]);
    let problem = expect_problem(app.submit_completed(&survey, answers).await, 422).await;
    let fields = problem_fields(&problem);
    for field in ["answers.prio", "answers.spent", "answers.visit", "answers.terms", "answers.look"] {
        assert!(fields.contains(&field.to_string()), "{field}: {fields:?}");
    }
    // Only once the shapes are right are the required parts checked.
    let mut answers = full_answers("ath", "price", 12.5, "2026-03-01");
    answers["grid"] = json!({"staff": "good"});
    answers["you"] = json!({"firstName": "Ana"});
    answers.as_object_mut().unwrap().remove("terms");
    let fields = problem_fields(&expect_problem(app.submit_completed(&survey, answers).await, 422).await);
    for field in ["answers.grid.food", "answers.you.email", "answers.terms"] {
        assert!(fields.contains(&field.to_string()), "{field}: {fields:?}");
    }

    // Settings that cannot work are refused when the survey is saved.
    let res = owner
        .post(app.url("/api/surveys"))
        .json(&json!({"name": "Broken", "questions": [
            {"id": "a", "type": "statement", "title": "T", "buttonUrl": "javascript:alert(1)", "buttonLabel": "Go"},
            {"id": "b", "type": "picture_choice", "title": "T", "choices": [{"id": "x", "label": "X"}]},
            {"id": "c", "type": "number", "title": "T", "min": 5, "max": 1}
        ]}))
        .send()
        .await
        .unwrap();
    let fields = problem_fields(&expect_problem(res, 422).await);
    for field in ["questions[0].buttonUrl", "questions[1].choices[0].imageUrl", "questions[2].max"] {
        assert!(fields.contains(&field.to_string()), "{field}: {fields:?}");
    }
}

#[tokio::test]
async fn the_plain_form_answers_every_new_type_without_javascript() {
    let app = spawn_app().await;
    let owner = app.signed_in("Taverna").await;
    let survey = create(&app, &owner).await;
    let page = app.client().get(app.url(&format!("/s/{survey}"))).send().await.unwrap().text().await.unwrap();
    for control in [
        r#"<select name="q.store""#,
        r#"name="q.prio.2""#,
        r#"name="q.grid.food""#,
        r#"type="number" name="q.spent""#,
        r#"type="date" name="q.visit""#,
        r#"name="q.terms""#,
        r#"href="https://example.com/news""#,
        r#"src="https://example.com/red.png""#,
        r#"autocomplete="email""#,
        r#"name="q.home.city""#,
    ] {
        assert!(page.contains(control), "{control} is in the page");
    }
    // The classic bundle cannot show these types: the page loads the one that can.
    assert!(page.contains(r#"src="/pkg/widget/every-type/boot.js""#), "the every-type bundle hydrates it");
    let form = [
        ("q.store", "the"),
        ("q.prio.1", "care"),
        ("q.prio.2", "speed"),
        ("q.grid.food", "good"),
        ("q.spent", "20.5"),
        ("q.visit", "2026-06-01"),
        ("q.terms", "true"),
        ("q.look", "red"),
        ("q.you.email", "nikos@example.com"),
        ("q.home.city", "Patras"),
    ];
    let res = app.client().post(app.url(&format!("/s/{survey}"))).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(res.headers()["location"].to_str().unwrap().contains("/thanks"), "{:?}", res.headers()["location"]);
    let list = get_json(&owner, app.url(&format!("/api/surveys/{survey}/responses"))).await;
    assert_eq!(
        list["data"][0]["answers"],
        json!({"store": "the", "prio": ["care", "speed"], "grid": {"food": "good"}, "spent": 20.5, "visit": "2026-06-01",
               "terms": true, "look": ["red"], "you": {"email": "nikos@example.com"}, "home": {"city": "Patras"}})
    );
}
