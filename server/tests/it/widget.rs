//! The survey widget's page: languages and direction, theme, hidden fields,
//! "other" answers, the embed variant and its security headers.

use crate::common::{expect_problem, problem_fields, spawn_app, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// A published survey in English with a Greek and an Arabic translation, a
/// theme, a hidden field and a single-choice question that allows "other".
async fn multilingual_survey(app: &TestApp, owner: &Client) -> String {
    let res = owner
        .post(app.url("/api/surveys"))
        .json(&json!({
            "name": "After your stay",
            "status": "published",
            "defaultLanguage": "en",
            "questions": [
                {"id": "q1", "type": "nps", "title": "How likely are you to recommend us?", "required": true},
                {"id": "q2", "type": "single_choice", "title": "How did you book?", "allowOther": true,
                 "choices": [{"id": "web", "label": "Website"}, {"id": "phone", "label": "Phone"}]},
                {"id": "q3", "type": "rating", "title": "Rate the room", "scale": 5, "style": "stars"}
            ],
            "translations": {
                "el": {"name": "Μετά τη διαμονή σας", "thankYou": "Σας ευχαριστούμε πολύ!",
                       "questions": {"q1": {"title": "Πόσο πιθανό είναι να μας προτείνετε;"},
                                     "q2": {"choices": {"web": "Ιστότοπος"}}}},
                "ar": {"name": "بعد إقامتك"}
            },
            "theme": {"brandColor": "#0f766e", "logoUrl": "https://cdn.example.com/logo.png", "appearance": "dark"},
            "hiddenFields": ["source"],
            "thankYou": "Thanks a lot!"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

async fn page(
    app: &TestApp,
    path: &str,
    accept_language: Option<&str>,
) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let mut req = app.client().get(app.url(path));
    if let Some(lang) = accept_language {
        req = req.header("accept-language", lang);
    }
    let res = req.send().await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, res.text().await.unwrap())
}

#[tokio::test]
async fn options_round_trip_and_bad_ones_are_named() {
    let app = spawn_app().await;
    let owner = app.signed_in("Hotel").await;
    let id = multilingual_survey(&app, &owner).await;
    let survey: Value = owner.get(app.url(&format!("/api/surveys/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(survey["translations"]["el"]["questions"]["q1"]["title"], "Πόσο πιθανό είναι να μας προτείνετε;");
    assert_eq!(survey["theme"]["brandColor"], "#0f766e");
    assert_eq!(survey["hiddenFields"], json!(["source"]));
    assert_eq!(survey["questions"][1]["allowOther"], true);
    assert_eq!(survey["questions"][2]["style"], "stars");

    let res = owner
        .patch(app.url(&format!("/api/surveys/{id}")))
        .json(&json!({"theme": {"brandColor": "teal", "logoUrl": "javascript:alert(1)"},
            "translations": {"el": {"questions": {"q9": {"title": "x"}}}}, "hiddenFields": ["bad name"]}))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(res, 422).await;
    let fields = problem_fields(&problem);
    for f in ["theme.brandColor", "theme.logoUrl", "translations.el.questions.q9", "hiddenFields[0]"] {
        assert!(fields.contains(&f.to_string()), "{f} in {fields:?}");
    }
    // Nothing changed.
    let again: Value = owner.get(app.url(&format!("/api/surveys/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(again["version"], survey["version"]);
    assert_eq!(again["theme"], survey["theme"]);

    let res = owner
        .patch(app.url(&format!("/api/surveys/{id}")))
        .json(&json!({"thankYou": null, "theme": {"appearance": "light"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let patched: Value = res.json().await.unwrap();
    assert!(patched.get("thankYou").is_none());
    assert_eq!(patched["theme"], json!({"appearance": "light"}));
    assert_eq!(patched["translations"], survey["translations"], "untouched options stay");
}

#[tokio::test]
async fn the_page_speaks_the_visitors_language() {
    let app = spawn_app().await;
    let owner = app.signed_in("Hotel").await;
    let id = multilingual_survey(&app, &owner).await;

    let (_, _, english) = page(&app, &format!("/s/{id}"), Some("ja, en;q=0.5")).await;
    assert!(english.contains(r#"<html lang="en" dir="ltr">"#));
    assert!(english.contains("How likely are you to recommend us?"));
    assert!(english.contains("Not at all likely"));

    // The browser's preference picks Greek; untranslated texts fall back.
    let (_, _, greek) = page(&app, &format!("/s/{id}"), Some("el-GR,el;q=0.9,en;q=0.8")).await;
    assert!(greek.contains(r#"lang="el""#));
    assert!(greek.contains("Πόσο πιθανό είναι να μας προτείνετε;"));
    assert!(greek.contains("Ιστότοπος"), "translated choice");
    assert!(greek.contains("Phone"), "untranslated choice falls back");
    assert!(greek.contains("Καθόλου πιθανό"), "the widget's own words are Greek too");
    assert!(greek.contains("Rate the room"), "untranslated question falls back");

    // ?lang= wins over the browser; Arabic reads right to left.
    let (_, _, arabic) = page(&app, &format!("/s/{id}?lang=ar"), Some("el")).await;
    assert!(arabic.contains(r#"<html lang="ar" dir="rtl">"#));
    assert!(arabic.contains("بعد إقامتك"));
    assert!(arabic.contains(r#"dir="rtl""#));

    // An unknown language falls back to the default.
    let (_, _, fallback) = page(&app, &format!("/s/{id}?lang=xx"), None).await;
    assert!(fallback.contains(r#"lang="en""#));
}

#[tokio::test]
async fn theme_and_hidden_fields_reach_the_page_and_the_response() {
    let app = spawn_app().await;
    let owner = app.signed_in("Hotel").await;
    let id = multilingual_survey(&app, &owner).await;
    let (status, headers, html) = page(&app, &format!("/s/{id}?source=newsletter&undeclared=1&lang=el"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("--vox-brand:#0f766e"));
    assert!(html.contains(r#"data-appearance="dark""#));
    assert!(html.contains(r#"src="https://cdn.example.com/logo.png""#));
    assert!(html.contains(r#"name="hidden.source" value="newsletter""#));
    assert!(!html.contains("undeclared"), "only declared hidden fields are taken from the address");
    assert!(html.contains(r#"id="vox-widget-props""#) && html.contains(r#"src="/pkg/widget/boot.js""#));
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'self'") && !csp.contains(" 'unsafe-eval'"), "{csp}");

    // The no-JavaScript post keeps hidden fields and language; "other" needs its words.
    let visitor = app.client();
    let form = [("q.q1", "9"), ("q.q2", "other"), ("hidden.source", "newsletter"), ("language", "el")];
    let res = visitor.post(app.url(&format!("/s/{id}"))).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], format!("/s/{id}?invalid=q2.other&source=newsletter&lang=el").as_str());
    let mut form = form.to_vec();
    form.push(("q.q2.other", "A travel agent"));
    let res = visitor.post(app.url(&format!("/s/{id}"))).form(&form).send().await.unwrap();
    assert_eq!(res.headers()["location"], format!("/s/{id}/thanks?source=newsletter&lang=el").as_str());
    let (_, _, thanks) = page(&app, &format!("/s/{id}/thanks?lang=el"), None).await;
    assert!(thanks.contains("Σας ευχαριστούμε πολύ!"), "the translated thank-you text");

    let list: Value =
        owner.get(app.url(&format!("/api/surveys/{id}/responses"))).send().await.unwrap().json().await.unwrap();
    let response = &list["data"][0];
    assert_eq!(response["answers"], json!({"q1": 9, "q2": "other", "q2.other": "A travel agent"}));
    assert_eq!(response["hiddenFields"], json!({"source": "newsletter"}));
    assert_eq!(response["language"], "el");
}

#[tokio::test]
async fn the_client_api_checks_hidden_fields_language_and_other() {
    let app = spawn_app().await;
    let owner = app.signed_in("Hotel").await;
    let id = multilingual_survey(&app, &owner).await;
    let path = format!("/api/client/surveys/{id}/responses");
    let res = app
        .client()
        .post(app.url(&path))
        .json(&json!({"answers": {"q1": 3, "q2": ["web"], "q3": 6, "q1.other": "x"},
            "hiddenFields": {"campaign": "x"}, "language": "de"}))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(res, 422).await;
    let fields = problem_fields(&problem);
    for f in ["answers.q2", "answers.q3", "answers.q1.other", "hiddenFields.campaign", "language"] {
        assert!(fields.contains(&f.to_string()), "{f} in {fields:?}");
    }
    let res = app
        .client()
        .post(app.url(&path))
        .json(&json!({"answers": {"q1": 3, "q2": "other", "q2.other": "Friend", "q3": 5},
            "hiddenFields": {"source": "qr"}, "language": "ar"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let list: Value =
        owner.get(app.url(&format!("/api/surveys/{id}/responses"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["meta"]["total"], 1, "the refused response left nothing behind");
    assert_eq!(list["data"][0]["language"], "ar");
}

#[tokio::test]
async fn the_embed_variant_may_be_framed_and_closed_surveys_say_so() {
    let app = spawn_app().await;
    let owner = app.signed_in("Hotel").await;
    let id = multilingual_survey(&app, &owner).await;
    // The frame is only for sites the survey allows, and only they may frame it.
    let (status, headers, _) = page(&app, &format!("/s/{id}?embed=1&origin=https://shop.example.com"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(headers["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    let res = owner
        .patch(app.url(&format!("/api/surveys/{id}")))
        .json(&json!({"embed": {"allowedOrigins": ["https://shop.example.com"]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (status, headers, html) = page(&app, &format!("/s/{id}?embed=1&origin=https://shop.example.com"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("vox-embedded"));
    assert!(html.contains(r#""parentOrigin":"https://shop.example.com""#));
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.ends_with("frame-ancestors https://shop.example.com"), "{csp}");
    let (status, _, _) = page(&app, &format!("/s/{id}?embed=1"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no origin, no frame");

    let res =
        owner.patch(app.url(&format!("/api/surveys/{id}"))).json(&json!({"status": "closed"})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (status, _, html) = page(&app, &format!("/s/{id}?lang=el"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Αυτή η έρευνα έχει κλείσει"));
    assert!(!html.contains("<form"));
}

#[tokio::test]
async fn pages_and_assets_travel_compressed() {
    let app = spawn_app().await;
    let res = app.client().get(app.url("/widget.css")).header("accept-encoding", "br, gzip").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-encoding"], "br");
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    let plain = app.client().get(app.url("/widget.css")).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none(), "only when the client asks");
    assert!(plain.text().await.unwrap().contains(".vox-widget"));
}
