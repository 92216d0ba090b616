//! The audit log (owners and admins): who did what, when and from where,
//! with filters kept in the page address (a plain GET form, so they work
//! before hydration and can be bookmarked).

use super::DashboardLayout;
use crate::components::{format_time, ErrorNotice};
use crate::domain::audit::{AuditAction, AuditFilter};
use crate::server_fns::settings::list_audit_log;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `YYYY-MM-DD` → epoch ms at the start of that day (or of the next one, for an end).
fn day_ms(value: &str, end_of_day: bool) -> Option<i64> {
    let date = chrono::NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok()?;
    let date = if end_of_day { date.succ_opt()? } else { date };
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis())
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let filter = move || AuditFilter {
        action: AuditAction::parse(&param("action")),
        actor: Some(param("actor")).filter(|a| !a.trim().is_empty()),
        from_ms: day_ms(&param("from"), false),
        to_ms: day_ms(&param("to"), true),
    };
    let page = move || param("page").parse::<u32>().unwrap_or(1).max(1);
    let entries = Resource::new(move || (filter(), page()), |(filter, page)| list_audit_log(filter, page));
    let page_link = move |to: u32| {
        let mut q = url_query(&[
            ("action", param("action")),
            ("actor", param("actor")),
            ("from", param("from")),
            ("to", param("to")),
        ]);
        q.push_str(&format!("page={to}"));
        format!("/dashboard/audit?{q}")
    };
    view! {
        <Title text="Audit log"/>
        <DashboardLayout>
            <h1>"Audit log"</h1>
            <p class="description">
                "Every security-relevant action in the organisation. Nobody can change or delete an entry; "
                "entries older than the retention set in Settings are removed."
            </p>
            <form method="get" action="/dashboard/audit" class="row filters" aria-label="Filter the audit log">
                <label>"Action"
                    <select name="action">
                        <option value="">"Any"</option>
                        {AuditAction::ALL.into_iter().map(|a| view! {
                            <option value=a.as_str() selected=move || param("action") == a.as_str()>{a.describe()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>"Member (email)" <input type="text" name="actor" prop:value=move || param("actor")/></label>
                <label>"From" <input type="date" name="from" prop:value=move || param("from")/></label>
                <label>"To" <input type="date" name="to" prop:value=move || param("to")/></label>
                <button type="submit">"Filter"</button>
            </form>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match entries.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(list) if list.data.is_empty() => view! { <p class="empty">"No entries."</p> }.into_any(),
                        Ok(list) => {
                            let current = list.meta.page;
                            let last = u32::try_from((list.meta.total + i64::from(list.meta.per_page) - 1) / i64::from(list.meta.per_page)).unwrap_or(1);
                            view! {
                                <p role="status">{format!("{} entries", list.meta.total)}</p>
                                <table class="table audit">
                                    <thead><tr><th>"When"</th><th>"Who"</th><th>"What"</th><th>"About"</th><th>"From"</th><th>"Details"</th></tr></thead>
                                    <tbody>
                                        {list.data.into_iter().map(|e| view! {
                                            <tr>
                                                <td>{format_time(&e.at)}</td>
                                                <td>{e.actor_email.clone().unwrap_or_else(|| "—".into())}
                                                    {e.actor_token_id.clone().map(|t| view! { <br/><small>{format!("API token {t}")}</small> })}</td>
                                                <td>{e.action.describe()}<br/><small><code>{e.action.as_str()}</code></small></td>
                                                <td>{match (e.target_type.clone(), e.target_id.clone()) {
                                                    (Some(kind), Some(id)) => format!("{kind} {id}"),
                                                    _ => String::new(),
                                                }}</td>
                                                <td>{e.address.clone().unwrap_or_default()}</td>
                                                <td><code class="details">{details_text(&e.details)}</code></td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <nav class="pager" aria-label="Pages">
                                    {(current > 1).then(|| view! { <a href=page_link(current - 1)>"Newer"</a> })}
                                    <span>{format!(" Page {current} of {last} ")}</span>
                                    {(current < last).then(|| view! { <a href=page_link(current + 1)>"Older"</a> })}
                                </nav>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </DashboardLayout>
    }
}

/// `key=value&` pairs for the non-empty values, encoded.
fn url_query(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(key, value)| format!("{key}={}&", crate::components::url_encode(value)))
        .collect()
}

/// The details object as short `key: value` text (empty values left out).
fn details_text(details: &serde_json::Value) -> String {
    match details.as_object() {
        Some(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}: {s}"),
                other => format!("{k}: {other}"),
            })
            .collect::<Vec<_>>()
            .join("; "),
        None => String::new(),
    }
}
