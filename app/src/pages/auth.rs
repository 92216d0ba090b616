//! Sign-in (with its second-factor step), sign-up, "forgot password", the
//! reset link and the join link. Plain forms that post to server functions:
//! they work before hydration, and show errors inline once hydrated.

use crate::components::{action_error, ErrorNotice};
use crate::domain::AppError;
use crate::server_fns::auth::{ConfirmEmail, Login, LoginSecondFactor, RequestPasswordReset, ResetPassword, Signup};
use crate::server_fns::members::{AcceptInvite, AcceptInviteNewAccount};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// A query parameter of the page's address.
fn query(name: &'static str) -> impl Fn() -> String + Copy {
    let map = use_query_map();
    move || map.read().get(name).unwrap_or_default()
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let pending = login.pending();
    let next = query("next");
    view! {
        <Title text="Sign in"/>
        <main class="page narrow">
            <h1>"Sign in to Vox"</h1>
            <ActionForm action=login attr:class="stack">
                <input type="hidden" name="next" value=next/>
                <label>"Email" <input type="email" name="email" autocomplete="username" required/></label>
                <label>"Password" <input type="password" name="password" autocomplete="current-password" required/></label>
                {move || match login.value().get() {
                    Some(Err(AppError::Unauthorized)) => Some(view! {
                        <p class="notice notice-error" role="alert">"Incorrect email or password."</p>
                    }.into_any()),
                    Some(Err(error)) => Some(view! { <ErrorNotice error/> }.into_any()),
                    _ => None,
                }}
                <button class="primary" type="submit" disabled=pending>"Sign in"</button>
            </ActionForm>
            <p><a href="/forgot-password">"Forgot your password?"</a></p>
            <p>"New to Vox? " <a href="/signup">"Create an account"</a></p>
        </main>
    }
}

/// `/login/verify?ticket=…`: the second step for accounts with two-factor sign-in.
#[component]
pub fn LoginVerifyPage() -> impl IntoView {
    let verify = ServerAction::<LoginSecondFactor>::new();
    let pending = verify.pending();
    let (ticket, next) = (query("ticket"), query("next"));
    view! {
        <Title text="Two-factor sign-in"/>
        <main class="page narrow">
            <h1>"Two-factor sign-in"</h1>
            <p>"Enter the 6-digit code from your authenticator app, or one of your recovery codes."</p>
            <ActionForm action=verify attr:class="stack">
                <input type="hidden" name="ticket" value=ticket/>
                <input type="hidden" name="next" value=next/>
                <label>"Code"
                    <input type="text" name="code" autocomplete="one-time-code" inputmode="numeric" required autofocus/>
                </label>
                {move || match verify.value().get() {
                    Some(Err(AppError::Unauthorized)) => Some(view! {
                        <p class="notice notice-error" role="alert">"That code is not right, or was used already."</p>
                    }.into_any()),
                    Some(Err(error)) => Some(view! { <ErrorNotice error/> }.into_any()),
                    _ => None,
                }}
                <button class="primary" type="submit" disabled=pending>"Verify"</button>
            </ActionForm>
            <p><a href="/login">"Start again"</a></p>
        </main>
    }
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let signup = ServerAction::<Signup>::new();
    let pending = signup.pending();
    view! {
        <Title text="Create an account"/>
        <main class="page narrow">
            <h1>"Create your Vox account"</h1>
            <ActionForm action=signup attr:class="stack">
                <label>"Organisation name" <input type="text" name="organization_name" autocomplete="organization" required/></label>
                <label>"Email" <input type="email" name="email" autocomplete="username" required/></label>
                <label>"Password (at least 10 characters)"
                    <input type="password" name="password" autocomplete="new-password" minlength="10" required/>
                </label>
                {action_error(move || signup.value().get())}
                <button class="primary" type="submit" disabled=pending>"Create account"</button>
            </ActionForm>
            <p>"Already have an account? " <a href="/login">"Sign in"</a></p>
        </main>
    }
}

/// `/forgot-password`: a reset link by email. The answer is the same whether
/// or not the address has an account.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let request = ServerAction::<RequestPasswordReset>::new();
    let pending = request.pending();
    view! {
        <Title text="Forgot password"/>
        <main class="page narrow">
            <h1>"Reset your password"</h1>
            {move || match request.value().get() {
                Some(Ok(())) => view! {
                    <p class="notice" role="status">
                        "If that address has a Vox account, an email with a link to choose a new password is on its "
                        "way. The link works once, for one hour."
                    </p>
                }.into_any(),
                other => view! {
                    <ActionForm action=request attr:class="stack">
                        <label>"Email" <input type="email" name="email" autocomplete="username" required/></label>
                        {other.and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
                        <button class="primary" type="submit" disabled=pending>"Email me a link"</button>
                    </ActionForm>
                }.into_any(),
            }}
            <p><a href="/login">"Back to sign in"</a></p>
        </main>
    }
}

