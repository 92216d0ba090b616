//! The survey form and its steps.
//!
//! Without JavaScript every question shows and the form posts to `/s/{id}`;
//! the server answers with a redirect (to the thank-you page, or back with
//! `?invalid=<questionIds>`, each with `:<rule>` when a validation rule
//! broke). Hydrated, one question shows at a time: "Next"
//! checks the answer with the same rules as the server, saves the response
//! through the public client API (created at the first answer, then
//! updated), and moves to the next question the survey's logic leads to
//! (`domain::logic::walk`, the same walk the server checks the response by).
//! At the end it shows the ending the logic reached, or sends the visitor to
//! its address.

use super::engine::{EngineHandle, Rules};
use super::host::{self, HostContext};
use super::question::QuestionField;
use super::recalled::RecallScope;
use super::{json, saved, transport, ThankYou, WidgetProps};
use crate::domain::answers::Answers;
use crate::domain::i18n::{fill, Messages};
use crate::domain::logic::{Surroundings, Walk};
use crate::domain::survey::{other_key, Question};
use crate::domain::validation_rules::BrokenRule;
use crate::domain::AppError;
#[cfg(not(feature = "widget-classic"))]
use crate::domain::{
    logic::{Ending, Variable},
    survey_pages::Page,
};
use leptos::prelude::*;

/// The response being written, once the first answer is saved.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub id: String,
    pub token: String,
}

/// What the form was rendered with and never changes.
struct Fixed {
    survey_id: String,
    language: String,
    hidden_fields: serde_json::Map<String, serde_json::Value>,
    invitation: Option<String>,
    parent_origin: Option<String>,
    #[cfg(not(feature = "widget-classic"))]
    variables: Vec<Variable>,
    #[cfg(not(feature = "widget-classic"))]
    endings: Vec<Ending>,
    #[cfg(not(feature = "widget-classic"))]
    pages: Vec<Page>,
}

/// What the page knows but does not show: the response once saved, and
/// context from the host page not yet sent with it.
#[derive(Default)]
struct Session {
    draft: Option<Draft>,
    unsent: HostContext,
    /// Every metadata key the host page gave, for conditions on metadata.
    #[cfg(not(feature = "widget-classic"))]
    metadata: serde_json::Map<String, serde_json::Value>,
}

