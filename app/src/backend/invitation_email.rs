//! The invitation email: Vox's standard words in the languages it ships,
//! or the survey's own template, filled in and rendered as plain text and
//! as HTML. Every value a customer or contact supplied is escaped in the
//! HTML part; the link and the unsubscribe link are always present.

use super::html::escape;
use crate::domain::survey_options::EmailTemplate;

/// The standard texts for one language.
struct Standard {
    subject: &'static str,
    greeting_named: &'static str,
    greeting: &'static str,
    body: &'static str,
    button: &'static str,
    unsubscribe: &'static str,
}

const EN: Standard = Standard {
    subject: "How did we do? {surveyName}",
    greeting_named: "Hello {firstName},",
    greeting: "Hello,",
    body: "{organizationName} would like to hear about your experience. It takes about a minute.",
    button: "Start the survey",
    unsubscribe: "Don't want these emails? Unsubscribe",
};
const EL: Standard = Standard {
    subject: "Πώς τα πήγαμε; {surveyName}",
    greeting_named: "Γεια σας {firstName},",
    greeting: "Γεια σας,",
    body: "Η εταιρεία {organizationName} θα ήθελε να μάθει για την εμπειρία σας. Χρειάζεται περίπου ένα λεπτό.",
    button: "Ξεκινήστε την έρευνα",
    unsubscribe: "Δεν θέλετε αυτά τα email; Διαγραφή",
};
const DE: Standard = Standard {
    subject: "Wie war es? {surveyName}",
    greeting_named: "Hallo {firstName},",
    greeting: "Hallo,",
    body: "{organizationName} möchte gern von Ihren Erfahrungen hören. Es dauert etwa eine Minute.",
    button: "Umfrage starten",
    unsubscribe: "Keine solchen E-Mails mehr? Abmelden",
};
const FR: Standard = Standard {
    subject: "Comment cela s'est-il passé ? {surveyName}",
    greeting_named: "Bonjour {firstName},",
    greeting: "Bonjour,",
    body: "{organizationName} aimerait connaître votre expérience. Cela prend environ une minute.",
    button: "Commencer l'enquête",
    unsubscribe: "Vous ne souhaitez plus recevoir ces e-mails ? Se désabonner",
};
const ES: Standard = Standard {
    subject: "¿Qué tal lo hicimos? {surveyName}",
    greeting_named: "Hola {firstName}:",
    greeting: "Hola:",
    body: "A {organizationName} le gustaría conocer su experiencia. Solo le llevará un minuto.",
    button: "Empezar la encuesta",
    unsubscribe: "¿No quiere recibir estos correos? Darse de baja",
};
const AR: Standard = Standard {
    subject: "كيف كانت تجربتك؟ {surveyName}",
    greeting_named: "مرحبًا {firstName}،",
    greeting: "مرحبًا،",
    body: "يود {organizationName} معرفة رأيك في تجربتك. يستغرق ذلك دقيقة تقريبًا.",
    button: "ابدأ الاستبيان",
    unsubscribe: "لا تريد هذه الرسائل؟ إلغاء الاشتراك",
};
const HE: Standard = Standard {
    subject: "איך היה? {surveyName}",
    greeting_named: "שלום {firstName},",
    greeting: "שלום,",
    body: "{organizationName} ישמחו לשמוע על החוויה שלך. זה לוקח בערך דקה.",
    button: "להתחלת הסקר",
    unsubscribe: "לא רוצה לקבל הודעות כאלה? הסרה מרשימת התפוצה",
};

fn standard(language: &str) -> &'static Standard {
    match crate::domain::contact::primary_language(language).as_str() {
        "el" => &EL,
        "de" => &DE,
        "fr" => &FR,
        "es" => &ES,
        "ar" => &AR,
        "he" => &HE,
        _ => &EN,
    }
}

/// What goes into one invitation.
pub struct Recipient<'a> {
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub survey_name: &'a str,
    pub organization_name: &'a str,
    pub language: &'a str,
    pub survey_link: &'a str,
    pub unsubscribe_link: &'a str,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RenderedEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Fills `{firstName}`-style placeholders; unknown ones stay as written.
