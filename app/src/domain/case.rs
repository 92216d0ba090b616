//! Cases: a response someone has to follow up, worked through
//! open → in progress → resolved → closed by an assignee. Their shapes, the
//! moves between statuses, and what a change records in the case's history.

use super::error::{AppError, Problems};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const MAX_TITLE_LEN: usize = 200;
pub const MAX_RESOLUTION_LEN: usize = 5_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Open,
    InProgress,
    Resolved,
    Closed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 4] =
        [CaseStatus::Open, CaseStatus::InProgress, CaseStatus::Resolved, CaseStatus::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::InProgress => "in_progress",
            CaseStatus::Resolved => "resolved",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// What the dashboard says.
    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::Open => "Open",
            CaseStatus::InProgress => "In progress",
            CaseStatus::Resolved => "Resolved",
            CaseStatus::Closed => "Closed",
        }
    }

    /// Still someone's work: counted as open and can be overdue.
    pub fn is_active(self) -> bool {
        matches!(self, CaseStatus::Open | CaseStatus::InProgress)
    }

    /// Every move is allowed but out of `closed`, which only reopens.
    pub fn may_become(self, next: CaseStatus) -> bool {
        self != next && (self != CaseStatus::Closed || next == CaseStatus::Open)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CasePriority {
    Low,
    #[default]
    Normal,
    High,
    Urgent,
}

impl CasePriority {
    pub const ALL: [CasePriority; 4] =
        [CasePriority::Low, CasePriority::Normal, CasePriority::High, CasePriority::Urgent];

    pub fn as_str(self) -> &'static str {
        match self {
            CasePriority::Low => "low",
            CasePriority::Normal => "normal",
            CasePriority::High => "high",
            CasePriority::Urgent => "urgent",
        }
    }

    pub fn parse(s: &str) -> Option<CasePriority> {
        CasePriority::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            CasePriority::Low => "Low",
            CasePriority::Normal => "Normal",
            CasePriority::High => "High",
            CasePriority::Urgent => "Urgent",
        }
    }
}

/// How a case came to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseSource {
    /// A member, in the dashboard or with an API token.
    Member,
    /// An alert rule whose conditions the response met.
    Rule,
}

impl CaseSource {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseSource::Member => "member",
            CaseSource::Rule => "rule",
        }
    }

    pub fn parse(s: &str) -> CaseSource {
        if s == "rule" {
            CaseSource::Rule
        } else {
            CaseSource::Member
        }
    }
}

/// A member as a case names them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CaseMember {
    pub id: String,
    pub email: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"id": "cas_01hzx8m3q5s7u9w1y3a5c7e9g1", "responseId": "rsp_01hzx8m3q5s7u9w1y3a5c7e9g1", "surveyId": "srv_01hzx8m3q5s7u9w1y3a5c7e9g1", "title": "Call back about the late delivery", "status": "in_progress", "priority": "high", "assignee": {"id": "usr_01hzx8m3q5s7u9w1y3a5c7e9g1", "email": "ana@example.com"}, "dueAt": "2026-12-09T17:00:00Z", "overdue": false, "resolution": null, "openedBy": {"id": "usr_01hzx8m3q5s7u9w1y3a5c7e9g2", "email": "lead@example.com"}, "source": "member", "createdAt": "2026-12-08T09:00:00Z", "updatedAt": "2026-12-08T09:30:00Z", "resolvedAt": null, "closedAt": null})))]
#[serde(rename_all = "camelCase")]
pub struct Case {
    pub id: String,
    pub response_id: String,
    pub survey_id: String,
    pub title: String,
    pub status: CaseStatus,
    pub priority: CasePriority,
    pub assignee: Option<CaseMember>,
    pub due_at: Option<DateTime<Utc>>,
    /// Active (open or in progress) and past its due time.
    pub overdue: bool,
    /// How it was resolved; required to resolve it.
    pub resolution: Option<String>,
    /// The member who opened it; none when an alert rule did.
    pub opened_by: Option<CaseMember>,
    pub source: CaseSource,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When it was last resolved; cleared when it is reopened.
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// A new case on a response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CaseInput {
    /// The response to follow up (`rsp_…`); it can have one case.
    pub response_id: String,
    /// 1–200 characters; "Follow up: <survey name>" when left out.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(min_length = 1, max_length = 200))]
    pub title: Option<String>,
    /// A member's user id (`usr_…`).
    #[serde(default)]
    pub assignee_id: Option<String>,
    /// In the future.
    #[serde(default)]
    pub due_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub priority: Option<CasePriority>,
}

