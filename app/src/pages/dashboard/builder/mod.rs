//! The survey builder: create or edit a survey (questions, logic,
//! translations, theme, hidden fields), with a live preview that is the
//! widget itself. The server validates again; its field messages show here.

mod embedding;
mod endings_editor;
mod kind_settings;
mod logic_editor;
mod page_controls;
mod question_editor;
mod rules_editor;
mod settings;
mod translations;
mod validation_editor;

use super::DashboardLayout;
use crate::components::{action_error, ErrorNotice};
use crate::domain::survey::{Question, QuestionKind, Survey, SurveyDraft, SurveyPatch, SurveyStatus};
use crate::domain::survey_version::PublishedIds;
use crate::domain::AppError;
use crate::server_fns::surveys::{create_survey, get_survey, survey_published_ids, update_survey};
use crate::widget::{SurveyWidget, WidgetProps};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use question_editor::QuestionEditor;

/// The question types the builder offers, with their button labels.
fn templates() -> Vec<(&'static str, QuestionKind)> {
    use crate::domain::survey::{Choice, InfoField, MatrixRow, RatingStyle};
    let choices = || vec![Choice::new("c1", "Option 1"), Choice::new("c2", "Option 2")];
    let fields = |names: &[&str]| -> Vec<InfoField> {
        names.iter().map(|n| InfoField { name: n.to_string(), required: false }).collect()
    };
    vec![
        ("NPS", QuestionKind::Nps),
        ("rating", QuestionKind::Rating { scale: 5, style: RatingStyle::Stars }),
        ("CSAT", QuestionKind::Csat),
        ("single choice", QuestionKind::SingleChoice { choices: choices(), allow_other: false }),
        ("multiple choice", QuestionKind::MultipleChoice { choices: choices(), allow_other: false }),
        ("dropdown", QuestionKind::Dropdown { choices: choices(), allow_other: false }),
        (
            "picture choice",
            QuestionKind::PictureChoice {
                choices: vec![Choice { image_url: Some(String::new()), ..Choice::new("c1", "Picture 1") }],
                multiple: false,
            },
        ),
        ("ranking", QuestionKind::Ranking { choices: choices(), rank_count: None }),
        (
            "matrix",
            QuestionKind::Matrix {
                rows: vec![MatrixRow { id: "r1".into(), label: "Row 1".into(), required: false }],
                columns: vec![Choice::new("c1", "Good"), Choice::new("c2", "Bad")],
            },
        ),
        ("text", QuestionKind::Text { multiline: true }),
        ("email", QuestionKind::Email),
        ("number", QuestionKind::Number { min: None, max: None, step: None, unit: None }),
        ("date", QuestionKind::Date { min: None, max: None }),
        ("contact", QuestionKind::ContactInfo { fields: fields(&["firstName", "lastName", "email"]) }),
        ("address", QuestionKind::Address { fields: fields(&crate::domain::question_kind::ADDRESS_FIELDS) }),
        ("consent", QuestionKind::Consent { label: "I agree to the terms".into() }),
        ("statement", QuestionKind::Statement { button_label: None, button_url: None }),
    ]
}

/// The first `q<n>` not taken: ids stay stable once given, because answers
/// already collected refer to them.
pub(super) fn fresh_id(prefix: &str, taken: impl Fn(&str) -> bool) -> String {
    (1..).map(|n| format!("{prefix}{n}")).find(|id| !taken(id)).unwrap_or_default()
}

/// The ids the survey's published versions used (see `PublishedIds`),
/// given to the editor's parts as context.
#[derive(Clone, Copy)]
pub(super) struct Published(pub StoredValue<PublishedIds>);

/// A question id free in `draft` and never used by a published version.
pub(super) fn fresh_question_id(draft: &SurveyDraft, published: Option<Published>) -> String {
    let published = published.map(|r| r.0.get_value()).unwrap_or_default();
    fresh_id("q", |id| draft.questions.iter().any(|q| q.id == id) || published.question(id))
}

/// A choice id free in `choices` and never used by a published version of `question`.
pub(super) fn fresh_choice_id(
    question: &str,
    choices: &[crate::domain::survey::Choice],
    published: Option<Published>,
) -> String {
    let published = published.map(|r| r.0.get_value()).unwrap_or_default();
    fresh_id("c", |id| choices.iter().any(|c| c.id == id) || published.choice(question, id))
}

/// Edits one question of the draft in place.
pub(super) fn edit_question(draft: RwSignal<SurveyDraft>, id: &str, f: impl FnOnce(&mut Question)) {
    draft.update(|d| {
        if let Some(q) = d.questions.iter_mut().find(|q| q.id == id) {
            f(q);
        }
    });
}

#[component]
pub fn NewSurveyPage() -> impl IntoView {
    view! {
        <Title text="New survey"/>
        <DashboardLayout>
            <h1>"New survey"</h1>
            <super::survey_templates::TemplatePicker/>
            <SurveyEditor initial=None published=PublishedIds::default()/>
        </DashboardLayout>
    }
}

