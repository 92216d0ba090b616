//! The builder's settings that depend on a question's type: a rating's
//! scale, choices (with images for pictures), a ranking's places, a
//! matrix's rows and columns, a number's range, a date's range, consent and
//! button texts, the fields a contact or address question shows.

use super::{edit_question, fresh_choice_id, fresh_id, Published};
use crate::domain::question_kind::{ADDRESS_FIELDS, CONTACT_FIELDS};
use crate::domain::survey::{Choice, InfoField, MatrixRow, QuestionKind, RatingStyle, SurveyDraft};
use leptos::prelude::*;

type KindEdit = Box<dyn FnOnce(&mut QuestionKind)>;

/// Reads and edits one question's type settings.
#[derive(Clone, Copy)]
struct KindAccess {
    draft: RwSignal<SurveyDraft>,
    id: StoredValue<String>,
}

impl KindAccess {
    fn kind(self) -> Option<QuestionKind> {
        self.draft.with(|d| d.questions.iter().find(|q| q.id == self.id.get_value()).map(|q| q.kind.clone()))
    }

    fn edit(self, f: KindEdit) {
        edit_question(self.draft, &self.id.get_value(), |q| f(&mut q.kind))
    }

    fn shuffles(self) -> bool {
        self.draft.with(|d| d.questions.iter().any(|q| q.id == self.id.get_value() && q.shuffle))
    }

    fn set_shuffle(self, on: bool) {
        edit_question(self.draft, &self.id.get_value(), |q| q.shuffle = on)
    }

    fn number(self) -> usize {
        self.draft.with(|d| d.questions.iter().position(|q| q.id == self.id.get_value()).map_or(0, |p| p + 1))
    }
}

/// An optional number typed into a text box: empty is none.
fn optional_number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}

fn optional_text(text: String) -> Option<String> {
    (!text.trim().is_empty()).then_some(text)
}

fn shown_number(x: Option<f64>) -> String {
    x.map(|x| x.to_string()).unwrap_or_default()
}

