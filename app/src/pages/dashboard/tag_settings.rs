//! Settings → Tags: the organisation's tags (name, colour), each with how
//! many responses carry it; renamed, recoloured, deleted, or added here.

use crate::components::{action_error, ErrorNotice};
use crate::domain::tag::{Tag, PALETTE};
use crate::server_fns::tags::{create_tag, delete_tag, list_tags, update_tag};
use leptos::prelude::*;

/// A tag as a coloured chip. The colour is a checked `#rrggbb`; the name is text.
#[component]
pub fn TagChip(name: String, color: String) -> impl IntoView {
    let text = crate::domain::tag::text_color_on(&color);
    view! { <span class="tag" style=format!("--tag-color: {color}; --tag-text: {text}")>{name}</span> }
}

#[component]
pub fn TagsSection(can_edit: bool) -> impl IntoView {
    let create = Action::new(|(name, color): &(String, String)| create_tag(name.clone(), color.clone()));
    let update =
        Action::new(|(id, name, color): &(String, String, String)| update_tag(id.clone(), name.clone(), color.clone()));
    let remove = Action::new(|id: &String| delete_tag(id.clone()));
    let tags = Resource::new(
        move || (create.version().get(), update.version().get(), remove.version().get()),
        |_| list_tags(),
    );
    let new_name = RwSignal::new(String::new());
    let new_color = RwSignal::new(PALETTE[0].to_string());
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            new_name.set(String::new());
        }
    });
    view! {
        <section class="card stack" aria-label="Tags">
            <h2>"Tags"</h2>
            <p class="description">
                "Tags mark responses for follow-up (\"refund asked\", \"athens store\"). Put them on a response from its page, "
                "or on every response a filter matches from the survey's response list; filter by them anywhere."
            </p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match tags.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="empty">"No tags yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="tag-list">
                                {list.into_iter().map(|tag| view! { <TagRow tag can_edit update remove/> }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Suspense>
            {can_edit.then(|| view! {
                <div class="row">
                    <label>"New tag" <input type="text" maxlength="40" prop:value=new_name on:input=move |ev| new_name.set(event_target_value(&ev))/></label>
                    <label>"Colour" <input type="color" prop:value=new_color on:input=move |ev| new_color.set(event_target_value(&ev))/></label>
                    <button type="button" class="primary" disabled=create.pending()
                        on:click=move |_| { create.dispatch((new_name.get(), new_color.get())); }>"Add tag"</button>
                </div>
                {action_error(move || create.value().get())}
            })}
            {action_error(move || update.value().get())}
            {action_error(move || remove.value().get())}
        </section>
    }
}

#[component]
fn TagRow(
    tag: Tag,
    can_edit: bool,
    update: Action<(String, String, String), Result<Tag, crate::domain::AppError>>,
    remove: Action<String, Result<(), crate::domain::AppError>>,
) -> impl IntoView {
    let name = RwSignal::new(tag.name.clone());
    let color = RwSignal::new(tag.color.clone());
    let count = match tag.response_count {
        1 => "1 response".to_string(),
        n => format!("{n} responses"),
    };
    let id = StoredValue::new(tag.id.clone());
    let label = tag.name.clone();
    view! {
        <li class="row">
            <TagChip name=tag.name.clone() color=tag.color.clone()/>
            <span class="detail">{count}</span>
            {can_edit.then(|| view! {
                <label>{format!("Name of tag {label}")}
                    <input type="text" maxlength="40" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label>{format!("Colour of tag {label}")}
                    <input type="color" prop:value=color on:input=move |ev| color.set(event_target_value(&ev))/>
                </label>
                <button type="button" on:click=move |_| { update.dispatch((id.get_value(), name.get(), color.get())); }>
                    {format!("Save tag {label}")}
                </button>
                <button type="button" class="danger" on:click=move |_| { remove.dispatch(id.get_value()); }>
                    {format!("Delete tag {label}")}
                </button>
            })}
        </li>
    }
}
