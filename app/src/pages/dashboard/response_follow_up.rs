//! What the team does with one response: its tags (put on and taken off
//! here) and the members' internal notes on it (written, edited by their
//! author, deleted by their author or an owner or admin).

use super::tag_settings::TagChip;
use crate::components::{action_error, format_time, ErrorNotice};
use crate::domain::account::{Me, Role};
use crate::domain::tag::ResponseNote;
use crate::domain::AppError;
use crate::server_fns::tags::{
    add_note, delete_note, edit_note, list_notes, list_tags, response_tags, set_response_tag,
};
use leptos::prelude::*;

#[component]
pub fn ResponseTags(response_id: String, can_edit: bool) -> impl IntoView {
    let id = StoredValue::new(response_id);
    let set = Action::new(move |(tag, on): &(String, bool)| set_response_tag(id.get_value(), tag.clone(), *on));
    let on_response = Resource::new(move || set.version().get(), move |_| response_tags(id.get_value()));
    let all = Resource::new(|| (), |_| list_tags());
    let chosen = RwSignal::new(String::new());
    view! {
        <section class="card" aria-label="Tags">
            <h2>"Tags"</h2>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let (on_response, all) = match (on_response.await, all.await) {
                        (Ok(on), Ok(all)) => (on, all),
                        (Err(error), _) | (_, Err(error)) => return view! { <ErrorNotice error/> }.into_any(),
                    };
                    let addable: Vec<_> = all.into_iter().filter(|t| !on_response.iter().any(|o| o.id == t.id)).collect();
                    view! {
                        {on_response.is_empty().then(|| view! { <p class="empty">"No tags."</p> })}
                        <ul class="tags" aria-label="Tags on this response">
                            {on_response.into_iter().map(|tag| {
                                let tag_id = tag.id.clone();
                                let remove_label = format!("Remove tag {}", tag.name);
                                view! {
                                    <li>
                                        <TagChip name=tag.name.clone() color=tag.color.clone()/>
                                        {can_edit.then(|| view! {
                                            <button type="button" class="link" aria-label=remove_label
                                                on:click=move |_| { set.dispatch((tag_id.clone(), false)); }>"×"</button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {(can_edit && !addable.is_empty()).then(|| view! {
                            <div class="row">
                                <label>"Add a tag"
                                    <select on:change=move |ev| chosen.set(event_target_value(&ev))>
                                        <option value="">"choose…"</option>
                                        {addable.into_iter().map(|t| view! { <option value=t.id.clone()>{t.name.clone()}</option> }).collect_view()}
                                    </select>
                                </label>
                                <button type="button" on:click=move |_| {
                                    let tag = chosen.get();
                                    if !tag.is_empty() {
                                        set.dispatch((tag, true));
                                        chosen.set(String::new());
                                    }
                                }>"Add tag"</button>
                            </div>
                        })}
                        {(can_edit).then(|| view! { <p class="description"><a href="/dashboard/settings">"Manage tags in Settings"</a></p> })}
                    }.into_any()
                })}
            </Suspense>
            {action_error(move || set.value().get())}
        </section>
    }
}

#[component]
pub fn ResponseNotes(response_id: String, me: Me) -> impl IntoView {
    let id = StoredValue::new(response_id);
    let add = Action::new(move |body: &String| add_note(id.get_value(), body.clone()));
    let edit =
        Action::new(move |(note, body): &(String, String)| edit_note(id.get_value(), note.clone(), body.clone()));
    let remove = Action::new(move |note: &String| delete_note(id.get_value(), note.clone()));
    let notes = Resource::new(
        move || (add.version().get(), edit.version().get(), remove.version().get()),
        move |_| list_notes(id.get_value()),
    );
    let draft = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            draft.set(String::new());
        }
    });
    let can_edit = me.role.can_edit();
    let me = StoredValue::new(me);
    view! {
        <section class="card stack" aria-label="Notes">
            <h2>"Notes"</h2>
            <p class="description">"Internal: seen by your team only, never by the respondent."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match notes.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="empty">"No notes yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <ol class="notes">
                                {list.into_iter().map(|note| view! { <NoteItem note me=me.get_value() edit remove/> }).collect_view()}
                            </ol>
                        }.into_any(),
                    }
                })}
            </Suspense>
            {can_edit.then(|| view! {
                <label>"New note"
                    <textarea rows="3" maxlength="5000" prop:value=draft on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                </label>
                <div class="actions">
                    <button type="button" class="primary" disabled=add.pending() on:click=move |_| { add.dispatch(draft.get()); }>"Add note"</button>
                </div>
                {action_error(move || add.value().get())}
            })}
            {action_error(move || edit.value().get())}
            {action_error(move || remove.value().get())}
        </section>
    }
}

#[component]
fn NoteItem(
    note: ResponseNote,
    me: Me,
    edit: Action<(String, String), Result<ResponseNote, AppError>>,
    remove: Action<String, Result<(), AppError>>,
) -> impl IntoView {
    let mine = note.author.as_ref().is_some_and(|a| a.id == me.user_id);
    let may_delete = mine || matches!(me.role, Role::Owner | Role::Admin);
    let editing = RwSignal::new(false);
    let text = RwSignal::new(note.body.clone());
    let note_id = StoredValue::new(note.id.clone());
    let author = note.author.as_ref().map(|a| a.email.clone()).unwrap_or_else(|| "a former member".into());
    let edited = (note.updated_at != note.created_at).then(|| format!(" (edited {})", format_time(&note.updated_at)));
    let body = note.body.clone();
    view! {
        <li class="note">
            <p class="detail">{format!("{author}, {}", format_time(&note.created_at))}{edited}</p>
            <Show when=move || editing.get() fallback=move || view! { <p class="note-body">{body.clone()}</p> }>
                <label>"Edit note"
                    <textarea rows="3" maxlength="5000" prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                </label>
                <button type="button" class="primary" on:click=move |_| {
                    edit.dispatch((note_id.get_value(), text.get()));
                    editing.set(false);
                }>"Save note"</button>
                <button type="button" on:click=move |_| editing.set(false)>"Cancel"</button>
            </Show>
            <div class="actions">
                {(mine && me.role.can_edit()).then(|| view! {
                    <button type="button" on:click=move |_| editing.set(true) hidden=move || editing.get()>"Edit"</button>
                })}
                {(may_delete && me.role.can_edit()).then(|| view! {
                    <button type="button" class="danger" on:click=move |_| { remove.dispatch(note_id.get_value()); }>"Delete note"</button>
                })}
            </div>
        </li>
    }
}
