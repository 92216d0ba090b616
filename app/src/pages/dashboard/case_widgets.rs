//! Small pieces the case inbox, the case panel and the survey overview
//! share: status and priority badges, and a survey's case figures.

use crate::domain::case::{duration_text, CasePriority, CaseStats, CaseStatus};
use leptos::prelude::*;

#[component]
pub fn StatusBadge(status: CaseStatus) -> impl IntoView {
    view! { <span class=format!("badge case-{}", status.as_str())>{status.label()}</span> }
}

#[component]
pub fn PriorityBadge(priority: CasePriority) -> impl IntoView {
    (priority != CasePriority::Normal)
        .then(|| view! { <span class=format!("badge priority-{}", priority.as_str())>{priority.label()}</span> })
}

/// Open and overdue cases and the median time to resolution, with links
/// to the survey's cases in the inbox. (The caller loads the figures, with
/// its own: a resource made while a suspended view renders would not
/// hydrate.)
#[component]
pub fn CaseFigures(survey_id: String, stats: CaseStats) -> impl IntoView {
    let inbox = format!("/dashboard/cases?view=active&surveyId={survey_id}");
    let overdue = format!("/dashboard/cases?view=overdue&surveyId={survey_id}");
    let median = stats.median_seconds_to_resolution.map(duration_text).unwrap_or_else(|| "—".into());
    view! {
        <div class="figures" aria-label="Cases">
            <div class="figure"><span class="label">"Open cases"</span>
                <a class="value" href=inbox data-figure="open-cases">{stats.open + stats.in_progress}</a></div>
            <div class="figure"><span class="label">"Overdue cases"</span>
                <a class="value" href=overdue data-figure="overdue-cases">{stats.overdue}</a></div>
            <div class="figure"><span class="label">"Median time to resolution"</span>
                <span class="value" data-figure="time-to-resolution">{median}</span></div>
        </div>
    }
}
