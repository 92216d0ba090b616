//! The widget's props as JSON: the server writes them with serde; the
//! browser reads them here, by hand (from the `Value` the browser's own JSON
//! parser gave, see `json`). Why by hand: serde's derived decoders
//! for the survey (flattened options, internally tagged question types) were
//! about a fifth of the widget's wasm, and every visitor downloads it. The
//! tests below keep the two sides in step (what the server writes, this reads
//! back unchanged).

use super::WidgetProps;
use crate::domain::i18n::Messages;
use crate::domain::logic::{
    Action, Calculation, Condition, ConditionGroup, ConditionOp, Ending, LogicRule, Match, Variable, VariableKind, When,
};
use crate::domain::question_kind::EVERY_TYPE_BUILT;
use crate::domain::survey::{
    Choice, InfoField, MatrixRow, PublicSurvey, Question, QuestionKind, RatingStyle, SurveyStatus, ValidationRules,
};
use crate::domain::survey_options::{english, Appearance, SurveyOptions, Theme};
use crate::domain::survey_pages::Page;
use serde_json::{Map, Value};

type Object = Map<String, Value>;

/// Reads what the server embedded; `None` if anything is missing or of the
/// wrong type (then the page stays a plain form).
pub fn decode(json: &str) -> Option<WidgetProps> {
    let value = super::json::parse(json)?;
    let o = value.as_object()?;
    Some(WidgetProps {
        survey: survey(o.get("survey")?.as_object()?)?,
        hidden_fields: optional(o, "hiddenFields", |v| v.as_object().cloned())?.unwrap_or_default(),
        invalid: optional(o, "invalid", strings)?.unwrap_or_default(),
        embedded: flag(o, "embedded")?,
        parent_origin: optional(o, "parentOrigin", text)?,
        preview: flag(o, "preview")?,
        invitation: optional(o, "invitation", text)?,
        messages: messages(o.get("messages")?)?,
    })
}

/// The widget's texts. They are needed as long as the page lives, so they
/// are leaked once here rather than every component taking owned strings.
fn messages(v: &Value) -> Option<&'static Messages> {
    let o = v.as_object()?;
    let t = |key: &str| -> Option<&'static str> { Some(Box::leak(o.get(key)?.as_str()?.into())) };
    // Texts only the newer question types show: the classic bundle skips them.
    let newer = |key: &str| if EVERY_TYPE_BUILT { t(key) } else { Some("") };
    Some(Box::leak(Box::new(Messages {
        next: t("next")?,
        back: t("back")?,
        submit: t("submit")?,
        progress: t("progress")?,
        thank_you_title: t("thankYouTitle")?,
        thank_you_body: t("thankYouBody")?,
        closed: t("closed")?,
        not_found_title: t("notFoundTitle")?,
        not_found_body: t("notFoundBody")?,
        required: t("required")?,
        invalid: t("invalid")?,
        invalid_email: t("invalidEmail")?,
        other: t("other")?,
        other_placeholder: t("otherPlaceholder")?,
        nps_low: t("npsLow")?,
        nps_high: t("npsHigh")?,
        stars: t("stars")?,
        saving_failed: t("savingFailed")?,
        too_short: t("tooShort")?,
        too_long: t("tooLong")?,
        pattern_mismatch: t("patternMismatch")?,
        too_few_choices: t("tooFewChoices")?,
        too_many_choices: t("tooManyChoices")?,
        choose: newer("choose")?,
        rank_place: newer("rankPlace")?,
        first_name: newer("firstName")?,
        last_name: newer("lastName")?,
        email: newer("email")?,
        phone: newer("phone")?,
        company: newer("company")?,
        address_line1: newer("addressLine1")?,
        address_line2: newer("addressLine2")?,
        city: newer("city")?,
        region: newer("region")?,
        postal_code: newer("postalCode")?,
        country: newer("country")?,
    })))
}

