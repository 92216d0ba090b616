//! Which cases a list shows: the inbox's views (mine, unassigned, overdue,
//! …), narrowed by status, assignee, survey, response and priority, in an
//! order. The API's query string and the dashboard build the same query.

use super::case::{CasePriority, CaseStatus};
use super::error::{AppError, Problems};
use super::ids::{is_valid, IdKind};
use serde::{Deserialize, Serialize};

/// The inbox's tabs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseView {
    /// Open or in progress, assigned to the caller.
    Mine,
    /// Open or in progress, assigned to no one.
    Unassigned,
    /// Open or in progress, past their due time.
    Overdue,
    /// Open or in progress.
    #[default]
    Active,
    /// Resolved or closed.
    Done,
    All,
}

impl CaseView {
    pub const ALL: [CaseView; 6] =
        [CaseView::Mine, CaseView::Unassigned, CaseView::Overdue, CaseView::Active, CaseView::Done, CaseView::All];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseView::Mine => "mine",
            CaseView::Unassigned => "unassigned",
            CaseView::Overdue => "overdue",
            CaseView::Active => "active",
            CaseView::Done => "done",
            CaseView::All => "all",
        }
    }

    pub fn parse(s: &str) -> Option<CaseView> {
        CaseView::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseView::Mine => "My cases",
            CaseView::Unassigned => "Unassigned",
            CaseView::Overdue => "Overdue",
            CaseView::Active => "All open",
            CaseView::Done => "Resolved and closed",
            CaseView::All => "Everything",
        }
    }
}

/// Whose cases.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssigneeFilter {
    /// The caller.
    Me,
    None,
    User(String),
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseSort {
    /// Newest first.
    #[default]
    Newest,
    Oldest,
    /// Soonest due first; those without a due time last.
    Due,
    /// Most recently changed first.
    Updated,
}

impl CaseSort {
    pub const ALL: [CaseSort; 4] = [CaseSort::Newest, CaseSort::Oldest, CaseSort::Due, CaseSort::Updated];

    /// As the query string writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseSort::Newest => "-createdAt",
            CaseSort::Oldest => "createdAt",
            CaseSort::Due => "dueAt",
            CaseSort::Updated => "-updatedAt",
        }
    }

    pub fn parse(s: &str) -> Option<CaseSort> {
        CaseSort::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseQuery {
    pub view: CaseView,
    /// Any of these (within the view).
    pub statuses: Vec<CaseStatus>,
    pub assignee: Option<AssigneeFilter>,
    pub survey_id: Option<String>,
    pub response_id: Option<String>,
    pub priority: Option<CasePriority>,
    pub sort: CaseSort,
}

/// The query string's words, unchecked.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseQueryText {
    pub view: Option<String>,
    pub status: Option<String>,
    pub assignee: Option<String>,
    pub survey_id: Option<String>,
    pub response_id: Option<String>,
    pub priority: Option<String>,
    pub sort: Option<String>,
}

impl CaseQueryText {
    /// The query, or a 422 naming each parameter that is wrong.
    pub fn parse(&self) -> Result<CaseQuery, AppError> {
        let mut problems = Problems::default();
        let mut query = CaseQuery::default();
        if let Some(view) = non_empty(&self.view) {
            match CaseView::parse(view) {
                Some(v) => query.view = v,
                None => problems.add("view", format!("one of {}", names(CaseView::ALL.map(CaseView::as_str)))),
            }
        }
        if let Some(status) = non_empty(&self.status) {
            for word in status.split(',').map(str::trim) {
                match CaseStatus::parse(word) {
                    Some(s) if !query.statuses.contains(&s) => query.statuses.push(s),
                    Some(_) => {}
                    None => problems.add(
                        "status",
                        format!(
                            "statuses separated by commas, each one of {}",
                            names(CaseStatus::ALL.map(CaseStatus::as_str))
                        ),
                    ),
                }
            }
        }
        if let Some(assignee) = non_empty(&self.assignee) {
            query.assignee = match assignee {
                "me" => Some(AssigneeFilter::Me),
                "none" => Some(AssigneeFilter::None),
                id if is_valid(IdKind::User, id) => Some(AssigneeFilter::User(id.to_string())),
                _ => {
                    problems.add("assignee", "\"me\", \"none\" or a member's user id (usr_…)");
                    None
                }
            };
        }
        if let Some(id) = non_empty(&self.survey_id) {
            if is_valid(IdKind::Survey, id) {
                query.survey_id = Some(id.to_string());
            } else {
                problems.add("surveyId", "a survey id (srv_…)");
            }
        }
        if let Some(id) = non_empty(&self.response_id) {
            if is_valid(IdKind::Response, id) {
                query.response_id = Some(id.to_string());
            } else {
                problems.add("responseId", "a response id (rsp_…)");
            }
        }
        if let Some(priority) = non_empty(&self.priority) {
            match CasePriority::parse(priority) {
                Some(p) => query.priority = Some(p),
                None => {
                    problems.add("priority", format!("one of {}", names(CasePriority::ALL.map(CasePriority::as_str))))
                }
            }
        }
        if let Some(sort) = non_empty(&self.sort) {
            match CaseSort::parse(sort) {
                Some(s) => query.sort = s,
                None => problems.add("sort", format!("one of {}", names(CaseSort::ALL.map(CaseSort::as_str)))),
            }
        }
        problems.into_result()?;
        Ok(query)
    }
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn names<const N: usize>(names: [&str; N]) -> String {
    names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_query_string() {
        let text = CaseQueryText {
            view: Some("all".into()),
            status: Some("open, in_progress,open".into()),
            assignee: Some("me".into()),
            sort: Some("dueAt".into()),
            ..Default::default()
        };
        let query = text.parse().unwrap();
        assert_eq!(query.view, CaseView::All);
        assert_eq!(query.statuses, vec![CaseStatus::Open, CaseStatus::InProgress]);
        assert_eq!(query.assignee, Some(AssigneeFilter::Me));
        assert_eq!(query.sort, CaseSort::Due);
        assert_eq!(CaseQueryText::default().parse().unwrap(), CaseQuery::default());
    }

    #[test]
    fn names_each_wrong_parameter() {
        let text = CaseQueryText {
            view: Some("later".into()),
            status: Some("open,done".into()),
            assignee: Some("bob".into()),
            survey_id: Some("rsp_x".into()),
            priority: Some("meh".into()),
            sort: Some("title".into()),
            ..Default::default()
        };
        let AppError::Validation { errors } = text.parse().unwrap_err() else { panic!("a 422") };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["view", "status", "assignee", "surveyId", "priority", "sort"]);
    }
}
