//! A survey's responses and answers counted per day (UTC), and the cache of
//! closed days that keeps the overview of a large survey fast.
//!
//! Counts are additive, so an overview is the sum of its days: closed days
//! come from `overview_day_cache` (one row each), the rest is counted from the
//! indexes. A cached day is valid while its epoch is the day's current epoch;
//! every change to a response of a closed day moves that epoch inside the
//! change's own transaction ([`day_changed`]), and a day's epoch is read
//! before its rows are counted, so a cache row can never hide a committed
//! change.

use crate::backend::db::{now_ms, Db};
use crate::backend::services::responses::filter::{bind_all, Param};
use crate::domain::AppError;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

pub const DAY_MS: i64 = 86_400_000;

/// Days closed this long ago or longer are cached. Two days rather than one
/// leaves a whole day's margin for a transaction that checked "today" just
/// before midnight and commits after it.
const CLOSED_AFTER_DAYS: i64 = 2;

/// One group of answers: (question id, completed, numeric value, choice, count).
pub type AnswerCount = (String, bool, Option<i64>, Option<String>, i64);

/// One day's counts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DayTally {
    /// Responses created that day: [not completed, completed].
    pub responses: [i64; 2],
    pub answers: Vec<AnswerCount>,
}

/// The day (days since 1970-01-01 UTC) an instant falls on.
pub fn day_of(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

/// Records, inside the transaction changing a response created at
/// `created_at`, that the counts of its day changed. Free for today's
/// responses, which are never cached.
pub async fn day_changed(tx: &mut sqlx::AnyConnection, survey_id: &str, created_at: i64) -> Result<(), AppError> {
    let day = day_of(created_at);
    if day >= day_of(now_ms()) {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO overview_day_epochs (survey_id, day, epoch) VALUES ($1, $2, 1) \
         ON CONFLICT (survey_id, day) DO UPDATE SET epoch = overview_day_epochs.epoch + 1",
    )
    .bind(survey_id)
    .bind(day)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Counts days from the rows matching the two conditions (`responses` over the
/// responses table, `answers` over response_answers), grouped by day.
pub async fn count(
    db: &Db,
    responses: (&str, &[Param]),
    answers: (&str, &[Param]),
) -> Result<BTreeMap<i64, DayTally>, AppError> {
    let mut days: BTreeMap<i64, DayTally> = BTreeMap::new();
    let rows = bind_all(
        sqlx::query(&format!(
            "SELECT created_at / {DAY_MS} AS day, completed, COUNT(*) AS n FROM responses WHERE {} \
             GROUP BY created_at / {DAY_MS}, completed",
            responses.0
        )),
        responses.1,
    )
    .fetch_all(db.pool())
    .await?;
    for row in &rows {
        let day: i64 = row.try_get("day")?;
        let completed: i64 = row.try_get("completed")?;
        days.entry(day).or_default().responses[usize::from(completed != 0)] += row.try_get::<i64, _>("n")?;
    }
    let rows = bind_all(
        sqlx::query(&format!(
            "SELECT question_id, created_at / {DAY_MS} AS day, completed, num_value, choice, COUNT(*) AS n \
             FROM response_answers WHERE {} GROUP BY question_id, created_at / {DAY_MS}, completed, num_value, choice",
            answers.0
        )),
        answers.1,
    )
    .fetch_all(db.pool())
    .await?;
    for row in &rows {
        let day: i64 = row.try_get("day")?;
        days.entry(day).or_default().answers.push((
            row.try_get("question_id")?,
            row.try_get::<i64, _>("completed")? != 0,
            row.try_get("num_value")?,
            row.try_get("choice")?,
            row.try_get("n")?,
        ));
    }
    Ok(days)
}

/// Counts the survey's days in `[from_ms, to_ms)` (either end open), taking
/// whole closed days from the cache and filling the cache with those missing.
/// `question_ids` are the answer rows worth reading (the survey's questions
/// and their "other" texts); naming them lets the indexes serve a time range.
pub async fn count_range(
    db: &Db,
    survey_id: &str,
    question_ids: &[String],
    from_ms: Option<i64>,
    to_ms: Option<i64>,
) -> Result<BTreeMap<i64, DayTally>, AppError> {
    let first: Option<i64> = sqlx::query("SELECT MIN(created_at) AS t FROM responses WHERE survey_id = $1")
        .bind(survey_id)
        .fetch_one(db.pool())
        .await?
        .try_get("t")?;
    let Some(first) = first else { return Ok(BTreeMap::new()) };
    // The whole days inside the range that closed long enough ago.
    let first_whole = from_ms.map_or(i64::MIN, |t| day_of(t + DAY_MS - 1)).max(day_of(first));
    let last_whole = to_ms.map_or(i64::MAX, |t| day_of(t) - 1).min(day_of(now_ms()) - CLOSED_AFTER_DAYS);

    let days = if first_whole <= last_whole {
        let mut days = cached_days(db, survey_id, question_ids, first_whole, last_whole).await?;
        // The edges the cache does not cover: part days at the ends of the range, and the last days.
        if from_ms.is_some_and(|t| t < first_whole * DAY_MS) {
            days.extend(count_live(db, survey_id, question_ids, from_ms, Some(first_whole * DAY_MS)).await?);
        }
        let after = (last_whole + 1) * DAY_MS;
        if to_ms.is_none_or(|t| t > after) {
            days.extend(count_live(db, survey_id, question_ids, Some(after), to_ms).await?);
        }
        days
    } else {
        count_live(db, survey_id, question_ids, from_ms, to_ms).await?
    };
    Ok(days)
}

/// Counts the closed days not cached yet, for every survey: run hourly (and at
/// start), so even the first view after days close, or after a bulk import or
/// an upgrade, reads the cache. Returns how many surveys it looked at.
pub async fn warm_all(db: &Db) -> Result<usize, AppError> {
    let surveys = sqlx::query("SELECT id, questions FROM surveys").fetch_all(db.pool()).await?;
    for row in &surveys {
        let id: String = row.try_get("id")?;
        let questions: Vec<crate::domain::survey::Question> = crate::backend::db::json_column(row, "questions")?;
        let ids: Vec<String> = questions.into_iter().map(|q| q.id).collect();
        // One survey failing (deleted meanwhile, say) does not hold up the others.
        if let Err(e) = count_range(db, &id, &ids, None, None).await {
            tracing::warn!(survey = %id, error = %e, "counting closed days for the overview failed");
        }
    }
    Ok(surveys.len())
}

/// Counts `[from_ms, to_ms)` from the indexes.
async fn count_live(
    db: &Db,
    survey_id: &str,
    question_ids: &[String],
    from_ms: Option<i64>,
    to_ms: Option<i64>,
) -> Result<BTreeMap<i64, DayTally>, AppError> {
    let mut params = vec![Param::Text(survey_id.into())];
    let mut time = String::new();
    if let Some(t) = from_ms {
        params.push(Param::Int(t));
        time.push_str(&format!(" AND created_at >= ${}", params.len()));
    }
    if let Some(t) = to_ms {
        params.push(Param::Int(t));
        time.push_str(&format!(" AND created_at < ${}", params.len()));
    }
    let responses_condition = format!("survey_id = $1{time}");
    let mut answer_params = params.clone();
    let mut names = Vec::new();
    for id in question_ids {
        answer_params.push(Param::Text(id.clone()));
        names.push(format!("${}", answer_params.len()));
    }
    let answers_condition = if names.is_empty() {
        // A survey without questions has no answer rows worth reading.
        "1 = 0".to_string()
    } else {
        format!("survey_id = $1 AND question_id IN ({}){time}", names.join(", "))
    };
    count(db, (&responses_condition, &params), (&answers_condition, &answer_params)).await
}

/// The whole days `first..=last`, from the cache where it is current, counted
/// (and cached) where not.
async fn cached_days(
    db: &Db,
    survey_id: &str,
    question_ids: &[String],
    first: i64,
    last: i64,
) -> Result<BTreeMap<i64, DayTally>, AppError> {
    // Epochs first: anything committed after this read moves an epoch past what gets stored.
    let epochs: HashMap<i64, i64> =
        sqlx::query("SELECT day, epoch FROM overview_day_epochs WHERE survey_id = $1 AND day >= $2 AND day <= $3")
            .bind(survey_id)
            .bind(first)
            .bind(last)
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| Ok((r.try_get("day")?, r.try_get("epoch")?)))
            .collect::<Result<_, AppError>>()?;
    let epoch_of = |day: i64| epochs.get(&day).copied().unwrap_or(0);
    let mut days = BTreeMap::new();
    let rows = sqlx::query(
        "SELECT day, epoch, tally FROM overview_day_cache WHERE survey_id = $1 AND day >= $2 AND day <= $3",
    )
    .bind(survey_id)
    .bind(first)
    .bind(last)
    .fetch_all(db.pool())
    .await?;
    for row in &rows {
        let day: i64 = row.try_get("day")?;
        let epoch: i64 = row.try_get("epoch")?;
        let tally: String = row.try_get("tally")?;
        // An unreadable row (say, from another version) is simply counted again.
        if let (true, Ok(tally)) = (epoch == epoch_of(day), serde_json::from_str::<DayTally>(&tally)) {
            days.insert(day, tally);
        }
    }

    // Count the missing days, a run of consecutive days per query.
    let missing: Vec<i64> = (first..=last).filter(|d| !days.contains_key(d)).collect();
    let mut fresh = BTreeMap::new();
    for run in missing.chunk_by(|a, b| b - a == 1) {
        let (start, end) = (run[0], run[run.len() - 1]);
        let mut counted =
            count_live(db, survey_id, question_ids, Some(start * DAY_MS), Some((end + 1) * DAY_MS)).await?;
        for day in start..=end {
            // Empty days are cached too, so they are not counted again.
            fresh.insert(day, counted.remove(&day).unwrap_or_default());
        }
    }
    store(db, survey_id, &fresh, &epochs).await?;
    days.extend(fresh);
    // Only days with responses matter to the caller.
    days.retain(|_, t| t.responses != [0, 0]);
    Ok(days)
}

/// Writes freshly counted days with the epochs they were counted under.
async fn store(
    db: &Db,
    survey_id: &str,
    days: &BTreeMap<i64, DayTally>,
    epochs: &HashMap<i64, i64>,
) -> Result<(), AppError> {
    if days.is_empty() {
        return Ok(());
    }
    let entries: Vec<(i64, i64, String)> = days
        .iter()
        .map(|(day, tally)| Ok((*day, epochs.get(day).copied().unwrap_or(0), serde_json::to_string(tally)?)))
        .collect::<Result<_, AppError>>()?;
    let mut tx = db.begin_write().await?;
    for chunk in entries.chunks(100) {
        let mut sql = String::from("INSERT INTO overview_day_cache (survey_id, day, epoch, tally) VALUES ");
        for i in 0..chunk.len() {
            let b = i * 3;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("($1, ${}, ${}, ${})", b + 2, b + 3, b + 4));
        }
        sql.push_str(" ON CONFLICT (survey_id, day) DO UPDATE SET epoch = excluded.epoch, tally = excluded.tally");
        let mut query = sqlx::query(&sql).bind(survey_id);
        for (day, epoch, tally) in chunk {
            query = query.bind(*day).bind(*epoch).bind(tally.as_str());
        }
        query.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_utc_and_negative_instants_round_down() {
        assert_eq!(day_of(0), 0);
        assert_eq!(day_of(DAY_MS - 1), 0);
        assert_eq!(day_of(DAY_MS), 1);
        assert_eq!(day_of(-1), -1);
    }

    #[test]
    fn a_tally_survives_its_json_form() {
        let tally = DayTally {
            responses: [2, 5],
            answers: vec![("q1".into(), true, Some(9), None, 4), ("q2".into(), false, None, Some("a".into()), 1)],
        };
        let text = serde_json::to_string(&tally).unwrap();
        assert_eq!(serde_json::from_str::<DayTally>(&text).unwrap(), tally);
    }
}
