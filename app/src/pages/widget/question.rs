//! One question's answer controls. Every control is a native form control with
//! an accessible name, so keyboards, screen readers and tests find it by role.

use crate::domain::answers::field_name;
use crate::domain::survey::{Question, QuestionKind};
use leptos::prelude::*;

#[component]
pub fn QuestionField(question: Question, error: Signal<Option<String>>, visible: Signal<bool>) -> impl IntoView {
    let name = field_name(&question.id);
    let title_id = format!("title-{}", question.id);
    let error_id = format!("error-{}", question.id);
    let required = question.required;
    let description = question.description.clone().map(|d| view! { <p class="description">{d}</p> });
    let title = view! {
        <span class="title" id=title_id.clone()>
            {question.title.clone()}
            {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
        </span>
    };
    let error_view = move || {
        error.get().map(|message| view! { <p class="field-error" id=error_id.clone() role="alert">{message}</p> })
    };

    let control = match &question.kind {
        QuestionKind::Text { multiline } => {
            let input = if *multiline {
                view! { <textarea name=name rows="4" maxlength="10000" aria-labelledby=title_id.clone() required=required></textarea> }.into_any()
            } else {
                view! { <input type="text" name=name maxlength="10000" aria-labelledby=title_id.clone() required=required/> }.into_any()
            };
            return view! {
                <fieldset class="question" hidden=move || !visible.get() disabled=move || !visible.get()>
                    {title}{description}{input}{error_view}
                </fieldset>
            }
            .into_any();
        }
        QuestionKind::Email => {
            return view! {
                <fieldset class="question" hidden=move || !visible.get() disabled=move || !visible.get()>{title}{description}
                    <input type="email" name=name autocomplete="email" aria-labelledby=title_id.clone() required=required/>
                    {error_view}
                </fieldset>
            }
            .into_any();
        }
        QuestionKind::SingleChoice { choices } => choices
            .iter()
            .map(|c| view! { <label class="choice"><input type="radio" name=name.clone() value=c.id.clone() required=required/><span>{c.label.clone()}</span></label> })
            .collect_view()
            .into_any(),
        QuestionKind::MultipleChoice { choices } => choices
            .iter()
            .map(|c| view! { <label class="choice"><input type="checkbox" name=name.clone() value=c.id.clone()/><span>{c.label.clone()}</span></label> })
            .collect_view()
            .into_any(),
        kind => {
            let (min, max) = kind.scale().unwrap_or((0, 10));
            let hints = matches!(kind, QuestionKind::Nps).then(|| {
                view! { <div class="scale-hints" aria-hidden="true"><span>"Not at all likely"</span><span>"Extremely likely"</span></div> }
            });
            view! {
                <div class=format!("scale scale-{}", max - min + 1)>
                    {(min..=max).map(|n| view! {
                        <label class="scale-option">
                            <input type="radio" name=name.clone() value=n.to_string() required=required/>
                            <span>{n}</span>
                        </label>
                    }).collect_view()}
                </div>
                {hints}
            }
            .into_any()
        }
    };
    // Hidden by skip logic: also disabled, so the browser neither validates
    // nor submits its controls.
    view! {
        <fieldset class="question" hidden=move || !visible.get() disabled=move || !visible.get()>
            <legend>{title}</legend>
            {description}
            {control}
            {error_view}
        </fieldset>
    }
    .into_any()
}
