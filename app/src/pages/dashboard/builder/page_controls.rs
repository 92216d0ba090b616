//! A question's place in the survey's pages: "on the same page as the
//! question before" (which makes, grows or splits a page), and, on the
//! first question of a page, whether the page shuffles its questions.

use super::logic_editor::keep_logic_valid;
use crate::domain::survey::SurveyDraft;
use crate::domain::survey_pages::{join_previous, Steps};
use leptos::prelude::*;

#[component]
pub fn PageControls(draft: RwSignal<SurveyDraft>, id: String) -> impl IntoView {
    let id = StoredValue::new(id);
    let position = move || draft.with(|d| d.questions.iter().position(|q| q.id == id.get_value()));
    let number = move || position().map_or(0, |p| p + 1);
    // (on the same page as the question before, the index of the page it starts)
    let place = move || {
        draft.with(|d| {
            let Some(i) = d.questions.iter().position(|q| q.id == id.get_value()) else { return (false, None) };
            let steps = Steps::of(&d.questions, &d.options.pages);
            let joined = i > 0 && steps.page(i).is_some() && steps.page(i) == steps.page(i - 1);
            let starts = steps.page(i).filter(|_| steps.bounds(i).0 == i);
            (joined, starts)
        })
    };
    let shuffles = move || {
        let starts = place().1;
        draft.with(|d| starts.and_then(|p| d.options.pages.get(p)).is_some_and(|p| p.shuffle))
    };
    view! {
        <Show when=move || { number() > 1 }>
            <label class="inline">
                <input type="checkbox" prop:checked=move || place().0 on:change=move |ev| {
                    let join = event_target_checked(&ev);
                    draft.update(|d| {
                        if let Some(i) = d.questions.iter().position(|q| q.id == id.get_value()) {
                            join_previous(&d.questions, &mut d.options.pages, i, join);
                            keep_logic_valid(d);
                        }
                    });
                }/>
                {move || format!("Question {} is on the same page as question {}", number(), number() - 1)}
            </label>
        </Show>
        <Show when=move || place().1.is_some()>
            <label class="inline">
                <input type="checkbox" prop:checked=shuffles on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    let starts = place().1;
                    draft.update(|d| {
                        if let Some(page) = starts.and_then(|p| d.options.pages.get_mut(p)) {
                            page.shuffle = on;
                        }
                    });
                }/>
                {move || format!("The page starting at question {} shows its questions in a random order (the same for each respondent)", number())}
            </label>
        </Show>
    }
}