fn survey(o: &Object) -> Option<PublicSurvey> {
    Some(PublicSurvey {
        id: required(o, "id", text)?,
        name: required(o, "name", text)?,
        status: required(o, "status", |v| SurveyStatus::parse(v.as_str()?))?,
        questions: required(o, "questions", |v| v.as_array()?.iter().map(question).collect())?,
        // Only what the widget shows: `for_visitor` leaves the rest out.
        options: SurveyOptions {
            default_language: optional(o, "defaultLanguage", text)?.unwrap_or_else(english),
            theme: optional(o, "theme", theme)?.unwrap_or_default(),
            hidden_fields: optional(o, "hiddenFields", strings)?.unwrap_or_default(),
            thank_you: optional(o, "thankYou", text)?,
            // Only surveys with logic load the every-type bundle (see `boot_script_url`).
            variables: newer(o, "variables", variable)?,
            endings: newer(o, "endings", ending)?,
            pages: newer(o, "pages", page)?,
            ..SurveyOptions::default()
        },
        language: optional(o, "language", text)?.unwrap_or_default(),
        organization_sites: Vec::new(),
    })
}

fn theme(v: &Value) -> Option<Theme> {
    let o = v.as_object()?;
    Some(Theme {
        brand_color: optional(o, "brandColor", text)?,
        logo_url: optional(o, "logoUrl", text)?,
        appearance: optional(o, "appearance", |v| Appearance::parse(v.as_str()?))?.unwrap_or_default(),
    })
}

fn question(v: &Value) -> Option<Question> {
    let o = v.as_object()?;
    Some(Question {
        id: required(o, "id", text)?,
        title: required(o, "title", text)?,
        description: optional(o, "description", text)?,
        required: flag(o, "required")?,
        kind: kind(o)?,
        show_if: optional(o, "showIf", when)?,
        logic: newer(o, "logic", rule)?,
        validation: optional(o, "validation", validation_rules)?.unwrap_or_default(),
        // The server sends the choices already in this visitor's order.
        shuffle: false,
    })
}

/// The question's `type` and the fields that type brings along.
fn kind(o: &Object) -> Option<QuestionKind> {
    Some(match o.get("type")?.as_str()? {
        "nps" => QuestionKind::Nps,
        "csat" => QuestionKind::Csat,
        "email" => QuestionKind::Email,
        "rating" => QuestionKind::Rating {
            scale: required(o, "scale", |v| u8::try_from(v.as_u64()?).ok())?,
            style: optional(o, "style", |v| RatingStyle::parse(v.as_str()?))?.unwrap_or_default(),
        },
        "single_choice" => QuestionKind::SingleChoice {
            choices: required(o, "choices", choices)?,
            allow_other: flag(o, "allowOther")?,
        },
        "multiple_choice" => QuestionKind::MultipleChoice {
            choices: required(o, "choices", choices)?,
            allow_other: flag(o, "allowOther")?,
        },
        "text" => QuestionKind::Text { multiline: flag(o, "multiline")? },
        // The classic bundle cannot show the newer types (the page never sends it them).
        name if EVERY_TYPE_BUILT => newer_kind(name, o)?,
        _ => return None,
    })
}

/// The ten types beyond the classic seven.
fn newer_kind(name: &str, o: &Object) -> Option<QuestionKind> {
    Some(match name {
        "dropdown" => {
            QuestionKind::Dropdown { choices: required(o, "choices", choices)?, allow_other: flag(o, "allowOther")? }
        }
        "ranking" => QuestionKind::Ranking {
            choices: required(o, "choices", choices)?,
            rank_count: optional(o, "rankCount", |v| u8::try_from(v.as_u64()?).ok())?,
        },
        "matrix" => QuestionKind::Matrix {
            rows: required(o, "rows", |v| {
                v.as_array()?
                    .iter()
                    .map(|r| {
                        let r = r.as_object()?;
                        Some(MatrixRow {
                            id: required(r, "id", text)?,
                            label: required(r, "label", text)?,
                            required: flag(r, "required")?,
                        })
                    })
                    .collect()
            })?,
            columns: required(o, "columns", choices)?,
        },
        "number" => QuestionKind::Number {
            min: optional(o, "min", Value::as_f64)?,
            max: optional(o, "max", Value::as_f64)?,
            step: optional(o, "step", Value::as_f64)?,
            unit: optional(o, "unit", text)?,
        },
        "date" => QuestionKind::Date { min: optional(o, "min", text)?, max: optional(o, "max", text)? },
        "consent" => QuestionKind::Consent { label: required(o, "label", text)? },
        "statement" => QuestionKind::Statement {
            button_label: optional(o, "buttonLabel", text)?,
            button_url: optional(o, "buttonUrl", text)?,
        },
        "picture_choice" => {
            QuestionKind::PictureChoice { choices: required(o, "choices", choices)?, multiple: flag(o, "multiple")? }
        }
        "contact_info" => QuestionKind::ContactInfo { fields: required(o, "fields", fields)? },
        "address" => QuestionKind::Address { fields: required(o, "fields", fields)? },
        _ => return None,
    })
}

