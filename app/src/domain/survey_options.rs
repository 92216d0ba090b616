//! What a survey carries besides its questions: languages and translations,
//! the widget's theme, declared hidden fields and a thank-you message.
//! Flattened into the survey's JSON (`defaultLanguage`, `translations`, …).

use super::embed::EmbedSettings;
use super::error::Problems;
use super::i18n;
use super::survey::{check_text, Question, MAX_NAME_LEN, MAX_TITLE_LEN};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const MAX_TRANSLATIONS: usize = 30;
pub const MAX_HIDDEN_FIELDS: usize = 20;
pub const MAX_LOGO_URL: usize = 2_000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"defaultLanguage": "en", "translations": {"el": {"name": "Μετά την αγορά", "questions": {"q1": {"title": "Πόσο πιθανό είναι να μας προτείνετε;"}}}}, "theme": {"brandColor": "#0f766e", "appearance": "auto"}, "hiddenFields": ["source"], "thankYou": "Thanks, that helps a lot."})))]
#[serde(rename_all = "camelCase")]
pub struct SurveyOptions {
    /// The language the survey is written in (BCP 47, e.g. `en`).
    #[serde(default = "english")]
    pub default_language: String,
    /// More languages: language tag → translated texts. Untranslated texts
    /// fall back to the default language.
    #[serde(default)]
    pub translations: BTreeMap<String, Translation>,
    #[serde(default)]
    pub theme: Theme,
    /// Names of values the page address (`?source=…`) or the embed may fill
    /// in; they are stored on the response as `hiddenFields`.
    #[serde(default)]
    pub hidden_fields: Vec<String>,
    /// Shown after the last answer instead of the standard thank-you text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thank_you: Option<String>,
    /// Values the logic calculates (scores, segments); stored on responses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<super::logic::Variable>,
    /// Endings logic can jump to, besides the standard thank-you.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endings: Vec<super::logic::Ending>,
    /// Questions shown together, a page at a time; questions on no page are
    /// a step each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<super::survey_pages::Page>,
    /// Where and when the survey shows on customers' sites.
    #[serde(default)]
    pub embed: EmbedSettings,
    /// The invitation email in the default language; Vox's standard text when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation_email: Option<EmailTemplate>,
}

/// An invitation email's own words. `{firstName}`, `{lastName}`,
/// `{surveyName}` and `{organizationName}` are filled in; the survey link and
/// an unsubscribe link are always added by Vox.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EmailTemplate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Plain text; paragraphs separated by blank lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

pub const MAX_EMAIL_SUBJECT: usize = 200;
pub const MAX_EMAIL_BODY: usize = 5_000;

impl EmailTemplate {
    fn validate(&self, problems: &mut Problems, at: &str) {
        if let Some(subject) = &self.subject {
            if subject.contains(['\r', '\n']) {
                problems.add(format!("{at}.subject"), "one line");
            } else {
                check_text(problems, format!("{at}.subject"), subject, MAX_EMAIL_SUBJECT);
            }
        }
        if let Some(body) = &self.body {
            check_text(problems, format!("{at}.body"), body, MAX_EMAIL_BODY);
        }
    }
}

pub(crate) fn english() -> String {
    "en".into()
}

impl Default for SurveyOptions {
    fn default() -> Self {
        SurveyOptions {
            default_language: english(),
            translations: BTreeMap::new(),
            theme: Theme::default(),
            hidden_fields: Vec::new(),
            thank_you: None,
            variables: Vec::new(),
            endings: Vec::new(),
            pages: Vec::new(),
            embed: EmbedSettings::default(),
            invitation_email: None,
        }
    }
}

/// A survey's texts in one more language; anything left out falls back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Translation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thank_you: Option<String>,
    /// Question id → its texts.
    #[serde(default)]
    pub questions: BTreeMap<String, QuestionTranslation>,
    /// Ending id → its texts.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub endings: BTreeMap<String, EndingTranslation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation_email: Option<EmailTemplate>,
}

/// An ending's heading and text in another language (its redirect stays).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EndingTranslation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct QuestionTranslation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Choice (or matrix column) id → label.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub choices: BTreeMap<String, String>,
    /// Matrix row id → label.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rows: BTreeMap<String, String>,
    /// A consent question's text, or a statement's button label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// A number question's unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The question's own message for a broken validation rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_message: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Appearance {
    /// Follows the visitor's system setting.
    #[default]
    Auto,
    Light,
    Dark,
}

