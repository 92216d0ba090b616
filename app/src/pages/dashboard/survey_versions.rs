//! The survey page's published versions (README "Surveys → Versions"): when
//! each was published, what changed against the one before, how many
//! responses were answered under it, and a link to just those.

use crate::components::{format_time, ErrorNotice};
use crate::domain::question_diff::describe as describe_question;
use crate::domain::survey_version::{SurveyVersionSummary, VersionChanges};
use crate::server_fns::surveys::list_survey_versions;
use leptos::prelude::*;

#[component]
pub fn VersionsCard(survey_id: String, refresh: Signal<u32>) -> impl IntoView {
    let versions = Resource::new(move || refresh.get(), move |_| list_survey_versions(survey_id.clone(), 1));
    view! {
        <section class="card" aria-label="Versions">
            <h2>"Versions"</h2>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match versions.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(page) if page.data.is_empty() => view! {
                            <p class="empty">"Not published yet: publishing makes version 1."</p>
                        }.into_any(),
                        Ok(page) => view! {
                            <table class="table versions">
                                <thead><tr><th>"Version"</th><th>"Published"</th><th>"Questions"</th><th>"What changed"</th><th>"Responses"</th></tr></thead>
                                <tbody>{page.data.into_iter().map(version_row).collect_view()}</tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn version_row(version: SurveyVersionSummary) -> impl IntoView {
    let responses = version.response_count;
    view! {
        <tr>
            <td>{format!("Version {}", version.number)}</td>
            <td>{format_time(&version.published_at)}</td>
            <td>{version.question_count}</td>
            <td>{describe(&version.changes, version.number)}</td>
            <td>
                {if responses == 0 {
                    "0".to_string().into_any()
                } else {
                    view! { <a href=format!("?version={}", version.number)>{responses}</a> }.into_any()
                }}
            </td>
        </tr>
    }
}

/// "added q3; removed q2; reworded q1" in words, as text.
fn describe(changes: &VersionChanges, number: i64) -> String {
    if number == 1 {
        return "first published".into();
    }
    let mut parts = Vec::new();
    let list = |label: &str, ids: &[String]| (!ids.is_empty()).then(|| format!("{label} {}", ids.join(", ")));
    parts.extend(list("added", &changes.added));
    parts.extend(list("removed", &changes.removed));
    // Each changed question with what changed in it; `changed` alone for
    // anything listed without details.
    let detailed: Vec<String> =
        changes.details.iter().map(|d| format!("{} ({})", d.question, describe_question(d))).collect();
    let undetailed: Vec<String> =
        changes.changed.iter().filter(|id| !changes.details.iter().any(|d| &d.question == *id)).cloned().collect();
    parts.extend(list("changed", &[detailed, undetailed].concat()));
    if changes.reordered {
        parts.push("new order".into());
    }
    if changes.settings_changed {
        parts.push("name, languages or texts".into());
    }
    if parts.is_empty() {
        "no change to the questions".into()
    } else {
        parts.join("; ")
    }
}
