//! Questions answered through several labelled controls, or one list box: a
//! drop-down, a ranking's places, a matrix's rows, a contact or address
//! question's fields. Each control is native and named
//! `q.<questionId>[.<part>]` (see `answers::from_form`), so the form posts
//! without JavaScript and keyboards and screen readers know every control.

use super::question::shown_text;
use super::recalled::RecallScope;
use crate::domain::answers::{field_name, Answers};
use crate::domain::i18n::{fill, Messages};
use crate::domain::survey::{Question, QuestionKind, OTHER_CHOICE};
use leptos::either::EitherOf3;
use leptos::prelude::*;

/// Where a control's value sits in the question's answer.
#[derive(Clone)]
pub enum At {
    /// The answer itself (a drop-down).
    Whole,
    /// A key of the answer object (a matrix row, a contact field).
    Key(String),
    /// A ranking's place, from 1.
    Place(usize),
}

pub enum Control {
    /// (value, label); the first entry is the empty "Choose…".
    Select(Vec<(String, String)>),
    /// A matrix row's columns: (column id, label).
    Radios(Vec<(String, String)>),
    Input {
        input_type: &'static str,
        autocomplete: &'static str,
    },
}

pub struct PartRow {
    /// Shown beside the control; a drop-down has none (the title names it).
    label: Option<String>,
    name: String,
    at: At,
    required: bool,
    control: Control,
}

/// The controls of a question that has parts (see the module's comment).
pub fn rows(question: &Question, messages: &'static Messages) -> Vec<PartRow> {
    let name = field_name(&question.id);
    let choose = || (String::new(), messages.choose.to_string());
    let options = |with_other: bool| -> Vec<(String, String)> {
        let choices = question.kind.choices().unwrap_or_default().iter().map(|c| (c.id.clone(), c.label.clone()));
        let other = with_other.then(|| (OTHER_CHOICE.to_string(), messages.other.to_string()));
        std::iter::once(choose()).chain(choices).chain(other).collect()
    };
    match &question.kind {
        QuestionKind::Dropdown { allow_other, .. } => vec![PartRow {
            label: None,
            name,
            at: At::Whole,
            required: question.required,
            control: Control::Select(options(*allow_other)),
        }],
        QuestionKind::Ranking { .. } => (1..=question.kind.ranked_places())
            .map(|place| PartRow {
                label: Some(fill(messages.rank_place, &[("n", place)])),
                name: format!("{name}.{place}"),
                at: At::Place(place),
                required: question.required,
                control: Control::Select(options(false)),
            })
            .collect(),
        QuestionKind::Matrix { rows, columns } => rows
            .iter()
            .map(|row| PartRow {
                label: Some(row.label.clone()),
                name: format!("{name}.{}", row.id),
                at: At::Key(row.id.clone()),
                required: question.required || row.required,
                control: Control::Radios(columns.iter().map(|c| (c.id.clone(), c.label.clone())).collect()),
            })
            .collect(),
        QuestionKind::ContactInfo { fields } | QuestionKind::Address { fields } => fields
            .iter()
            .map(|field| {
                let (input_type, autocomplete) = input_of(&field.name);
                PartRow {
                    label: Some(messages.field_label(&field.name).to_string()),
                    name: format!("{name}.{}", field.name),
                    at: At::Key(field.name.clone()),
                    required: field.required,
                    control: Control::Input { input_type, autocomplete },
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The input type and the browser's autofill token of a contact or address field.
fn input_of(field: &str) -> (&'static str, &'static str) {
    match field {
        "firstName" => ("text", "given-name"),
        "lastName" => ("text", "family-name"),
        "email" => ("email", "email"),
        "phone" => ("tel", "tel"),
        "company" => ("text", "organization"),
        "line1" => ("text", "address-line1"),
        "line2" => ("text", "address-line2"),
        "city" => ("text", "address-level2"),
        "region" => ("text", "address-level1"),
        "postalCode" => ("text", "postal-code"),
        _ => ("text", "country-name"),
    }
}

fn part_value(answers: &Answers, question_id: &str, at: &At) -> String {
    let answer = answers.get(question_id);
    shown_text(match at {
        At::Whole => answer,
        At::Key(key) => answer.and_then(|a| a.get(key.as_str())),
        At::Place(place) => answer.and_then(|a| a.get(place - 1)),
    })
}

#[component]
pub fn Parts(
    rows: Vec<PartRow>,
    question_id: String,
    title_id: String,
    answers: RwSignal<Answers>,
    /// Fills in recalls in a drop-down's or a ranking's choice labels.
    recall: RecallScope,
) -> impl IntoView {
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| {
            let label_id = format!("{question_id}-part-{i}");
            let current = {
                let (question_id, at) = (question_id.clone(), row.at.clone());
                move || answers.with(|a| part_value(a, &question_id, &at))
            };
            // Named by the question's title and, where there is one, the row's label.
            let labelled_by =
                if row.label.is_some() { format!("{title_id} {label_id}") } else { title_id.clone() };
            let (name, required) = (row.name, row.required);
            let control = match row.control {
                Control::Select(options) => EitherOf3::A(view! {
                    <select name=name required=required aria-labelledby=labelled_by prop:value=current>
                        {options.into_iter().map(|(value, label)| view! { <option value=value>{recall.text(label)}</option> }).collect_view()}
                    </select>
                }),
                Control::Radios(columns) => EitherOf3::B(view! {
                    <div class="vox-matrix-options" role="radiogroup" aria-labelledby=labelled_by>
                        {columns.into_iter().map(|(value, label)| {
                            let current = current.clone();
                            let chosen = value.clone();
                            view! {
                                <label class="vox-matrix-option">
                                    <input type="radio" name=name.clone() value=value required=required
                                        prop:checked=move || current() == chosen/>
                                    <span>{label}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                }),
                Control::Input { input_type, autocomplete } => EitherOf3::C(view! {
                    <input type=input_type name=name autocomplete=autocomplete maxlength="500" required=required
                        aria-labelledby=labelled_by prop:value=current/>
                }),
            };
            view! {
                <div class="vox-part">
                    {row.label.map(|label| view! { <span class="vox-part-label" id=label_id>{label}</span> })}
                    {control}
                </div>
            }
        })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_control_reads_its_part_of_the_answer() {
        let answers = json!({"m": {"speed": "good"}, "r": ["c", "a"], "d": "x", "n": 5}).as_object().cloned().unwrap();
        assert_eq!(part_value(&answers, "m", &At::Key("speed".into())), "good");
        assert_eq!(part_value(&answers, "m", &At::Key("price".into())), "");
        assert_eq!(part_value(&answers, "r", &At::Place(2)), "a");
        assert_eq!(part_value(&answers, "r", &At::Place(3)), "");
        assert_eq!(part_value(&answers, "d", &At::Whole), "x");
        assert_eq!(part_value(&answers, "n", &At::Whole), "5");
    }
}
