//! The case inbox: my cases, unassigned, overdue, all open, resolved and
//! closed, each with its count; filtered by survey, priority and assignee,
//! sorted, a page at a time. Its state is the page address (a plain GET
//! form), so a view can be bookmarked and works before the page hydrates.

use super::case_widgets::{PriorityBadge, StatusBadge};
use super::DashboardLayout;
use crate::components::{format_time, url_encode, ErrorNotice};
use crate::domain::case::{CasePriority, CaseStats};
use crate::domain::case_query::{CaseSort, CaseView};
use crate::server_fns::cases::{get_case_stats, list_cases};
use crate::server_fns::surveys::list_surveys;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The query parameters the page keeps, in the order links write them.
const KEPT: [&str; 5] = ["surveyId", "priority", "assignee", "status", "sort"];

fn count_of(stats: &CaseStats, view: CaseView) -> Option<i64> {
    match view {
        CaseView::Mine => Some(stats.mine),
        CaseView::Unassigned => Some(stats.unassigned),
        CaseView::Overdue => Some(stats.overdue),
        CaseView::Active => Some(stats.open + stats.in_progress),
        CaseView::Done => Some(stats.resolved + stats.closed),
        CaseView::All => None,
    }
}

#[component]
pub fn CasesPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let view_name = move || Some(param("view")).filter(|v| !v.is_empty()).unwrap_or_else(|| "mine".into());
    let page = move || param("page").parse::<u32>().unwrap_or(1).max(1);
    let cases = Resource::new(
        move || (view_name(), KEPT.map(|k| param(k)), page()),
        |(view, [survey, priority, assignee, status, sort], page)| {
            list_cases(view, status, assignee, survey, priority, sort, page)
        },
    );
    // The tabs count what the survey filter leaves.
    let stats = Resource::new(move || param("surveyId"), |survey| get_case_stats(Some(survey)));
    let surveys = Resource::new(|| (), |_| list_surveys(1));
    // A link to this page with `changes` applied to the kept parameters.
    let link = move |view: &str, to_page: u32| {
        let mut q = format!("view={view}&");
        for key in KEPT {
            let value = param(key);
            if !value.is_empty() {
                q.push_str(&format!("{key}={}&", url_encode(&value)));
            }
        }
        if to_page > 1 {
            q.push_str(&format!("page={to_page}"));
        }
        format!("/dashboard/cases?{}", q.trim_end_matches('&'))
    };
    view! {
        <Title text="Cases"/>
        <DashboardLayout>
            <h1>"Cases"</h1>
            <p class="description">"Responses your team follows up: open a case from a response's page, or let an alert rule open it."</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let stats = stats.await.unwrap_or_default();
                    view! {
                        <nav class="tabs" aria-label="Inbox">
                            {CaseView::ALL.into_iter().map(|v| {
                                let label = match count_of(&stats, v) {
                                    Some(n) => format!("{} ({n})", v.label()),
                                    None => v.label().to_string(),
                                };
                                view! { <a href=link(v.as_str(), 1) aria-current=move || (view_name() == v.as_str()).then_some("page")>{label}</a> }
                            }).collect_view()}
                        </nav>
                    }
                })}
            </Suspense>
            <form method="get" action="/dashboard/cases" class="row filters" aria-label="Filter the cases">
                <input type="hidden" name="view" value=view_name/>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let surveys = surveys.await.map(|s| s.data).unwrap_or_default();
                        view! {
                            <label>"Survey"
                                <select name="surveyId">
                                    <option value="">"Any"</option>
                                    {surveys.into_iter().map(|s| {
                                        let id = s.id.clone();
                                        view! { <option value=s.id.clone() selected=move || param("surveyId") == id>{s.name.clone()}</option> }
                                    }).collect_view()}
                                </select>
                            </label>
                        }
                    })}
                </Suspense>
                <label>"Priority"
                    <select name="priority">
                        <option value="">"Any"</option>
                        {CasePriority::ALL.into_iter().map(|p| view! {
                            <option value=p.as_str() selected=move || param("priority") == p.as_str()>{p.label()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>"Assignee"
                    <select name="assignee">
                        <option value="">"Anyone"</option>
                        <option value="me" selected=move || param("assignee") == "me">"Me"</option>
                        <option value="none" selected=move || param("assignee") == "none">"Nobody"</option>
                    </select>
                </label>
                <label>"Sort"
                    <select name="sort">
                        {[(CaseSort::Newest, "Newest first"), (CaseSort::Oldest, "Oldest first"), (CaseSort::Due, "Due soonest"), (CaseSort::Updated, "Recently changed")]
                            .into_iter().map(|(s, label)| view! {
                                <option value=s.as_str() selected=move || param("sort") == s.as_str()>{label}</option>
                            }).collect_view()}
                    </select>
                </label>
                <button type="submit">"Filter"</button>
            </form>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match cases.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(list) if list.data.is_empty() => view! { <p class="empty">"No cases here."</p> }.into_any(),
                        Ok(list) => {
                            let current = list.meta.page;
                            let per_page = i64::from(list.meta.per_page.max(1));
                            let last = u32::try_from((list.meta.total + per_page - 1) / per_page).unwrap_or(1);
                            let view = view_name();
                            view! {
                                <p role="status">{format!("{} cases", list.meta.total)}</p>
                                <table class="table cases">
                                    <thead><tr><th>"Case"</th><th>"Status"</th><th>"Assignee"</th><th>"Due"</th><th>"Opened"</th></tr></thead>
                                    <tbody>
                                        {list.data.into_iter().map(|c| view! {
                                            <tr class:overdue=c.overdue>
                                                <td><a href=format!("/dashboard/responses/{}", c.response_id)>{c.title.clone()}</a>
                                                    " " <PriorityBadge priority=c.priority/></td>
                                                <td><StatusBadge status=c.status/>
                                                    {c.overdue.then(|| view! { " " <span class="badge overdue">"Overdue"</span> })}</td>
                                                <td>{c.assignee.as_ref().map(|a| a.email.clone()).unwrap_or_else(|| "Unassigned".into())}</td>
                                                <td>{c.due_at.as_ref().map(format_time).unwrap_or_else(|| "—".into())}</td>
                                                <td>{format_time(&c.created_at)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <nav class="pager" aria-label="Pages">
                                    {(current > 1).then(|| view! { <a href=link(&view, current - 1)>"Previous"</a> })}
                                    <span>{format!(" Page {current} of {last} ")}</span>
                                    {(current < last).then(|| view! { <a href=link(&view, current + 1)>"Next"</a> })}
                                </nav>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </DashboardLayout>
    }
}
