//! Organisation-wide tags and the responses that carry them: defining tags,
//! putting them on one response or on every response a filter matches, and
//! reading them back with responses (lists, exports, the detail page).

use crate::backend::db::{is_foreign_key_violation, is_unique_violation, new_id, now_ms, to_datetime, Db};
use crate::backend::services::responses::filter::{bind_all, Param, ResponseFilter};
use crate::backend::services::surveys;
use crate::domain::error::Problems;
use crate::domain::ids::{is_valid, IdKind};
use crate::domain::page::{PageRequest, Paginated};
use crate::domain::response::SurveyResponse;
use crate::domain::tag::{
    check_color, check_name, default_color, name_key, BulkTagResult, BulkTagging, Tag, TagInput, TagPatch, MAX_TAGS,
};
use crate::domain::AppError;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::HashMap;

const COLUMNS: &str = "id, name, color, created_at, updated_at, \
    (SELECT COUNT(*) FROM response_tags rt WHERE rt.tag_id = tags.id) AS response_count";

fn from_row(row: &AnyRow) -> Result<Tag, AppError> {
    Ok(Tag {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        color: row.try_get("color")?,
        response_count: row.try_get("response_count")?,
        created_at: to_datetime(row.try_get("created_at")?),
        updated_at: to_datetime(row.try_get("updated_at")?),
    })
}

fn taken(name: &str) -> AppError {
    AppError::Conflict { code: "tag_exists".into(), message: format!("a tag named \"{name}\" exists already") }
}

/// The organisation's tags, by name.
pub async fn list(db: &Db, org_id: &str, page: PageRequest) -> Result<Paginated<Tag>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM tags WHERE organization_id = $1 ORDER BY name_key, id LIMIT $2 OFFSET $3"
    ))
    .bind(org_id)
    .bind(i64::from(page.per_page))
    .bind(page.offset())
    .fetch_all(db.pool())
    .await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tags WHERE organization_id = $1")
        .bind(org_id)
        .fetch_one(db.pool())
        .await?;
    Ok(Paginated::new(rows.iter().map(from_row).collect::<Result<_, _>>()?, page, total))
}