fn fill(template: &str, recipient: &Recipient<'_>) -> String {
    template
        .replace("{firstName}", recipient.first_name.unwrap_or(""))
        .replace("{lastName}", recipient.last_name.unwrap_or(""))
        .replace("{surveyName}", recipient.survey_name)
        .replace("{organizationName}", recipient.organization_name)
}

pub fn render(template: &EmailTemplate, recipient: &Recipient<'_>) -> RenderedEmail {
    let words = standard(recipient.language);
    let subject = fill(template.subject.as_deref().unwrap_or(words.subject), recipient);
    // Header injection is impossible anyway (lettre encodes), but a subject is one line.
    let subject: String = subject.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let body = match &template.body {
        Some(own) => fill(own, recipient),
        None => {
            let greeting = if recipient.first_name.is_some_and(|n| !n.trim().is_empty()) {
                words.greeting_named
            } else {
                words.greeting
            };
            format!("{}\n\n{}", fill(greeting, recipient), fill(words.body, recipient))
        }
    };
    let text = format!(
        "{body}\n\n{}: {}\n\n--\n{}: {}\n",
        words.button, recipient.survey_link, words.unsubscribe, recipient.unsubscribe_link
    );
    let dir = if crate::domain::i18n::is_rtl(recipient.language) { "rtl" } else { "ltr" };
    let paragraphs: String = body
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", escape(p.trim()).replace('\n', "<br>")))
        .collect();
    let html = format!(
        "<!doctype html><html lang=\"{lang}\" dir=\"{dir}\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#1f2937\">{paragraphs}\
         <p><a href=\"{link}\" style=\"display:inline-block;padding:10px 18px;background:#0f766e;color:#fff;\
         text-decoration:none;border-radius:6px\">{button}</a></p>\
         <p style=\"font-size:12px;color:#6b7280\"><a href=\"{unsubscribe_link}\">{unsubscribe}</a></p></body></html>",
        lang = escape(recipient.language),
        title = escape(&subject),
        link = escape(recipient.survey_link),
        button = escape(words.button),
        unsubscribe_link = escape(recipient.unsubscribe_link),
        unsubscribe = escape(words.unsubscribe),
    );
    RenderedEmail { subject, text, html }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recipient<'a>(first_name: Option<&'a str>, language: &'a str) -> Recipient<'a> {
        Recipient {
            first_name,
            last_name: None,
            survey_name: "After your order",
            organization_name: "Acme <Shop>",
            language,
            survey_link: "https://vox.example/s/srv_1?i=inv_1.abc",
            unsubscribe_link: "https://vox.example/u/con_1.def",
        }
    }

    #[test]
    fn the_standard_text_greets_by_name_and_carries_both_links() {
        let email = render(&EmailTemplate::default(), &recipient(Some("Maria"), "en"));
        assert_eq!(email.subject, "How did we do? After your order");
        assert!(email.text.starts_with("Hello Maria,"));
        assert!(email.text.contains("https://vox.example/s/srv_1?i=inv_1.abc"));
        assert!(email.text.contains("https://vox.example/u/con_1.def"));
        assert!(email.html.contains("Acme &lt;Shop&gt;"), "{}", email.html);
        assert!(!email.html.contains("<Shop>"));
    }

    #[test]
    fn languages_and_own_templates() {
        let german = render(&EmailTemplate::default(), &recipient(None, "de_DE"));
        assert!(german.text.starts_with("Hallo,"));
        let hebrew = render(&EmailTemplate::default(), &recipient(None, "he"));
        assert!(hebrew.html.contains("dir=\"rtl\""));
        let own =
            EmailTemplate { subject: Some("Hi {firstName}\r\nBcc: x".into()), body: Some("<b>{firstName}</b>".into()) };
        let email = render(&own, &recipient(Some("Jo"), "en"));
        assert_eq!(email.subject, "Hi Jo  Bcc: x");
        assert!(email.html.contains("&lt;b&gt;Jo&lt;/b&gt;"));
        assert!(email.text.contains("Start the survey: https://vox.example/s/srv_1"));
    }
}