/// `/reset-password/{token}`: choosing a new password.
/// `/confirm-email/{token}`: the link of a confirmation email. Confirming
/// takes a click (a form, so it works without JavaScript), so that a mail
/// scanner fetching the link confirms nothing by itself.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let confirm = ServerAction::<ConfirmEmail>::new();
    let pending = confirm.pending();
    view! {
        <Title text="Confirm your email address"/>
        <main class="page narrow">
            <h1>"Confirm your email address"</h1>
            {move || match confirm.value().get() {
                Some(Ok(())) => view! {
                    <p class="notice" role="status">"Your address is confirmed. Thank you."</p>
                    <p><a class="button primary" href="/dashboard/profile">"Go to your profile"</a></p>
                }.into_any(),
                other => view! {
                    <p>"Confirm that this address is yours, and that you opened the Vox account it was sent for."</p>
                    <ActionForm action=confirm attr:class="stack">
                        <input type="hidden" name="token" value=token/>
                        {other.and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
                        <button class="primary" type="submit" disabled=pending>"Confirm my address"</button>
                    </ActionForm>
                }.into_any(),
            }}
        </main>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let reset = ServerAction::<ResetPassword>::new();
    let pending = reset.pending();
    view! {
        <Title text="Choose a new password"/>
        <main class="page narrow">
            <h1>"Choose a new password"</h1>
            {move || match reset.value().get() {
                Some(Ok(())) => view! {
                    <p class="notice" role="status">"Your password is set. You are signed out everywhere."</p>
                    <p><a class="button primary" href="/login">"Sign in"</a></p>
                }.into_any(),
                other => view! {
                    <ActionForm action=reset attr:class="stack">
                        <input type="hidden" name="token" value=token/>
                        <label>"New password (at least 10 characters)"
                            <input type="password" name="password" autocomplete="new-password" minlength="10" required/>
                        </label>
                        {other.and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
                        <button class="primary" type="submit" disabled=pending>"Set password"</button>
                    </ActionForm>
                }.into_any(),
            }}
        </main>
    }
}

/// `/join/{token}`: accepting an invitation. A new address chooses a password
/// (the emailed link proved the address); an address with an account signs
/// in to it first.
#[component]
pub fn JoinPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let invite = Resource::new(token, crate::server_fns::members::describe_invite);
    let create = ServerAction::<AcceptInviteNewAccount>::new();
    let join = ServerAction::<AcceptInvite>::new();
    view! {
        <Title text="Join an organisation"/>
        <main class="page narrow">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match invite.await {
                        Err(_) => view! {
                            <h1>"Invitation not valid"</h1>
                            <p>"This invitation link has been used, has expired or was revoked. Ask for a new one."</p>
                        }.into_any(),
                        Ok(view) => {
                            let heading = format!("Join {}", view.organization);
                            let intro = format!("You are invited as {} with the email {}.", view.role.as_str(), view.email);
                            let here = format!("/join/{}", token());
                            let button = heading.clone();
                            let body = match (view.account_exists, view.signed_in_as.clone()) {
                                (false, _) => view! {
                                    <ActionForm action=create attr:class="stack">
                                        <input type="hidden" name="token" value=token()/>
                                        <label>"Choose a password (at least 10 characters)"
                                            <input type="password" name="password" autocomplete="new-password" minlength="10" required/>
                                        </label>
                                        {action_error(move || create.value().get())}
                                        <button class="primary" type="submit">"Create account and join"</button>
                                    </ActionForm>
                                }.into_any(),
                                (true, Some(me)) if me == view.email => view! {
                                    <ActionForm action=join attr:class="stack">
                                        <input type="hidden" name="token" value=token()/>
                                        {action_error(move || join.value().get())}
                                        <button class="primary" type="submit">{button}</button>
                                    </ActionForm>
                                }.into_any(),
                                (true, Some(me)) => view! {
                                    <p class="notice notice-error" role="alert">
                                        {format!("You are signed in as {me}. Sign out, then sign in as {} to join.", view.email)}
                                    </p>
                                }.into_any(),
                                (true, None) => {
                                    let next = crate::components::url_encode(&here);
                                    view! {
                                        <p>{format!("{} has a Vox account: sign in to it to join.", view.email)}</p>
                                        <p><a class="button primary" href=format!("/login?next={next}")>"Sign in to join"</a></p>
                                        <p><a href="/forgot-password">"Forgot the password?"</a></p>
                                    }.into_any()
                                }
                            };
                            view! {
                                <h1>{heading}</h1>
                                <p>{intro}</p>
                                {body}
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </main>
    }
}