/// Changes to a case; fields left out stay, `null` clears.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CasePatch {
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(min_length = 1, max_length = 200))]
    pub title: Option<String>,
    /// Any move but out of `closed`, which only reopens (`open`). Resolving
    /// needs a resolution, given here or already on the case.
    #[serde(default)]
    pub status: Option<CaseStatus>,
    #[serde(default)]
    pub priority: Option<CasePriority>,
    /// A member's user id, or `null` to unassign.
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub assignee_id: Option<Option<String>>,
    /// A time in the future, or `null` for none.
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<DateTime<Utc>>))]
    pub due_at: Option<Option<DateTime<Utc>>>,
    /// Up to 5,000 characters, or `null` to remove.
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, max_length = 5000))]
    pub resolution: Option<Option<String>>,
}

/// Tells "absent" (outer `None`) from "null" (`Some(None)`) in a patch.
fn double_option<'de, T: Deserialize<'de>, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// What changed on a case, as its history keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum CaseField {
    Created,
    Status,
    Assignee,
    DueAt,
    Priority,
    Title,
    Resolution,
}

impl CaseField {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseField::Created => "created",
            CaseField::Status => "status",
            CaseField::Assignee => "assignee",
            CaseField::DueAt => "dueAt",
            CaseField::Priority => "priority",
            CaseField::Title => "title",
            CaseField::Resolution => "resolution",
        }
    }

    pub fn parse(s: &str) -> Option<CaseField> {
        [
            CaseField::Created,
            CaseField::Status,
            CaseField::Assignee,
            CaseField::DueAt,
            CaseField::Priority,
            CaseField::Title,
            CaseField::Resolution,
        ]
        .into_iter()
        .find(|f| f.as_str() == s)
    }
}

/// One change in a case's history. Values are as the API writes them: a
/// status or priority name, a user id, an RFC 3339 time, or the text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CaseEvent {
    pub id: String,
    pub field: CaseField,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The member who made it; none for an alert rule or a removed member.
    pub actor: Option<CaseMember>,
    pub at: DateTime<Utc>,
}

/// A case with its history, oldest change first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CaseWithHistory {
    #[serde(flatten)]
    pub case: Case,
    pub history: Vec<CaseEvent>,
}

/// The inbox's counts and the survey overview's figures.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CaseStats {
    pub open: i64,
    pub in_progress: i64,
    pub resolved: i64,
    pub closed: i64,
    /// Open or in progress, assigned to the caller.
    pub mine: i64,
    /// Open or in progress, assigned to no one.
    pub unassigned: i64,
    /// Open or in progress, past their due time.
    pub overdue: i64,
    /// From opening to (the latest) resolution, over cases resolved or
    /// closed after resolving; none before the first.
    pub median_seconds_to_resolution: Option<i64>,
}

/// A title as stored, or the problem with it.
pub fn check_title(problems: &mut Problems, field: &str, title: &str) -> String {
    let title = title.trim();
    if title.is_empty() {
        problems.add(field, "give the case a title");
    } else if title.chars().count() > MAX_TITLE_LEN {
        problems.add(field, format!("at most {MAX_TITLE_LEN} characters"));
    } else if title.chars().any(char::is_control) {
        problems.add(field, "must not contain control characters");
    }
    title.to_string()
}

/// The title a case gets when none is given, within the limit.
pub fn default_title(survey_name: &str) -> String {
    format!("Follow up: {survey_name}").chars().take(MAX_TITLE_LEN).collect()
}

/// A resolution as stored (none when blank), or the problem with it.
pub fn check_resolution(problems: &mut Problems, field: &str, text: &str) -> Option<String> {
    let text = text.trim();
    if text.chars().count() > MAX_RESOLUTION_LEN {
        problems.add(field, format!("at most {MAX_RESOLUTION_LEN} characters"));
    } else if text.contains('\0') {
        problems.add(field, "must not contain NUL characters");
    }
    (!text.is_empty()).then(|| text.to_string())
}

/// A due time must lie ahead (a minute's grace for clocks apart).
pub fn check_due(problems: &mut Problems, field: &str, due: DateTime<Utc>, now: DateTime<Utc>) {
    if due < now - chrono::Duration::minutes(1) {
        problems.add(field, "the due time has passed; give one in the future");
    }
}

/// A move between statuses, or the problem with it; resolving needs a
/// resolution (the one given with the move, or the case's own).
pub fn check_move(problems: &mut Problems, from: CaseStatus, to: CaseStatus, has_resolution: bool) {
    if from != to && !from.may_become(to) {
        let message = format!("a closed case can only be reopened (\"open\"), not set to \"{}\"", to.as_str());
        problems.add("status", message);
    } else if to == CaseStatus::Resolved && !has_resolution {
        // Also when a resolved case would lose its resolution.
        problems.add("resolution", "say how the case was resolved");
    }
}