impl Appearance {
    pub fn as_str(self) -> &'static str {
        match self {
            Appearance::Auto => "auto",
            Appearance::Light => "light",
            Appearance::Dark => "dark",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [Appearance::Auto, Appearance::Light, Appearance::Dark].into_iter().find(|a| a.as_str() == name)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Theme {
    /// `#rgb` or `#rrggbb`: buttons, selection and progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_color: Option<String>,
    /// An `https://` (or `http://`) image shown above the survey.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    #[serde(default)]
    pub appearance: Appearance,
}

pub fn is_hex_color(value: &str) -> bool {
    value.strip_prefix('#').is_some_and(|hex| matches!(hex.len(), 3 | 6) && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// An absolute http(s) address with nothing that could break out of an attribute.
pub fn is_image_url(value: &str) -> bool {
    (value.starts_with("https://") || value.starts_with("http://"))
        && value.len() > "https://".len()
        && value.len() <= MAX_LOGO_URL
        && !value.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\'))
}

fn is_field_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl SurveyOptions {
    /// Every language the survey can be shown in, the default first.
    pub fn languages(&self) -> Vec<String> {
        std::iter::once(self.default_language.clone()).chain(self.translations.keys().cloned()).collect()
    }

    pub fn validate(&self, problems: &mut Problems, questions: &[Question]) {
        super::survey_pages::validate(problems, questions, &self.pages);
        if !i18n::is_valid_tag(&self.default_language) {
            problems.add("defaultLanguage", "must be a language tag such as 'en' or 'pt-BR'");
        }
        if self.translations.len() > MAX_TRANSLATIONS {
            problems.add("translations", format!("at most {MAX_TRANSLATIONS} languages"));
        }
        for (language, translation) in self.translations.iter().take(MAX_TRANSLATIONS) {
            let at = |f: &str| format!("translations.{language}{f}");
            if !i18n::is_valid_tag(language) {
                problems.add(at(""), "must be a language tag such as 'el' or 'pt-BR'");
                continue;
            }
            if *language == self.default_language {
                problems.add(at(""), "is the default language; edit the survey itself instead");
            }
            if let Some(name) = &translation.name {
                check_text(problems, at(".name"), name, MAX_NAME_LEN);
            }
            if let Some(text) = &translation.thank_you {
                check_text(problems, at(".thankYou"), text, MAX_TITLE_LEN);
            }
            if let Some(email) = &translation.invitation_email {
                email.validate(problems, &at(".invitationEmail"));
            }
            for (id, texts) in &translation.endings {
                let e_at = |f: &str| at(&format!(".endings.{id}{f}"));
                let Some(ending) = self.endings.iter().find(|e| e.id == *id) else {
                    problems.add(e_at(""), "no such ending in this survey");
                    continue;
                };
                match (&texts.title, &ending.title) {
                    (Some(title), Some(_)) => check_text(problems, e_at(".title"), title, MAX_TITLE_LEN),
                    (Some(_), None) => problems.add(e_at(".title"), "this ending has no title to translate"),
                    _ => {}
                }
                match (&texts.text, &ending.text) {
                    (Some(text), Some(_)) => {
                        check_text(problems, e_at(".text"), text, super::logic::checks::MAX_ENDING_TEXT)
                    }
                    (Some(_), None) => problems.add(e_at(".text"), "this ending has no text to translate"),
                    _ => {}
                }
            }
            for (id, texts) in &translation.questions {
                let Some(question) = questions.iter().find(|q| &q.id == id) else {
                    problems.add(at(&format!(".questions.{id}")), "no such question in this survey");
                    continue;
                };
                let q_at = |f: &str| at(&format!(".questions.{id}.{f}"));
                if let Some(title) = &texts.title {
                    check_text(problems, q_at("title"), title, MAX_TITLE_LEN);
                }
                if let Some(description) = &texts.description {
                    check_text(problems, q_at("description"), description, MAX_TITLE_LEN);
                }
                let mut kind = question.kind.clone();
                let choices = kind.choices_mut().map(|c| c.as_slice()).unwrap_or_default();
                for (choice, label) in &texts.choices {
                    if choices.iter().any(|c| &c.id == choice) {
                        check_text(problems, q_at(&format!("choices.{choice}")), label, MAX_TITLE_LEN);
                    } else {
                        problems.add(q_at(&format!("choices.{choice}")), "no such choice in this question");
                    }
                }
                use super::survey::QuestionKind;
                let rows = match &question.kind {
                    QuestionKind::Matrix { rows, .. } => rows.as_slice(),
                    _ => &[],
                };
                for (row, label) in &texts.rows {
                    if rows.iter().any(|r| &r.id == row) {
                        check_text(problems, q_at(&format!("rows.{row}")), label, MAX_TITLE_LEN);
                    } else {
                        problems.add(q_at(&format!("rows.{row}")), "no such row in this question");
                    }
                }
                let (has_label, has_unit) = match &question.kind {
                    QuestionKind::Consent { .. } => (true, false),
                    QuestionKind::Statement { button_label, .. } => (button_label.is_some(), false),
                    QuestionKind::Number { unit, .. } => (false, unit.is_some()),
                    _ => (false, false),
                };
                match (&texts.label, has_label) {
                    (Some(label), true) => check_text(problems, q_at("label"), label, MAX_TITLE_LEN),
                    (Some(_), false) => problems.add(q_at("label"), "this question has no label to translate"),
                    _ => {}
                }
                match (&texts.validation_message, question.validation.message.is_some()) {
                    (Some(text), true) => {
                        check_text(problems, q_at("validationMessage"), text, super::validation_rules::MAX_RULE_MESSAGE)
                    }
                    (Some(_), false) => {
                        problems.add(q_at("validationMessage"), "this question has no validation message to translate")
                    }
                    _ => {}
                }
                match (&texts.unit, has_unit) {
                    (Some(unit), true) => check_text(problems, q_at("unit"), unit, 20),
                    (Some(_), false) => problems.add(q_at("unit"), "this question has no unit to translate"),
                    _ => {}
                }
            }
        }
        if let Some(color) = &self.theme.brand_color {
            if !is_hex_color(color) {
                problems.add("theme.brandColor", "must be a colour like #0f766e");
            }
        }
        if let Some(url) = &self.theme.logo_url {
            if !is_image_url(url) {
                problems
                    .add("theme.logoUrl", format!("must be an http(s) address of at most {MAX_LOGO_URL} characters"));
            }
        }
        if self.hidden_fields.len() > MAX_HIDDEN_FIELDS {
            problems.add("hiddenFields", format!("at most {MAX_HIDDEN_FIELDS} hidden fields"));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, name) in self.hidden_fields.iter().enumerate() {
            if !is_field_name(name) {
                problems.add(format!("hiddenFields[{i}]"), "1–64 letters, digits, '-' or '_'");
            } else if name == "seed" {
                // The embed loader's shuffle seed travels as `?seed=`.
                problems.add(format!("hiddenFields[{i}]"), "'seed' is a name the survey page uses itself");
            } else if !seen.insert(name) {
                problems.add(format!("hiddenFields[{i}]"), "duplicate hidden field");
            }
        }
        if let Some(text) = &self.thank_you {
            check_text(problems, "thankYou".into(), text, MAX_TITLE_LEN);
        }
        self.embed.validate(problems);
        if let Some(email) = &self.invitation_email {
            email.validate(problems, "invitationEmail");
        }
    }

    /// The invitation email template for `language`, falling back to the default language's.
    pub fn invitation_email_for(&self, language: &str) -> EmailTemplate {
        let base = self.invitation_email.clone().unwrap_or_default();
        match self.translations.get(language).and_then(|t| t.invitation_email.as_ref()) {
            Some(own) => {
                EmailTemplate { subject: own.subject.clone().or(base.subject), body: own.body.clone().or(base.body) }
            }
            None if language == self.default_language => base,
            // Another language without its own text: Vox's standard text in that language reads better than ours in the default one.
            None => EmailTemplate::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::survey::QuestionKind;
    use serde_json::json;

    fn question() -> Question {
        serde_json::from_value(json!({"id": "q1", "type": "single_choice", "title": "Pick",
            "choices": [{"id": "a", "label": "A"}]}))
        .unwrap()
    }

    #[test]
    fn defaults_are_english_and_automatic() {
        let options: SurveyOptions = serde_json::from_str("{}").unwrap();
        assert_eq!(options.default_language, "en");
        assert_eq!(options.theme.appearance, Appearance::Auto);
        assert_eq!(options.languages(), vec!["en".to_string()]);
    }

    #[test]
    fn every_bad_field_is_named() {
        let options: SurveyOptions = serde_json::from_value(json!({
            "defaultLanguage": "English",
            "translations": {"el": {"questions": {"q9": {"title": "x"}, "q1": {"choices": {"zz": "x"}}}}, "en_US": {}},
            "theme": {"brandColor": "red", "logoUrl": "javascript:alert(1)"},
            "hiddenFields": ["source", "source", "bad name"],
            "thankYou": " "
        }))
        .unwrap();
        let mut problems = Problems::default();
        options.validate(&mut problems, &[question()]);
        let err = problems.into_result().unwrap_err();
        for field in [
            "defaultLanguage",
            "translations.el.questions.q9",
            "translations.el.questions.q1.choices.zz",
            "translations.en_US",
            "theme.brandColor",
            "theme.logoUrl",
            "hiddenFields[1]",
            "hiddenFields[2]",
            "thankYou",
        ] {
            assert!(err.message_for(field).is_some(), "expected an error for {field}: {err:?}");
        }
    }

    #[test]
    fn a_good_definition_passes() {
        let options: SurveyOptions = serde_json::from_value(json!({
            "translations": {"el": {"name": "Έρευνα", "questions": {"q1": {"title": "Διαλέξτε", "choices": {"a": "Α"}}}}},
            "theme": {"brandColor": "#0f766e", "logoUrl": "https://example.com/logo.png", "appearance": "dark"},
            "hiddenFields": ["source"]
        }))
        .unwrap();
        let mut problems = Problems::default();
        options.validate(&mut problems, &[question()]);
        assert!(problems.into_result().is_ok());
        assert!(matches!(question().kind, QuestionKind::SingleChoice { .. }));
    }
}