fn validation_rules(v: &Value) -> Option<ValidationRules> {
    let o = v.as_object()?;
    let count = |key: &str| optional(o, key, |v| u32::try_from(v.as_u64()?).ok());
    Some(ValidationRules {
        min_length: count("minLength")?,
        max_length: count("maxLength")?,
        pattern: optional(o, "pattern", text)?,
        min_choices: count("minChoices")?,
        max_choices: count("maxChoices")?,
        message: optional(o, "message", text)?,
    })
}

fn choices(v: &Value) -> Option<Vec<Choice>> {
    v.as_array()?
        .iter()
        .map(|c| {
            let o = c.as_object()?;
            Some(Choice {
                id: required(o, "id", text)?,
                label: required(o, "label", text)?,
                image_url: optional(o, "imageUrl", text)?,
                anchored: false,
            })
        })
        .collect()
}

fn fields(v: &Value) -> Option<Vec<InfoField>> {
    v.as_array()?
        .iter()
        .map(|f| {
            let o = f.as_object()?;
            Some(InfoField { name: required(o, "name", text)?, required: flag(o, "required")? })
        })
        .collect()
}

fn when(v: &Value) -> Option<When> {
    let o = v.as_object()?;
    if EVERY_TYPE_BUILT && (o.contains_key("conditions") || o.contains_key("match")) {
        let join = match optional(o, "match", text)?.as_deref() {
            None | Some("all") => Match::All,
            Some("any") => Match::Any,
            Some(_) => return None,
        };
        let conditions = required(o, "conditions", |v| v.as_array()?.iter().map(when).collect())?;
        return Some(When::Group(ConditionGroup { join, conditions }));
    }
    let name = |key: &str| if EVERY_TYPE_BUILT { optional(o, key, text) } else { Some(None) };
    Some(When::One(Condition {
        question: optional(o, "question", text)?,
        row: name("row")?,
        choice: name("choice")?,
        hidden: name("hidden")?,
        metadata: name("metadata")?,
        variable: name("variable")?,
        op: required(o, "op", |v| ConditionOp::parse(v.as_str()?))?,
        value: o.get("value").filter(|v| !v.is_null()).cloned(),
    }))
}

/// A list only the every-type bundle reads; the classic one never sees it.
fn newer<T>(o: &Object, key: &str, read: fn(&Value) -> Option<T>) -> Option<Vec<T>> {
    if !EVERY_TYPE_BUILT {
        return Some(Vec::new());
    }
    optional(o, key, |v| v.as_array()?.iter().map(read).collect()).map(Option::unwrap_or_default)
}

fn rule(v: &Value) -> Option<LogicRule> {
    let o = v.as_object()?;
    Some(LogicRule {
        when: optional(o, "when", when)?,
        actions: required(o, "actions", |v| v.as_array()?.iter().map(action).collect())?,
    })
}

fn action(v: &Value) -> Option<Action> {
    let o = v.as_object()?;
    Some(match o.get("type")?.as_str()? {
        "jump" => Action::Jump {
            question: optional(o, "question", text)?,
            page: optional(o, "page", text)?,
            ending: optional(o, "ending", text)?,
        },
        "require" => Action::Require { question: required(o, "question", text)? },
        "calculate" => Action::Calculate {
            variable: required(o, "variable", text)?,
            operator: required(o, "operator", |v| Calculation::parse(v.as_str()?))?,
            value: o.get("value").filter(|v| !v.is_null()).cloned(),
            value_from: optional(o, "valueFrom", text)?,
        },
        _ => return None,
    })
}