#[component]
pub fn SurveyForm(props: WidgetProps, messages: &'static Messages) -> impl IntoView {
    let WidgetProps { survey, hidden_fields, invalid, preview, parent_origin, invitation, .. } = props;
    let action = format!("/s/{}", survey.id);
    let thank_you = survey.thank_you().unwrap_or(messages.thank_you_body).to_string();
    let (name, language) = (survey.name, survey.language);
    let questions = StoredValue::new(survey.questions);
    // Few stored types on purpose: each one is code in the widget's wasm.
    let fixed = StoredValue::new(Fixed {
        survey_id: survey.id,
        language: language.clone(),
        hidden_fields,
        invitation,
        parent_origin,
        #[cfg(not(feature = "widget-classic"))]
        variables: survey.options.variables,
        #[cfg(not(feature = "widget-classic"))]
        endings: survey.options.endings,
        #[cfg(not(feature = "widget-classic"))]
        pages: survey.options.pages,
    });
    let session = StoredValue::new(Session::default());

    // Errors from a no-JavaScript post arrive as question ids, with the
    // broken rule's name where one was (the server keeps only ids of this
    // survey and names of rules, so a crafted link cannot inject text).
    let initial_errors: Vec<(String, String)> = invalid
        .into_iter()
        .map(|entry| {
            let (id, rule) = entry.split_once(':').unwrap_or((entry.as_str(), ""));
            let message = questions.with_value(|qs| {
                let q = qs.iter().find(|q| q.id == id)?;
                BrokenRule::from_code(rule, &q.validation).map(|broken| broken.message(&q.validation, messages))
            });
            (id.to_string(), message.unwrap_or_else(|| messages.invalid.to_string()))
        })
        .collect();
    let errors = RwSignal::new(initial_errors);
    let answers = RwSignal::new(Answers::new());
    // What the logic has calculated so far (kept by an effect below).
    let variables = RwSignal::new(Answers::new());
    // The survey's rules: in the every-type bundle they arrive after hydration.
    let engine = EngineHandle::new();
    let recall = RecallScope {
        questions,
        answers,
        hidden_fields: StoredValue::new(fixed.with_value(|f| f.hidden_fields.clone())),
        variables,
        engine,
    };
    // Steps exist only once hydrated; before that the whole form shows.
    let stepped = RwSignal::new(false);
    let current = RwSignal::new(questions.with_value(|qs| qs.first().map(|q| q.id.clone())).unwrap_or_default());
    let saving = RwSignal::new(false);
    let done = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let form_ref = NodeRef::<leptos::html::Form>::new();

    // Sends the host's context to a response that exists already (before
    // the first answer it waits, and goes with that answer).
    let flush_context = move || {
        let (Some(existing), false) = (session.with_value(|s| s.draft.clone()), saving.get_untracked()) else { return };
        let context = session.with_value(|s| s.unsent.clone());
        if context == HostContext::default() {
            return;
        }
        session.update_value(|s| s.unsent = HostContext::default());
        saving.set(true);
        leptos::task::spawn_local(async move {
            if transport::attach(&existing, &context).await.is_err() {
                // Kept for the next save, under anything newer.
                session.update_value(|s| restore_context(&mut s.unsent, context));
            }
            saving.set(false);
        });
    };

    let read_answers = move || {
        let (Some(form), Some(engine)) = (form_ref.get_untracked(), engine.get()) else { return };
        if let Some(fields) = read_form(&form) {
            answers.set(questions.with_value(|qs| (engine.read)(qs, &fields)));
        }
    };

    // Hydrated, and the rules at hand: switch to steps and pick up a
    // response started before a reload.
    let start = move || {
        read_answers();
        if !preview {
            if let Some(kept) = saved::load(&fixed.with_value(|f| f.survey_id.clone())) {
                answers.set(kept.answers);
                session.update_value(|s| s.draft = Some(kept.draft));
                let resume = questions.with_value(|qs| qs.iter().any(|q| q.id == kept.current));
                if resume {
                    current.set(kept.current);
                }
            }
        }
        stepped.set(true);
        if let Some(origin) = fixed.with_value(|f| f.parent_origin.clone()) {
            host::connect(origin, move |context| {
                session.update_value(|s| {
                    #[cfg(not(feature = "widget-classic"))]
                    s.metadata.extend(context.metadata.clone());
                    merge_context(&mut s.unsent, context)
                });
                flush_context();
            });
        }
    };
    engine.when_ready(start);

    // Plain closures rather than memos: recomputing is cheap (a survey has
    // at most 100 questions), and memos of three more types cost wasm.
    // `until`: stop on reaching that question, before its own logic runs.
    // Until the engine is there nothing walks: the form is not stepped yet.
    let walked = move |until: Option<&str>| -> Walk {
        let Some(engine) = engine.get() else { return Walk::default() };
        let given = answers.read();
        #[cfg(not(feature = "widget-classic"))]
        let walk = |f: &Fixed, s: &Session| {
            let around = Surroundings { hidden_fields: Some(&f.hidden_fields), metadata: Some(&s.metadata) };
            questions.with_value(|qs| {
                let rules = Rules { questions: qs, variables: &f.variables, pages: &f.pages };
                (engine.walk)(rules, &given, around, until)
            })
        };
        // Classic surveys' logic is single conditions on answers: nothing else to read.
        #[cfg(feature = "widget-classic")]
        let walk = |_: &Fixed, _: &Session| {
            questions.with_value(|qs| {
                let rules = Rules { questions: qs, variables: &[], pages: &[] };
                (engine.walk)(rules, &given, Surroundings::default(), until)
            })
        };
        fixed.with_value(|f| session.with_value(|s| walk(f, s)))
    };
    // The steps the answers lead through, as question ids: a page's
    // questions together, every other question alone.
    let walk_steps = move || -> Vec<Vec<String>> {
        let Some(engine) = engine.get() else { return Vec::new() };
        let walked = walked(None);
        let steps = |pages: &[_]| {
            questions.with_value(|qs| (engine.steps)(Rules { questions: qs, variables: &[], pages }, &walked))
        };
        #[cfg(not(feature = "widget-classic"))]
        return fixed.with_value(|f| steps(&f.pages));
        #[cfg(feature = "widget-classic")]
        steps(&[])
    };
    // One walk per change of the answers, shared by every question's
    // visibility, the step shown and the progress.
    #[cfg(not(feature = "widget-classic"))]
    let all_steps = Memo::new(move |_| walk_steps());
    #[cfg(feature = "widget-classic")]
    let all_steps = Fresh(walk_steps);
    let visible = move |id: &str| all_steps.with(|all| all.iter().any(|step| step.iter().any(|q| q == id)));
    // The step the current question is on (any of its questions stands for it).
    let position = move || {
        let current = current.get();
        all_steps.with(|all| all.iter().position(|step| step.contains(&current)).unwrap_or(0))
    };
    let is_last = move || position() + 1 >= all_steps.with(Vec::len);
    // The steps and the position among them, read without subscribing (one
    // closure for all the handlers: one copy in the wasm).
    let steps = move || untrack(|| (all_steps.get(), position()));

    // Focus follows the step: the new question's title, or the thank-you
    // (which is there from the start, hidden, so it is focused rather than
    // left to be announced as it appears).
    let focus_current = move || {
        #[cfg(feature = "hydrate")]
        request_animation_frame(move || {
            let id = if done.get_untracked() {
                "vox-thanks".to_string()
            } else {
                format!("title-{}", current.get_untracked())
            };
            if let Some(el) = document().get_element_by_id(&id) {
                use wasm_bindgen::JsCast;
                if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    };

    let go_back = move |_| {
        let (all, at) = steps();
        if let Some(previous) = at.checked_sub(1).and_then(|i| all.get(i)).and_then(|step| step.first()) {
            current.set(previous.clone());
            errors.set(Vec::new());
            focus_current();
        }
    };

    // The ending the answers reached: its heading, text and address, recalls
    // filled in. The classic bundle has neither endings nor recall
    // (`boot_script_url`): cfg rather than `if EVERY_TYPE_BUILT`, which would
    // still compile the recall renderer into it.
    #[cfg(not(feature = "widget-classic"))]
    let (redirect_address, ending_title, ending_text) = {
        // Read once the visitor is done: before that nothing shows it.
        let reached = move || -> Option<Ending> {
            if !done.get() {
                return None;
            }
            let id = walked(None).ending?;
            fixed.with_value(|f| f.endings.iter().find(|e| e.id == id).cloned())
        };
        let redirect_address = move || {
            let url = untrack(reached)?.redirect_url?;
            let engine = engine.get()?;
            Some(recall.with_sources(|sources| (engine.render_url)(&url, sources)))
        };
        let ending_title = move || match reached().and_then(|e| e.title) {
            Some(own) => recall.render(&own),
            None => messages.thank_you_title.to_string(),
        };
        let ending_text = move || {
            let text = reached().and_then(|e| e.text).unwrap_or_else(|| thank_you.clone());
            recall.render(&text)
        };
        // Variables as they stand on the current step, or at the end once done.
        Effect::new(move |_| {
            if fixed.with_value(|f| !f.variables.is_empty()) {
                let until = (!done.get()).then(|| current.get());
                variables.set(walked(until.as_deref()).variables);
            }
        });
        (redirect_address, ending_title, ending_text)
    };
    // Nothing to choose: the standard thank-you, as plain text (no reactive node).
    #[cfg(feature = "widget-classic")]
    let (redirect_address, ending_title, ending_text) = (|| None::<&str>, messages.thank_you_title, thank_you);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        if saving.get_untracked() {
            ev.prevent_default();
            return;
        }
        read_answers();
        // Before the rules arrive the form is the server's plain one: it posts.
        let Some(engine) = engine.get() else { return };
        ev.prevent_default();
        let mut given = answers.get_untracked();
        let path = untrack(|| walked(None));
        questions.with_value(|qs| (engine.prune)(qs, &path, &mut given));
        let (all, at) = steps();
        let completing = at + 1 >= all.len();
        // The server's own rules, for this step's questions only (and whether logic requires each).
        let mut problems = Vec::new();
        for step_id in all.get(at).into_iter().flatten() {
            let required = questions
                .with_value(|qs| qs.iter().position(|q| q.id == *step_id).is_some_and(|i| path.requires(i, &qs[i])));
            problems.extend((engine.problems)(&questions.get_value(), &given, step_id, required, messages));
        }
        if let Some((first, _)) = problems.first() {
            // Focus goes to the first question with a problem.
            current.set(first.split('.').next().unwrap_or_default().to_string());
            errors.set(problems);
            focus_current();
            return;
        }
        errors.set(Vec::new());
        failure.set(None);
        let advance = move || {
            if completing {
                done.set(true);
                focus_current();
                if let Some(origin) = fixed.with_value(|f| f.parent_origin.clone()) {
                    host::post(&origin, &json::object([("type", "vox:completed".into())]));
                }
                if !preview {
                    saved::clear(&fixed.with_value(|f| f.survey_id.clone()));
                    if let Some(url) = redirect_address() {
                        go_to(url.as_ref());
                    }
                }
            } else {
                let (all, at) = steps();
                if let Some(next) = all.get(at + 1).and_then(|step| step.first()) {
                    current.set(next.clone());
                    focus_current();
                }
            }
        };
        if preview {
            advance();
            return;
        }
        saving.set(true);
        let (survey_id, language) = fixed.with_value(|f| (f.survey_id.clone(), f.language.clone()));
        let payload = all_answers(&questions.get_value(), &given);
        let hidden = fixed.with_value(|f| f.hidden_fields.clone());
        let (existing, context) = session.with_value(|s| (s.draft.clone(), s.unsent.clone()));
        session.update_value(|s| s.unsent = HostContext::default());
        leptos::task::spawn_local(async move {
            let invite = fixed.with_value(|f| f.invitation.clone());
            let result =
                transport::save(&survey_id, existing, payload, hidden, language, invite, completing, &context).await;
            saving.set(false);
            if result.is_err() {
                session.update_value(|s| restore_context(&mut s.unsent, context));
            }
            match result {
                Ok(saved_draft) => {
                    session.update_value(|s| s.draft = Some(saved_draft.clone()));
                    if !completing {
                        let (all, at) = steps();
                        let next = all.get(at + 1).and_then(|step| step.first()).cloned().unwrap_or_default();
                        saved::store(&survey_id, &saved::Kept { draft: saved_draft, answers: given, current: next });
                    }
                    advance();
                    // Context that arrived while saving follows at once.
                    flush_context();
                }
                Err(AppError::Validation { errors: list }) => {
                    let mine: Vec<(String, String)> = list
                        .into_iter()
                        .filter_map(|e| e.field.strip_prefix("answers.").map(|q| (q.to_string(), e.message.clone())))
                        .collect();
                    if mine.is_empty() {
                        failure.set(Some(messages.saving_failed.to_string()));
                    } else {
                        // Show the first refused question.
                        let first = mine[0].0.split('.').next().unwrap_or_default().to_string();
                        current.set(first);
                        errors.set(mine);
                        focus_current();
                    }
                }
                Err(_) => failure.set(Some(messages.saving_failed.to_string())),
            }
        });
    };

    let hidden_inputs = move || {
        let invitation_input = fixed
            .with_value(|f| f.invitation.clone())
            .map(|token| view! { <input type="hidden" name="invitation" value=token/> });
        let fields = fixed.with_value(|f| {
            f.hidden_fields
                .iter()
                .map(|(k, v)| {
                    let value = v.as_str().map(str::to_string).unwrap_or_else(|| json::stringify(v));
                    view! { <input type="hidden" name=format!("hidden.{k}") value=value/> }
                })
                .collect_view()
        });
        (invitation_input, fields)
    };
    // Hidden until hydrated (and the same then on both sides): the server's
    // render and hydration need not walk the survey for it.
    let progress = move || {
        if !stepped.get() {
            return (1, 1);
        }
        let total = all_steps.with(Vec::len).max(1);
        ((position() + 1).min(total), total)
    };

    // The thank-you is there from the start, hidden, rather than swapped in
    // (`Show`): swapping would compile the whole form's re-rendering into the
    // widget's wasm, about a tenth of it, for a swap that happens once.
    view! {
        <h1 class="vox-title" hidden=move || done.get()>{name}</h1>
        <div class="vox-progress" hidden=move || !stepped.get() || done.get()>
            <div class="vox-progress-bar" role="progressbar" aria-valuemin="1"
                aria-valuemax=move || progress().1 aria-valuenow=move || progress().0
                aria-label=move || { let (n, total) = progress(); fill(messages.progress, &[("n", n), ("total", total)]) }>
                <span style=move || { let (n, total) = progress(); format!("width:{}%", n * 100 / total) }></span>
            </div>
            <p class="vox-progress-text" aria-hidden="true">
                {move || { let (n, total) = progress(); fill(messages.progress, &[("n", n), ("total", total)]) }}
            </p>
        </div>
        // `input` alone: browsers fire it for radio buttons and checkboxes
        // too, so a `change` handler would only be more wasm.
        <form method="post" action=action class="vox-form" node_ref=form_ref hidden=move || done.get()
            novalidate=move || stepped.get()
            on:submit=on_submit on:input=move |_| read_answers()>
            <input type="hidden" name="language" value=language/>
            {hidden_inputs()}
            {questions.get_value().into_iter().map(|q| {
                let id = q.id.clone();
                let error = Signal::derive({
                    let id = id.clone();
                    move || errors.read().iter().find(|(q, _)| *q == id || q.split('.').next() == Some(id.as_str())).map(|(_, m)| m.clone())
                });
                let logic_visible = Signal::derive({
                    let id = id.clone();
                    move || !stepped.get() || visible(&id)
                });
                let on_step = Signal::derive(move || {
                    !stepped.get() || all_steps.with(|all| all.get(position()).is_some_and(|step| step.contains(&id)))
                });
                view! { <QuestionField question=q error logic_visible on_step answers recall messages/> }
            }).collect_view()}
            <p class="vox-notice vox-error" role="alert" hidden=move || failure.read().is_none()>
                {move || failure.get().unwrap_or_default()}
            </p>
            <div class="vox-actions">
                <button type="button" class="vox-back" on:click=go_back
                    hidden=move || !stepped.get() || position() == 0>{messages.back}</button>
                <button type="submit" class="vox-next" disabled=move || saving.get()>
                    {move || if !stepped.get() || is_last() { messages.submit } else { messages.next }}
                </button>
            </div>
        </form>
        <div hidden=move || !done.get()><ThankYou title=ending_title text=ending_text/></div>
    }
}

/// The classic bundle walks again where the other memoises: a memo of one
/// more type costs its wasm more than a classic survey's walks cost time.
#[cfg(feature = "widget-classic")]
#[derive(Clone, Copy)]
struct Fresh<F>(F);

#[cfg(feature = "widget-classic")]
impl<F: Fn() -> Vec<Vec<String>>> Fresh<F> {
    fn with<R>(&self, read: impl FnOnce(&Vec<Vec<String>>) -> R) -> R {
        read(&(self.0)())
    }

    fn get(&self) -> Vec<Vec<String>> {
        (self.0)()
    }
}

/// Sends the visitor to an ending's address: the whole tab, also from inside
/// an embed's frame (which browsers allow right after the visitor's click;
/// where they do not, the ending stays on screen).
fn go_to(url: &str) {
    #[cfg(all(feature = "hydrate", not(feature = "widget-classic")))]
    {
        let here = window();
        let tab = here.top().ok().flatten().unwrap_or(here);
        let _ = tab.location().set_href(url);
    }
    #[cfg(any(not(feature = "hydrate"), feature = "widget-classic"))]
    let _ = url;
}

/// Later context wins, key by key (as `updateMetadata` promises).
fn merge_context(into: &mut HostContext, later: HostContext) {
    into.metadata.extend(later.metadata);
    if later.responder.is_some() {
        into.responder = later.responder;
    }
}

/// Puts back context that could not be sent, under what arrived since.
fn restore_context(unsent: &mut HostContext, failed: HostContext) {
    let newer = std::mem::replace(unsent, failed);
    merge_context(unsent, newer);
}

/// Every question's answer, `null` for those not (or no longer) answered, so
/// an update also clears what skip logic now hides.
fn all_answers(questions: &[Question], given: &Answers) -> Answers {
    let mut all = Answers::new();
    for q in questions {
        all.insert(q.id.clone(), given.get(&q.id).cloned().unwrap_or(serde_json::Value::Null));
        if q.kind.allows_other() {
            let key = other_key(&q.id);
            all.insert(key.clone(), given.get(&key).cloned().unwrap_or(serde_json::Value::Null));
        }
    }
    all
}

/// The form's fields as (name, value) pairs, as the browser would post them
/// (disabled controls, i.e. questions hidden by skip logic, are left out).
#[cfg(feature = "hydrate")]
fn read_form(form: &web_sys::HtmlFormElement) -> Option<Vec<(String, String)>> {
    use wasm_bindgen::JsCast;
    let data = web_sys::FormData::new_with_form(form).ok()?;
    let mut fields = Vec::new();
    for entry in js_sys::try_iter(&data).ok()??.flatten() {
        let pair: js_sys::Array = entry.unchecked_into();
        if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            fields.push((k, v));
        }
    }
    Some(fields)
}

/// On the server there is no form to read; the post arrives as a request.
#[cfg(not(feature = "hydrate"))]
fn read_form<T>(_form: &T) -> Option<Vec<(String, String)>> {
    None
}