#[component]
pub fn KindSettings(draft: RwSignal<SurveyDraft>, id: String) -> impl IntoView {
    let access = KindAccess { draft, id: StoredValue::new(id.clone()) };
    let number = move || access.number();
    let kind = move || access.kind();
    let label = move |what: &'static str| move || format!("Question {} {what}", number());
    match access.kind() {
        Some(QuestionKind::Rating { .. }) => view! {
            <label class="inline">{label("scale")}
                <select on:change=move |ev| {
                    let scale: u8 = event_target_value(&ev).parse().unwrap_or(5);
                    access.edit(Box::new(move |k| if let QuestionKind::Rating { scale: s, .. } = k { *s = scale }));
                }>
                    {(3..=10u8).map(|n| view! {
                        <option value=n.to_string() selected=move || matches!(kind(), Some(QuestionKind::Rating { scale, .. }) if scale == n)>
                            {format!("1–{n}")}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            <label class="inline">{label("style")}
                <select on:change=move |ev| {
                    let style = if event_target_value(&ev) == "stars" { RatingStyle::Stars } else { RatingStyle::Numbers };
                    access.edit(Box::new(move |k| if let QuestionKind::Rating { style: s, .. } = k { *s = style }));
                }>
                    <option value="stars" selected=move || matches!(kind(), Some(QuestionKind::Rating { style: RatingStyle::Stars, .. }))>"Stars"</option>
                    <option value="numbers" selected=move || matches!(kind(), Some(QuestionKind::Rating { style: RatingStyle::Numbers, .. }))>"Numbers"</option>
                </select>
            </label>
        }
        .into_any(),
        Some(QuestionKind::Text { .. }) => view! {
            <label class="inline">
                <input type="checkbox" prop:checked=move || matches!(kind(), Some(QuestionKind::Text { multiline: true }))
                    on:change=move |ev| {
                        let v = event_target_checked(&ev);
                        access.edit(Box::new(move |k| if let QuestionKind::Text { multiline } = k { *multiline = v }));
                    }/>
                {label("allows several lines")}
            </label>
        }
        .into_any(),
        Some(QuestionKind::Ranking { .. }) => view! {
            <ChoicesEditor draft id=id.clone()/>
            <label class="inline">{label("places to rank (empty: all)")}
                <input type="number" min="1" max="50" class="short"
                    prop:value=move || match kind() { Some(QuestionKind::Ranking { rank_count: Some(n), .. }) => n.to_string(), _ => String::new() }
                    on:change=move |ev| {
                        let n = event_target_value(&ev).trim().parse::<u8>().ok();
                        access.edit(Box::new(move |k| if let QuestionKind::Ranking { rank_count, .. } = k { *rank_count = n }));
                    }/>
            </label>
        }
        .into_any(),
        Some(QuestionKind::PictureChoice { .. }) => view! {
            <ChoicesEditor draft id=id.clone()/>
            <label class="inline">
                <input type="checkbox" prop:checked=move || matches!(kind(), Some(QuestionKind::PictureChoice { multiple: true, .. }))
                    on:change=move |ev| {
                        let v = event_target_checked(&ev);
                        access.edit(Box::new(move |k| if let QuestionKind::PictureChoice { multiple, .. } = k { *multiple = v }));
                    }/>
                {label("allows several pictures")}
            </label>
        }
        .into_any(),
        Some(QuestionKind::SingleChoice { .. } | QuestionKind::MultipleChoice { .. } | QuestionKind::Dropdown { .. }) => {
            view! { <ChoicesEditor draft id=id.clone()/> }.into_any()
        }
        Some(QuestionKind::Matrix { .. }) => view! {
            <RowsEditor access/>
            <ChoicesEditor draft id=id.clone()/>
        }
        .into_any(),
        Some(QuestionKind::Number { .. }) => {
            let field = move |what: &'static str, read: fn(&QuestionKind) -> Option<f64>, write: fn(&mut QuestionKind, Option<f64>)| {
                view! {
                    <label class="inline">{label(what)}
                        <input type="number" step="any" class="short" prop:value=move || kind().map(|k| shown_number(read(&k))).unwrap_or_default()
                            on:change=move |ev| {
                                let x = optional_number(&event_target_value(&ev));
                                access.edit(Box::new(move |k| write(k, x)));
                            }/>
                    </label>
                }
            };
            view! {
                <div class="row">
                    {field("minimum", |k| match k { QuestionKind::Number { min, .. } => *min, _ => None },
                        |k, x| if let QuestionKind::Number { min, .. } = k { *min = x })}
                    {field("maximum", |k| match k { QuestionKind::Number { max, .. } => *max, _ => None },
                        |k, x| if let QuestionKind::Number { max, .. } = k { *max = x })}
                    {field("step", |k| match k { QuestionKind::Number { step, .. } => *step, _ => None },
                        |k, x| if let QuestionKind::Number { step, .. } = k { *step = x })}
                    <label class="inline">{label("unit")}
                        <input type="text" class="short" maxlength="20"
                            prop:value=move || match kind() { Some(QuestionKind::Number { unit, .. }) => unit.unwrap_or_default(), _ => String::new() }
                            on:input=move |ev| {
                                let v = optional_text(event_target_value(&ev));
                                access.edit(Box::new(move |k| if let QuestionKind::Number { unit, .. } = k { *unit = v }));
                            }/>
                    </label>
                </div>
            }
            .into_any()
        }
        Some(QuestionKind::Date { .. }) => view! {
            <div class="row">
                <label class="inline">{label("earliest date")}
                    <input type="date" prop:value=move || match kind() { Some(QuestionKind::Date { min, .. }) => min.unwrap_or_default(), _ => String::new() }
                        on:change=move |ev| {
                            let v = optional_text(event_target_value(&ev));
                            access.edit(Box::new(move |k| if let QuestionKind::Date { min, .. } = k { *min = v }));
                        }/>
                </label>
                <label class="inline">{label("latest date")}
                    <input type="date" prop:value=move || match kind() { Some(QuestionKind::Date { max, .. }) => max.unwrap_or_default(), _ => String::new() }
                        on:change=move |ev| {
                            let v = optional_text(event_target_value(&ev));
                            access.edit(Box::new(move |k| if let QuestionKind::Date { max, .. } = k { *max = v }));
                        }/>
                </label>
            </div>
        }
        .into_any(),
        Some(QuestionKind::Consent { .. }) => view! {
            <label class="grow">{label("text to accept")}
                <input type="text" prop:value=move || match kind() { Some(QuestionKind::Consent { label }) => label, _ => String::new() }
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        access.edit(Box::new(move |k| if let QuestionKind::Consent { label } = k { *label = v }));
                    }/>
            </label>
        }
        .into_any(),
        Some(QuestionKind::Statement { .. }) => view! {
            <div class="row">
                <label class="inline">{label("button label (optional)")}
                    <input type="text" maxlength="100"
                        prop:value=move || match kind() { Some(QuestionKind::Statement { button_label, .. }) => button_label.unwrap_or_default(), _ => String::new() }
                        on:input=move |ev| {
                            let v = optional_text(event_target_value(&ev));
                            access.edit(Box::new(move |k| if let QuestionKind::Statement { button_label, .. } = k { *button_label = v }));
                        }/>
                </label>
                <label class="inline grow">{label("button address (https)")}
                    <input type="url" placeholder="https://"
                        prop:value=move || match kind() { Some(QuestionKind::Statement { button_url, .. }) => button_url.unwrap_or_default(), _ => String::new() }
                        on:input=move |ev| {
                            let v = optional_text(event_target_value(&ev));
                            access.edit(Box::new(move |k| if let QuestionKind::Statement { button_url, .. } = k { *button_url = v }));
                        }/>
                </label>
            </div>
        }
        .into_any(),
        Some(QuestionKind::ContactInfo { .. }) => view! { <FieldsEditor access names=&CONTACT_FIELDS/> }.into_any(),
        Some(QuestionKind::Address { .. }) => view! { <FieldsEditor access names=&ADDRESS_FIELDS/> }.into_any(),
        _ => ().into_any(),
    }
}

/// The list a choices editor edits, and the question's "other" switch where it has one.
fn choices_mut(kind: &mut QuestionKind) -> Option<(&mut Vec<Choice>, Option<&mut bool>)> {
    match kind {
        QuestionKind::SingleChoice { choices, allow_other }
        | QuestionKind::MultipleChoice { choices, allow_other }
        | QuestionKind::Dropdown { choices, allow_other } => Some((choices, Some(allow_other))),
        QuestionKind::Ranking { choices, .. } | QuestionKind::PictureChoice { choices, .. } => Some((choices, None)),
        QuestionKind::Matrix { columns, .. } => Some((columns, None)),
        _ => None,
    }
}

fn choice_list(kind: &QuestionKind) -> Vec<Choice> {
    let mut kind = kind.clone();
    choices_mut(&mut kind).map(|(c, _)| c.clone()).unwrap_or_default()
}

#[component]
fn ChoicesEditor(draft: RwSignal<SurveyDraft>, id: String) -> impl IntoView {
    let access = KindAccess { draft, id: StoredValue::new(id) };
    let number = move || access.number();
    let kind = move || access.kind();
    let edit = move |f: Box<dyn FnOnce(&mut Vec<Choice>, Option<&mut bool>)>| {
        access.edit(Box::new(move |k| {
            if let Some((choices, other)) = choices_mut(k) {
                f(choices, other)
            }
        }))
    };
    let published = use_context::<Published>();
    let initial = access.kind();
    let pictures = matches!(initial, Some(QuestionKind::PictureChoice { .. }));
    let has_other = initial.as_ref().is_some_and(|k| {
        let mut k = k.clone();
        choices_mut(&mut k).is_some_and(|(_, other)| other.is_some())
    });
    let noun = if matches!(initial, Some(QuestionKind::Matrix { .. })) { "column" } else { "choice" };
    // A matrix's columns are a scale: never shuffled (its rows may be).
    let shuffled_list = noun == "choice";
    let choices = move || kind().map(|k| choice_list(&k)).unwrap_or_default();
    let choice_ids = move || choices().into_iter().map(|c| c.id).collect::<Vec<_>>();
    view! {
        <fieldset class="choices-editor">
            <legend>{move || format!("Question {} {noun}s", number())}</legend>
            <For each=choice_ids key=|c| c.clone() let:choice>
                {
                    let choice = StoredValue::new(choice);
                    let index = move || choice_ids().iter().position(|c| *c == choice.get_value()).map_or(0, |i| i + 1);
                    let this = move || choices().into_iter().find(|c| c.id == choice.get_value());
                    let image = pictures.then(|| view! {
                        <input type="url" placeholder="https://…/image.png"
                            aria-label=move || format!("Question {} {noun} {} image address", number(), index())
                            prop:value=move || this().and_then(|c| c.image_url).unwrap_or_default()
                            on:input=move |ev| {
                                let v = optional_text(event_target_value(&ev));
                                edit(Box::new(move |cs, _| if let Some(c) = cs.iter_mut().find(|c| c.id == choice.get_value()) { c.image_url = v }));
                            }/>
                    });
                    view! {
                        <div class="choice-row">
                            <input type="text" aria-label=move || format!("Question {} {noun} {}", number(), index())
                                prop:value=move || this().map(|c| c.label).unwrap_or_default() on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    edit(Box::new(move |cs, _| if let Some(c) = cs.iter_mut().find(|c| c.id == choice.get_value()) { c.label = v }));
                                }/>
                            {image}
                            {shuffled_list.then(|| view! {
                                <label class="inline" hidden=move || !access.shuffles()>
                                    <input type="checkbox" prop:checked=move || this().is_some_and(|c| c.anchored)
                                        on:change=move |ev| {
                                            let v = event_target_checked(&ev);
                                            edit(Box::new(move |cs, _| if let Some(c) = cs.iter_mut().find(|c| c.id == choice.get_value()) { c.anchored = v }));
                                        }/>
                                    {move || format!("Keep choice {} in place", index())}
                                </label>
                            })}
                            <button type="button" class="link" aria-label=move || format!("Remove {noun} {} of question {}", index(), number())
                                on:click=move |_| edit(Box::new(move |cs, _| cs.retain(|c| c.id != choice.get_value())))>"Remove"</button>
                        </div>
                    }
                }
            </For>
            <button type="button" class="link" on:click=move |_| edit(Box::new(move |cs, _| {
                let id = fresh_choice_id(&access.id.get_value(), cs, published);
                let mut choice = Choice::new(id, format!("Option {}", cs.len() + 1));
                if pictures {
                    choice.image_url = Some(String::new());
                }
                cs.push(choice);
            }))>{move || format!("Add a {noun} to question {}", number())}</button>
            {shuffled_list.then(|| view! { <ShuffleToggle access what="choices"/> })}
            {has_other.then(|| view! {
                <label class="inline">
                    <input type="checkbox" prop:checked=move || kind().is_some_and(|k| k.allows_other())
                        on:change=move |ev| {
                            let v = event_target_checked(&ev);
                            edit(Box::new(move |_, other| if let Some(other) = other { *other = v }))
                        }/>
                    {move || format!("Question {} offers \"Other\" with a text box", number())}
                </label>
            })}
        </fieldset>
    }
}

