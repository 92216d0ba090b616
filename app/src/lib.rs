//! Vox's shared application: the pages (rendered on the server, hydrated in
//! the browser), the server functions behind them, the domain model, and —
//! with the `ssr` feature — the back end that the REST API shares.

// Leptos views are deeply nested static types; the wasm release build needs room.
#![recursion_limit = "256"]

// The classic widget bundle cannot render the newer question types: a server
// built with it would send pages it cannot hydrate.
#[cfg(all(feature = "ssr", feature = "widget-classic"))]
compile_error!("`widget-classic` is for the classic widget bundle only, never with `ssr`");
// A split build needs wasm_split_cli after cargo; the server renders every control itself.
#[cfg(all(feature = "ssr", feature = "widget-split"))]
compile_error!("`widget-split` is for the every-type widget bundle only, never with `ssr`");

pub mod components;
pub mod domain;
pub mod pages;
pub mod server_fns;
pub mod widget;

#[cfg(feature = "ssr")]
pub mod backend;

#[cfg(feature = "client")]
pub mod client;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The HTML document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    send_page_security_policy(&options);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                // The builder's live preview uses the widget's own styles.
                <link rel="stylesheet" href=widget::STYLESHEET_URL/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The page's Content-Security-Policy names this response's nonce, which
/// Leptos puts on its inline scripts; anything else inline never runs.
#[cfg(feature = "ssr")]
fn send_page_security_policy(options: &LeptosOptions) {
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    let reload = std::env::var("LEPTOS_WATCH")
        .is_ok()
        .then(|| format!("ws://{}:{}", options.site_addr.ip(), options.reload_port));
    let policy = backend::html::app_page_policy(&nonce, reload.as_deref());
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// "Survey name · Vox". On the server the text is escaped: leptos_meta writes
/// `<title>` contents unescaped during SSR, so a survey named
/// `</title><script>…` would otherwise inject markup. In the browser the title
/// is set through the DOM, where it is plain text already.
fn page_title(text: String) -> String {
    let full = if text.is_empty() { "Vox".to_string() } else { format!("{text} · Vox") };
    if cfg!(feature = "ssr") {
        full.replace('&', "&amp;").replace('<', "&lt;")
    } else {
        full
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Tests and scripts wait for this mark: clicks before hydration are lost.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/vox.css"/>
        <Title formatter=page_title/>
        <Router>
            <Routes fallback=|| view! { <pages::NotFound/> }>
                <Route path=path!("/") view=pages::Home/>
                <Route path=path!("/login") view=pages::auth::LoginPage/>
                <Route path=path!("/login/verify") view=pages::auth::LoginVerifyPage/>
                <Route path=path!("/forgot-password") view=pages::auth::ForgotPasswordPage/>
                <Route path=path!("/reset-password/:token") view=pages::auth::ResetPasswordPage/>
                <Route path=path!("/confirm-email/:token") view=pages::auth::ConfirmEmailPage/>
                <Route path=path!("/signup") view=pages::auth::SignupPage/>
                <Route path=path!("/join/:token") view=pages::auth::JoinPage/>
                <Route path=path!("/dashboard") view=pages::dashboard::SurveysPage/>
                <Route path=path!("/dashboard/surveys/new") view=pages::dashboard::NewSurveyPage/>
                <Route path=path!("/dashboard/surveys/:id") view=pages::dashboard::SurveyDetailPage/>
                <Route path=path!("/dashboard/surveys/:id/edit") view=pages::dashboard::EditSurveyPage/>
                <Route path=path!("/dashboard/profile/tokens") view=pages::dashboard::TokensPage/>
                <Route path=path!("/dashboard/profile") view=pages::dashboard::ProfilePage/>
                <Route path=path!("/dashboard/audit") view=pages::dashboard::AuditLogPage/>
                <Route path=path!("/dashboard/webhooks") view=pages::dashboard::WebhooksPage/>
                <Route path=path!("/dashboard/settings") view=pages::dashboard::SettingsPage/>
                <Route path=path!("/dashboard/events") view=pages::dashboard::EventsRouterPage/>
                <Route path=path!("/dashboard/contacts") view=pages::dashboard::ContactsPage/>
                // Rendered whole before it is sent: the inbox works without JavaScript.
                <Route path=path!("/dashboard/cases") view=pages::dashboard::CasesPage ssr=SsrMode::Async/>
                <Route path=path!("/dashboard/responses/:id") view=pages::dashboard::ResponsePage/>
                <Route path=path!("/dashboard/webhooks/:id") view=pages::dashboard::WebhookDetailPage/>
            </Routes>
        </Router>
    }
}
