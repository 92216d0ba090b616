//! Profile: the signed-in person's own account: changing the password and
//! two-factor sign-in (once the address is confirmed: set up with an
//! authenticator app, recovery codes, turning it off). Members whose
//! organisation requires two-factor sign-in are sent here until they have
//! set it up.

use super::DashboardLayout;
use crate::components::{action_error, ErrorNotice};
use crate::domain::account::{RecoveryCodes, TwoFactorStatus};
use crate::server_fns::auth::{
    begin_two_factor_setup, change_password, disable_two_factor, enable_two_factor, get_two_factor_status,
    regenerate_recovery_codes, send_email_confirmation, whoami,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let me = Resource::new(|| (), |_| whoami());
    view! {
        <Title text="Profile"/>
        <DashboardLayout>
            <h1>"Profile"</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    me.await.ok().flatten().map(|me| view! {
                        <p class="description">{format!("Signed in as {} in {}.", me.email, me.organization_name)}</p>
                        {me.must_set_up_two_factor.then(|| view! {
                            <p class="notice notice-error" role="alert">
                                {format!("{} requires two-factor sign-in. Set it up below to continue.", me.organization_name)}
                            </p>
                        })}
                    })
                })}
            </Suspense>
            <PasswordSection/>
            <TwoFactorSection/>
        </DashboardLayout>
    }
}

#[component]
fn PasswordSection() -> impl IntoView {
    let change = Action::new(|(current, new): &(String, String)| change_password(current.clone(), new.clone()));
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    view! {
        <section class="card stack" aria-label="Password">
            <h2>"Password"</h2>
            <p class="description">"Changing it signs you out everywhere else."</p>
            <label>"Current password"
                <input type="password" autocomplete="current-password" prop:value=current on:input=move |ev| current.set(event_target_value(&ev))/>
            </label>
            <label>"New password (at least 10 characters)"
                <input type="password" autocomplete="new-password" prop:value=new on:input=move |ev| new.set(event_target_value(&ev))/>
            </label>
            {action_error(move || change.value().get())}
            {move || matches!(change.value().get(), Some(Ok(()))).then(|| view! {
                <p class="notice" role="status">"Password changed. Your other sessions have ended."</p>
            })}
            <div class="actions">
                <button type="button" class="primary" disabled=change.pending() on:click=move |_| {
                    change.dispatch((current.get_untracked(), new.get_untracked()));
                    current.set(String::new());
                    new.set(String::new());
                }>"Change password"</button>
            </div>
        </section>
    }
}

#[component]
fn TwoFactorSection() -> impl IntoView {
    let setup = Action::new(|_: &()| begin_two_factor_setup());
    let enable = Action::new(|code: &String| enable_two_factor(code.clone()));
    let disable = Action::new(|password: &String| disable_two_factor(password.clone()));
    let regenerate = Action::new(|password: &String| regenerate_recovery_codes(password.clone()));
    let status = Resource::new(
        move || (enable.version().get(), disable.version().get(), regenerate.version().get()),
        |_| get_two_factor_status(),
    );
    let code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    view! {
        <section class="card stack" aria-label="Two-factor sign-in">
            <h2>"Two-factor sign-in"</h2>
            <p class="description">
                "After your password, Vox asks for a code from an authenticator app on your phone "
                "(Google Authenticator, 1Password, Aegis, …), so a stolen password alone opens nothing."
            </p>
            {move || {
                let codes = enable.value().get().and_then(Result::ok).or_else(|| regenerate.value().get().and_then(Result::ok));
                codes.map(|codes| view! { <NewRecoveryCodes codes/> })
            }}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(TwoFactorStatus { enabled: true, recovery_codes_left, required_by, .. }) => view! {
                            <p><span class="badge active">"On"</span>
                                {format!(" {recovery_codes_left} recovery codes left.")}</p>
                            {(!required_by.is_empty()).then(|| view! {
                                <p class="description">{format!("Required by {}.", required_by.join(", "))}</p>
                            })}
                            <label>"Your password (to change two-factor sign-in)"
                                <input type="password" autocomplete="current-password" prop:value=password
                                    on:input=move |ev| password.set(event_target_value(&ev))/>
                            </label>
                            {action_error(move || disable.value().get())}
                            {action_error(move || regenerate.value().get())}
                            <div class="actions">
                                <button type="button" on:click=move |_| { regenerate.dispatch(password.get_untracked()); }>
                                    "New recovery codes"
                                </button>
                                <button type="button" on:click=move |_| { disable.dispatch(password.get_untracked()); }>
                                    "Turn off"
                                </button>
                            </div>
                        }.into_any(),
                        Ok(TwoFactorStatus { email_confirmed: false, .. }) => view! {
                            <p><span class="badge">"Off"</span></p>
                            <UnconfirmedAddress/>
                        }.into_any(),
                        Ok(_) => view! {
                            <p><span class="badge">"Off"</span></p>
                            {move || match setup.value().get() {
                                Some(Ok(secret)) => {
                                    let image = secret.qr_image.clone();
                                    view! {
                                        <ol class="stack">
                                            <li>"Scan this code with your authenticator app:"
                                                <img class="qr" src=image alt="QR code for your authenticator app" width="200" height="200"/>
                                                <p class="description">"Or type this key: " <code class="token-value">{secret.secret.clone()}</code></p>
                                            </li>
                                            <li>
                                                <label>"Then enter the 6-digit code it shows"
                                                    <input type="text" inputmode="numeric" autocomplete="one-time-code" prop:value=code
                                                        on:input=move |ev| code.set(event_target_value(&ev))/>
                                                </label>
                                            </li>
                                        </ol>
                                        {action_error(move || enable.value().get())}
                                        <div class="actions">
                                            <button type="button" class="primary" disabled=enable.pending()
                                                on:click=move |_| { enable.dispatch(code.get_untracked()); }>"Turn on"</button>
                                        </div>
                                    }.into_any()
                                }
                                other => view! {
                                    {other.and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
                                    <div class="actions">
                                        <button type="button" class="primary" on:click=move |_| { setup.dispatch(()); }>
                                            "Set up two-factor sign-in"
                                        </button>
                                    </div>
                                }.into_any(),
                            }}
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Two-factor sign-in waits for a confirmed address (README "Security").
#[component]
fn UnconfirmedAddress() -> impl IntoView {
    let send = Action::new(|_: &()| send_email_confirmation());
    view! {
        <p class="notice" role="status">
            "First confirm your email address: open the link we emailed when you signed up. "
            "A second factor needs an address that is proven to be yours."
        </p>
        {action_error(move || send.value().get())}
        {move || matches!(send.value().get(), Some(Ok(()))).then(|| view! {
            <p class="notice" role="status">"A new link is on its way."</p>
        })}
        <div class="actions">
            <button type="button" disabled=send.pending() on:click=move |_| { send.dispatch(()); }>
                "Send the link again"
            </button>
        </div>
    }
}

/// Recovery codes, shown this once.
#[component]
fn NewRecoveryCodes(codes: RecoveryCodes) -> impl IntoView {
    let text = codes.recovery_codes.join("\n");
    view! {
        <div class="notice" role="status">
            <p>"Your recovery codes. Keep them somewhere safe: each signs you in once if you lose your phone. "
               "They will not be shown again."</p>
            <ul class="recovery-codes" aria-label="Recovery codes">
                {codes.recovery_codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ul>
            <button type="button" on:click=move |_| crate::components::copy_to_clipboard(&text)>"Copy"</button>
        </div>
    }
}