#[component]
pub fn EditSurveyPage() -> impl IntoView {
    let params = use_params_map();
    let survey = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        |id| async move { Ok::<_, AppError>((get_survey(id.clone()).await?, survey_published_ids(id).await?)) },
    );
    view! {
        <Title text="Edit survey"/>
        <DashboardLayout>
            <h1>"Edit survey"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match survey.await {
                        Ok((survey, published)) => view! { <SurveyEditor initial=Some(survey) published/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </DashboardLayout>
    }
}

/// What saving does: create a new survey, or update the loaded version.
#[derive(Clone)]
struct SaveRequest {
    existing: Option<(String, i64)>,
    draft: SurveyDraft,
}

async fn save(request: SaveRequest) -> Result<Survey, AppError> {
    let SaveRequest { existing, draft } = request;
    match existing {
        None => create_survey(draft).await,
        Some((id, version)) => {
            let patch = SurveyPatch {
                name: Some(draft.name),
                questions: Some(draft.questions),
                status: Some(draft.status),
                closes_at: Some(draft.closes_at),
                response_limit: Some(draft.response_limit),
                default_language: Some(draft.options.default_language),
                translations: Some(draft.options.translations),
                theme: Some(draft.options.theme),
                hidden_fields: Some(draft.options.hidden_fields),
                thank_you: Some(draft.options.thank_you),
                embed: Some(draft.options.embed),
                invitation_email: Some(draft.options.invitation_email),
                variables: Some(draft.options.variables),
                endings: Some(draft.options.endings),
                pages: Some(draft.options.pages),
            };
            update_survey(id, version, patch).await
        }
    }
}

#[component]
fn SurveyEditor(initial: Option<Survey>, published: PublishedIds) -> impl IntoView {
    let published = Published(StoredValue::new(published));
    provide_context(published);
    let existing = initial.as_ref().map(|s| (s.id.clone(), s.version));
    let current_status = initial.as_ref().map(|s| s.status);
    let draft = RwSignal::new(match initial {
        Some(s) => SurveyDraft {
            name: s.name,
            questions: s.questions,
            status: s.status,
            closes_at: s.closes_at,
            response_limit: s.response_limit,
            options: s.options,
        },
        None => SurveyDraft::default(),
    });
    let save_action = Action::new(|request: &SaveRequest| save(request.clone()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(survey)) = save_action.value().get() {
            navigate(&format!("/dashboard/surveys/{}", survey.id), Default::default());
        }
    });
    let existing = StoredValue::new(existing);
    let submit = move |status: SurveyStatus| {
        let mut d = draft.get_untracked();
        d.status = status;
        save_action.dispatch(SaveRequest { existing: existing.get_value(), draft: d });
    };
    let add = move |kind: QuestionKind| {
        draft.update(|d| {
            let id = fresh_question_id(d, Some(published));
            d.questions.push(Question {
                id,
                title: String::new(),
                description: None,
                // A statement has no answer to require.
                required: !matches!(kind, QuestionKind::Statement { .. }),
                kind,
                show_if: None,
                logic: Vec::new(),
                validation: Default::default(),
                shuffle: false,
            });
        });
    };
    let preview_language = RwSignal::new(String::new());

    view! {
        <div class="builder-grid">
            <div class="stack builder">
                <label>"Survey name"
                    <input type="text" prop:value=move || draft.with(|d| d.name.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.name = v) }/>
                </label>
                <ol class="questions">
                    <For each=move || draft.with(|d| d.questions.iter().map(|q| q.id.clone()).collect::<Vec<_>>())
                        key=|id| id.clone() let:id>
                        <QuestionEditor draft id/>
                    </For>
                </ol>
                <div class="actions add-question">
                    {templates().into_iter().map(|(label, kind)| view! {
                        <button type="button" on:click=move |_| add(kind.clone())>{format!("Add {label} question")}</button>
                    }).collect_view()}
                </div>
                <settings::SurveySettings draft/>
                <endings_editor::EndingsEditor draft/>
                <translations::TranslationsEditor draft/>
                <embedding::EmbeddingSettings draft/>
                {action_error(move || save_action.value().get())}
                <div class="actions">
                    {match current_status {
                        None | Some(SurveyStatus::Draft) => view! {
                            <button type="button" on:click=move |_| submit(SurveyStatus::Draft)
                                disabled=save_action.pending()>"Save draft"</button>
                            <button type="button" class="primary" on:click=move |_| submit(SurveyStatus::Published)
                                disabled=save_action.pending()>"Save and publish"</button>
                        }.into_any(),
                        Some(status) => view! {
                            <button type="button" class="primary" on:click=move |_| submit(status)
                                disabled=save_action.pending()>"Save changes"</button>
                        }.into_any(),
                    }}
                </div>
            </div>
            <aside class="preview" aria-label="Preview">
                <div class="preview-head">
                    <h2>"Preview"</h2>
                    <label class="inline">"Language"
                        <select on:change=move |ev| preview_language.set(event_target_value(&ev))>
                            {move || draft.with(|d| d.options.languages()).into_iter().map(|l| {
                                let selected = preview_language.get() == l;
                                view! { <option value=l.clone() selected=selected>{l.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                </div>
                {move || {
                    let d = draft.get();
                    let language = preview_language.get();
                    let survey = crate::domain::survey::PublicSurvey {
                        id: "preview".into(),
                        name: d.name,
                        status: SurveyStatus::Draft,
                        questions: d.questions,
                        language: d.options.default_language.clone(),
                        options: d.options,
                        organization_sites: Vec::new(),
                    }
                    .localized(&language);
                    let messages = crate::domain::i18n::messages_for(&survey.language, !survey.options.pages.is_empty());
                    let props = WidgetProps { survey, hidden_fields: Default::default(), invalid: Vec::new(), embedded: true, parent_origin: None, preview: true, invitation: None, messages };
                    view! { <SurveyWidget props/> }
                }}
            </aside>
        </div>
    }
}
