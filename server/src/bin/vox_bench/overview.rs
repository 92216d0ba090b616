//! The overview of a survey with 1,000,000 responses, seeded straight into
//! the database.

use super::*;

const MILLION: i64 = 1_000_000;

/// Seeds a survey with 1,000,000 complete NPS responses over a year, then times
/// the overview (unfiltered, and filtered to detractors) through the API.
pub(crate) async fn overview_of_a_million(session: &reqwest::Client, base: &str, database_url: &str) -> Value {
    let survey: Value = session
        .post(format!("{base}/api/surveys"))
        .header("origin", base)
        .json(&json!({"name": "A million", "status": "published", "questions": [
            {"id": "q1", "type": "nps", "title": "How likely are you to recommend us?", "required": true}]}))
        .send()
        .await
        .expect("survey")
        .json()
        .await
        .expect("json");
    let survey_id = survey["id"].as_str().expect("id").to_string();
    let seeding = Instant::now();
    seed_responses(database_url, &survey_id, MILLION).await;
    println!("  seeded {MILLION} responses in {:.0} s", seeding.elapsed().as_secs_f64());
    let mut out = serde_json::Map::new();
    for (name, query) in
        [("unfiltered", ""), ("detractors", "?answer.q1=lte:6"), ("lastMonthByWeek", "?interval=week&from=2026-10-25")]
    {
        let url = format!("{base}/api/surveys/{survey_id}/overview{query}");
        // The first run counts every closed day into the day cache (timed on its own), then five timed runs.
        let started = Instant::now();
        let first: Value = session.get(&url).send().await.expect("overview").json().await.expect("json");
        let first_ms = started.elapsed().as_secs_f64() * 1000.0;
        assert!(first["responses"].as_i64().unwrap_or(0) > 0, "overview: {first}");
        let mut times = Vec::new();
        for _ in 0..5 {
            let started = Instant::now();
            let res = session.get(&url).send().await.expect("overview");
            assert!(res.status().is_success());
            let _ = res.bytes().await;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
        let (p50, max) = (times[times.len() / 2], times[times.len() - 1]);
        println!(
            "  overview of 1,000,000 responses, {name}: first {first_ms:.0} ms, then p50 {p50:.0} ms, max {max:.0} ms"
        );
        out.insert(
            name.into(),
            json!({"firstMs": round(first_ms), "p50Ms": round(p50), "maxMs": round(max), "responses": first["responses"]}),
        );
    }
    Value::Object(out)
}

/// Inserts `count` complete responses (and their answer rows) in large transactions.
async fn seed_responses(database_url: &str, survey_id: &str, count: i64) {
    use sqlx::Row;
    let db = app::backend::db::Db::connect(database_url).await.expect("connect for seeding");
    let org: String = sqlx::query("SELECT organization_id FROM surveys WHERE id = $1")
        .bind(survey_id)
        .fetch_one(db.pool())
        .await
        .expect("survey row")
        .get("organization_id");
    let start = chrono::Utc::now().timestamp_millis() - 365 * 86_400_000;
    let step = 365 * 86_400_000 / count;
    const BATCH: i64 = 500;
    let mut n = 0;
    while n < count {
        let mut tx = db.begin_write().await.expect("tx");
        for _ in 0..40 {
            if n >= count {
                break;
            }
            let rows = BATCH.min(count - n);
            let mut responses = String::from(
                "INSERT INTO responses (id, organization_id, survey_id, answers, metadata, hidden_fields, completed, \
                 created_at, updated_at, completed_at, answers_indexed) VALUES ",
            );
            let mut answers = String::from(
                "INSERT INTO response_answers (response_id, survey_id, question_id, num_value, created_at, completed) VALUES ",
            );
            for i in 0..rows {
                let k = n + i;
                let id = format!("rsp_bench{k:021}");
                let value = (k * 7919) % 11;
                let at = start + k * step;
                if i > 0 {
                    responses.push(',');
                    answers.push(',');
                }
                responses.push_str(&format!(
                    "('{id}', '{org}', '{survey_id}', '{{\"q1\":{value}}}', '{{}}', '{{}}', 1, {at}, {at}, {at}, 1)"
                ));
                answers.push_str(&format!("('{id}', '{survey_id}', 'q1', {value}, {at}, 1)"));
            }
            sqlx::query(&responses).execute(&mut *tx).await.expect("insert responses");
            sqlx::query(&answers).execute(&mut *tx).await.expect("insert answers");
            n += rows;
        }
        tx.commit().await.expect("commit");
    }
}
