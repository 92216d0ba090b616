//! The overview's figures, filters, text answers, exports and the live feed,
//! over HTTP on the database `VOX_TEST_DATABASE` names.

use crate::common::{expect_problem, problem_fields, spawn_app, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

/// A published survey with an NPS (q1), a CSAT (q2), a choice (q3) and a text question (q4).
async fn survey(app: &TestApp, client: &Client) -> String {
    let res = client
        .post(app.url("/api/surveys"))
        .json(&json!({
            "name": "Overview", "status": "published", "hiddenFields": ["source"],
            "translations": {"el": {"name": "Επισκόπηση"}},
            "questions": [
                {"id": "q1", "type": "nps", "title": "Recommend?", "required": true},
                {"id": "q2", "type": "csat", "title": "Satisfied?"},
                {"id": "q3", "type": "single_choice", "title": "Channel", "allowOther": true,
                 "choices": [{"id": "web", "label": "Web"}, {"id": "shop", "label": "Shop"}]},
                {"id": "q4", "type": "text", "title": "Why?"}
            ]
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

/// Posts a response and returns its id.
async fn answer(app: &TestApp, survey: &str, body: Value) -> String {
    let res = app
        .client()
        .post(app.url(&format!("/api/client/surveys/{survey}/responses")))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    res.json::<Value>().await.unwrap()["id"].as_str().unwrap().into()
}

async fn get(client: &Client, url: String) -> Value {
    let res = client.get(url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// Seven complete responses and one partial one with known answers.
async fn seed(app: &TestApp, survey: &str) {
    let nps = [10, 10, 9, 8, 7, 6, 0];
    let csat = [5, 5, 4, 4, 3, 2, 1];
    for (i, (n, c)) in nps.iter().zip(csat).enumerate() {
        let channel = if i % 2 == 0 { json!("web") } else { json!("other") };
        let mut answers = json!({"q1": n, "q2": c, "q3": channel, "q4": format!("reason {i}: {}", if *n <= 6 { "slow delivery" } else { "great" })});
        if i % 2 == 1 {
            answers["q3.other"] = json!("Phone");
        }
        let language = if i < 2 { "el" } else { "en" };
        answer(app, survey, json!({"answers": answers, "language": language, "metadata": {"store": if i < 4 { "athens" } else { "berlin" }},
            "hiddenFields": {"source": if i == 0 { "mail" } else { "web" }}})).await;
    }
    answer(app, survey, json!({"answers": {"q1": 3}, "completed": false})).await;
}

#[tokio::test]
async fn the_overview_counts_exactly_and_every_filter_narrows_it() {
    let app = spawn_app().await;
    let client = app.signed_in("Analytics").await;
    let survey = survey(&app, &client).await;
    seed(&app, &survey).await;

    let all = get(&client, app.url(&format!("/api/surveys/{survey}/overview"))).await;
    assert_eq!((all["responses"].as_i64(), all["completed"].as_i64()), (Some(8), Some(7)));
    assert_eq!(all["completionRate"], 87.5);
    // NPS over 8 answers (the partial one's 3 counts): promoters 3, passives 2, detractors 3 → 0.
    assert_eq!(all["nps"], json!({"score": 0.0, "promoters": 3, "passives": 2, "detractors": 3, "total": 8}));
    // CSAT: 4 of 7 are 4 or 5.
    assert_eq!(all["csat"]["satisfiedPercent"], 57.1);
    assert_eq!(all["csat"]["average"], 3.43);
    let q3 = &all["questions"][2];
    assert_eq!(
        q3["bars"],
        json!([{"key": "web", "label": "Web", "count": 4}, {"key": "shop", "label": "Shop", "count": 0}, {"key": "other", "label": "Other", "count": 3}])
    );
    assert_eq!(all["questions"][3]["answered"], 7);
    assert_eq!(all["trend"].as_array().unwrap().len(), 1);
    assert_eq!(all["trend"][0]["responses"], 8);

    let overview = |query: &'static str| get(&client, app.url(&format!("/api/surveys/{survey}/overview?{query}")));
    let complete = overview("completed=true").await;
    assert_eq!(complete["responses"], 7);
    assert_eq!(complete["nps"]["score"], 14.3, "3 promoters, 2 detractors of 7");
    let detractors = overview("answer.q1=lte:6").await;
    assert_eq!((detractors["responses"].as_i64(), detractors["nps"]["score"].as_f64()), (Some(3), Some(-100.0)));
    assert_eq!(overview("language=el").await["responses"], 2);
    assert_eq!(overview("metadata.store=athens").await["responses"], 4);
    assert_eq!(overview("hidden.source=mail").await["responses"], 1);
    assert_eq!(overview("answer.q3=web&completed=true").await["responses"], 4);
    assert_eq!(overview("from=2000-01-01&to=2000-12-31").await["responses"], 0);
    assert_eq!(overview("interval=month").await["trend"][0]["responses"], 8);
    let res = client
        .get(app.url(&format!("/api/surveys/{survey}/overview?answer.q1=lte:six&interval=year")))
        .send()
        .await
        .unwrap();
    assert_eq!(problem_fields(&expect_problem(res, 422).await), vec!["answer.q1"]);

    // The list honours the same filters.
    let list = get(&client, app.url(&format!("/api/surveys/{survey}/responses?answer.q1=lte:6&completed=true"))).await;
    assert_eq!(list["meta"]["total"], 2);

    // Text answers, searchable, also under a filter.
    let texts = get(&client, app.url(&format!("/api/surveys/{survey}/text-answers?question=q4&search=SLOW"))).await;
    assert_eq!(texts["meta"]["total"], 2);
    assert!(texts["data"][0]["text"].as_str().unwrap().contains("slow delivery"));
    let other = get(&client, app.url(&format!("/api/surveys/{survey}/text-answers?question=q3.other"))).await;
    assert_eq!(other["meta"]["total"], 3);

    // Another organisation sees nothing.
    let stranger = app.signed_in("Stranger").await;
    let res = stranger.get(app.url(&format!("/api/surveys/{survey}/overview"))).send().await.unwrap();
    expect_problem(res, 404).await;
    let res = stranger.get(app.url(&format!("/api/surveys/{survey}/responses/export"))).send().await.unwrap();
    expect_problem(res, 404).await;
}

#[tokio::test]
async fn exports_stream_the_filtered_responses_as_csv_and_ndjson() {
    let app = spawn_app().await;
    let client = app.signed_in("Exporter").await;
    let survey = survey(&app, &client).await;
    seed(&app, &survey).await;
    // A formula in an answer must not run in a spreadsheet.
    answer(&app, &survey, json!({"answers": {"q1": 9, "q4": "=HYPERLINK(\"http://evil\")"}})).await;

    let res = client
        .get(app.url(&format!("/api/surveys/{survey}/responses/export?format=csv&completed=true")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(res.headers()["x-total-count"], "8");
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains(".csv"));
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 1 + 8, "a header and one row per filtered response");
    assert!(lines[0].starts_with("id,createdAt,completedAt,completed,language,contactId,q1: Recommend?"));
    assert!(lines[0].ends_with("hidden.source,metadata,tags"));
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""), "{csv}");
    assert!(csv.contains("Other: Phone"));

    let res = client
        .get(app.url(&format!("/api/surveys/{survey}/responses/export?format=ndjson&answer.q1=lte:6")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/x-ndjson");
    let text = res.text().await.unwrap();
    let rows: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r["answers"]["q1"].as_i64().unwrap() <= 6));

    // Compressed on the way (browsers ask for it): the stream still ends cleanly.
    let res = client
        .get(app.url(&format!("/api/surveys/{survey}/responses/export?format=ndjson")))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    assert!(!res.bytes().await.unwrap().is_empty());

    let res = client.get(app.url(&format!("/api/surveys/{survey}/responses/export?format=xlsx"))).send().await.unwrap();
    assert_eq!(problem_fields(&expect_problem(res, 422).await), vec!["format"]);
}

#[tokio::test]
async fn exports_page_through_more_than_one_batch() {
    let app = spawn_app().await;
    let client = app.signed_in("Many").await;
    let survey = survey(&app, &client).await;
    let total = app::backend::services::responses::export::PAGE as usize + 37;
    for i in 0..total {
        answer(&app, &survey, json!({"answers": {"q1": i % 11}})).await;
    }
    let csv = client
        .get(app.url(&format!("/api/surveys/{survey}/responses/export")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let ids: std::collections::HashSet<&str> =
        csv.trim_end().split("\r\n").skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(ids.len(), total, "every response once, across pages");
}

#[tokio::test]
async fn the_live_feed_announces_a_new_response() {
    let app = spawn_app().await;
    let client = app.signed_in("Live").await;
    let survey = survey(&app, &client).await;
    let mut feed = client.get(app.url(&format!("/api/surveys/{survey}/live"))).send().await.unwrap();
    assert_eq!(feed.status(), StatusCode::OK);
    assert!(feed.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    answer(&app, &survey, json!({"answers": {"q1": 9}})).await;
    let received = tokio::time::timeout(Duration::from_secs(10), async {
        let mut text = String::new();
        while let Some(chunk) = feed.chunk().await.unwrap() {
            text.push_str(&String::from_utf8_lossy(&chunk));
            if text.contains("event: response") {
                return text;
            }
        }
        text
    })
    .await
    .expect("an event within 10 s");
    assert!(received.contains("event: response"), "{received}");
}

#[tokio::test]
async fn responses_past_the_retention_period_are_deleted() {
    use app::backend::services::responses::retention;
    let app = spawn_app().await;
    let client = app.signed_in("Retention").await;
    let survey = survey(&app, &client).await;
    answer(&app, &survey, json!({"answers": {"q1": 1}})).await;
    answer(&app, &survey, json!({"answers": {"q1": 2}})).await;
    let db = &app.state.db;
    let org: String = {
        use sqlx::Row;
        sqlx::query("SELECT organization_id FROM surveys WHERE id = $1")
            .bind(&survey)
            .fetch_one(db.pool())
            .await
            .unwrap()
            .get("organization_id")
    };
    // One response is 40 days old.
    let old = chrono::Utc::now().timestamp_millis() - 40 * 86_400_000;
    sqlx::query("UPDATE responses SET created_at = $1 WHERE id = (SELECT MIN(id) FROM responses WHERE survey_id = $2)")
        .bind(old)
        .bind(&survey)
        .execute(db.pool())
        .await
        .unwrap();
    assert_eq!(retention::purge(db).await.unwrap(), 0, "no retention set: everything is kept");
    assert!(matches!(
        retention::set(db, &org, &Default::default(), Some(0)).await,
        Err(app::domain::AppError::Validation { .. })
    ));
    retention::set(db, &org, &Default::default(), Some(30)).await.unwrap();
    assert_eq!(retention::purge(db).await.unwrap(), 1);
    let list = get(&client, app.url(&format!("/api/surveys/{survey}/responses"))).await;
    assert_eq!(list["meta"]["total"], 1);
    let overview = get(&client, app.url(&format!("/api/surveys/{survey}/overview"))).await;
    assert_eq!(overview["responses"], 1, "its answer rows went with it");
    assert_eq!(overview["questions"][0]["answered"], 1);
}

#[tokio::test]
async fn closed_days_come_from_the_day_cache_until_a_response_of_that_day_changes() {
    let app = spawn_app().await;
    let client = app.signed_in("Day cache").await;
    let survey = survey(&app, &client).await;
    let promoter = answer(&app, &survey, json!({"answers": {"q1": 10, "q2": 5}})).await;
    answer(&app, &survey, json!({"answers": {"q1": 9}})).await;
    answer(&app, &survey, json!({"answers": {"q1": 2}})).await;
    answer(&app, &survey, json!({"answers": {"q1": 5}, "completed": false})).await;
    // Ten days ago, at noon: a closed day.
    let db = &app.state.db;
    let day = chrono::Utc::now().timestamp_millis() / 86_400_000 - 10;
    let noon = day * 86_400_000 + 43_200_000;
    for table in ["responses", "response_answers"] {
        sqlx::query(&format!("UPDATE {table} SET created_at = $1 WHERE survey_id = $2"))
            .bind(noon)
            .bind(&survey)
            .execute(db.pool())
            .await
            .unwrap();
    }
    answer(&app, &survey, json!({"answers": {"q1": 10}})).await; // today

    let overview = |query: String| get(&client, app.url(&format!("/api/surveys/{survey}/overview{query}")));
    // The hourly sweep (also run at start) counts closed days before anyone looks.
    assert_eq!(app::backend::services::responses::overview_days::warm_all(db).await.unwrap(), 1);
    let rows: Vec<(i64, String)> = {
        use sqlx::Row;
        sqlx::query("SELECT day, tally FROM overview_day_cache WHERE survey_id = $1")
            .bind(&survey)
            .fetch_all(db.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get::<i64, _>("day"), r.get::<String, _>("tally")))
            .collect()
    };
    assert!(rows.iter().any(|(d, t)| *d == day && t.contains("[1,3]")), "the closed day is cached: {rows:?}");
    assert!(rows.iter().all(|(d, _)| *d <= day + 8), "the last two days are never cached: {rows:?}");
    let first = overview(String::new()).await;
    assert_eq!((first["responses"].as_i64(), first["completed"].as_i64()), (Some(5), Some(4)));
    assert_eq!(first["nps"], json!({"score": 20.0, "promoters": 3, "passives": 0, "detractors": 2, "total": 5}));

    // The cached day is what the overview reads (a doctored row shows through)…
    sqlx::query("UPDATE overview_day_cache SET tally = $1 WHERE survey_id = $2 AND day = $3")
        .bind(r#"{"responses":[0,40],"answers":[]}"#)
        .bind(&survey)
        .bind(day)
        .execute(db.pool())
        .await
        .unwrap();
    assert_eq!(overview(String::new()).await["responses"], 41);
    // …until a response of that day changes. (Responses stay editable for a
    // day, so on closed days the changes are deletions and retention.)
    assert_eq!(client.delete(app.url(&format!("/api/responses/{promoter}"))).send().await.unwrap().status(), 204);
    let now = overview(String::new()).await;
    assert_eq!((now["responses"].as_i64(), now["completed"].as_i64()), (Some(4), Some(3)));
    // 9 and today's 10 promote; 2 and the partial response's 5 detract.
    assert_eq!(now["nps"], json!({"score": 0.0, "promoters": 2, "passives": 0, "detractors": 2, "total": 4}));
    assert_eq!(now["questions"][1]["answered"], 0, "the deleted response's CSAT answer went with it");

    // Ranges that cut days in half, and completion, read the same numbers as the uncached path.
    let at = |ms: i64| urlencode(&chrono::DateTime::from_timestamp_millis(ms).unwrap().to_rfc3339());
    let now_ms = chrono::Utc::now().timestamp_millis();
    for ((from, to), expected) in
        [((noon - 3_600_000, noon + 3_600_000), 3), ((noon - 90_000_000, now_ms + 60_000), 4), ((noon + 1, now_ms), 1)]
    {
        let range = format!("?from={}&to={}", at(from), at(to));
        let ranged = overview(range.clone()).await;
        assert_eq!(ranged["responses"], expected, "{range}");
        let uncached = overview(format!("{range}&answer.q1=gte:0")).await;
        assert_eq!((&ranged["nps"], &ranged["trend"]), (&uncached["nps"], &uncached["trend"]), "{range}");
    }
    assert_eq!(overview("?completed=false".into()).await["responses"], 1);
    let complete = overview("?completed=true".into()).await;
    assert_eq!(complete["nps"], json!({"score": 33.3, "promoters": 2, "passives": 0, "detractors": 1, "total": 3}));
    assert_eq!(overview("?completed=true&answer.q1=gte:0".into()).await["nps"], complete["nps"]);
}

fn urlencode(text: &str) -> String {
    text.replace(':', "%3A").replace('+', "%2B")
}
