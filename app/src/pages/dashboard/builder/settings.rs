//! Survey-wide settings: theme, hidden fields, thank-you text, closing.

use crate::domain::survey::SurveyDraft;
use crate::domain::survey_options::Appearance;
use leptos::prelude::*;

const DEFAULT_BRAND: &str = "#4f46e5";

#[component]
pub fn SurveySettings(draft: RwSignal<SurveyDraft>) -> impl IntoView {
    let theme = move || draft.with(|d| d.options.theme.clone());
    let hidden_fields_text = RwSignal::new(draft.with_untracked(|d| d.options.hidden_fields.join(", ")));
    view! {
        <details class="card settings">
            <summary>"Look and behaviour"</summary>
            <div class="stack">
                <div class="row">
                    <label class="inline">"Brand colour"
                        <input type="color" prop:value=move || theme().brand_color.unwrap_or_else(|| DEFAULT_BRAND.into())
                            on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.options.theme.brand_color = Some(v)) }/>
                    </label>
                    <button type="button" class="link" on:click=move |_| draft.update(|d| d.options.theme.brand_color = None)>
                        "Use the standard colour"
                    </button>
                    <label class="inline">"Appearance"
                        <select on:change=move |ev| {
                            let appearance = match event_target_value(&ev).as_str() {
                                "light" => Appearance::Light,
                                "dark" => Appearance::Dark,
                                _ => Appearance::Auto,
                            };
                            draft.update(|d| d.options.theme.appearance = appearance);
                        }>
                            {[(Appearance::Auto, "Follow the visitor's setting"), (Appearance::Light, "Light"), (Appearance::Dark, "Dark")]
                                .into_iter().map(|(a, label)| view! {
                                    <option value=a.as_str() selected=move || theme().appearance == a>{label}</option>
                                }).collect_view()}
                        </select>
                    </label>
                </div>
                <label>"Logo address (https://…, optional)"
                    <input type="url" prop:value=move || theme().logo_url.unwrap_or_default()
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            draft.update(|d| d.options.theme.logo_url = (!v.trim().is_empty()).then(|| v.trim().to_string()));
                        }/>
                </label>
                <label>"Hidden fields (names, separated by commas; filled from the page address, e.g. ?source=email)"
                    <input type="text" prop:value=hidden_fields_text on:input=move |ev| {
                        let v = event_target_value(&ev);
                        hidden_fields_text.set(v.clone());
                        let names = v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
                        draft.update(|d| d.options.hidden_fields = names);
                    }/>
                </label>
                <label>"Thank-you message (optional)"
                    <input type="text" prop:value=move || draft.with(|d| d.options.thank_you.clone().unwrap_or_default())
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            draft.update(|d| d.options.thank_you = (!v.trim().is_empty()).then_some(v));
                        }/>
                </label>
                <fieldset class="stack">
                    <legend>"Invitation email (optional; Vox's standard text otherwise)"</legend>
                    <p class="hint">"{firstName}, {lastName}, {surveyName} and {organizationName} are filled in; the survey link and an unsubscribe link are always added."</p>
                    <label>"Email subject"
                        <input type="text" maxlength="200" prop:value=move || draft.with(|d| d.options.invitation_email.as_ref().and_then(|e| e.subject.clone()).unwrap_or_default())
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                draft.update(|d| set_email_text(&mut d.options.invitation_email, Some(v), None));
                            }/>
                    </label>
                    <label>"Email text"
                        <textarea rows="4" maxlength="5000" prop:value=move || draft.with(|d| d.options.invitation_email.as_ref().and_then(|e| e.body.clone()).unwrap_or_default())
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                draft.update(|d| set_email_text(&mut d.options.invitation_email, None, Some(v)));
                            }></textarea>
                    </label>
                </fieldset>
                <div class="row">
                    <label class="inline">"Stop after this many complete responses"
                        <input type="number" min="1" prop:value=move || draft.with(|d| d.response_limit.map(|n| n.to_string()).unwrap_or_default())
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                draft.update(|d| d.response_limit = v.trim().parse().ok());
                            }/>
                    </label>
                    <label class="inline">"Close on (UTC)"
                        <input type="datetime-local" prop:value=move || draft.with(|d| d.closes_at.map(|t| t.format("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default())
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                let parsed = chrono::NaiveDateTime::parse_from_str(&v, "%Y-%m-%dT%H:%M").ok().map(|t| t.and_utc());
                                draft.update(|d| d.closes_at = parsed);
                            }/>
                    </label>
                </div>
            </div>
        </details>
    }
}

/// Sets the subject or the body of the invitation email; blank means Vox's standard text.
fn set_email_text(
    email: &mut Option<crate::domain::survey_options::EmailTemplate>,
    subject: Option<String>,
    body: Option<String>,
) {
    let mut current = email.take().unwrap_or_default();
    let clean = |v: String| (!v.trim().is_empty()).then_some(v);
    if let Some(subject) = subject {
        current.subject = clean(subject);
    }
    if let Some(body) = body {
        current.body = clean(body);
    }
    *email = (current.subject.is_some() || current.body.is_some()).then_some(current);
}