pub async fn get(db: &Db, org_id: &str, id: &str) -> Result<Tag, AppError> {
    if !is_valid(IdKind::Tag, id) {
        return Err(AppError::not_found("tag"));
    }
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM tags WHERE id = $1 AND organization_id = $2"))
        .bind(id)
        .bind(org_id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()?.ok_or_else(|| AppError::not_found("tag"))
}

pub async fn create(db: &Db, org_id: &str, input: &TagInput) -> Result<Tag, AppError> {
    let mut problems = Problems::default();
    let name = check_name(&mut problems, "name", &input.name);
    let color = input.color.as_deref().map(|c| check_color(&mut problems, "color", c));
    problems.into_result()?;
    let mut tx = db.begin_write().await?;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tags WHERE organization_id = $1")
        .bind(org_id)
        .fetch_one(&mut *tx)
        .await?;
    if existing >= MAX_TAGS {
        return Err(AppError::field("name", format!("an organisation has at most {MAX_TAGS} tags; delete one first")));
    }
    let id = new_id(IdKind::Tag);
    let now = now_ms();
    let inserted = sqlx::query(
        "INSERT INTO tags (id, organization_id, name, name_key, color, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(&name)
    .bind(name_key(&name))
    .bind(color.unwrap_or_else(|| default_color(existing).to_string()))
    .bind(now)
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(e) if is_unique_violation(&e) => return Err(taken(&name)),
        other => other?,
    };
    tx.commit().await?;
    get(db, org_id, &id).await
}

pub async fn update(db: &Db, org_id: &str, id: &str, patch: &TagPatch) -> Result<Tag, AppError> {
    let current = get(db, org_id, id).await?;
    let mut problems = Problems::default();
    let name = patch.name.as_deref().map(|n| check_name(&mut problems, "name", n)).unwrap_or(current.name);
    let color = patch.color.as_deref().map(|c| check_color(&mut problems, "color", c)).unwrap_or(current.color);
    problems.into_result()?;
    let updated = db
        .execute_write(
            sqlx::query(
                "UPDATE tags SET name = $1, name_key = $2, color = $3, updated_at = $4 \
                 WHERE id = $5 AND organization_id = $6",
            )
            .bind(&name)
            .bind(name_key(&name))
            .bind(&color)
            .bind(now_ms())
            .bind(id)
            .bind(org_id),
        )
        .await;
    match updated {
        Err(e) if is_unique_violation(&e) => return Err(taken(&name)),
        other => other?,
    };
    get(db, org_id, id).await
}

/// Deletes a tag; the responses that carried it lose it.
pub async fn delete(db: &Db, org_id: &str, id: &str) -> Result<(), AppError> {
    get(db, org_id, id).await?;
    db.execute_write(sqlx::query("DELETE FROM tags WHERE id = $1 AND organization_id = $2").bind(id).bind(org_id))
        .await?;
    Ok(())
}

/// The tags on one response of the organisation, by name.
pub async fn of_response(db: &Db, org_id: &str, response_id: &str) -> Result<Vec<Tag>, AppError> {
    crate::backend::services::responses::get(db, org_id, response_id).await?;
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM tags WHERE organization_id = $1 \
         AND id IN (SELECT tag_id FROM response_tags WHERE response_id = $2) ORDER BY name_key, id"
    ))
    .bind(org_id)
    .bind(response_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// Puts a tag on a response (again is fine); `true` when it was not there yet.
pub async fn attach(db: &Db, org_id: &str, response_id: &str, tag_id: &str) -> Result<bool, AppError> {
    crate::backend::services::responses::get(db, org_id, response_id).await?;
    get(db, org_id, tag_id).await?;
    let done = db
        .execute_write(
            sqlx::query(
                "INSERT INTO response_tags (response_id, tag_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind(response_id)
            .bind(tag_id)
            .bind(now_ms()),
        )
        .await;
    match done {
        // The response or the tag was deleted since it was looked up.
        Err(e) if is_foreign_key_violation(&e) => Err(AppError::not_found("tag")),
        other => Ok(other?.rows_affected() == 1),
    }
}

/// Takes a tag off a response (not there is fine); `true` when it was there.
pub async fn detach(db: &Db, org_id: &str, response_id: &str, tag_id: &str) -> Result<bool, AppError> {
    crate::backend::services::responses::get(db, org_id, response_id).await?;
    get(db, org_id, tag_id).await?;
    let done = db
        .execute_write(
            sqlx::query("DELETE FROM response_tags WHERE response_id = $1 AND tag_id = $2")
                .bind(response_id)
                .bind(tag_id),
        )
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Adds and removes tags on every response of the survey that the filter
/// (and `responseIds`, when given) matches, in one transaction.
pub async fn bulk(
    db: &Db,
    org_id: &str,
    survey_id: &str,
    filter: &ResponseFilter,
    request: &BulkTagging,
) -> Result<BulkTagResult, AppError> {
    request.check()?;
    let survey = surveys::get(db, org_id, survey_id).await?;
    for (field, ids) in [("add", &request.add), ("remove", &request.remove)] {
        for (i, id) in ids.iter().enumerate() {
            if get(db, org_id, id).await.is_err() {
                return Err(AppError::field(format!("{field}[{i}]"), "no such tag in your organisation"));
            }
        }
    }
    let (mut condition, mut params) = filter.resolved(&survey.questions)?.to_sql(org_id, survey_id);
    if let Some(ids) = &request.response_ids {
        let mut placeholders = Vec::with_capacity(ids.len());
        for id in ids {
            params.push(Param::Text(id.clone()));
            placeholders.push(format!("${}", params.len()));
        }
        condition.push_str(&format!(" AND id IN ({})", placeholders.join(", ")));
    }
    let mut tx = db.begin_write().await?;
    let matched: i64 =
        bind_all(sqlx::query(&format!("SELECT COUNT(*) AS n FROM responses WHERE {condition}")), &params)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
    let (mut added, mut removed) = (0, 0);
    let now = now_ms();
    for tag in &request.add {
        let n = params.len();
        let sql = format!(
            "INSERT INTO response_tags (response_id, tag_id, created_at) \
             SELECT id, ${}, ${} FROM responses WHERE {condition} ON CONFLICT DO NOTHING",
            n + 1,
            n + 2
        );
        let done = bind_all(sqlx::query(&sql), &params).bind(tag.as_str()).bind(now).execute(&mut *tx).await;
        added += match done {
            Err(e) if is_foreign_key_violation(&e) => {
                return Err(AppError::field("add", "a tag was deleted meanwhile; try again"));
            }
            other => other?.rows_affected() as i64,
        };
    }
    for tag in &request.remove {
        let sql = format!(
            "DELETE FROM response_tags WHERE tag_id = ${} AND response_id IN (SELECT id FROM responses WHERE {condition})",
            params.len() + 1
        );
        let done = bind_all(sqlx::query(&sql), &params).bind(tag.as_str()).execute(&mut *tx).await?;
        removed += done.rows_affected() as i64;
    }
    tx.commit().await?;
    Ok(BulkTagResult { matched, added, removed })
}

/// Fills in `tags` (names, alphabetical) on responses read for the
/// organisation, with one query for the lot.
pub async fn fill_in(db: &Db, responses: &mut [SurveyResponse]) -> Result<(), AppError> {
    if responses.is_empty() {
        return Ok(());
    }
    let placeholders: Vec<String> = (1..=responses.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT rt.response_id, t.name FROM response_tags rt JOIN tags t ON t.id = rt.tag_id \
         WHERE rt.response_id IN ({}) ORDER BY t.name_key",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for response in responses.iter() {
        query = query.bind(response.id.as_str());
    }
    let mut names: HashMap<String, Vec<String>> = HashMap::new();
    for row in query.fetch_all(db.pool()).await? {
        names.entry(row.try_get("response_id")?).or_default().push(row.try_get("name")?);
    }
    for response in responses.iter_mut() {
        response.tags = Some(names.remove(&response.id).unwrap_or_default());
    }
    Ok(())
}