fn variable(v: &Value) -> Option<Variable> {
    let o = v.as_object()?;
    let kind = |v: &Value| match v.as_str()? {
        "number" => Some(VariableKind::Number),
        "text" => Some(VariableKind::Text),
        _ => None,
    };
    Some(Variable {
        id: required(o, "id", text)?,
        kind: optional(o, "type", kind)?.unwrap_or_default(),
        initial: o.get("initial").filter(|v| !v.is_null()).cloned(),
    })
}

fn ending(v: &Value) -> Option<Ending> {
    let o = v.as_object()?;
    Some(Ending {
        id: required(o, "id", text)?,
        title: optional(o, "title", text)?,
        text: optional(o, "text", text)?,
        redirect_url: optional(o, "redirectUrl", text)?,
    })
}

/// A page's questions; whether it was shuffled is the server's business
/// (they arrive in this visitor's order).
fn page(v: &Value) -> Option<Page> {
    let o = v.as_object()?;
    Some(Page { id: required(o, "id", text)?, questions: required(o, "questions", strings)?, shuffle: false })
}

fn required<T>(o: &Object, key: &str, read: impl FnOnce(&Value) -> Option<T>) -> Option<T> {
    o.get(key).and_then(read)
}

/// Missing or null: `Some(None)`. Present but unreadable: `None`, so the
/// props as a whole are refused rather than silently half-read.
fn optional<T>(o: &Object, key: &str, read: impl FnOnce(&Value) -> Option<T>) -> Option<Option<T>> {
    match o.get(key) {
        None | Some(Value::Null) => Some(None),
        Some(v) => read(v).map(Some),
    }
}

