//! One module per area of the product.

pub mod auth;
pub mod dashboard;

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Home() -> impl IntoView {
    view! {
        <Title text="Customer feedback"/>
        <main class="page narrow">
            <h1>"Vox"</h1>
            <p>"Ask customers how it went, and send the answers wherever they are needed."</p>
            <p class="actions">
                <a class="button primary" href="/signup">"Create an account"</a>
                <a class="button" href="/login">"Sign in"</a>
                <a class="button" href="/dashboard">"Open the dashboard"</a>
            </p>
        </main>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server_fns::ctx::set_status(404);
    view! {
        <Title text="Not found"/>
        <main class="page narrow">
            <h1>"Page not found"</h1>
            <p><a href="/">"Back to Vox"</a></p>
        </main>
    }
}
