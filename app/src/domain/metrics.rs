//! The figures of a survey overview, computed from counts: NPS, CSAT,
//! averages, completion, distributions and their trend over time. Pure
//! functions over what the database aggregated, so they are unit-tested
//! exactly and shared by the server and the charts in the browser.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Net Promoter Score of 0–10 answers: % promoters (9–10) − % detractors (0–6).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Nps {
    /// −100 to 100, rounded to one decimal; `None` without answers.
    pub score: Option<f64>,
    pub promoters: i64,
    pub passives: i64,
    pub detractors: i64,
    pub total: i64,
}

/// `counts[v]` is how many answered `v` (0–10).
pub fn nps(counts: &[i64]) -> Nps {
    let count = |range: std::ops::RangeInclusive<usize>| -> i64 { range.filter_map(|v| counts.get(v)).sum() };
    let (detractors, passives, promoters) = (count(0..=6), count(7..=8), count(9..=10));
    let total = detractors + passives + promoters;
    let score = (total > 0).then(|| round1(100.0 * (promoters - detractors) as f64 / total as f64));
    Nps { score, promoters, passives, detractors, total }
}

/// Customer satisfaction of 1–5 answers: the share of 4s and 5s.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Csat {
    /// Percent satisfied (4 or 5), one decimal; `None` without answers.
    pub satisfied_percent: Option<f64>,
    pub satisfied: i64,
    pub total: i64,
    pub average: Option<f64>,
}

/// `counts[v]` is how many answered `v` (index 0 unused; 1–5).
pub fn csat(counts: &[i64]) -> Csat {
    let total: i64 = (1..=5).filter_map(|v| counts.get(v)).sum();
    let satisfied: i64 = (4..=5).filter_map(|v| counts.get(v)).sum();
    Csat {
        satisfied_percent: (total > 0).then(|| round1(100.0 * satisfied as f64 / total as f64)),
        satisfied,
        total,
        average: average(counts),
    }
}

/// The mean of values weighted by `counts[value]`, two decimals.
pub fn average(counts: &[i64]) -> Option<f64> {
    let total: i64 = counts.iter().sum();
    let sum: i64 = counts.iter().enumerate().map(|(v, n)| v as i64 * n).sum();
    (total > 0).then(|| (100.0 * sum as f64 / total as f64).round() / 100.0)
}

/// Completed responses as a percentage of all, one decimal.
pub fn completion_rate(completed: i64, total: i64) -> Option<f64> {
    (total > 0).then(|| round1(100.0 * completed as f64 / total as f64))
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// How the trend is grouped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    #[default]
    Day,
    Week,
    Month,
}

impl Interval {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "day" => Some(Interval::Day),
            "week" => Some(Interval::Week),
            "month" => Some(Interval::Month),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Day => "day",
            Interval::Week => "week",
            Interval::Month => "month",
        }
    }

    /// The first day of the period `day` falls in (weeks start on Monday).
    pub fn start_of(self, day: NaiveDate) -> NaiveDate {
        match self {
            Interval::Day => day,
            Interval::Week => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
            Interval::Month => day.with_day(1).expect("every month has a first day"),
        }
    }
}

/// One period of the trend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TrendPoint {
    /// The period's first day (UTC).
    pub start: NaiveDate,
    pub responses: i64,
    pub completed: i64,
    /// NPS of the survey's first NPS question in this period.
    pub nps: Option<f64>,
    /// % satisfied of the first CSAT question in this period.
    pub csat: Option<f64>,
}

/// Per-day raw counts, as the database groups them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DayCounts {
    pub day: NaiveDate,
    pub responses: i64,
    pub completed: i64,
    /// NPS answers of that day by value (0–10).
    pub nps: Vec<i64>,
    /// CSAT answers of that day by value (index 1–5).
    pub csat: Vec<i64>,
}

/// Groups days into periods, with empty periods filled in so the chart's
/// time axis is honest.
pub fn trend(days: &[DayCounts], interval: Interval) -> Vec<TrendPoint> {
    let (Some(first), Some(last)) = (days.iter().map(|d| d.day).min(), days.iter().map(|d| d.day).max()) else {
        return Vec::new();
    };
    let mut points: Vec<(NaiveDate, DayCounts)> = Vec::new();
    let mut period = interval.start_of(first);
    let end = interval.start_of(last);
    while period <= end && points.len() < 5_000 {
        points.push((period, DayCounts { day: period, nps: vec![0; 11], csat: vec![0; 6], ..Default::default() }));
        period = next_period(period, interval);
    }
    for day in days {
        let start = interval.start_of(day.day);
        if let Ok(i) = points.binary_search_by_key(&start, |(p, _)| *p) {
            let acc = &mut points[i].1;
            acc.responses += day.responses;
            acc.completed += day.completed;
            for (v, n) in day.nps.iter().enumerate().take(11) {
                acc.nps[v] += n;
            }
            for (v, n) in day.csat.iter().enumerate().take(6) {
                acc.csat[v] += n;
            }
        }
    }
    points
        .into_iter()
        .map(|(start, acc)| TrendPoint {
            start,
            responses: acc.responses,
            completed: acc.completed,
            nps: nps(&acc.nps).score,
            csat: csat(&acc.csat).satisfied_percent,
        })
        .collect()
}

