//! A control whose code arrives after the widget's first load.
//!
//! The every-type bundle is split (feature `widget-split`): the controls of
//! the rarer question types are a chunk fetched only by surveys that use them
//! (`newer_controls`). The server renders such a control inside
//! `<div class="vox-control">` like any other; in the split bundle the first
//! hydration passes over that div's content, which stays a working native
//! control (the form reads every answer from its inputs), and the chunk
//! hydrates it once it has arrived. `display: contents` keeps the div out of
//! the layout. `when_settled` tells the page when every such control, and the
//! survey's rules (`engine`), are live.

use super::newer_controls;
use super::recalled::RecallScope;
use crate::domain::answers::Answers;
use crate::domain::i18n::Messages;
use crate::domain::survey::Question;
use leptos::prelude::*;

/// The control of a question whose kind `newer_controls::is_deferred`,
/// rendered at once where nothing is split (server, dashboard preview,
/// unsplit builds).
#[cfg(not(feature = "widget-split"))]
pub fn control(
    question: Question,
    answers: RwSignal<Answers>,
    recall: RecallScope,
    messages: &'static Messages,
) -> impl IntoView {
    view! { <div class="vox-control">{newer_controls::view(question, answers, recall, messages)}</div> }
}

/// Runs `done` once every deferred control has been hydrated (at once where
/// nothing is deferred).
#[cfg(not(feature = "widget-split"))]
pub fn when_settled(done: impl FnOnce() + 'static) {
    done()
}

#[cfg(feature = "widget-split")]
pub use split::{control, preload, when_settled};

#[cfg(feature = "widget-split")]
mod split {
    use super::*;
    use leptos::wasm_split::SplitLoaderError;
    use std::cell::{Cell, RefCell};
    use std::future::Future;

    thread_local! {
        /// Deferred controls and preloads not yet done, and who waits for them.
        static PENDING: Cell<usize> = const { Cell::new(0) };
        static WAITING: RefCell<Vec<Box<dyn FnOnce()>>> = const { RefCell::new(Vec::new()) };
    }

    pub fn when_settled(done: impl FnOnce() + 'static) {
        if PENDING.get() == 0 {
            done()
        } else {
            WAITING.with_borrow_mut(|waiting| waiting.push(Box::new(done)));
        }
    }

    fn settle_one() {
        PENDING.set(PENDING.get().saturating_sub(1));
        if PENDING.get() == 0 {
            for done in WAITING.take() {
                done()
            }
        }
    }

    fn warn(failed: SplitLoaderError) {
        web_sys::console::warn_1(&format!("vox: a control's code did not load ({failed})").into());
    }

    /// Counts a chunk being fetched ahead of need as pending until it has
    /// arrived (or failed: its controls then stay native, see `control`).
    pub fn preload(load: impl Future<Output = Result<(), SplitLoaderError>> + 'static) {
        PENDING.set(PENDING.get() + 1);
        leptos::task::spawn_local(async move {
            if let Err(failed) = load.await {
                warn(failed);
            }
            settle_one();
        });
    }

    /// An empty wrapper to the first hydration; once the chunk has arrived,
    /// `go_live` hydrates the server's markup inside it (or builds the control
    /// there when the widget was not server-rendered). A chunk that cannot be
    /// fetched leaves the server's control as it is: a native control whose
    /// answers the form still reads.
    pub fn control(
        question: Question,
        answers: RwSignal<Answers>,
        recall: RecallScope,
        messages: &'static Messages,
    ) -> impl IntoView {
        let wrapper = NodeRef::<leptos::html::Div>::new();
        // Kept for as long as the question is on the page.
        let live = StoredValue::new_local(None::<newer_controls::Live>);
        PENDING.set(PENDING.get() + 1);
        let mut question = Some(question);
        Effect::new(move |_| {
            let (Some(div), Some(question)) = (wrapper.get(), question.take()) else { return };
            leptos::task::spawn_local_scoped(async move {
                match newer_controls::go_live(question, answers, recall, messages, div.into()).await {
                    Ok(control) => live.set_value(Some(control)),
                    Err(failed) => warn(failed),
                }
                settle_one();
            });
        });
        view! { <div class="vox-control" node_ref=wrapper></div> }
    }
}
