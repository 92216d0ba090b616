//! The overview's tables for questions one bar chart cannot show: a matrix
//! (rows by columns) and a ranking (average place and first-place share).

use crate::domain::question_stats::{RankStats, RowStats};
use leptos::prelude::*;

/// A matrix's answers: a row per matrix row, a column per matrix column,
/// each cell the count and its share of the row.
#[component]
pub fn MatrixTable(rows: Vec<RowStats>, title: String) -> impl IntoView {
    let columns: Vec<String> =
        rows.first().map(|r| r.bars.iter().map(|b| b.label.clone()).collect()).unwrap_or_default();
    view! {
        <table class="table matrix-stats">
            <caption>{title}</caption>
            <thead>
                <tr><th scope="col">"Row"</th>{columns.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}<th scope="col">"Answers"</th></tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|row| {
                    let answered = row.answered;
                    view! {
                        <tr>
                            <th scope="row">{row.label}</th>
                            {row.bars.into_iter().map(|b| {
                                let share = if answered > 0 { format!(" ({:.0} %)", 100.0 * b.count as f64 / answered as f64) } else { String::new() };
                                view! { <td>{format!("{}{share}", b.count)}</td> }
                            }).collect_view()}
                            <td>{answered}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// A ranking's choices, best average place first.
#[component]
pub fn RankTable(ranks: Vec<RankStats>, title: String) -> impl IntoView {
    let mut ranks = ranks;
    ranks.sort_by(|a, b| a.average_place.unwrap_or(f64::MAX).total_cmp(&b.average_place.unwrap_or(f64::MAX)));
    let shown = |x: Option<f64>, unit: &str| x.map_or_else(|| "–".to_string(), |x| format!("{x}{unit}"));
    view! {
        <table class="table rank-stats">
            <caption>{title}</caption>
            <thead>
                <tr><th scope="col">"Choice"</th><th scope="col">"Average place"</th><th scope="col">"Ranked first"</th><th scope="col">"Ranked"</th></tr>
            </thead>
            <tbody>
                {ranks.into_iter().map(|r| view! {
                    <tr>
                        <th scope="row">{r.label}</th>
                        <td>{shown(r.average_place, "")}</td>
                        <td>{shown(r.first_place_percent, " %")}</td>
                        <td>{r.ranked}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
