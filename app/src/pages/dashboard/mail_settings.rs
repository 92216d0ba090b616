//! Settings → Email: the organisation's own mail server for invitations,
//! and a test message to see that it works.

use crate::components::action_error;
use crate::domain::smtp::{SmtpSecurity, SmtpSettings, SmtpSettingsInput};
use crate::server_fns::settings::{remove_smtp, save_smtp, send_test_email, OrganizationSettings};
use leptos::prelude::*;

#[component]
pub fn MailSection(initial: OrganizationSettings) -> impl IntoView {
    let current = RwSignal::new(initial.smtp.clone());
    let given = initial.smtp.unwrap_or(SmtpSettings {
        host: String::new(),
        port: 587,
        security: SmtpSecurity::Starttls,
        username: None,
        password_set: false,
        from: String::new(),
        updated_at: 0,
    });
    let host = RwSignal::new(given.host);
    let port = RwSignal::new(given.port.to_string());
    let security = RwSignal::new(given.security);
    let username = RwSignal::new(given.username.unwrap_or_default());
    let password = RwSignal::new(String::new());
    let from = RwSignal::new(given.from);
    let test_to = RwSignal::new(String::new());

    let save = Action::new(|input: &SmtpSettingsInput| save_smtp(input.clone()));
    let remove = Action::new(|_: &()| remove_smtp());
    let test = Action::new(|to: &String| send_test_email(to.clone()));
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            current.set(Some(saved));
            password.set(String::new());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = remove.value().get() {
            current.set(None);
        }
    });
    let on_save = move |_| {
        let user = username.get().trim().to_string();
        let typed = password.get();
        save.dispatch(SmtpSettingsInput {
            host: host.get(),
            port: port.get().trim().parse().unwrap_or(0),
            security: security.get(),
            // No user name means no sign-in, so no password is kept either.
            password: if user.is_empty() { Some(String::new()) } else { Some(typed).filter(|p| !p.is_empty()) },
            username: Some(user).filter(|u| !u.is_empty()),
            from: from.get(),
        });
    };
    let server_default = if initial.server_smtp_configured {
        format!("go through this Vox server's mail server, from {}", initial.server_smtp_from)
    } else {
        "are kept in the outbox on the Contacts page (this Vox server has no mail server either)".to_string()
    };
    let status = move || match current.get() {
        Some(s) => format!(
            "Invitations go through {}:{} ({}), from {}.",
            s.host,
            s.port,
            match s.security {
                SmtpSecurity::Starttls => "STARTTLS",
                SmtpSecurity::Tls => "TLS",
                SmtpSecurity::None => "not encrypted",
            },
            s.from
        ),
        None => format!("No mail server of your own: invitations {server_default}."),
    };
    let security_choice = |value: SmtpSecurity, label: &'static str| {
        view! { <option value=value.as_str() selected=move || security.get() == value>{label}</option> }
    };

    let quota = initial.mail_quota.clone();
    let quota_text = quota.limit.map(|limit| {
        format!(
            "Daily quota through this Vox server's mail server: {} of {limit} invitations used in the last 24 hours. \
             Invitations over it are refused (and events' invitations skipped); a mail server of your own has no quota.",
            quota.used
        )
    });
    view! {
        <section class="card stack" aria-label="Email">
            <h2>"Email"</h2>
            <p role="status">{status}</p>
            {quota_text.map(|text| {
                let class = if quota.nearly_used_up() { "notice notice-error" } else { "description" };
                view! { <p class=class>{text}</p> }
            })}
            <p class="description">
                {if initial.server_smtp_configured {
                    "Invitations to join this organisation and password resets always go through this Vox server's \
                     mail server, never through yours."
                } else {
                    "This Vox server has no mail server: invitations to join the organisation and password-reset \
                     links cannot be emailed. They are written to the server's log, where whoever runs this Vox can \
                     pass them on."
                }}
            </p>
            <div class="row">
                <label>"Mail server" <input type="text" placeholder="smtp.example.com" prop:value=host on:input=move |ev| host.set(event_target_value(&ev))/></label>
                <label>"Port" <input type="number" min="1" max="65535" size="6" prop:value=port on:input=move |ev| port.set(event_target_value(&ev))/></label>
                <label>"Security"
                    <select on:change=move |ev| security.set(SmtpSecurity::parse(&event_target_value(&ev)).unwrap_or_default())>
                        {security_choice(SmtpSecurity::Starttls, "STARTTLS (587)")}
                        {security_choice(SmtpSecurity::Tls, "TLS (465)")}
                        {security_choice(SmtpSecurity::None, "none (trusted network only)")}
                    </select>
                </label>
            </div>
            <div class="row">
                <label>"User name" <input type="text" autocomplete="off" prop:value=username on:input=move |ev| username.set(event_target_value(&ev))/></label>
                <label>"Password"
                    <input type="password" autocomplete="new-password"
                        placeholder=move || current.get().is_some_and(|s| s.password_set).then_some("stored; type to replace")
                        prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                </label>
                <label>"Sender" <input type="text" placeholder="Shop <surveys@shop.example>" prop:value=from on:input=move |ev| from.set(event_target_value(&ev))/></label>
            </div>
            <div class="actions">
                <button type="button" class="primary" on:click=on_save disabled=save.pending()>"Save mail server"</button>
                {move || current.get().is_some().then(|| view! {
                    <button type="button" on:click=move |_| { remove.dispatch(()); }>"Use the server's default"</button>
                })}
            </div>
            {action_error(move || save.value().get())}
            {action_error(move || remove.value().get())}
            {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <p class="notice" role="status">"Mail server saved."</p> })}
            <div class="row">
                <label>"Send a test message to" <input type="email" prop:value=test_to on:input=move |ev| test_to.set(event_target_value(&ev))/></label>
                <button type="button" on:click=move |_| { test.dispatch(test_to.get()); } disabled=test.pending()>"Send test message"</button>
            </div>
            {action_error(move || test.value().get())}
            {move || match test.value().get() {
                Some(Ok(result)) if result.sent => Some(view! { <p class="notice" role="status">{format!("Sent: {}.", result.detail)}</p> }.into_any()),
                Some(Ok(result)) => Some(view! { <p class="error" role="alert">{format!("Not sent: {}", result.detail)}</p> }.into_any()),
                _ => None,
            }}
        </section>
    }
}