/// A due time as the dashboard's field writes it (`2026-12-09T17:00`, in
/// UTC like every time the dashboard shows), or none when blank.
pub fn parse_due_field(text: &str) -> Result<Option<DateTime<Utc>>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let parsed = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map(|d| d.and_hms_opt(17, 0, 0).unwrap_or_default())
        });
    match parsed {
        Ok(t) => Ok(Some(t.and_utc())),
        Err(_) => Err(AppError::field("dueAt", "a date and time, e.g. 2026-12-09T17:00")),
    }
}

/// The dashboard's field value for a due time.
pub fn due_field_value(due: Option<DateTime<Utc>>) -> String {
    due.map(|t| t.format("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default()
}

/// "3 h 20 min", "2 d 4 h": a duration in seconds, for people.
pub fn duration_text(seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{mins} min"),
        (0, _) => format!("{hours} h {mins} min"),
        _ => format!("{days} d {hours} h"),
    }
}

impl CaseInput {
    /// The checked fields: title (if given), resolved against `now`.
    pub fn check(&self, now: DateTime<Utc>) -> Result<Option<String>, AppError> {
        let mut problems = Problems::default();
        let title = self.title.as_deref().map(|t| check_title(&mut problems, "title", t));
        if let Some(due) = self.due_at {
            check_due(&mut problems, "dueAt", due, now);
        }
        problems.into_result()?;
        Ok(title)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_cases_only_reopen() {
        use CaseStatus::*;
        assert!(Open.may_become(InProgress) && Open.may_become(Resolved) && Open.may_become(Closed));
        assert!(Resolved.may_become(Open) && Resolved.may_become(Closed) && InProgress.may_become(Open));
        assert!(Closed.may_become(Open));
        assert!(!Closed.may_become(InProgress) && !Closed.may_become(Resolved) && !Open.may_become(Open));
    }

    #[test]
    fn resolving_needs_a_resolution() {
        let mut problems = Problems::default();
        check_move(&mut problems, CaseStatus::InProgress, CaseStatus::Resolved, false);
        let err = problems.into_result().unwrap_err();
        assert!(format!("{err:?}").contains("resolution"));
        let mut problems = Problems::default();
        check_move(&mut problems, CaseStatus::InProgress, CaseStatus::Resolved, true);
        check_move(&mut problems, CaseStatus::Open, CaseStatus::Closed, false);
        assert!(problems.into_result().is_ok());
        let mut problems = Problems::default();
        check_move(&mut problems, CaseStatus::Closed, CaseStatus::Resolved, true);
        assert!(format!("{:?}", problems.into_result().unwrap_err()).contains("reopened"));
        let mut problems = Problems::default();
        check_move(&mut problems, CaseStatus::Resolved, CaseStatus::Resolved, false);
        assert!(problems.into_result().is_err(), "a resolved case keeps a resolution");
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        let mut problems = Problems::default();
        assert_eq!(check_title(&mut problems, "title", "  Call back "), "Call back");
        assert_eq!(check_resolution(&mut problems, "resolution", "   "), None);
        assert!(problems.into_result().is_ok());
        let mut problems = Problems::default();
        check_title(&mut problems, "title", &"x".repeat(201));
        check_title(&mut problems, "title", " ");
        check_resolution(&mut problems, "resolution", &"y".repeat(5_001));
        let err = format!("{:?}", problems.into_result().unwrap_err());
        assert!(err.contains("at most 200") && err.contains("give the case a title") && err.contains("at most 5000"));
    }

    #[test]
    fn due_times_lie_ahead() {
        let now = Utc::now();
        let mut problems = Problems::default();
        check_due(&mut problems, "dueAt", now + chrono::Duration::hours(1), now);
        check_due(&mut problems, "dueAt", now - chrono::Duration::seconds(30), now);
        assert!(problems.into_result().is_ok());
        let mut problems = Problems::default();
        check_due(&mut problems, "dueAt", now - chrono::Duration::hours(1), now);
        assert!(problems.into_result().is_err());
    }

    #[test]
    fn the_dashboard_writes_due_times_in_utc() {
        let due = parse_due_field("2026-12-09T17:30").unwrap().unwrap();
        assert_eq!(due.to_rfc3339(), "2026-12-09T17:30:00+00:00");
        assert_eq!(due_field_value(Some(due)), "2026-12-09T17:30");
        assert_eq!(parse_due_field(" ").unwrap(), None);
        assert!(parse_due_field("tomorrow").is_err());
        assert_eq!(duration_text(59), "0 min");
        assert_eq!(duration_text(3 * 3600 + 20 * 60), "3 h 20 min");
        assert_eq!(duration_text(2 * 86400 + 4 * 3600), "2 d 4 h");
    }

    #[test]
    fn names_round_trip() {
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for p in CasePriority::ALL {
            assert_eq!(CasePriority::parse(p.as_str()), Some(p));
        }
        assert_eq!(CaseField::parse("dueAt"), Some(CaseField::DueAt));
        assert_eq!(serde_json::to_value(CaseField::DueAt).unwrap(), "dueAt");
    }
}
