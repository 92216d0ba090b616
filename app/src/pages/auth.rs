//! Sign-in and sign-up pages. Plain forms that post to server functions: they
//! work before hydration, and show errors inline once hydrated.

use crate::components::{action_error, ErrorNotice};
use crate::domain::AppError;
use crate::server_fns::auth::{Login, Signup};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let pending = login.pending();
    view! {
        <Title text="Sign in"/>
        <main class="page narrow">
            <h1>"Sign in to Vox"</h1>
            <ActionForm action=login attr:class="stack">
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
            <p>"New to Vox? " <a href="/signup">"Create an account"</a></p>
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

/// `/join/{token}`: accepting an invitation to an organisation.
#[component]
pub fn JoinPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let invite = Resource::new(token, crate::server_fns::members::describe_invite);
    let accept = ServerAction::<crate::server_fns::members::AcceptInvite>::new();
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
                        Ok((email, organization, role)) => view! {
                            <h1>{format!("Join {organization}")}</h1>
                            <p>{format!("You are invited as {} with the email {email}.", role.as_str())}</p>
                            <ActionForm action=accept attr:class="stack">
                                <input type="hidden" name="token" value=token()/>
                                <label>"Password (a new one of at least 10 characters, or your Vox password if this email has an account)"
                                    <input type="password" name="password" autocomplete="new-password" required/>
                                </label>
                                {action_error(move || accept.value().get())}
                                <button class="primary" type="submit">"Join"</button>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