fn next_period(start: NaiveDate, interval: Interval) -> NaiveDate {
    match interval {
        Interval::Day => start + Duration::days(1),
        Interval::Week => start + Duration::days(7),
        Interval::Month => {
            let (y, m) = if start.month() == 12 { (start.year() + 1, 1) } else { (start.year(), start.month() + 1) };
            NaiveDate::from_ymd_opt(y, m, 1).expect("valid month")
        }
    }
}

/// One bar of a question's distribution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Bar {
    /// The value (`7`) or choice id (`food`).
    pub key: String,
    /// What people read: the value, or the choice's label.
    pub label: String,
    pub count: i64,
}

pub use super::question_stats::QuestionStats;

/// A survey's overview under a filter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    pub responses: i64,
    pub completed: i64,
    pub completion_rate: Option<f64>,
    /// Of the survey's first NPS question.
    pub nps: Option<Nps>,
    /// Of the survey's first CSAT question.
    pub csat: Option<Csat>,
    /// Of the survey's first rating question.
    pub average_rating: Option<f64>,
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub interval: Interval,
    pub trend: Vec<TrendPoint>,
    pub questions: Vec<QuestionStats>,
}

/// A free-text answer, for reading and searching.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TextAnswer {
    pub response_id: String,
    pub question_id: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

/// The UTC day of an instant.
pub fn day_of(t: DateTime<Utc>) -> NaiveDate {
    t.date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nps_is_promoters_minus_detractors() {
        // 5 promoters (9, 10), 3 passives, 2 detractors out of 10: 50% − 20% = 30.
        let mut counts = vec![0; 11];
        counts[10] = 3;
        counts[9] = 2;
        counts[8] = 2;
        counts[7] = 1;
        counts[6] = 1;
        counts[0] = 1;
        let n = nps(&counts);
        assert_eq!((n.promoters, n.passives, n.detractors, n.total), (5, 3, 2, 10));
        assert_eq!(n.score, Some(30.0));
        assert_eq!(nps(&[0; 11]).score, None);
        let mut all_detractors = vec![0; 11];
        all_detractors[3] = 4;
        assert_eq!(nps(&all_detractors).score, Some(-100.0));
        // One decimal: 1 promoter of 3 answers = 33.3.
        let mut third = vec![0; 11];
        third[10] = 1;
        third[8] = 2;
        assert_eq!(nps(&third).score, Some(33.3));
    }

    #[test]
    fn csat_is_the_share_of_fours_and_fives() {
        let counts = vec![0, 1, 1, 2, 3, 3]; // 10 answers, 6 satisfied
        let c = csat(&counts);
        assert_eq!(c.satisfied_percent, Some(60.0));
        assert_eq!(c.average, Some(3.6));
        assert_eq!(csat(&[0; 6]).satisfied_percent, None);
    }

    #[test]
    fn completion_and_average() {
        assert_eq!(completion_rate(2, 3), Some(66.7));
        assert_eq!(completion_rate(0, 0), None);
        assert_eq!(average(&[0, 0, 1, 0, 1]), Some(3.0));
    }

    #[test]
    fn trends_group_by_period_and_fill_gaps() {
        let day = |d: u32, responses| DayCounts {
            day: NaiveDate::from_ymd_opt(2026, 11, d).unwrap(),
            responses,
            completed: responses,
            nps: {
                let mut v = vec![0; 11];
                v[10] = responses;
                v
            },
            csat: vec![0; 6],
        };
        // Mon 2 Nov, Wed 4 Nov, Mon 16 Nov 2026.
        let days = [day(2, 1), day(4, 2), day(16, 3)];
        let weeks = trend(&days, Interval::Week);
        assert_eq!(weeks.len(), 3, "the empty week of the 9th is shown");
        assert_eq!((weeks[0].responses, weeks[1].responses, weeks[2].responses), (3, 0, 3));
        assert_eq!(weeks[0].nps, Some(100.0));
        assert_eq!(weeks[1].nps, None);
        let daily = trend(&days, Interval::Day);
        assert_eq!(daily.len(), 15);
        let months = trend(&days, Interval::Month);
        assert_eq!(months.len(), 1);
        assert_eq!(months[0].start, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        assert!(trend(&[], Interval::Day).is_empty());
    }
}
