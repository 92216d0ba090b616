//! One survey: its status and link, publish/close (not for viewers), the
//! filtered overview, the responses, and the embed snippet; live.

use super::survey_invitations::InvitationsCard;
use super::survey_overview::{FilterBar, OverviewPanel};
use super::survey_responses::ResponsesTable;
use super::survey_versions::VersionsCard;
use super::DashboardLayout;
use crate::components::ErrorNotice;
use crate::domain::survey::{Survey, SurveyStatus};
use crate::server_fns::auth::whoami;
use crate::server_fns::surveys::{get_survey, set_survey_status};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn SurveyDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let change_status = Action::new(|(id, status): &(String, SurveyStatus)| set_survey_status(id.clone(), *status));
    let survey = Resource::new(move || (id(), change_status.version().get()), |(id, _)| get_survey(id));
    let me = Resource::new(|| (), |_| whoami());
    // Bumped by the live feed: the figures and the table reload.
    let live = RwSignal::new(0u32);
    live_feed(id, live);

    view! {
        <Title text="Survey"/>
        <DashboardLayout>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    // A viewer sees no controls that change anything (the server refuses them anyway).
                    let can_edit = matches!(me.await, Ok(Some(me)) if me.role.can_edit());
                    match survey.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(survey) => view! {
                            <SurveyHeader survey=survey.clone() change_status can_edit/>
                            <FilterBar survey=survey.clone()/>
                            <OverviewPanel survey=survey.clone() refresh=live.into()/>
                            <ResponsesTable survey=survey.clone() refresh=live.into() can_edit/>
                            <InvitationsCard survey_id=survey.id.clone() refresh=live.into()/>
                            <VersionsCard survey_id=survey.id.clone() refresh=live.into()/>
                            <EmbedSnippet survey/>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </DashboardLayout>
    }
}

/// Listens to `/api/surveys/{id}/live` (server-sent events) in the browser and
/// bumps `live` on every change, so new responses appear without a reload.
fn live_feed(id: impl Fn() -> String + Send + Sync + 'static, live: RwSignal<u32>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        Effect::new(move |_| {
            let url = format!("/api/surveys/{}/live", id());
            let Ok(source) = web_sys::EventSource::new(&url) else { return };
            let on_change = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_| live.update(|n| *n += 1));
            let _ = source.add_event_listener_with_callback("response", on_change.as_ref().unchecked_ref());
            on_change.forget();
            let key = LIVE_FEEDS.with(|feeds| {
                let mut feeds = feeds.borrow_mut();
                let key = feeds.len() as u64 + rand_key();
                feeds.push((key, source));
                key
            });
            on_cleanup(move || {
                LIVE_FEEDS.with(|feeds| {
                    feeds.borrow_mut().retain(|(k, source)| {
                        if *k == key {
                            source.close();
                        }
                        *k != key
                    })
                })
            });
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, live);
}

#[cfg(feature = "hydrate")]
thread_local! {
    /// Open live feeds by key, so leaving the page closes its feed.
    static LIVE_FEEDS: std::cell::RefCell<Vec<(u64, web_sys::EventSource)>> = const { std::cell::RefCell::new(Vec::new()) };
}

#[cfg(feature = "hydrate")]
fn rand_key() -> u64 {
    (js_sys::Math::random() * 1e15) as u64
}

#[component]
fn SurveyHeader(
    survey: Survey,
    change_status: Action<(String, SurveyStatus), Result<Survey, crate::domain::AppError>>,
    can_edit: bool,
) -> impl IntoView {
    let link = format!("/s/{}", survey.id);
    let id = survey.id.clone();
    let next = match survey.status {
        SurveyStatus::Draft | SurveyStatus::Closed => (SurveyStatus::Published, "Publish"),
        SurveyStatus::Published => (SurveyStatus::Closed, "Close survey"),
    };
    view! {
        <Title text=survey.name.clone()/>
        <div class="page-head">
            <h1>{survey.name.clone()}</h1>
            <span class=format!("badge {}", survey.status.as_str())>{survey.status.as_str()}</span>
            {(survey.published_version > 0).then(|| view! {
                <span class="badge">{format!("version {}", survey.published_version)}</span>
            })}
        </div>
        <p>
            "Public link: " <a href=link.clone() target="_blank" rel="noopener">{link.clone()}</a>
            " · "
            // The REST API's own export: the session cookie is accepted there.
            <a href=format!("/api/surveys/{}/export", survey.id) download="">"Export as JSON"</a>
        </p>
        {can_edit.then(|| view! {
            <div class="actions">
                <a class="button" href=format!("/dashboard/surveys/{}/edit", survey.id)>"Edit survey"</a>
                <button type="button" on:click=move |_| { change_status.dispatch((id.clone(), next.0)); }
                    disabled=change_status.pending()>{next.1}</button>
            </div>
        })}
        {crate::components::action_error(move || change_status.value().get())}
    }
}

/// The snippet for the customer's site, with this Vox's real address.
#[component]
fn EmbedSnippet(survey: Survey) -> impl IntoView {
    let base = Resource::new(|| (), |_| crate::server_fns::settings::public_url());
    let copied = RwSignal::new(false);
    let id = survey.id.clone();
    let organization = Resource::new(|| (), |_| crate::server_fns::settings::get_organization_settings());
    let own_sites = survey.options.embed.allowed_origins.clone();
    view! {
        <section class="card embed">
            <h2>"Embed on your site"</h2>
            <Suspense fallback=|| ()>
                {move || {
                    let own_sites = own_sites.clone();
                    Suspend::new(async move {
                        let shared = organization.await.map(|o| o.embed_sites).unwrap_or_default();
                        if own_sites.is_empty() && shared.is_empty() {
                            return view! {
                                <p class="notice">"No site may show this survey yet: add yours under Edit survey → Embedding, or for all surveys under Settings → Allowed sites."</p>
                            }.into_any();
                        }
                        let mut sites = own_sites.clone();
                        sites.extend(shared.into_iter().filter(|s| !own_sites.contains(s)));
                        view! { <p>"Allowed sites: " {sites.join(", ")}</p> }.into_any()
                    })
                }}
            </Suspense>
            <Suspense fallback=|| ()>
                {move || {
                    let id = id.clone();
                    Suspend::new(async move {
                        let base = base.await.unwrap_or_default();
                        let snippet = snippet(&base, &id);
                        let text = snippet.clone();
                        view! {
                            <textarea readonly rows="7" class="snippet" aria-label="Embed snippet" prop:value=snippet></textarea>
                            <button type="button" on:click=move |_| { crate::components::copy_to_clipboard(&text); copied.set(true); }>
                                {move || if copied.get() { "Copied" } else { "Copy snippet" }}
                            </button>
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

/// The embed snippet (README "Embedding Vox on a customer's site"): a queue for calls made before `/embed.js` arrives.
fn snippet(base: &str, survey_id: &str) -> String {
    format!(
        "<script>\n  (function(w,d,u){{w.vox=w.vox||function(){{(w.vox.q=w.vox.q||[]).push(arguments)}};\n   \
         var s=d.createElement('script');s.async=1;s.src=u;d.head.appendChild(s)}})(window,document,'{base}/embed.js');\n  \
         vox('init', {{survey: '{survey_id}'}});\n  // vox('updateMetadata', {{orderId: 'A-1042'}});\n</script>"
    )
}
