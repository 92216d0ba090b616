//! A survey's overview: counts, NPS, CSAT, averages, distributions and their
//! trend, under any response filter. The database groups (by day, question
//! and value, from the covering indexes); `domain::metrics` does the sums.

use crate::backend::db::{to_datetime, Db};
use crate::backend::services::responses::filter::{bind_all, Param, ResponseFilter};
use crate::backend::services::responses::overview_days::{self, DayTally, DAY_MS};
use crate::backend::services::surveys;
use crate::domain::metrics::{self, completion_rate, DayCounts, Interval, Overview, QuestionStats, TextAnswer};
use crate::domain::page::{PageRequest, Paginated};
use crate::domain::question_stats::{question_stats, Tally};
use crate::domain::survey::{Question, QuestionKind};
use crate::domain::AppError;
use chrono::NaiveDate;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

fn day_from_index(index: i64) -> NaiveDate {
    to_datetime(index * DAY_MS).date_naive()
}

/// Conditions on `response_answers` for the filter (`$1` is the survey): the
/// answer rows alone when the filter only asks for time and completion,
/// otherwise through the matching responses.
fn answers_sql(filter: &ResponseFilter, survey_id: &str) -> (String, Vec<Param>) {
    if filter.answers_alone_suffice() {
        let mut clauses = vec!["survey_id = $1".to_string()];
        let mut params = vec![Param::Text(survey_id.into())];
        if let Some(c) = filter.completed {
            params.push(Param::Int(i64::from(c)));
            clauses.push(format!("completed = ${}", params.len()));
        }
        if let Some(t) = filter.from_ms {
            params.push(Param::Int(t));
            clauses.push(format!("created_at >= ${}", params.len()));
        }
        if let Some(t) = filter.to_ms {
            params.push(Param::Int(t));
            clauses.push(format!("created_at < ${}", params.len()));
        }
        (clauses.join(" AND "), params)
    } else {
        let (condition, params) = filter.survey_sql(survey_id);
        (format!("survey_id = $1 AND response_id IN (SELECT id FROM responses WHERE {condition})"), params)
    }
}

pub async fn overview(
    db: &Db,
    org_id: &str,
    survey_id: &str,
    filter: &ResponseFilter,
    interval: Interval,
) -> Result<Overview, AppError> {
    let survey = surveys::get(db, org_id, survey_id).await?;
    let filter = &filter.resolved(&survey.questions)?;
    let days = if filter.answers_alone_suffice() {
        // Time and completion only: closed days come from the per-day cache.
        let question_ids = super::answer_index::counted_ids(&survey.questions);
        overview_days::count_range(db, survey_id, &question_ids, filter.from_ms, filter.to_ms).await?
    } else {
        let (condition, params) = filter.survey_sql(survey_id);
        let (answer_condition, answer_params) = answers_sql(filter, survey_id);
        overview_days::count(db, (&condition, &params), (&answer_condition, &answer_params)).await?
    };
    Ok(summarize(&survey.questions, &days, filter.completed, interval))
}

