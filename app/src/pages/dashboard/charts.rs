//! Small SVG charts drawn by the components themselves (no chart library):
//! the trend of responses and NPS, and a question's distribution. Both are
//! server-rendered and carry a text summary for screen readers.

use crate::domain::metrics::{Bar, TrendPoint};
use leptos::prelude::*;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 180.0;
const PAD: f64 = 28.0;

/// Responses per period as bars, NPS (−100…100) as a line over them.
#[component]
pub fn TrendChart(points: Vec<TrendPoint>) -> impl IntoView {
    if points.is_empty() {
        return view! { <p class="empty">"No responses in this period."</p> }.into_any();
    }
    let max = points.iter().map(|p| p.responses).max().unwrap_or(1).max(1) as f64;
    let n = points.len() as f64;
    let slot = (WIDTH - 2.0 * PAD) / n;
    let bar_width = (slot * 0.7).max(1.0);
    let plot_height = HEIGHT - 2.0 * PAD;
    let bars = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let h = plot_height * p.responses as f64 / max;
            let x = PAD + i as f64 * slot + (slot - bar_width) / 2.0;
            let label = format!("{}: {} responses", p.start, p.responses);
            view! {
                <rect class="bar" x=format!("{x:.1}") y=format!("{:.1}", HEIGHT - PAD - h)
                    width=format!("{bar_width:.1}") height=format!("{h:.1}")><title>{label}</title></rect>
            }
        })
        .collect_view();
    let nps_points: Vec<String> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let score = p.nps?;
            let x = PAD + i as f64 * slot + slot / 2.0;
            let y = PAD + plot_height * (100.0 - score) / 200.0;
            Some(format!("{x:.1},{y:.1}"))
        })
        .collect();
    let has_nps = !nps_points.is_empty();
    let total: i64 = points.iter().map(|p| p.responses).sum();
    let summary = format!(
        "{} responses from {} to {}; at most {} in one period",
        total,
        points[0].start,
        points[points.len() - 1].start,
        max as i64
    );
    let first = points[0].start.to_string();
    let last = points[points.len() - 1].start.to_string();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=summary.clone() class="trend">
                <line class="axis" x1=PAD y1={HEIGHT - PAD} x2={WIDTH - PAD} y2={HEIGHT - PAD}/>
                {bars}
                {has_nps.then(|| view! { <polyline class="nps-line" points=nps_points.join(" ")><title>"NPS"</title></polyline> })}
                <text class="tick" x=PAD y={HEIGHT - 8.0}>{first}</text>
                <text class="tick end" x={WIDTH - PAD} y={HEIGHT - 8.0}>{last}</text>
                <text class="tick" x=PAD y={PAD - 10.0}>{format!("{} max", max as i64)}</text>
            </svg>
            <figcaption>{summary}{has_nps.then_some(" · the line is NPS (−100 to 100)")}</figcaption>
        </figure>
    }
    .into_any()
}

/// A horizontal bar per value or choice, with its count and share.
#[component]
pub fn DistributionBars(bars: Vec<Bar>, title: String) -> impl IntoView {
    let total: i64 = bars.iter().map(|b| b.count).sum();
    let max = bars.iter().map(|b| b.count).max().unwrap_or(0).max(1) as f64;
    let row_height = 22.0;
    let label_width = 150.0;
    let height = row_height * bars.len() as f64 + 4.0;
    let rows = bars
        .into_iter()
        .enumerate()
        .map(|(i, bar)| {
            let y = i as f64 * row_height;
            let w = (WIDTH - label_width - 90.0) * bar.count as f64 / max;
            let share = if total > 0 { 100.0 * bar.count as f64 / total as f64 } else { 0.0 };
            view! {
                <g>
                    <text class="bar-label" x={label_width - 8.0} y={y + 15.0}>{bar.label.clone()}</text>
                    <rect class="bar" x=label_width y={y + 3.0} width=format!("{w:.1}") height={row_height - 6.0}/>
                    <text class="bar-value" x={label_width + w + 6.0} y={y + 15.0}>{format!("{} ({share:.0}%)", bar.count)}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=format!("Distribution of answers to {title}") class="distribution">
            {rows}
        </svg>
    }
}