/// A boolean that defaults to false.
fn flag(o: &Object, key: &str) -> Option<bool> {
    optional(o, key, Value::as_bool).map(Option::unwrap_or_default)
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array()?.iter().map(text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::embed::EmbedSettings;
    use crate::domain::survey_options::{EmailTemplate, Translation};
    use serde_json::json;

    fn question(value: Value) -> Question {
        serde_json::from_value(value).unwrap()
    }

    /// A survey that uses every question type, style, operator and option.
    fn everything() -> WidgetProps {
        let mut questions = vec![
            question(json!({"id": "q1", "type": "nps", "title": "Recommend?", "required": true,
                "description": "0 is not at all"})),
            question(json!({"id": "q2", "type": "csat", "title": "Happy?"})),
            question(json!({"id": "q3", "type": "rating", "title": "Stars", "scale": 7, "style": "stars"})),
            question(json!({"id": "q4", "type": "rating", "title": "Numbers", "scale": 3})),
            question(json!({"id": "q5", "type": "single_choice", "title": "One", "allowOther": true,
                "choices": [{"id": "a", "label": "A"}, {"id": "b", "label": "B <b>"}]})),
            question(json!({"id": "q6", "type": "multiple_choice", "title": "Many",
                "choices": [{"id": "x", "label": "X"}]})),
            question(json!({"id": "q7", "type": "text", "title": "Why?", "multiline": true})),
            question(json!({"id": "q8", "type": "text", "title": "Short"})),
            question(json!({"id": "q9", "type": "email", "title": "Mail"})),
            question(json!({"id": "n1", "type": "dropdown", "title": "Store", "allowOther": true,
                "choices": [{"id": "ath", "label": "Athens"}, {"id": "the", "label": "Thessaloniki"}]})),
            question(json!({"id": "n2", "type": "ranking", "title": "Order", "rankCount": 2,
                "choices": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}, {"id": "c", "label": "C"}]})),
            question(json!({"id": "n3", "type": "matrix", "title": "Rate", "required": true,
                "rows": [{"id": "speed", "label": "Speed", "required": true}, {"id": "price", "label": "Price"}],
                "columns": [{"id": "good", "label": "Good"}, {"id": "bad", "label": "Bad"}]})),
            question(
                json!({"id": "n4", "type": "number", "title": "Weight", "min": -1.5, "max": 10, "step": 0.5, "unit": "kg"}),
            ),
            question(json!({"id": "n5", "type": "number", "title": "Any number"})),
            question(json!({"id": "n6", "type": "date", "title": "When", "min": "2026-01-01", "max": "2026-12-31"})),
            question(json!({"id": "n7", "type": "consent", "title": "Terms", "label": "I accept", "required": true})),
            question(
                json!({"id": "n8", "type": "statement", "title": "News", "buttonLabel": "Read", "buttonUrl": "https://x.example"}),
            ),
            question(json!({"id": "n9", "type": "statement", "title": "Just text"})),
            question(json!({"id": "n10", "type": "picture_choice", "title": "Colour", "multiple": true,
                "choices": [{"id": "r", "label": "Red", "imageUrl": "https://x.example/r.png"}]})),
            question(json!({"id": "n11", "type": "contact_info", "title": "You"})),
            question(
                json!({"id": "n12", "type": "address", "title": "Where", "fields": [{"name": "city", "required": true}]}),
            ),
        ];
        for (i, op) in ConditionOp::ALL.into_iter().enumerate() {
            let value = [json!(6), json!(["a", "b"]), json!("a"), json!(2.5)][i % 4].clone();
            let mut q = question(json!({"id": format!("c{i}"), "type": "text", "title": "Conditional"}));
            q.show_if = Some(Condition::on_question("q1", op, Some(value)).into());
            questions.push(q);
        }
        let mut survey = PublicSurvey {
            id: "s1".into(),
            name: "After checkout".into(),
            status: SurveyStatus::Published,
            questions,
            options: SurveyOptions {
                default_language: "de".into(),
                translations: [("fr".to_string(), Translation { name: Some("Après".into()), ..Default::default() })]
                    .into(),
                theme: Theme {
                    brand_color: Some("#123456".into()),
                    logo_url: Some("https://example.com/l.png".into()),
                    appearance: Appearance::Dark,
                },
                hidden_fields: vec!["orderId".into()],
                thank_you: Some("Danke".into()),
                variables: Vec::new(),
                endings: Vec::new(),
                pages: vec![Page { id: "p1".into(), questions: vec!["q1".into(), "q2".into()], shuffle: false }],
                embed: EmbedSettings { allowed_origins: vec!["https://shop.example".into()], ..Default::default() },
                invitation_email: Some(EmailTemplate { subject: Some("Hi".into()), body: None }),
            },
            language: "de".into(),
            organization_sites: Vec::new(),
        };
        survey.questions[2].show_if = Some(Condition::on_question("q1", ConditionOp::Answered, None).into());
        survey.questions[4].show_if = Some(
            serde_json::from_value(json!({"match": "any", "conditions": [
                {"question": "n3", "row": "speed", "op": "eq", "value": "good"},
                {"match": "all", "conditions": [
                    {"question": "n2", "choice": "a", "op": "lte", "value": 2},
                    {"hidden": "orderId", "op": "answered"},
                    {"metadata": "store", "op": "eq", "value": "athens"},
                    {"variable": "score", "op": "gte", "value": 1.5}
                ]}
            ]}))
            .unwrap(),
        );
        survey.questions[0].logic = serde_json::from_value(json!([
            {"when": {"question": "q1", "op": "lte", "value": 6}, "actions": [
                {"type": "jump", "question": "q7"}, {"type": "require", "question": "q8"},
                {"type": "calculate", "variable": "score", "operator": "add", "value": 1},
                {"type": "calculate", "variable": "who", "operator": "assign", "valueFrom": "q1"}
            ]},
            {"actions": [{"type": "jump", "ending": "sad"}]}
        ]))
        .unwrap();
        survey.options.variables = serde_json::from_value(json!([
            {"id": "score", "type": "number", "initial": 0.5}, {"id": "who", "type": "text"}
        ]))
        .unwrap();
        survey.options.endings = serde_json::from_value(json!([
            {"id": "sad", "title": "Sorry", "text": "We will do better", "redirectUrl": "https://x.example/?s={{q1}}"},
            {"id": "plain", "text": "Bye"}
        ]))
        .unwrap();
        survey.questions[3].validation = ValidationRules {
            min_length: Some(2),
            max_length: Some(40),
            pattern: Some(r"[A-Z]{2}\d+".into()),
            min_choices: Some(1),
            max_choices: Some(3),
            message: Some("Zum Beispiel AB12".into()),
        };
        WidgetProps {
            survey,
            hidden_fields: json!({"orderId": "A-1", "n": 3}).as_object().cloned().unwrap(),
            invalid: vec!["q1".into(), "q4:pattern".into()],
            embedded: true,
            parent_origin: Some("https://shop.example".into()),
            preview: false,
            invitation: Some("token".into()),
            messages: crate::domain::i18n::messages("el"),
        }
    }

    #[test]
    fn what_the_server_writes_the_browser_reads_back_unchanged() {
        let props = everything().for_visitor();
        let written = serde_json::to_string(&props).unwrap();
        assert_eq!(decode(&written), Some(props));
    }

    #[test]
    fn a_draft_without_optional_fields_reads_back_unchanged() {
        let mut props = everything().for_visitor();
        props.survey.status = SurveyStatus::Draft;
        props.survey.options = SurveyOptions::default();
        props.hidden_fields.clear();
        props.invalid.clear();
        (props.embedded, props.preview, props.parent_origin, props.invitation) = (false, true, None, None);
        let written = serde_json::to_string(&props).unwrap();
        assert_eq!(decode(&written), Some(props));
    }

    #[test]
    fn the_visitor_gets_no_translations_embed_settings_or_email_template() {
        let props = everything().for_visitor();
        let written = serde_json::to_value(&props).unwrap();
        let survey = written["survey"].as_object().unwrap();
        assert_eq!(survey["translations"], json!({}));
        assert!(survey["embed"]["allowedOrigins"].as_array().unwrap().is_empty());
        assert!(!survey.contains_key("invitationEmail"));
        assert_eq!(props.survey.options.thank_you.as_deref(), Some("Danke"), "what the widget shows stays");
    }

    #[test]
    fn unreadable_props_are_refused_rather_than_half_read() {
        let mut written = serde_json::to_value(everything().for_visitor()).unwrap();
        written["survey"]["questions"][2]["scale"] = json!("seven");
        assert_eq!(decode(&written.to_string()), None);
        let mut written = serde_json::to_value(everything().for_visitor()).unwrap();
        written["survey"]["questions"][0]["type"] = json!("slider");
        assert_eq!(decode(&written.to_string()), None);
        let mut written = serde_json::to_value(everything().for_visitor()).unwrap();
        written["messages"].as_object_mut().unwrap().remove("next");
        assert_eq!(decode(&written.to_string()), None, "the widget's texts must all be there");
        assert_eq!(decode("not json"), None);
        assert_eq!(decode("[]"), None);
    }

    #[test]
    fn enum_names_match_serde() {
        for op in ConditionOp::ALL {
            assert_eq!(serde_json::to_value(op).unwrap(), json!(op.as_str()));
            assert_eq!(ConditionOp::parse(op.as_str()), Some(op));
        }
        for style in [RatingStyle::Numbers, RatingStyle::Stars] {
            assert_eq!(serde_json::to_value(style).unwrap(), json!(style.as_str()));
            assert_eq!(RatingStyle::parse(style.as_str()), Some(style));
        }
        for appearance in [Appearance::Auto, Appearance::Light, Appearance::Dark] {
            assert_eq!(serde_json::to_value(appearance).unwrap(), json!(appearance.as_str()));
            assert_eq!(Appearance::parse(appearance.as_str()), Some(appearance));
        }
        assert_eq!(ConditionOp::parse("lessThan"), None);
        for c in Calculation::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), json!(c.as_str()));
        }
        for (kind, name) in [(VariableKind::Number, "number"), (VariableKind::Text, "text")] {
            assert_eq!(serde_json::to_value(kind).unwrap(), json!(name));
        }
    }
}
