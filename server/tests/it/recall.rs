//! Recall (README "Surveys → Recall"): `{{q1|fallback}}`, `{{hidden.name}}`
//! in titles, descriptions, choice labels and the thank-you text; refused by
//! name when it cannot work; always text, never markup.

use crate::common::{expect_problem, problem_fields, spawn_app, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

fn survey() -> Value {
    json!({
        "name": "Dinner", "status": "published", "hiddenFields": ["source"],
        "thankYou": "Thanks {{name|friend}}, via {{hidden.source|the web}}",
        "questions": [
            {"id": "name", "type": "text", "title": "Your first name"},
            {"id": "dish", "type": "single_choice", "title": "Which dish, {{name|friend}}?",
             "choices": [{"id": "m", "label": "Moussaka"}, {"id": "s", "label": "Salad for {{name|you}}"}]},
            {"id": "why", "type": "text", "title": "Why {{dish|that one}}?", "description": "From {{hidden.source|somewhere}}"}
        ],
        "translations": {"el": {"questions": {"dish": {"title": "Ποιο πιάτο, {{name|φίλε}};"}}}}
    })
}

async fn create(app: &TestApp, owner: &Client, body: &Value) -> reqwest::Response {
    owner.post(app.url("/api/surveys")).json(body).send().await.unwrap()
}

async fn text_of(app: &TestApp, path: &str) -> String {
    let res = app.client().get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

#[tokio::test]
async fn the_first_render_fills_hidden_fields_and_fallbacks_as_text() {
    let app = spawn_app().await;
    let owner = app.signed_in("Taverna").await;
    let res = create(&app, &owner, &survey()).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();

    let page = text_of(&app, &format!("/s/{id}?source=newsletter")).await;
    assert!(page.contains("Which dish, friend?"), "an answer not given yet shows its fallback");
    assert!(page.contains("Salad for you"), "choice labels recall too");
    assert!(page.contains("From newsletter"), "hidden fields are known from the start");
    assert!(page.contains("/pkg/widget/every-type/boot.js"), "recall needs the every-type bundle");
    let greek = text_of(&app, &format!("/s/{id}?lang=el")).await;
    assert!(greek.contains("Ποιο πιάτο, φίλε;"), "translations recall with their own fallbacks");

    // Markup in a hidden field stays text.
    let crafted = text_of(&app, &format!("/s/{id}?source=%3Cb%20id%3Dx%3Eoops%3C%2Fb%3E")).await;
    assert!(!crafted.contains("<b id=x>") && !crafted.contains(r#"<b id="x">"#), "never markup");
    assert!(crafted.contains("From &lt;b id=x&gt;oops&lt;/b&gt;"), "escaped text");

    // Without JavaScript the answers are gone by the thank-you page: the
    // name shows its fallback, the hidden field travels in the address.
    let form = [("q.name", "Ana"), ("q.dish", "m"), ("hidden.source", "newsletter")];
    let res = app.client().post(app.url(&format!("/s/{id}"))).form(&form).send().await.unwrap();
    let thanks = res.headers()["location"].to_str().unwrap().to_string();
    assert!(thanks.contains("/thanks"), "{thanks}");
    assert!(text_of(&app, &thanks).await.contains("Thanks friend, via newsletter"));
}

#[tokio::test]
async fn recalls_that_cannot_work_are_named() {
    let app = spawn_app().await;
    let owner = app.signed_in("Taverna").await;
    let mut body = survey();
    body["questions"][0]["title"] = json!("Hello {{dish}}");
    body["questions"][1]["choices"][0]["label"] = json!("{{hidden.utm}}");
    body["questions"][2]["description"] = json!("Score {{var.score}}");
    body["translations"]["el"]["questions"]["dish"]["title"] = json!("{{why}};");
    body["thankYou"] = json!("Bye {{nobody}}");
    let problem = expect_problem(create(&app, &owner, &body).await, 422).await;
    let mut fields = problem_fields(&problem);
    fields.sort();
    assert_eq!(
        fields,
        [
            "questions[0].title",
            "questions[1].choices[0].label",
            "questions[2].description",
            "thankYou",
            "translations.el.questions.dish.title",
        ]
    );
    let messages: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
    assert!(messages.contains(&"{{dish}} must recall an earlier question"), "{messages:?}");
    let list: Value = owner.get(app.url("/api/surveys")).send().await.unwrap().json().await.unwrap();
    assert!(list["data"].as_array().unwrap().is_empty(), "nothing was created");
}
