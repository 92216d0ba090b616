//! Recall: an earlier answer, a hidden field or a variable written into a
//! survey's texts, as `{{q1}}`, `{{hidden.source}}` or `{{var.score}}`, with a
//! fallback after a bar for when there is nothing to recall yet:
//! `Thanks, {{name|friend}}!`. The result is plain text, never markup (the
//! widget puts it in text nodes). One function renders for the widget as the
//! visitor answers, and for the server's first render of the page.
//!
//! ```
//! use app::domain::recall::{render, RecallSources};
//! use app::domain::survey::Question;
//! use serde_json::json;
//! let questions: Vec<Question> =
//!     serde_json::from_value(json!([{"id": "name", "type": "text", "title": "Your name"}])).unwrap();
//! let answers = json!({"name": "Ana"}).as_object().cloned().unwrap();
//! let sources = RecallSources { questions: &questions, answers: Some(&answers), ..RecallSources::default() };
//! assert_eq!(render("Thanks, {{name|friend}}!", &sources), "Thanks, Ana!");
//! assert_eq!(render("Thanks, {{name|friend}}!", &RecallSources::default()), "Thanks, friend!");
//! ```

use super::answers::Answers;
use super::error::Problems;
use super::survey::{other_key, Question, QuestionKind, OTHER_CHOICE};
use super::survey_options::SurveyOptions;
use serde_json::{Map, Value};

/// What a recall names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source<'a> {
    Answer(&'a str),
    Hidden(&'a str),
    Variable(&'a str),
}

/// A piece of a text with recalls: literal text, or a recall and its fallback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Recall { source: Source<'a>, fallback: &'a str },
}

/// Splits `text` into pieces. A `{{` without a closing `}}` is literal text;
/// so is `{{}}` with nothing named (the survey's checks refuse both).
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else { break };
        let inner = &rest[open + 2..open + 2 + close];
        let (name, fallback) = inner.split_once('|').unwrap_or((inner, ""));
        let name = name.trim();
        let source = if let Some(hidden) = name.strip_prefix("hidden.") {
            Source::Hidden(hidden)
        } else if let Some(variable) = name.strip_prefix("var.") {
            Source::Variable(variable)
        } else {
            Source::Answer(name)
        };
        if open > 0 {
            out.push(Piece::Text(&rest[..open]));
        }
        out.push(Piece::Recall { source, fallback: fallback.trim() });
        rest = &rest[open + 2 + close + 2..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// Renames the questions `text` recalls (`rename` gives the new id, or
/// `None` to keep it); an import that renumbers questions keeps its recalls.
pub fn rename_recalls(text: &mut String, rename: impl Fn(&str) -> Option<String>) {
    if !has_recall(text) {
        return;
    }
    let mut out = String::with_capacity(text.len());
    for piece in pieces(text) {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Recall { source, fallback } => {
                let name = match source {
                    Source::Answer(id) => rename(id).unwrap_or_else(|| id.to_string()),
                    Source::Hidden(name) => format!("hidden.{name}"),
                    Source::Variable(name) => format!("var.{name}"),
                };
                match fallback {
                    "" => out.push_str(&format!("{{{{{name}}}}}")),
                    _ => out.push_str(&format!("{{{{{name}|{fallback}}}}}")),
                }
            }
        }
    }
    *text = out;
}

/// Whether `text` recalls anything (most texts do not: they skip the work).
pub fn has_recall(text: &str) -> bool {
    text.contains("{{")
}

/// Where recalled values come from.
#[derive(Clone, Copy, Default)]
pub struct RecallSources<'a> {
    /// The questions, for choice labels (in the language shown).
    pub questions: &'a [Question],
    pub answers: Option<&'a Answers>,
    pub hidden_fields: Option<&'a Map<String, Value>>,
    pub variables: Option<&'a Map<String, Value>>,
}

/// `text` with every recall replaced by its value, or its fallback.
pub fn render(text: &str, sources: &RecallSources<'_>) -> String {
    render_at(text, sources, 0)
}

/// A redirect address with its recalls filled in, each value (or fallback)
/// percent-encoded so that it stays one query value: `?nps={{q1}}` gives
/// `?nps=9`, `?name={{name}}` gives `?name=Ana%20%26%20Bo`.
pub fn render_url(url: &str, sources: &RecallSources<'_>) -> String {
    let mut out = String::with_capacity(url.len());
    for piece in pieces(url) {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Recall { source, fallback } => {
                let value = recalled(source, sources, 0).filter(|v| !v.trim().is_empty());
                out.push_str(&super::url_component::encode(value.as_deref().unwrap_or(fallback)));
            }
        }
    }
    out
}

