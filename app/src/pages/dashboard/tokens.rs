//! Profile → Authentication Tokens: create a token (title, optional expiry,
//! scopes), see it once with a copy button, list and revoke tokens.

use super::DashboardLayout;
use crate::components::{action_error, format_time, ErrorNotice};
use crate::domain::scope::Scope;
use crate::domain::token::{ApiToken, CreateTokenInput, CreatedToken};
use crate::server_fns::tokens::{create_token, list_tokens, revoke_token};
use leptos::prelude::*;
use leptos_meta::Title;

fn status(token: &ApiToken) -> &'static str {
    if token.revoked_at.is_some() {
        "revoked"
    } else if token.expires_at.is_some_and(|t| t <= chrono::Utc::now()) {
        "expired"
    } else {
        "active"
    }
}

/// `YYYY-MM-DD` from a date input → the end of that day, UTC.
fn parse_expiry(value: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let date = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()?;
    Some(date.and_hms_opt(23, 59, 59)?.and_utc())
}

#[component]
pub fn TokensPage() -> impl IntoView {
    let create = Action::new(|input: &CreateTokenInput| create_token(input.clone()));
    let revoke = Action::new(|id: &String| revoke_token(id.clone()));
    let tokens = Resource::new(move || (create.version().get(), revoke.version().get()), |_| list_tokens());

    let title = RwSignal::new(String::new());
    let expiry = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<Scope>::new());
    let on_create = move |_| {
        let input =
            CreateTokenInput { title: title.get(), scopes: chosen.get(), expires_at: parse_expiry(&expiry.get()) };
        create.dispatch(input);
    };

    view! {
        <Title text="Authentication Tokens"/>
        <DashboardLayout>
            <h1>"Authentication Tokens"</h1>
            <p class="description">
                "Tokens let your systems use the Vox API. A token is shown once, when you create it, and cannot "
                "be changed afterwards: to change what it may do, revoke it and create a new one."
            </p>
            {move || create.value().get().and_then(Result::ok).map(|created| view! { <NewToken created/> })}
            <section class="card stack">
                <h2>"Create new"</h2>
                <label>"Title" <input type="text" maxlength="100" prop:value=title on:input=move |ev| title.set(event_target_value(&ev))/></label>
                <label>"Expires on (optional)" <input type="date" prop:value=expiry on:input=move |ev| expiry.set(event_target_value(&ev))/></label>
                <fieldset class="scopes">
                    <legend>"Scopes"</legend>
                    {Scope::ALL.into_iter().map(|scope| view! {
                        <label class="inline">
                            <input type="checkbox" on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|s| { s.retain(|x| *x != scope); if on { s.push(scope); } });
                            }/>
                            <code>{scope.as_str()}</code>" — "{scope.describe()}
                        </label>
                    }).collect_view()}
                </fieldset>
                {action_error(move || create.value().get())}
                <div class="actions">
                    <button type="button" class="primary" on:click=on_create disabled=create.pending()>"Create token"</button>
                </div>
            </section>
            <h2>"Tokens"</h2>
            <p class="description">
                "A token acts for the member who created it: it stops working when they leave the organisation, "
                "and never does more than their role allows. Owners see and can revoke every token of the organisation; "
                "everyone else sees their own."
            </p>
            {action_error(move || revoke.value().get())}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(page) if page.data.is_empty() => view! { <p class="empty">"No tokens yet."</p> }.into_any(),
                        Ok(page) => view! {
                            <table class="table">
                                <thead><tr><th>"Title"</th><th>"Created by"</th><th>"Scopes"</th><th>"Created"</th><th>"Expires"</th><th>"Last used"</th><th>"Status"</th><th></th></tr></thead>
                                <tbody>
                                    {page.data.into_iter().map(|t| {
                                        let id = t.id.clone();
                                        let state = status(&t);
                                        let label = format!("Revoke {}", t.title);
                                        view! {
                                            <tr>
                                                <td>{t.title.clone()}</td>
                                                <td>{t.created_by_email.clone().unwrap_or_else(|| t.created_by.clone())}</td>
                                                <td>{t.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")}</td>
                                                <td>{format_time(&t.created_at)}</td>
                                                <td>{t.expires_at.as_ref().map(format_time).unwrap_or_else(|| "never".into())}</td>
                                                <td>{t.last_used_at.as_ref().map(format_time).unwrap_or_else(|| "—".into())}</td>
                                                <td><span class=format!("badge {state}")>{state}</span></td>
                                                <td>{(state == "active").then(|| view! {
                                                    <button type="button" class="link" aria-label=label
                                                        on:click=move |_| { revoke.dispatch(id.clone()); }>"Revoke"</button>
                                                })}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </DashboardLayout>
    }
}

/// The freshly created token, shown this once, with a copy button.
#[component]
fn NewToken(created: CreatedToken) -> impl IntoView {
    let copied = RwSignal::new(false);
    let token = created.token.clone();
    view! {
        <section class="notice new-token" role="status">
            <h2>{format!("Token “{}” created", created.title)}</h2>
            <p>"Copy it now: it will not be shown again."</p>
            <div class="actions">
                <input type="text" readonly aria-label="New API token" class="token-value" prop:value=created.token.clone()/>
                <button type="button" on:click=move |_| { crate::components::copy_to_clipboard(&token); copied.set(true); }>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
            </div>
        </section>
    }
}
