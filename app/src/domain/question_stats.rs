//! One question's figures, from the counted rows of the answer index (see
//! `answer_index`): a pure function per question type, unit-tested against
//! answers whose figures are known.

use super::metrics::{average, csat, nps, Bar, Csat, Nps};
use super::question_kind::OTHER_CHOICE;
use super::survey::{Question, QuestionKind};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The counted index rows of one index id (a question, or `<question>.<part>`):
/// (num_value, choice) → how many rows. (None, None) counts text answers, and
/// the one row a matrix, contact or address answer has for itself.
pub type Tally = BTreeMap<(Option<i64>, Option<String>), i64>;

/// One question's figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct QuestionStats {
    pub question_id: String,
    pub title: String,
    /// The question type (`nps`, `rating`, …).
    #[serde(rename = "type")]
    pub kind: String,
    /// How many responses answered it (for multiple and picture choices, how
    /// many choices were chosen; for a statement, how many followed its button).
    pub answered: i64,
    pub average: Option<f64>,
    pub nps: Option<Nps>,
    pub csat: Option<Csat>,
    /// Every value of a scale, every choice, a number's ranges, a date's
    /// months, a contact or address question's fields: zero counts included.
    pub bars: Vec<Bar>,
    /// A matrix: each row's answers by column.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RowStats>,
    /// A ranking: each choice's average place and first-place share.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranks: Vec<RankStats>,
    /// A number question's mean, median and range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<NumberSummary>,
    /// A date question's mean, median and range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<DateSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RowStats {
    pub row_id: String,
    pub label: String,
    pub answered: i64,
    /// One bar per column, zero counts included.
    pub bars: Vec<Bar>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RankStats {
    pub choice_id: String,
    pub label: String,
    /// How many rankings placed it at all.
    pub ranked: i64,
    /// 1 is first; two decimals. `None` when never ranked.
    pub average_place: Option<f64>,
    /// Percent of rankings that put it first, one decimal.
    pub first_place_percent: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NumberSummary {
    pub mean: f64,
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DateSummary {
    pub mean: NaiveDate,
    pub median: NaiveDate,
    pub min: NaiveDate,
    pub max: NaiveDate,
}

/// The question's figures from the tallies of every index id.
pub fn question_stats(question: &Question, tallies: &HashMap<String, Tally>) -> QuestionStats {
    let empty = Tally::new();
    let tally_of = |id: &str| tallies.get(id).unwrap_or(&empty);
    let own = tally_of(&question.id);
    let count_of = |tally: &Tally, choice: &str| -> i64 {
        tally.iter().filter(|((_, c), _)| c.as_deref() == Some(choice)).map(|(_, n)| n).sum()
    };
    let marker = own.get(&(None, None)).copied().unwrap_or(0);
    let mut stats = QuestionStats {
        question_id: question.id.clone(),
        title: question.title.clone(),
        kind: question.kind.type_name().to_string(),
        answered: 0,
        average: None,
        nps: None,
        csat: None,
        bars: Vec::new(),
        rows: Vec::new(),
        ranks: Vec::new(),
        number: None,
        date: None,
    };
    let bar = |key: &str, label: &str, count| Bar { key: key.into(), label: label.into(), count };
    match &question.kind {
        kind if kind.scale().is_some() => {
            let (low, high) = kind.scale().unwrap_or_default();
            let mut counts = vec![0i64; (high + 1).max(0) as usize];
            for ((value, _), n) in own {
                if let Some(slot) = value.and_then(|v| usize::try_from(v).ok()).and_then(|v| counts.get_mut(v)) {
                    *slot += n;
                }
            }
            stats.answered = counts.iter().sum();
            stats.average = average(&counts);
            stats.bars = (low..=high).map(|v| bar(&v.to_string(), &v.to_string(), counts[v as usize])).collect();
            match kind {
                QuestionKind::Nps => stats.nps = Some(nps(&counts)),
                QuestionKind::Csat => stats.csat = Some(csat(&counts)),
                _ => {}
            }
        }
        QuestionKind::Ranking { choices, .. } => {
            let first_places: i64 = own.iter().filter(|((place, _), _)| *place == Some(1)).map(|(_, n)| n).sum();
            stats.answered = first_places;
            stats.ranks = choices
                .iter()
                .map(|c| {
                    let placed: Vec<(i64, i64)> = own
                        .iter()
                        .filter(|((_, choice), _)| choice.as_deref() == Some(c.id.as_str()))
                        .filter_map(|((place, _), n)| place.map(|p| (p, *n)))
                        .collect();
                    let ranked: i64 = placed.iter().map(|(_, n)| n).sum();
                    let firsts: i64 = placed.iter().filter(|(p, _)| *p == 1).map(|(_, n)| n).sum();
                    let place_sum: i64 = placed.iter().map(|(p, n)| p * n).sum();
                    RankStats {
                        choice_id: c.id.clone(),
                        label: c.label.clone(),
                        ranked,
                        average_place: (ranked > 0).then(|| round(place_sum as f64 / ranked as f64, 100.0)),
                        first_place_percent: (first_places > 0)
                            .then(|| round(100.0 * firsts as f64 / first_places as f64, 10.0)),
                    }
                })
                .collect();
        }
        QuestionKind::Matrix { rows, columns } => {
            stats.answered = marker;
            stats.rows = rows
                .iter()
                .map(|row| {
                    let tally = tally_of(&format!("{}.{}", question.id, row.id));
                    let bars: Vec<Bar> = columns.iter().map(|c| bar(&c.id, &c.label, count_of(tally, &c.id))).collect();
                    RowStats {
                        row_id: row.id.clone(),
                        label: row.label.clone(),
                        answered: bars.iter().map(|b| b.count).sum(),
                        bars,
                    }
                })
                .collect();
        }
        QuestionKind::ContactInfo { fields } | QuestionKind::Address { fields } => {
            stats.answered = marker;
            stats.bars = fields
                .iter()
                .map(|f| {
                    let filled = tally_of(&format!("{}.{}", question.id, f.name)).values().sum();
                    bar(&f.name, &f.name, filled)
                })
                .collect();
        }
        QuestionKind::Number { .. } => {
            let values = numeric_values(own);
            stats.answered = values.iter().map(|(_, n)| n).sum();
            if let Some(summary) = summarize(&values) {
                let scale = |x: f64| x / 1_000.0;
                stats.number = Some(NumberSummary {
                    mean: round(scale(summary.mean), 1_000.0),
                    median: scale(summary.median),
                    min: scale(summary.min as f64),
                    max: scale(summary.max as f64),
                });
                stats.bars = ranges(&values, |v| trim_number(scale(v as f64)));
            }
        }
        QuestionKind::Date { .. } => {
            let values = numeric_values(own);
            stats.answered = values.iter().map(|(_, n)| n).sum();
            if let Some(summary) = summarize(&values) {
                stats.date = Some(DateSummary {
                    mean: day(summary.mean.round() as i64),
                    median: day(summary.median.floor() as i64),
                    min: day(summary.min),
                    max: day(summary.max),
                });
                let mut months: BTreeMap<String, i64> = BTreeMap::new();
                for (v, n) in &values {
                    *months.entry(day(*v).format("%Y-%m").to_string()).or_default() += n;
                }
                stats.bars = months.into_iter().map(|(month, n)| bar(&month, &month, n)).collect();
            }
        }
        QuestionKind::Consent { .. } => {
            stats.answered = count_of(own, "true");
            stats.bars = vec![bar("true", "Accepted", stats.answered)];
        }
        QuestionKind::Statement { .. } => {
            stats.answered = count_of(own, super::answers::CLICKED);
            stats.bars = vec![bar(super::answers::CLICKED, "Clicked", stats.answered)];
        }
        kind => {
            if let Some(list) = kind.choices() {
                stats.bars = list.iter().map(|c| bar(&c.id, &c.label, count_of(own, &c.id))).collect();
                if kind.allows_other() {
                    stats.bars.push(bar(OTHER_CHOICE, "Other", count_of(own, OTHER_CHOICE)));
                }
                stats.answered = stats.bars.iter().map(|b| b.count).sum();
            } else {
                stats.answered = marker;
            }
        }
    }
    stats
}

fn round(x: f64, by: f64) -> f64 {
    (x * by).round() / by
}

fn day(days_since_1970: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("a real date") + Duration::days(days_since_1970)
}

fn trim_number(x: f64) -> String {
    let text = format!("{x:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// (value, count) of the rows that carry a number, in value order.
fn numeric_values(tally: &Tally) -> Vec<(i64, i64)> {
    let mut values: BTreeMap<i64, i64> = BTreeMap::new();
    for ((value, _), n) in tally {
        if let Some(v) = value {
            *values.entry(*v).or_default() += n;
        }
    }
    values.into_iter().collect()
}

struct Summary {
    mean: f64,
    median: f64,
    min: i64,
    max: i64,
}

/// Mean, median (the middle value, or the mean of the two middle ones) and
/// range of counted values in value order.
fn summarize(values: &[(i64, i64)]) -> Option<Summary> {
    let total: i64 = values.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    let sum: f64 = values.iter().map(|(v, n)| *v as f64 * *n as f64).sum();
    let nth = |k: i64| -> i64 {
        let mut seen = 0;
        for (v, n) in values {
            seen += n;
            if seen > k {
                return *v;
            }
        }
        values[values.len() - 1].0
    };
    let median =
        if total % 2 == 1 { nth(total / 2) as f64 } else { (nth(total / 2 - 1) as f64 + nth(total / 2) as f64) / 2.0 };
    Some(Summary { mean: sum / total as f64, median, min: values[0].0, max: values[values.len() - 1].0 })
}

/// At most ten bars of equal width from the smallest value to the largest;
/// one bar per value when there are ten or fewer values.
fn ranges(values: &[(i64, i64)], show: impl Fn(i64) -> String) -> Vec<Bar> {
    if values.len() <= 10 {
        return values.iter().map(|(v, n)| Bar { key: show(*v), label: show(*v), count: *n }).collect();
    }
    let (low, high) = (values[0].0, values[values.len() - 1].0);
    let width = ((high - low) / 10 + 1).max(1);
    let mut bars: Vec<Bar> = Vec::new();
    let mut start = low;
    while start <= high {
        let end = start + width - 1;
        let count = values.iter().filter(|(v, _)| (start..=end).contains(v)).map(|(_, n)| n).sum();
        let label = format!("{}–{}", show(start), show(end.min(high)));
        bars.push(Bar { key: label.clone(), label, count });
        start += width;
    }
    bars
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn question(kind: serde_json::Value) -> Question {
        let mut q = json!({"id": "q", "title": "Q"});
        q.as_object_mut().unwrap().extend(kind.as_object().unwrap().clone());
        serde_json::from_value(q).unwrap()
    }

    fn tallies(rows: &[(&str, Option<i64>, Option<&str>, i64)]) -> HashMap<String, Tally> {
        let mut all: HashMap<String, Tally> = HashMap::new();
        for (id, value, choice, n) in rows {
            *all.entry(id.to_string()).or_default().entry((*value, choice.map(str::to_string))).or_default() += n;
        }
        all
    }

    #[test]
    fn ranking_gives_average_place_and_first_place_share() {
        let q = question(
            json!({"type": "ranking", "choices": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}, {"id": "c", "label": "C"}]}),
        );
        // Three rankings: a>b>c, a>c>b, b>a>c.
        let t = tallies(&[
            ("q", Some(1), Some("a"), 2),
            ("q", Some(2), Some("b"), 1),
            ("q", Some(3), Some("c"), 2),
            ("q", Some(3), Some("b"), 1),
            ("q", Some(1), Some("b"), 1),
            ("q", Some(2), Some("a"), 1),
            ("q", Some(2), Some("c"), 1),
        ]);
        let s = question_stats(&q, &t);
        assert_eq!(s.answered, 3);
        let a = &s.ranks[0];
        assert_eq!((a.ranked, a.average_place, a.first_place_percent), (3, Some(1.33), Some(66.7)));
        let c = &s.ranks[2];
        assert_eq!((c.average_place, c.first_place_percent), (Some(2.67), Some(0.0)));
    }

    #[test]
    fn matrix_counts_each_row_by_column() {
        let q = question(
            json!({"type": "matrix", "rows": [{"id": "speed", "label": "Speed"}, {"id": "price", "label": "Price"}],
            "columns": [{"id": "good", "label": "Good"}, {"id": "bad", "label": "Bad"}]}),
        );
        let t = tallies(&[
            ("q", None, None, 3),
            ("q.speed", None, Some("good"), 2),
            ("q.speed", None, Some("bad"), 1),
            ("q.price", None, Some("bad"), 2),
        ]);
        let s = question_stats(&q, &t);
        assert_eq!(s.answered, 3);
        assert_eq!(s.rows[0].bars.iter().map(|b| b.count).collect::<Vec<_>>(), vec![2, 1]);
        assert_eq!((s.rows[1].answered, s.rows[1].bars[0].count), (2, 0));
    }

    #[test]
    fn numbers_and_dates_have_mean_median_and_range() {
        let q = question(json!({"type": "number"}));
        // 1.5, 2, 2, 10 (as thousandths): mean 3.875, median 2.
        let t = tallies(&[("q", Some(1_500), None, 1), ("q", Some(2_000), None, 2), ("q", Some(10_000), None, 1)]);
        let s = question_stats(&q, &t);
        assert_eq!(s.number, Some(NumberSummary { mean: 3.875, median: 2.0, min: 1.5, max: 10.0 }));
        assert_eq!(
            s.bars.iter().map(|b| (b.label.as_str(), b.count)).collect::<Vec<_>>(),
            vec![("1.5", 1), ("2", 2), ("10", 1)]
        );
        let d = question(json!({"type": "date"}));
        // 2026-01-01 is day 20454; 2026-01-03, 2026-02-01.
        let t = tallies(&[("q", Some(20_454), None, 1), ("q", Some(20_456), None, 1), ("q", Some(20_485), None, 1)]);
        let s = question_stats(&d, &t);
        let date = |t: &str| NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap();
        let summary = s.date.unwrap();
        assert_eq!(
            (summary.median, summary.min, summary.max),
            (date("2026-01-03"), date("2026-01-01"), date("2026-02-01"))
        );
        assert_eq!(
            s.bars.iter().map(|b| (b.label.as_str(), b.count)).collect::<Vec<_>>(),
            vec![("2026-01", 2), ("2026-02", 1)]
        );
    }

    #[test]
    fn many_numbers_fall_into_ten_ranges() {
        let values: Vec<(i64, i64)> = (0..100).map(|v| (v, 1)).collect();
        let bars = ranges(&values, |v| v.to_string());
        assert_eq!(bars.len(), 10);
        assert_eq!(bars.iter().map(|b| b.count).sum::<i64>(), 100);
        assert_eq!(bars[0].label, "0–9");
    }

    #[test]
    fn statements_count_clicks_and_consent_acceptances() {
        let s = question_stats(&question(json!({"type": "statement"})), &tallies(&[("q", None, Some("clicked"), 4)]));
        assert_eq!((s.answered, s.bars[0].count), (4, 4));
        let c = question_stats(
            &question(json!({"type": "consent", "label": "OK"})),
            &tallies(&[("q", None, Some("true"), 2)]),
        );
        assert_eq!(c.answered, 2);
    }

    #[test]
    fn contact_fields_count_separately() {
        let q = question(json!({"type": "contact_info", "fields": [{"name": "email"}, {"name": "phone"}]}));
        let t = tallies(&[("q", None, None, 3), ("q.email", None, None, 3), ("q.phone", None, None, 1)]);
        let s = question_stats(&q, &t);
        assert_eq!((s.answered, s.bars[0].count, s.bars[1].count), (3, 3, 1));
    }
}
