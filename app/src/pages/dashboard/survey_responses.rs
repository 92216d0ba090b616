//! The survey page's responses: a paginated, sortable table under the page's
//! filter, with the metadata columns the user picks (kept in the address),
//! exports of exactly those responses, and tagging them all at once.

use super::survey_overview::filter_query;
use super::tag_settings::TagChip;
use crate::components::{format_time, ErrorNotice};
use crate::domain::display::{answer as display_answer, metadata as display_metadata, value_text};
use crate::domain::survey::Survey;
use crate::domain::tag::Tag;
use crate::server_fns::analytics::filtered_responses;
use crate::server_fns::tags::{bulk_tag, list_tags};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ResponsesTable(survey: Survey, refresh: Signal<u32>, can_edit: bool) -> impl IntoView {
    let query = use_query_map();
    let filter = filter_query();
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1).max(1));
    let columns = Memo::new(move |_| {
        query
            .read()
            .get("columns")
            .map(|c| c.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect::<Vec<_>>())
            .unwrap_or_default()
    });
    let id = survey.id.clone();
    let bulk = {
        let id = survey.id.clone();
        Action::new(move |(query, tag, remove): &(String, String, bool)| {
            bulk_tag(id.clone(), query.clone(), tag.clone(), *remove)
        })
    };
    let responses = Resource::new(
        move || (filter.get(), page.get(), refresh.get(), bulk.version().get()),
        move |(filter, page, _, _)| filtered_responses(id.clone(), filter, page),
    );
    let tags = Resource::new(|| (), |_| list_tags());
    // Outside the list, which live updates redraw: a tag chosen for the bulk
    // action stays chosen when a new response arrives.
    let bulk_choice = RwSignal::new(String::new());
    // A link to this page with one parameter changed.
    let with = move |key: &'static str, value: String| {
        let mut map = query.get();
        if value.is_empty() {
            map.remove(key);
        } else {
            map.replace(key, value);
        }
        let text = map.to_query_string();
        if text.is_empty() {
            "?".to_string()
        } else {
            text
        }
    };
    let sort = Memo::new(move |_| query.read().get("sort").unwrap_or_else(|| "newest".into()));
    let survey = StoredValue::new(survey);
    let export_url = move |format: &str| {
        let filter = filter.get();
        let id = survey.with_value(|s| s.id.clone());
        format!(
            "/api/surveys/{id}/responses/export?format={format}{}{filter}",
            if filter.is_empty() { "" } else { "&" }
        )
    };

    view! {
        <section class="card" aria-label="Responses">
            <div class="row">
                <h2>"Responses"</h2>
                <nav aria-label="Sort" class="intervals">
                    {[("newest", "Newest"), ("oldest", "Oldest"), ("completed", "Recently completed")].map(|(key, label)| view! {
                        <a href=move || with("sort", key.to_string()) aria-current=move || (sort.get() == key).then_some("true")>{label}</a>
                    }).into_iter().collect_view()}
                </nav>
                <ExportLink url=Signal::derive(move || export_url("csv")) label="Export CSV"/>
                <ExportLink url=Signal::derive(move || export_url("ndjson")) label="Export NDJSON"/>
            </div>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let survey = survey.get_value();
                    let tags: Vec<Tag> = tags.await.unwrap_or_default();
                    let color_of = |name: &str| tags.iter().find(|t| t.name == name).map(|t| t.color.clone()).unwrap_or_else(|| "#4b5563".into());
                    match responses.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(list) if list.data.is_empty() => view! { <p class="empty">"No responses match."</p> }.into_any(),
                        Ok(list) => {
                            // Metadata keys on this page, to pick columns from.
                            let mut keys: Vec<String> = list.data.iter().flat_map(|r| r.metadata.keys().cloned()).collect();
                            keys.sort();
                            keys.dedup();
                            let chosen = columns.get();
                            let pages = ((list.meta.total as f64) / f64::from(list.meta.per_page)).ceil().max(1.0) as u32;
                            let current = list.meta.page;
                            view! {
                                <p>{if list.meta.total == 1 { "1 response".to_string() } else { format!("{} responses", list.meta.total) }}</p>
                                {(can_edit && !tags.is_empty()).then(|| view! { <BulkTagging total=list.meta.total tags=tags.clone() filter bulk chosen=bulk_choice/> })}
                                {(!keys.is_empty()).then(|| view! {
                                    <fieldset class="columns"><legend>"Metadata columns"</legend>
                                        {keys.iter().map(|k| {
                                            let on = chosen.contains(k);
                                            let toggled: Vec<String> = if on { chosen.iter().filter(|c| *c != k).cloned().collect() } else { chosen.iter().cloned().chain([k.clone()]).collect() };
                                            view! { <a class="chip" aria-pressed=on.to_string() href=with("columns", toggled.join(","))>{k.clone()}</a> }
                                        }).collect_view()}
                                    </fieldset>
                                })}
                                <div class="table-scroll">
                                    <table class="table responses">
                                        <thead><tr>
                                            <th>"Received"</th><th>"Complete"</th><th>"Tags"</th>
                                            {survey.questions.iter().map(|q| view! { <th>{q.title.clone()}</th> }).collect_view()}
                                            {chosen.iter().map(|k| view! { <th>{k.clone()}</th> }).collect_view()}
                                            <th>"Metadata"</th>
                                            <th></th>
                                        </tr></thead>
                                        <tbody>
                                            {list.data.into_iter().map(|r| {
                                                let cells = survey.questions.iter().map(|q| view! { <td>{display_answer(q, &r.answers)}</td> }).collect_view();
                                                let meta = chosen.iter().map(|k| view! { <td>{r.metadata.get(k).map(value_text).unwrap_or_default()}</td> }).collect_view();
                                                view! {
                                                    <tr>
                                                        <td>{format_time(&r.created_at)}</td>
                                                        <td>{if r.completed { "yes" } else { "no" }}</td>
                                                        <td>{r.tags.clone().unwrap_or_default().into_iter().map(|name| {
                                                            let color = color_of(&name);
                                                            view! { <TagChip name color/> }
                                                        }).collect_view()}</td>
                                                        {cells}
                                                        {meta}
                                                        <td class="metadata">{display_metadata(&r.metadata)}</td>
                                                        <td><a href=format!("/dashboard/responses/{}", r.id)>"Details"</a></td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <nav class="pager" aria-label="Pages">
                                    {(current > 1).then(|| view! { <a href=with("page", (current - 1).to_string())>"Previous"</a> })}
                                    <span>{format!("Page {current} of {pages}")}</span>
                                    {(current < pages).then(|| view! { <a href=with("page", (current + 1).to_string())>"Next"</a> })}
                                </nav>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Adds a tag to, or takes it off, every response the page's filter matches
/// (all pages, not only the one shown).
#[component]
fn BulkTagging(
    total: i64,
    tags: Vec<Tag>,
    filter: Memo<String>,
    bulk: Action<(String, String, bool), Result<crate::domain::tag::BulkTagResult, crate::domain::AppError>>,
    chosen: RwSignal<String>,
) -> impl IntoView {
    let run = move |remove: bool| {
        let tag = chosen.get();
        if !tag.is_empty() {
            bulk.dispatch((filter.get_untracked(), tag, remove));
        }
    };
    let all = if total == 1 { "the 1 response".to_string() } else { format!("all {total} responses") };
    view! {
        <div class="row" role="group" aria-label="Tag the responses that match the filter">
            <label>"Tag"
                <select on:change=move |ev| chosen.set(event_target_value(&ev))>
                    <option value="">"choose…"</option>
                    {tags.into_iter().map(|t| {
                        let id = t.id.clone();
                        view! { <option value=t.id.clone() selected=move || chosen.get() == id>{t.name.clone()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <button type="button" disabled=bulk.pending() on:click=move |_| run(false)>{format!("Add to {all}")}</button>
            <button type="button" disabled=bulk.pending() on:click=move |_| run(true)>{format!("Remove from {all}")}</button>
            {move || match bulk.value().get() {
                Some(Ok(done)) => Some(view! {
                    <span class="detail" role="status">{format!("{} matched: tag added to {}, removed from {}", done.matched, done.added, done.removed)}</span>
                }.into_any()),
                Some(Err(error)) => Some(view! { <crate::components::ErrorNotice error/> }.into_any()),
                None => None,
            }}
        </div>
    }
}

/// A download link that, once the page is hydrated, streams the export and
/// shows how far it got ("1,200 of 5,000 rows") before saving it.
#[component]
fn ExportLink(url: Signal<String>, label: &'static str) -> impl IntoView {
    let progress = RwSignal::new(None::<String>);
    // Effects run only in the browser, once hydrated: until then a click is
    // the plain download (the no-JavaScript path); tests wait for this mark.
    // It is set on the element itself: a reactive attribute whose value
    // changed before hydration reached it would never be written.
    let link = NodeRef::<leptos::html::A>::new();
    Effect::new(move |_| {
        if let Some(link) = link.get() {
            let _ = link.set_attribute("data-enhanced", "true");
        }
    });
    let on_click = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        {
            ev.prevent_default();
            let url = url.get_untracked();
            leptos::task::spawn_local(async move {
                let outcome = download::stream(&url, move |text| progress.set(Some(text))).await;
                progress.set(Some(outcome.unwrap_or_else(|e| format!("Export failed: {e}"))));
            });
        }
        let _ = &ev;
    };
    view! {
        <a class="button" href=url download="" node_ref=link on:click=on_click>
            {label}
        </a>
        {move || progress.get().map(|p| view! { <span class="detail" role="status">{p}</span> })}
    }
}

#[cfg(feature = "hydrate")]
mod download {
    //! Fetches an export chunk by chunk, counting rows against `X-Total-Count`.
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    fn err(e: JsValue) -> String {
        e.as_string().unwrap_or_else(|| "network error".into())
    }

    pub async fn stream(url: &str, report: impl Fn(String)) -> Result<String, String> {
        let window = web_sys::window().ok_or("no window")?;
        let response: web_sys::Response =
            JsFuture::from(window.fetch_with_str(url)).await.map_err(err)?.unchecked_into();
        if !response.ok() {
            return Err(format!("the server answered {}", response.status()));
        }
        let total: Option<u64> = response.headers().get("x-total-count").ok().flatten().and_then(|t| t.parse().ok());
        let is_csv = response.headers().get("content-type").ok().flatten().is_some_and(|t| t.starts_with("text/csv"));
        let body = response.body().ok_or("no body")?;
        let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        let chunks = js_sys::Array::new();
        let mut lines: u64 = 0;
        loop {
            let step = JsFuture::from(reader.read()).await.map_err(err)?;
            if js_sys::Reflect::get(&step, &"done".into()).map_err(err)?.as_bool().unwrap_or(true) {
                break;
            }
            let chunk: js_sys::Uint8Array = js_sys::Reflect::get(&step, &"value".into()).map_err(err)?.unchecked_into();
            lines += chunk.to_vec().iter().filter(|b| **b == b'\n').count() as u64;
            chunks.push(&chunk);
            // The CSV header is a line too.
            let rows = if is_csv { lines.saturating_sub(1) } else { lines };
            report(match total {
                Some(total) => format!("{rows} of {total} rows…"),
                None => format!("{rows} rows…"),
            });
        }
        let blob = web_sys::Blob::new_with_u8_array_sequence(&chunks).map_err(err)?;
        let href = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
        let document = window.document().ok_or("no document")?;
        let anchor: web_sys::HtmlAnchorElement = document.create_element("a").map_err(err)?.unchecked_into();
        anchor.set_href(&href);
        anchor.set_download(if is_csv { "responses.csv" } else { "responses.ndjson" });
        anchor.click();
        let _ = web_sys::Url::revoke_object_url(&href);
        let rows = if is_csv { lines.saturating_sub(1) } else { lines };
        Ok(format!("Exported {rows} rows"))
    }
}