/// Sums counted days into the overview; `completed` keeps one side of them.
fn summarize(
    questions: &[Question],
    days: &BTreeMap<i64, DayTally>,
    completed_only: Option<bool>,
    interval: Interval,
) -> Overview {
    let wanted = |completed: bool| completed_only.is_none_or(|c| c == completed);
    let first = |wanted: fn(&QuestionKind) -> bool| questions.iter().find(|q| wanted(&q.kind)).map(|q| q.id.clone());
    let nps_question = first(|k| matches!(k, QuestionKind::Nps));
    let csat_question = first(|k| matches!(k, QuestionKind::Csat));
    // index id → (value, choice) → count
    let mut tallies: HashMap<String, Tally> = HashMap::new();
    let mut day_list = Vec::new();
    let (mut responses, mut completed) = (0, 0);
    for (day, tally) in days {
        let done = if wanted(true) { tally.responses[1] } else { 0 };
        let n = done + if wanted(false) { tally.responses[0] } else { 0 };
        if n == 0 {
            continue;
        }
        responses += n;
        completed += done;
        let mut counts =
            DayCounts { day: day_from_index(*day), responses: n, completed: done, nps: vec![0; 11], csat: vec![0; 6] };
        for (question, answer_completed, value, choice, n) in &tally.answers {
            if !wanted(*answer_completed) {
                continue;
            }
            if let Some(v) = value {
                let trend_slot = if nps_question.as_ref() == Some(question) {
                    Some(&mut counts.nps)
                } else if csat_question.as_ref() == Some(question) {
                    Some(&mut counts.csat)
                } else {
                    None
                };
                if let Some(slot) = trend_slot.and_then(|t| usize::try_from(*v).ok().and_then(|v| t.get_mut(v))) {
                    *slot += n;
                }
            }
            *tallies.entry(question.clone()).or_default().entry((*value, choice.clone())).or_default() += n;
        }
        day_list.push(counts);
    }

    let questions_stats: Vec<QuestionStats> = questions.iter().map(|q| question_stats(q, &tallies)).collect();
    let stats_of =
        |id: &Option<String>| id.as_ref().and_then(|id| questions_stats.iter().find(|s| &s.question_id == id));
    let rating_question = first(|k| matches!(k, QuestionKind::Rating { .. }));
    Overview {
        responses,
        completed,
        completion_rate: completion_rate(completed, responses),
        nps: stats_of(&nps_question).and_then(|s| s.nps.clone()),
        csat: stats_of(&csat_question).and_then(|s| s.csat.clone()),
        average_rating: stats_of(&rating_question).and_then(|s| s.average),
        interval,
        trend: metrics::trend(&day_list, interval),
        questions: questions_stats,
    }
}

/// The free-text answers to a question (or its "other" text), newest first;
/// `search` keeps those containing it (ignoring case).
pub async fn text_answers(
    db: &Db,
    org_id: &str,
    survey_id: &str,
    question_id: &str,
    search: Option<&str>,
    filter: &ResponseFilter,
    page: PageRequest,
) -> Result<Paginated<TextAnswer>, AppError> {
    let survey = surveys::get(db, org_id, survey_id).await?;
    let (condition, mut params) = answers_sql(&filter.resolved(&survey.questions)?, survey_id);
    params.push(Param::Text(question_id.to_string()));
    let mut condition = format!("{condition} AND question_id = ${} AND text_value IS NOT NULL", params.len());
    if let Some(search) = search.map(str::trim).filter(|s| !s.is_empty()) {
        params.push(Param::Text(format!("%{}%", search.to_lowercase().replace(['%', '_'], ""))));
        condition.push_str(&format!(" AND LOWER(text_value) LIKE ${}", params.len()));
    }
    let total: i64 =
        bind_all(sqlx::query(&format!("SELECT COUNT(*) AS n FROM response_answers WHERE {condition}")), &params)
            .fetch_one(db.pool())
            .await?
            .try_get("n")?;
    let mut page_params = params.clone();
    page_params.push(Param::Int(i64::from(page.per_page)));
    page_params.push(Param::Int(page.offset()));
    let n = page_params.len();
    let rows = bind_all(
        sqlx::query(&format!(
            "SELECT response_id, question_id, text_value, created_at FROM response_answers WHERE {condition} \
             ORDER BY created_at DESC, response_id DESC LIMIT ${} OFFSET ${n}",
            n - 1
        )),
        &page_params,
    )
    .fetch_all(db.pool())
    .await?;
    let data = rows
        .iter()
        .map(|r| {
            Ok(TextAnswer {
                response_id: r.try_get("response_id")?,
                question_id: r.try_get("question_id")?,
                text: r.try_get("text_value")?,
                created_at: to_datetime(r.try_get("created_at")?),
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(Paginated::new(data, page, total))
}

/// The latest change to any of the survey's responses (epoch ms; 0 when
/// none): what live dashboards watch. One index probe.
pub async fn last_change(db: &Db, survey_id: &str) -> Result<i64, AppError> {
    let row = sqlx::query("SELECT MAX(updated_at) AS t FROM responses WHERE survey_id = $1")
        .bind(survey_id)
        .fetch_one(db.pool())
        .await?;
    Ok(row.try_get::<Option<i64>, _>("t")?.unwrap_or(0))
}
