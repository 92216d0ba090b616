//! Emails about a person's own account: an invitation to join an
//! organisation and a password-reset link. Each carries a secret link, so
//! they go only through the operator's mail server (`VOX_SMTP_URL`), never
//! through an organisation's own one (whose operator could read them), and
//! never into the dashboard's outbox (which other members can read).
//!
//! An instance without a mail server cannot prove anyone's address: the
//! message (with its link) is then written to the server's log at WARN
//! level, where only the operator can read it and pass it on.

use crate::backend::html::escape;
use crate::backend::invitation_email::RenderedEmail;
use crate::backend::mailer::{Mailer, SendError};
use crate::backend::AppState;
use crate::domain::AppError;

/// How an account email left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Handed to the mail server.
    Sent,
    /// No mail server: written to the server log for the operator.
    Logged,
}

pub struct AccountEmail {
    pub subject: String,
    /// Paragraphs of plain text; the link follows them as a button.
    pub paragraphs: Vec<String>,
    pub button: String,
    pub link: String,
    /// A closing line in small print.
    pub footer: String,
}

impl AccountEmail {
    fn render(&self) -> RenderedEmail {
        let mut text = self.paragraphs.join("\n\n");
        text.push_str(&format!("\n\n{}: {}\n\n{}\n", self.button, self.link, self.footer));
        let paragraphs: String = self.paragraphs.iter().map(|p| format!("<p>{}</p>", escape(p))).collect();
        let html = format!(
            "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#1f2937\">\
             {paragraphs}<p><a href=\"{link}\" style=\"display:inline-block;padding:.6rem 1.2rem;background:#0f766e;\
             color:#fff;border-radius:6px;text-decoration:none\">{button}</a></p>\
             <p style=\"font-size:.85rem;color:#6b7280\">{footer}</p></body></html>",
            link = escape(&self.link),
            button = escape(&self.button),
            footer = escape(&self.footer),
        );
        RenderedEmail { subject: self.subject.clone(), text, html }
    }
}

/// Sends `email` to `to` through the operator's mail server, or logs it.
pub async fn send(state: &AppState, to: &str, email: &AccountEmail) -> Result<Delivery, AppError> {
    let mailer = state.mailers.operator();
    let rendered = email.render();
    match mailer.as_ref() {
        Mailer::Outbox => {
            tracing::warn!(
                to,
                subject = %rendered.subject,
                link = %email.link,
                "no mail server (VOX_SMTP_URL is unset): this account email was not sent; pass the link on to its recipient"
            );
            Ok(Delivery::Logged)
        }
        Mailer::Smtp { .. } => {
            let host = state.config.public_url.host_str().unwrap_or("vox.invalid").to_string();
            let message_id = format!("<account-{:032x}@{host}>", rand::random::<u128>());
            mailer.send(to, &rendered, &message_id, None).await.map(|_| Delivery::Sent).map_err(|e| {
                let (SendError::Temporary(why) | SendError::Permanent(why)) = e;
                tracing::warn!(to, error = %why, "an account email could not be sent");
                AppError::Conflict {
                    code: "mail_not_sent".into(),
                    message: format!("the email could not be sent ({why}); try again later"),
                }
            })
        }
    }
}
