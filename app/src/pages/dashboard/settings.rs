//! Organisation settings: members and roles, retention, the mail server,
//! allowed sites, tags, and the metadata keys the organisation declares.

use super::DashboardLayout;
use crate::components::{action_error, ErrorNotice};
use crate::domain::metadata_keys::{AnonymizeMode, MetadataKey, MetadataPolicy, MetadataType};
use crate::server_fns::settings::{get_metadata_policy, get_organization_settings, save_metadata_policy};
use leptos::prelude::*;
use leptos_meta::Title;

const TYPES: [(MetadataType, &str); 4] = [
    (MetadataType::Text, "text"),
    (MetadataType::Number, "number"),
    (MetadataType::Date, "date"),
    (MetadataType::Boolean, "boolean"),
];

#[component]
pub fn SettingsPage() -> impl IntoView {
    let policy = Resource::new(|| (), |_| get_metadata_policy());
    let organization = Resource::new(|| (), |_| get_organization_settings());
    let me = Resource::new(|| (), |_| crate::server_fns::auth::whoami());
    view! {
        <Title text="Settings"/>
        <DashboardLayout>
            <h1>"Settings"</h1>
            <super::members::MembersSection/>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let me = me.await.ok().flatten();
                    match (organization.await, me) {
                        (Ok(settings), Some(me)) => {
                            let can_edit = me.role.can_edit();
                            view! {
                            <super::security_settings::SecuritySection initial=settings.clone() me/>
                            <super::data_settings::RetentionSection initial=settings.retention_days/>
                            <super::mail_settings::MailSection initial=settings.clone()/>
                            <super::site_settings::SitesSection initial=settings.embed_sites/>
                            <super::tag_settings::TagsSection can_edit/>
                        }.into_any()
                        }
                        (Err(error), _) => view! { <ErrorNotice error/> }.into_any(),
                        (Ok(_), None) => view! { <ErrorNotice error=crate::domain::AppError::Unauthorized/> }.into_any(),
                    }
                })}
            </Suspense>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match policy.await {
                        Ok(policy) => view! { <MetadataKeysEditor initial=policy/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </DashboardLayout>
    }
}

#[component]
fn MetadataKeysEditor(initial: MetadataPolicy) -> impl IntoView {
    let policy = RwSignal::new(initial);
    let save = Action::new(|p: &MetadataPolicy| save_metadata_policy(p.clone()));
    let saved = move || matches!(save.value().get(), Some(Ok(_)));
    let new_key = RwSignal::new(String::new());
    let edit = move |index: usize, f: Box<dyn FnOnce(&mut MetadataKey)>| {
        policy.update(|p| {
            if let Some(k) = p.keys.get_mut(index) {
                f(k)
            }
        })
    };
    view! {
        <section class="card">
            <h2>"Metadata keys"</h2>
            <p>"Declared keys are checked and typed on every response. Anonymized keys are never stored in clear. \
                Keys not declared here are kept as text, unless strict mode refuses them."</p>
            <table class="table">
                <thead><tr><th>"Key"</th><th>"Type"</th><th>"Anonymize"</th><th></th></tr></thead>
                <tbody>
                    {move || policy.get().keys.into_iter().enumerate().map(|(i, k)| view! {
                        <tr>
                            <td>{k.key.clone()}</td>
                            <td>
                                <select aria-label=format!("Type of {}", k.key) on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    let kind = MetadataType::parse(&v).unwrap_or(MetadataType::Text);
                                    edit(i, Box::new(move |k| k.kind = kind));
                                }>
                                    {TYPES.iter().map(|(t, label)| view! { <option value=*label selected=k.kind == *t>{*label}</option> }).collect_view()}
                                </select>
                            </td>
                            <td><input type="checkbox" aria-label=format!("Anonymize {}", k.key) prop:checked=k.anonymize
                                on:change=move |ev| { let v = event_target_checked(&ev); edit(i, Box::new(move |k| k.anonymize = v)) }/></td>
                            <td><button type="button" class="link" aria-label=format!("Remove {}", k.key)
                                on:click=move |_| policy.update(|p| { p.keys.remove(i); })>"Remove"</button></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <div class="row">
                <label class="inline">"New key"
                    <input type="text" prop:value=new_key on:input=move |ev| new_key.set(event_target_value(&ev))/>
                </label>
                <button type="button" on:click=move |_| {
                    let key = new_key.get_untracked().trim().to_string();
                    if !key.is_empty() {
                        policy.update(|p| p.keys.push(MetadataKey { key, kind: MetadataType::Text, anonymize: false }));
                        new_key.set(String::new());
                    }
                }>"Declare key"</button>
            </div>
            <label class="inline">
                <input type="checkbox" prop:checked=move || policy.with(|p| p.strict)
                    on:change=move |ev| { let v = event_target_checked(&ev); policy.update(|p| p.strict = v) }/>
                "Strict mode: refuse keys that are not declared"
            </label>
            <label class="inline">
                <input type="checkbox" prop:checked=move || policy.with(|p| p.anonymize_mode == AnonymizeMode::Drop)
                    on:change=move |ev| {
                        let drop = event_target_checked(&ev);
                        policy.update(|p| p.anonymize_mode = if drop { AnonymizeMode::Drop } else { AnonymizeMode::Hash });
                    }/>
                "Drop anonymized values instead of keeping a keyed hash"
            </label>
            {action_error(move || save.value().get())}
            <div class="actions">
                <button type="button" class="primary" disabled=save.pending()
                    on:click=move |_| { save.dispatch(policy.get_untracked()); }>"Save settings"</button>
                <span role="status">{move || saved().then_some("Saved.")}</span>
            </div>
        </section>
    }
}