/// A recalled choice label may itself recall ("Salad for {{name}}"); labels
/// recall only earlier questions, so this ends, and the depth is a backstop.
/// What visitors typed is never read for recalls.
const MAX_DEPTH: u8 = 8;

fn render_at(text: &str, sources: &RecallSources<'_>, depth: u8) -> String {
    if !has_recall(text) || depth > MAX_DEPTH {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for piece in pieces(text) {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Recall { source, fallback } => {
                let value = recalled(source, sources, depth).filter(|v| !v.trim().is_empty());
                out.push_str(value.as_deref().unwrap_or(fallback));
            }
        }
    }
    out
}

fn recalled(source: Source<'_>, sources: &RecallSources<'_>, depth: u8) -> Option<String> {
    match source {
        Source::Answer(id) => {
            let answers = sources.answers?;
            let question = sources.questions.iter().find(|q| q.id == id)?;
            answer_text(question, answers.get(id)?, answers, |label| render_at(label, sources, depth + 1))
        }
        Source::Hidden(name) => plain(sources.hidden_fields?.get(name)?),
        Source::Variable(name) => plain(sources.variables?.get(name)?),
    }
}

fn plain(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        // By hand: serde_json's float printing is tables the widget need not carry.
        Value::Number(n) => {
            n.as_i64().map(|i| i.to_string()).or_else(|| n.as_f64().map(super::number_text::format_number))
        }
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// An answer as words: choice ids become their labels, lists and parts are
/// joined with commas.
fn answer_text(
    question: &Question,
    value: &Value,
    answers: &Answers,
    shown_label: impl Fn(&str) -> String,
) -> Option<String> {
    let options = match &question.kind {
        QuestionKind::Matrix { columns, .. } => columns.as_slice(),
        kind => kind.choices().unwrap_or_default(),
    };
    let label = |id: &str| -> String {
        if id == OTHER_CHOICE {
            if let Some(Value::String(words)) = answers.get(&other_key(&question.id)) {
                return words.clone();
            }
        }
        options.iter().find(|c| c.id == id).map_or_else(|| id.to_string(), |c| shown_label(&c.label))
    };
    let joined = |items: Vec<String>| {
        let items: Vec<String> = items.into_iter().filter(|s| !s.trim().is_empty()).collect();
        (!items.is_empty()).then(|| items.join(", "))
    };
    match (value, &question.kind) {
        (Value::Null | Value::Bool(_), _) => None,
        (Value::String(_), QuestionKind::Statement { .. }) => None,
        (Value::String(s), _) => Some(label(s)),
        (Value::Number(_), _) => plain(value),
        (Value::Array(items), _) => joined(items.iter().filter_map(Value::as_str).map(label).collect()),
        (Value::Object(parts), QuestionKind::Matrix { rows, .. }) => joined(
            rows.iter()
                .filter_map(|row| Some(format!("{}: {}", row.label, label(parts.get(&row.id)?.as_str()?))))
                .collect(),
        ),
        (Value::Object(parts), QuestionKind::ContactInfo { fields } | QuestionKind::Address { fields }) => {
            joined(fields.iter().filter_map(|f| parts.get(&f.name)?.as_str().map(str::to_string)).collect())
        }
        (Value::Object(_), _) => None,
    }
}

/// Checks the recalls in one text of a survey: an answer must be of a
/// question before `position` (the question the text belongs to; all of
/// them for texts shown after the last), a hidden field declared, and a
/// variable declared.
pub fn validate_text(
    problems: &mut Problems,
    field: &str,
    text: &str,
    questions: &[Question],
    position: usize,
    hidden_fields: &[String],
    variables: &[String],
) {
    if !has_recall(text) {
        return;
    }
    for piece in pieces(text) {
        let Piece::Recall { source, .. } = piece else { continue };
        let problem = match source {
            Source::Answer("") => {
                Some("{{}} names nothing: write {{questionId}}, {{hidden.name}} or {{var.name}}".to_string())
            }
            Source::Answer(id) => match questions.iter().position(|q| q.id == id) {
                Some(at) if at < position && !matches!(questions[at].kind, QuestionKind::Statement { .. }) => None,
                Some(at) if at < position => Some(format!("{{{{{id}}}}} recalls a statement, which has no answer")),
                Some(_) => Some(format!("{{{{{id}}}}} must recall an earlier question")),
                None => Some(format!("{{{{{id}}}}} recalls no question of this survey")),
            },
            Source::Hidden(name) if hidden_fields.iter().any(|h| h == name) => None,
            Source::Hidden(name) => {
                Some(format!("{{{{hidden.{name}}}}} recalls a hidden field the survey does not declare"))
            }
            Source::Variable(name) if variables.iter().any(|v| v == name) => None,
            Source::Variable(name) => {
                Some(format!("{{{{var.{name}}}}} recalls a variable the survey does not declare"))
            }
        };
        if let Some(message) = problem {
            problems.add(field.to_string(), message);
        }
    }
}

/// Checks every text of a survey that may recall: each question's title,
/// description and choice labels (recalling only questions before it), the
/// thank-you text (any question), and the same texts in every translation.
pub fn validate_survey(problems: &mut Problems, questions: &[Question], options: &SurveyOptions) {
    let hidden = &options.hidden_fields;
    let variables: Vec<String> = options.variables.iter().map(|v| v.id.clone()).collect();
    let variables = variables.as_slice();
    // A question recalls answers given before its step: on a page, before
    // the page (its own questions are answered on the same screen).
    let steps = super::survey_pages::Steps::of(questions, &options.pages);
    let mut check = |field: String, text: &str, position: usize| {
        validate_text(problems, &field, text, questions, position, hidden, variables)
    };
    for (i, q) in questions.iter().enumerate() {
        let before = steps.bounds(i).0;
        check(format!("questions[{i}].title"), &q.title, before);
        if let Some(description) = &q.description {
            check(format!("questions[{i}].description"), description, before);
        }
        for (j, choice) in q.kind.choices().unwrap_or_default().iter().enumerate() {
            check(format!("questions[{i}].choices[{j}].label"), &choice.label, before);
        }
    }
    if let Some(text) = &options.thank_you {
        check("thankYou".into(), text, questions.len());
    }
    for (i, ending) in options.endings.iter().enumerate() {
        for (name, text) in [("title", &ending.title), ("text", &ending.text), ("redirectUrl", &ending.redirect_url)] {
            if let Some(text) = text {
                check(format!("endings[{i}].{name}"), text, questions.len());
            }
        }
    }
    for (language, translation) in &options.translations {
        let at = format!("translations.{language}");
        if let Some(text) = &translation.thank_you {
            check(format!("{at}.thankYou"), text, questions.len());
        }
        for (id, texts) in &translation.endings {
            for (name, text) in [("title", &texts.title), ("text", &texts.text)] {
                if let Some(text) = text {
                    check(format!("{at}.endings.{id}.{name}"), text, questions.len());
                }
            }
        }
        for (id, texts) in &translation.questions {
            let Some(position) = questions.iter().position(|q| &q.id == id) else { continue };
            let position = steps.bounds(position).0;
            let q_at = format!("{at}.questions.{id}");
            for (name, text) in [("title", &texts.title), ("description", &texts.description)] {
                if let Some(text) = text {
                    check(format!("{q_at}.{name}"), text, position);
                }
            }
            for (choice, label) in &texts.choices {
                check(format!("{q_at}.choices.{choice}"), label, position);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::survey::Choice;
    use serde_json::json;

    fn question(id: &str, kind: QuestionKind) -> Question {
        Question {
            id: id.into(),
            title: id.into(),
            description: None,
            required: false,
            kind,
            show_if: None,
            logic: Vec::new(),
            validation: Default::default(),
            shuffle: false,
        }
    }

    fn survey() -> Vec<Question> {
        vec![
            question("name", QuestionKind::Text { multiline: false }),
            question(
                "dish",
                QuestionKind::MultipleChoice {
                    choices: vec![Choice::new("a", "Moussaka"), Choice::new("b", "Salad")],
                    allow_other: true,
                },
            ),
            question("score", QuestionKind::Nps),
            question("why", QuestionKind::Text { multiline: true }),
        ]
    }

    #[test]
    fn redirect_addresses_encode_what_they_recall() {
        let questions = survey();
        let answers = json!({"name": "Ana & Bo/?", "score": 9}).as_object().cloned().unwrap();
        let variables = json!({"total": 2.5}).as_object().cloned().unwrap();
        let sources = RecallSources {
            questions: &questions,
            answers: Some(&answers),
            variables: Some(&variables),
            ..Default::default()
        };
        assert_eq!(
            render_url("https://x.test/r?n={{name}}&s={{score}}&t={{var.total}}&h={{hidden.src|dé jà}}", &sources),
            "https://x.test/r?n=Ana%20%26%20Bo%2F%3F&s=9&t=2.5&h=d%C3%A9%20j%C3%A0"
        );
    }

    #[test]
    fn texts_split_into_literals_and_recalls() {
        assert_eq!(
            pieces("Hi {{ name | there }}, from {{hidden.source}}"),
            vec![
                Piece::Text("Hi "),
                Piece::Recall { source: Source::Answer("name"), fallback: "there" },
                Piece::Text(", from "),
                Piece::Recall { source: Source::Hidden("source"), fallback: "" },
            ]
        );
        assert_eq!(pieces("{{var.score}}"), vec![Piece::Recall { source: Source::Variable("score"), fallback: "" }]);
        assert_eq!(pieces("no {{ end"), vec![Piece::Text("no {{ end")]);
    }

    #[test]
    fn answers_are_recalled_as_words() {
        let questions = survey();
        let answers = json!({"name": "Ana", "dish": ["a", "other"], "dish.other": "Gyros", "score": 9});
        let answers = answers.as_object().unwrap();
        let hidden = json!({"source": "newsletter"});
        let sources = RecallSources {
            questions: &questions,
            answers: Some(answers),
            hidden_fields: hidden.as_object(),
            variables: None,
        };
        assert_eq!(
            render("{{name}} liked {{dish}} ({{score}}/10, via {{hidden.source}}); {{why|no reason}}", &sources),
            "Ana liked Moussaka, Gyros (9/10, via newsletter); no reason"
        );
    }

    #[test]
    fn recalled_labels_recall_too_but_typed_answers_never_do() {
        let mut questions = survey();
        if let QuestionKind::MultipleChoice { choices, .. } = &mut questions[1].kind {
            choices[1].label = "Salad for {{name|you}}".into();
        }
        let answers = json!({"name": "{{dish}}", "dish": ["b"]});
        let sources = RecallSources { questions: &questions, answers: answers.as_object(), ..Default::default() };
        assert_eq!(render("{{dish}}", &sources), "Salad for {{dish}}");
    }

    #[test]
    fn recalled_text_stays_text() {
        let questions = survey();
        let answers = json!({"name": "<b>Ana</b>"});
        let sources = RecallSources { questions: &questions, answers: answers.as_object(), ..Default::default() };
        // No escaping here: the widget writes text nodes, which never become markup.
        assert_eq!(render("Hi {{name}}", &sources), "Hi <b>Ana</b>");
    }

    #[test]
    fn only_earlier_questions_declared_fields_and_variables_may_be_recalled() {
        let questions = survey();
        let mut problems = Problems::default();
        let text = "{{name}} {{why}} {{nope}} {{hidden.source}} {{hidden.utm}} {{var.score}} {{}}";
        validate_text(&mut problems, "questions[3].title", text, &questions, 3, &["source".into()], &[]);
        let errors = match problems.into_result() {
            Err(crate::domain::AppError::Validation { errors }) => errors,
            other => panic!("{other:?}"),
        };
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "{{why}} must recall an earlier question",
                "{{nope}} recalls no question of this survey",
                "{{hidden.utm}} recalls a hidden field the survey does not declare",
                "{{var.score}} recalls a variable the survey does not declare",
                "{{}} names nothing: write {{questionId}}, {{hidden.name}} or {{var.name}}",
            ]
        );
        assert!(errors.iter().all(|e| e.field == "questions[3].title"));
    }

    #[test]
    fn on_a_page_only_questions_before_the_page_may_be_recalled() {
        let mut questions = survey();
        questions[3].title = "About {{name}}".into();
        let fields = |options: &SurveyOptions| {
            let mut problems = Problems::default();
            validate_survey(&mut problems, &questions, options);
            match problems.into_result() {
                Err(crate::domain::AppError::Validation { errors }) => errors.into_iter().map(|e| e.field).collect(),
                _ => Vec::new(),
            }
        };
        let name_at = questions.iter().position(|q| q.id == "name").unwrap();
        assert!(name_at < 3);
        assert_eq!(fields(&SurveyOptions::default()), Vec::<String>::new());
        // `name` and question 3 on one page: answered on the same screen.
        let page = crate::domain::survey_pages::Page {
            id: "p".into(),
            questions: questions[name_at..=3].iter().map(|q| q.id.clone()).collect(),
            shuffle: false,
        };
        let paged = SurveyOptions { pages: vec![page], ..Default::default() };
        assert_eq!(fields(&paged), ["questions[3].title"]);
    }
}