/// A matrix's rows: label, and whether each must be answered on its own.
#[component]
fn RowsEditor(access: KindAccess) -> impl IntoView {
    let number = move || access.number();
    let rows = move || match access.kind() {
        Some(QuestionKind::Matrix { rows, .. }) => rows,
        _ => Vec::new(),
    };
    let edit = move |f: Box<dyn FnOnce(&mut Vec<MatrixRow>)>| {
        access.edit(Box::new(move |k| {
            if let QuestionKind::Matrix { rows, .. } = k {
                f(rows)
            }
        }))
    };
    let published = use_context::<Published>();
    let row_ids = move || rows().into_iter().map(|r| r.id).collect::<Vec<_>>();
    view! {
        <fieldset class="choices-editor">
            <legend>{move || format!("Question {} rows", number())}</legend>
            <For each=row_ids key=|r| r.clone() let:row>
                {
                    let row = StoredValue::new(row);
                    let index = move || row_ids().iter().position(|r| *r == row.get_value()).map_or(0, |i| i + 1);
                    let this = move || rows().into_iter().find(|r| r.id == row.get_value());
                    view! {
                        <div class="choice-row">
                            <input type="text" aria-label=move || format!("Question {} row {}", number(), index())
                                prop:value=move || this().map(|r| r.label).unwrap_or_default() on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    edit(Box::new(move |rs| if let Some(r) = rs.iter_mut().find(|r| r.id == row.get_value()) { r.label = v }));
                                }/>
                            <label class="inline">
                                <input type="checkbox" prop:checked=move || this().is_some_and(|r| r.required)
                                    on:change=move |ev| {
                                        let v = event_target_checked(&ev);
                                        edit(Box::new(move |rs| if let Some(r) = rs.iter_mut().find(|r| r.id == row.get_value()) { r.required = v }));
                                    }/>
                                {move || format!("Row {} required", index())}
                            </label>
                            <button type="button" class="link" aria-label=move || format!("Remove row {} of question {}", index(), number())
                                on:click=move |_| edit(Box::new(move |rs| rs.retain(|r| r.id != row.get_value())))>"Remove"</button>
                        </div>
                    }
                }
            </For>
            <button type="button" class="link" on:click=move |_| edit(Box::new(move |rs| {
                let question = access.id.get_value();
                let used = published.map(|p| p.0.get_value()).unwrap_or_default();
                let id = fresh_id("r", |id| rs.iter().any(|r| r.id == id) || used.choice(&question, id));
                let label = format!("Row {}", rs.len() + 1);
                rs.push(MatrixRow { id, label, required: false });
            }))>{move || format!("Add a row to question {}", number())}</button>
            <ShuffleToggle access what="rows"/>
        </fieldset>
    }
}

