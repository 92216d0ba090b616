//! Several write statements sent as one round trip.
//!
//! On SQLite, group commit has a single writer run every accepted response
//! one after another, and each statement is a round trip to SQLite's worker
//! thread: the writer's throughput is set by how many statements a response
//! costs. On PostgreSQL each statement is a network round trip. So a batch
//! goes as one call: on SQLite (through sqlx) as one text of several
//! statements, each reading its `$n` parameters from one shared list; on
//! PostgreSQL, whose protocol allows one statement per call, as one statement
//! whose earlier parts are data-modifying `WITH` clauses (all parts run, and
//! foreign keys are checked at the end of the whole statement).
//!
//! Only for INSERT, UPDATE and DELETE statements whose results nobody reads.

use crate::domain::AppError;

/// A parameter value (the types our write statements use).
#[derive(Clone, Debug, PartialEq)]
pub enum Param {
    Text(Option<String>),
    Int(Option<i64>),
}

impl From<&str> for Param {
    fn from(value: &str) -> Self {
        Param::Text(Some(value.to_string()))
    }
}

impl From<String> for Param {
    fn from(value: String) -> Self {
        Param::Text(Some(value))
    }
}

impl From<Option<String>> for Param {
    fn from(value: Option<String>) -> Self {
        Param::Text(value)
    }
}

impl From<i64> for Param {
    fn from(value: i64) -> Self {
        Param::Int(Some(value))
    }
}

impl From<Option<i64>> for Param {
    fn from(value: Option<i64>) -> Self {
        Param::Int(value)
    }
}

/// Above this many parameters a combined text is sent before adding more
/// (SQLite allows 32,766 per call).
const MAX_PARAMS_PER_CALL: usize = 10_000;

/// Statements to run in order, in the caller's transaction.
#[derive(Default, Debug)]
pub struct SqlBatch {
    statements: Vec<(String, Vec<Param>)>,
}

impl SqlBatch {
    /// Adds a statement whose placeholders are `$1`..`$n` for its own
    /// `params` (the text must hold no other `$`).
    pub fn push(&mut self, sql: impl Into<String>, params: Vec<Param>) {
        self.statements.push((sql.into(), params));
    }

    /// Runs the statements, in as few calls as possible.
    pub async fn execute(self, conn: &mut sqlx::AnyConnection) -> Result<(), AppError> {
        let sqlite = conn.backend_name().eq_ignore_ascii_case("sqlite");
        let mut pending: Vec<String> = Vec::new();
        let mut pending_params: Vec<Param> = Vec::new();
        for (sql, params) in self.statements {
            if !pending.is_empty() && pending_params.len() + params.len() > MAX_PARAMS_PER_CALL {
                run(conn, &combine(&pending, sqlite), std::mem::take(&mut pending_params)).await?;
                pending.clear();
            }
            pending.push(renumber(&sql, pending_params.len()));
            pending_params.extend(params);
        }
        if !pending.is_empty() {
            run(conn, &combine(&pending, sqlite), pending_params).await?;
        }
        Ok(())
    }
}

/// One text for the statements (see the module's comment).
fn combine(statements: &[String], sqlite: bool) -> String {
    match statements {
        [only] => only.clone(),
        _ if sqlite => statements.join(";\n"),
        [earlier @ .., last] => {
            let clauses: Vec<String> = earlier.iter().enumerate().map(|(i, sql)| format!("w{i} AS ({sql})")).collect();
            format!("WITH {} {last}", clauses.join(", "))
        }
        [] => String::new(),
    }
}

async fn run(conn: &mut sqlx::AnyConnection, sql: &str, params: Vec<Param>) -> Result<(), AppError> {
    let mut query = sqlx::query(sql);
    for param in params {
        query = match param {
            Param::Text(value) => query.bind(value),
            Param::Int(value) => query.bind(value),
        };
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// `$k` becomes `$(k + offset)`.
fn renumber(sql: &str, offset: usize) -> String {
    if offset == 0 {
        return sql.to_string();
    }
    let mut out = String::with_capacity(sql.len() + 16);
    let mut chars = sql.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        out.push(c);
        if c != '$' {
            continue;
        }
        let mut digits = String::new();
        while let Some(&(_, d)) = chars.peek() {
            if !d.is_ascii_digit() {
                break;
            }
            digits.push(d);
            chars.next();
        }
        match digits.parse::<usize>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&digits),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{combine, renumber};

    #[test]
    fn statements_become_one_text() {
        let statements = vec!["INSERT INTO a VALUES ($1)".to_string(), "INSERT INTO b VALUES ($2)".to_string()];
        assert_eq!(combine(&statements, true), "INSERT INTO a VALUES ($1);\nINSERT INTO b VALUES ($2)");
        assert_eq!(combine(&statements, false), "WITH w0 AS (INSERT INTO a VALUES ($1)) INSERT INTO b VALUES ($2)");
        assert_eq!(combine(&statements[..1], false), "INSERT INTO a VALUES ($1)");
    }

    #[test]
    fn placeholders_are_shifted_past_the_earlier_statements() {
        assert_eq!(renumber("INSERT INTO t VALUES ($1, $2, $10)", 0), "INSERT INTO t VALUES ($1, $2, $10)");
        assert_eq!(renumber("INSERT INTO t VALUES ($1, $2, $10)", 12), "INSERT INTO t VALUES ($13, $14, $22)");
    }
}
