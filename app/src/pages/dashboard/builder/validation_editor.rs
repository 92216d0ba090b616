//! A question's validation rules in the builder: length limits and a
//! pattern for text and email, a number of choices for multiple answers, and
//! the author's own message. A pattern that cannot be used is explained as it
//! is typed, by the same parser the server checks it with.

use crate::domain::pattern::Pattern;
use crate::domain::survey::{QuestionKind, SurveyDraft, ValidationRules};
use leptos::prelude::*;

type RulesEdit = Box<dyn FnOnce(&mut ValidationRules)>;

/// Which rules a question's type takes.
#[derive(Clone, Copy, PartialEq)]
enum RuleSet {
    Text,
    Choices,
    None,
}

fn rule_set(kind: &QuestionKind) -> RuleSet {
    match kind {
        QuestionKind::Text { .. } | QuestionKind::Email => RuleSet::Text,
        QuestionKind::MultipleChoice { .. } | QuestionKind::PictureChoice { multiple: true, .. } => RuleSet::Choices,
        _ => RuleSet::None,
    }
}

/// A whole number typed into a box: empty (or not a number) is no rule.
fn count(text: &str) -> Option<u32> {
    text.trim().parse::<u32>().ok()
}

#[component]
pub fn ValidationEditor(draft: RwSignal<SurveyDraft>, id: String) -> impl IntoView {
    let id = StoredValue::new(id);
    let question = move || draft.with(|d| d.questions.iter().find(|q| q.id == id.get_value()).cloned());
    let number = move || draft.with(|d| d.questions.iter().position(|q| q.id == id.get_value()).map_or(0, |p| p + 1));
    let rules = move || question().map(|q| q.validation).unwrap_or_default();
    let set = Memo::new(move |_| question().map_or(RuleSet::None, |q| rule_set(&q.kind)));
    let edit = move |f: RulesEdit| {
        draft.update(|d| {
            let qid = id.get_value();
            let Some(q) = d.questions.iter_mut().find(|q| q.id == qid) else { return };
            f(&mut q.validation);
            // Rules that no longer apply (pictures made single) are dropped,
            // and a message with no rule left to explain.
            if rule_set(&q.kind) != RuleSet::Choices {
                q.validation.min_choices = None;
                q.validation.max_choices = None;
            }
            if (ValidationRules { message: None, ..q.validation.clone() }).is_empty() {
                q.validation.message = None;
            }
            if q.validation.message.is_none() {
                for translation in d.options.translations.values_mut() {
                    if let Some(texts) = translation.questions.get_mut(&qid) {
                        texts.validation_message = None;
                    }
                }
            }
        })
    };
    let count_field = move |what: &'static str,
                            read: fn(&ValidationRules) -> Option<u32>,
                            write: fn(&mut ValidationRules, Option<u32>)| {
        view! {
            <label class="inline">{move || format!("Question {} {what}", number())}
                <input type="number" min="1" class="short" prop:value=move || read(&rules()).map(|n| n.to_string()).unwrap_or_default()
                    on:change=move |ev| {
                        let n = count(&event_target_value(&ev));
                        edit(Box::new(move |r| write(r, n)));
                    }/>
            </label>
        }
    };
    let pattern_problem = move || {
        rules().pattern.and_then(|p| Pattern::compile(&p).err()).map(|e| format!("This pattern cannot be used: {e}."))
    };
    let has_rule = move || !(ValidationRules { message: None, ..rules() }).is_empty();

    view! {
        <Show when=move || set.get() != RuleSet::None>
            <fieldset class="validation-rules">
                <legend>{move || format!("Question {} validation", number())}</legend>
                <Show when=move || set.get() == RuleSet::Text>
                    {count_field("minimum length", |r| r.min_length, |r, n| r.min_length = n)}
                    {count_field("maximum length", |r| r.max_length, |r, n| r.max_length = n)}
                    <label class="grow">{move || format!("Question {} pattern (optional)", number())}
                        <input type="text" spellcheck="false" placeholder="e.g. [A-Z]{2}\\d{4}"
                            prop:value=move || rules().pattern.unwrap_or_default()
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                edit(Box::new(move |r| r.pattern = (!v.is_empty()).then_some(v)));
                            }/>
                    </label>
                    {move || pattern_problem().map(|p| view! { <p class="notice notice-error" role="alert">{p}</p> })}
                </Show>
                <Show when=move || set.get() == RuleSet::Choices>
                    {count_field("at least choices", |r| r.min_choices, |r, n| r.min_choices = n)}
                    {count_field("at most choices", |r| r.max_choices, |r, n| r.max_choices = n)}
                </Show>
                <Show when=has_rule>
                    <label class="grow">{move || format!("Question {} message when a rule is broken (optional)", number())}
                        <input type="text" maxlength="200" prop:value=move || rules().message.unwrap_or_default()
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                edit(Box::new(move |r| r.message = (!v.trim().is_empty()).then_some(v)));
                            }/>
                    </label>
                </Show>
            </fieldset>
        </Show>
    }
}