/// "Shuffle choices for each respondent" (a matrix: its rows).
#[component]
fn ShuffleToggle(access: KindAccess, what: &'static str) -> impl IntoView {
    view! {
        <label class="inline">
            <input type="checkbox" prop:checked=move || access.shuffles()
                on:change=move |ev| access.set_shuffle(event_target_checked(&ev))/>
            {move || format!("Question {} shows its {what} in a random order (the same for each respondent)", access.number())}
        </label>
    }
}

/// Which fields a contact or address question shows, and which are required.
#[component]
fn FieldsEditor(access: KindAccess, names: &'static [&'static str]) -> impl IntoView {
    let number = move || access.number();
    let english = crate::domain::i18n::messages("en");
    let field = move |name: &str| {
        access.kind().and_then(|k| k.info_fields().and_then(|fs| fs.iter().find(|f| f.name == name).cloned()))
    };
    let edit = move |f: Box<dyn FnOnce(&mut Vec<InfoField>)>| {
        access.edit(Box::new(move |k| {
            if let QuestionKind::ContactInfo { fields } | QuestionKind::Address { fields } = k {
                f(fields)
            }
        }))
    };
    view! {
        <fieldset class="choices-editor">
            <legend>{move || format!("Question {} fields", number())}</legend>
            {names.iter().map(|&name| {
                let text = english.field_label(name);
                view! {
                    <div class="choice-row">
                        <label class="inline">
                            <input type="checkbox" prop:checked=move || field(name).is_some()
                                on:change=move |ev| {
                                    let shown = event_target_checked(&ev);
                                    edit(Box::new(move |fs| {
                                        fs.retain(|f| f.name != name);
                                        if shown {
                                            // Keep the fields in their usual order.
                                            let at = names.iter().position(|n| *n == name).unwrap_or(0);
                                            let before = fs.iter().take_while(|f| names.iter().position(|n| *n == f.name).unwrap_or(0) < at).count();
                                            fs.insert(before, InfoField { name: name.to_string(), required: false });
                                        }
                                    }));
                                }/>
                            {format!("Show {text}")}
                        </label>
                        <label class="inline">
                            <input type="checkbox" disabled=move || field(name).is_none()
                                prop:checked=move || field(name).is_some_and(|f| f.required)
                                on:change=move |ev| {
                                    let v = event_target_checked(&ev);
                                    edit(Box::new(move |fs| if let Some(f) = fs.iter_mut().find(|f| f.name == name) { f.required = v }));
                                }/>
                            {format!("{text} required")}
                        </label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}
