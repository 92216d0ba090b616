//! The survey page's "how are we doing, and why": the filter bar (its state
//! is the page address, so a view can be bookmarked and shared), the figures,
//! the trend, each question's distribution and the text answers.

use super::case_widgets::CaseFigures;
use super::charts::{DistributionBars, TrendChart};
use crate::components::{format_time, ErrorNotice};
use crate::domain::metrics::{Overview, QuestionStats};
use crate::domain::survey::{QuestionKind, Survey};
use crate::domain::url_component;
use crate::server_fns::analytics::{survey_overview, survey_text_answers};
use crate::server_fns::cases::get_case_stats;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The page's query string without `?`, paging, view settings or empty
/// fields: the filter, as the server functions and export links take it.
pub fn filter_query() -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| {
        query
            .read()
            .latest_values()
            .filter(|(k, v)| !v.is_empty() && !matches!(&***k, "page" | "interval" | "columns"))
            .map(|(k, v)| format!("{}={}", url_component::encode(k), url_component::encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    })
}

/// The filter form: a plain GET form, so it works before the page hydrates
/// and its result is an address to bookmark.
#[component]
pub fn FilterBar(survey: Survey) -> impl IntoView {
    let query = use_query_map();
    let value = move |key: &str| query.read().get(key).unwrap_or_default();
    let languages = survey.options.languages();
    let nps_question = survey.questions.iter().find(|q| matches!(q.kind, QuestionKind::Nps)).map(|q| q.id.clone());
    let group = nps_question.as_ref().map(|q| value(&format!("answer.{q}"))).unwrap_or_default();
    // Only a survey published more than once has versions to tell apart.
    let versions = (survey.published_version > 1).then(|| (1..=survey.published_version).rev().collect::<Vec<_>>());
    let hidden_inputs = survey
        .options
        .hidden_fields
        .iter()
        .map(|h| {
            let name = format!("hidden.{h}");
            let current = value(&name);
            view! { <label>{format!("Hidden field {h}")} <input type="text" name=name value=current/></label> }
        })
        .collect_view();
    let tags = Resource::new(|| (), |_| crate::server_fns::tags::list_tags());
    let tag_select = move || {
        Suspend::new(async move {
            let tags = tags.await.unwrap_or_default();
            let current = value("tag");
            (!tags.is_empty()).then(|| {
                view! {
                    <label>"Tag"
                        <select name="tag">
                            <option value="">"any"</option>
                            {tags.into_iter().map(|t| {
                                let selected = current.eq_ignore_ascii_case(&t.name) || current == t.id;
                                view! { <option value=t.name.clone() selected=selected>{t.name.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                }
            })
        })
    };
    view! {
        <form method="get" class="card filters" aria-label="Filters">
            <div class="row">
                <label>"From" <input type="date" name="from" value=value("from")/></label>
                <label>"To" <input type="date" name="to" value=value("to")/></label>
                <label>"Responses"
                    <select name="completed">
                        <option value="" selected=value("completed").is_empty()>"all"</option>
                        <option value="true" selected={value("completed") == "true"}>"complete only"</option>
                        <option value="false" selected={value("completed") == "false"}>"partial only"</option>
                    </select>
                </label>
                <label>"Language"
                    <select name="language">
                        <option value="">"any"</option>
                        {languages.into_iter().map(|l| {
                            let selected = value("language") == l;
                            view! { <option value=l.clone() selected=selected>{l.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                {versions.map(|numbers| view! {
                    <label>"Version"
                        <select name="version">
                            <option value="">"all"</option>
                            {numbers.into_iter().map(|n| {
                                let selected = value("version") == n.to_string();
                                view! { <option value=n.to_string() selected=selected>{format!("version {n}")}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                })}
                {nps_question.map(|q| view! {
                    <label>"NPS group"
                        <select name=format!("answer.{q}")>
                            <option value="">"everyone"</option>
                            <option value="lte:6" selected={group == "lte:6"}>"detractors (0–6)"</option>
                            <option value="gte:9" selected={group == "gte:9"}>"promoters (9–10)"</option>
                        </select>
                    </label>
                })}
            </div>
            <div class="row">
                <Suspense fallback=|| ()>{tag_select}</Suspense>
                <label>"Contact id" <input type="text" name="contactId" value=value("contactId") size="16"/></label>
                <label>"Metadata key" <input type="text" name="metadataKey" value=value("metadataKey") size="12"/></label>
                <label>"equals" <input type="text" name="metadataValue" value=value("metadataValue") size="12"/></label>
                {hidden_inputs}
                <button type="submit" class="primary">"Apply filters"</button>
                <a href="?" class="button">"Clear"</a>
            </div>
        </form>
    }
}

/// The figures and charts under the page's filter; `refresh` changes when the live feed says so.
#[component]
pub fn OverviewPanel(survey: Survey, refresh: Signal<u32>) -> impl IntoView {
    let query = use_query_map();
    let filter = filter_query();
    let interval = Memo::new(move |_| query.read().get("interval").unwrap_or_else(|| "day".into()));
    let id = survey.id.clone();
    let overview = Resource::new(
        move || (filter.get(), interval.get(), refresh.get()),
        move |(filter, interval, _)| survey_overview(id.clone(), filter, interval),
    );
    let interval_link = move |name: &'static str| {
        let mut map = query.get();
        map.replace("interval", name.to_string());
        map.to_query_string()
    };
    let survey_id = survey.id.clone();
    let cases = Resource::new(move || refresh.get(), move |_| get_case_stats(Some(survey_id.clone())));
    let survey = StoredValue::new(survey);
    view! {
        <section class="overview" aria-label="Overview">
            <Suspense fallback=|| view! { <p>"Loading the overview…"</p> }>
                {move || Suspend::new(async move {
                    let case_figures = cases.await.ok();
                    match overview.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(o) => view! {
                            <Figures overview=o.clone()/>
                            {case_figures.map(|stats| view! { <CaseFigures survey_id=survey.with_value(|s| s.id.clone()) stats/> })}
                            <div class="card">
                                <div class="row">
                                    <h2>"Trend"</h2>
                                    <nav class="intervals" aria-label="Group by">
                                        {["day", "week", "month"].map(|name| view! {
                                            <a href=interval_link(name) aria-current=move || (interval.get() == name).then_some("true")>{name}</a>
                                        }).into_iter().collect_view()}
                                    </nav>
                                </div>
                                <TrendChart points=o.trend.clone()/>
                            </div>
                            {o.questions.into_iter().map(|q| view! { <QuestionCard stats=q survey=survey.get_value() filter=filter/> }).collect_view()}
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn figure(value: Option<f64>, suffix: &str) -> String {
    value.map(|v| format!("{v}{suffix}")).unwrap_or_else(|| "—".into())
}

#[component]
fn Figures(overview: Overview) -> impl IntoView {
    let nps = overview.nps.clone();
    view! {
        <div class="figures">
            <div class="figure"><span class="label">"Responses"</span><span class="value" data-figure="responses">{overview.responses}</span></div>
            <div class="figure"><span class="label">"Completion rate"</span><span class="value" data-figure="completion">{figure(overview.completion_rate, "%")}</span></div>
            {nps.map(|n| view! {
                <div class="figure"><span class="label">"NPS"</span><span class="value" data-figure="nps">{figure(n.score, "")}</span>
                    <span class="detail">{format!("{} promoters · {} passives · {} detractors", n.promoters, n.passives, n.detractors)}</span></div>
            })}
            {overview.csat.map(|c| view! {
                <div class="figure"><span class="label">"CSAT"</span><span class="value" data-figure="csat">{figure(c.satisfied_percent, "%")}</span>
                    <span class="detail">{format!("{} of {} satisfied", c.satisfied, c.total)}</span></div>
            })}
            {overview.average_rating.map(|a| view! {
                <div class="figure"><span class="label">"Average rating"</span><span class="value" data-figure="rating">{a}</span></div>
            })}
        </div>
    }
}

#[component]
fn QuestionCard(stats: QuestionStats, survey: Survey, filter: Memo<String>) -> impl IntoView {
    let is_text = stats.bars.is_empty() && stats.rows.is_empty() && stats.ranks.is_empty();
    let other = survey.questions.iter().find(|q| q.id == stats.question_id).is_some_and(|q| q.kind.allows_other());
    let summary = match (&stats.nps, &stats.csat, stats.average) {
        (Some(n), _, _) => format!("NPS {} · {} answers", figure(n.score, ""), stats.answered),
        (_, Some(c), _) => format!(
            "{} satisfied · average {} · {} answers",
            figure(c.satisfied_percent, "%"),
            figure(c.average, ""),
            stats.answered
        ),
        (_, _, Some(a)) => format!("average {a} · {} answers", stats.answered),
        _ => match (&stats.number, &stats.date) {
            (Some(n), _) => {
                format!("mean {} · median {} · {} to {} · {} answers", n.mean, n.median, n.min, n.max, stats.answered)
            }
            (_, Some(d)) => {
                format!("median {} · mean {} · {} to {} · {} answers", d.median, d.mean, d.min, d.max, stats.answered)
            }
            _ if stats.kind == "statement" => format!("{} clicks", stats.answered),
            _ => format!("{} answers", stats.answered),
        },
    };
    let text_question = if is_text {
        Some(stats.question_id.clone())
    } else if other {
        Some(format!("{}.other", stats.question_id))
    } else {
        None
    };
    view! {
        <article class="card question-stats" aria-label=stats.title.clone()>
            <h3>{stats.title.clone()}</h3>
            <p class="detail">{summary}</p>
            {(!stats.bars.is_empty()).then(|| view! { <DistributionBars bars=stats.bars.clone() title=stats.title.clone()/> })}
            {(!stats.rows.is_empty()).then(|| view! { <super::question_tables::MatrixTable rows=stats.rows.clone() title=stats.title.clone()/> })}
            {(!stats.ranks.is_empty()).then(|| view! { <super::question_tables::RankTable ranks=stats.ranks.clone() title=stats.title.clone()/> })}
            {text_question.map(|q| view! { <TextAnswers survey_id=survey.id.clone() question_id=q filter/> })}
        </article>
    }
}

/// The latest text answers to a question, searchable.
#[component]
fn TextAnswers(survey_id: String, question_id: String, filter: Memo<String>) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let label = format!("Search the answers to {question_id}");
    // Loaded in the browser only: a resource made inside another resource's
    // Suspense would have to hydrate in step with it, which streaming does not promise.
    let answers = LocalResource::new(move || {
        let (survey_id, question_id, search, filter) =
            (survey_id.clone(), question_id.clone(), search.get(), filter.get());
        async move { survey_text_answers(survey_id, question_id, search, filter).await }
    });
    view! {
        <div class="text-answers">
            <input type="search" placeholder="Search answers" aria-label=label prop:value=search
                on:input=move |ev| search.set(event_target_value(&ev))/>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match answers.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(page) if page.data.is_empty() => view! { <p class="empty">"No text answers."</p> }.into_any(),
                        Ok(page) => view! {
                            <p class="detail">{format!("{} answers", page.meta.total)}</p>
                            <ul class="answers">
                                {page.data.into_iter().map(|a| view! {
                                    <li><span>{a.text}</span> " " <a class="detail" href=format!("/dashboard/responses/{}", a.response_id)>{format_time(&a.created_at)}</a></li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
