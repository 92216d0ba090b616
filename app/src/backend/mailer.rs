//! Sending invitation emails: over SMTP (lettre) when `VOX_SMTP_URL` is set,
//! otherwise not at all: the outbox table then is where they go, and the
//! dashboard shows them. Either way the message is recorded in the outbox.

use super::config::Config;
use super::invitation_email::RenderedEmail;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    /// No SMTP configured: messages are only kept in the outbox.
    Outbox,
}

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Mailer, String> {
        let Some(url) = &config.smtp_url else { return Ok(Mailer::Outbox) };
        let from: Mailbox = config
            .smtp_from
            .parse()
            .map_err(|e| format!("VOX_SMTP_FROM {:?} is not an address: {e}", config.smtp_from))?;
        // A message must be done (sent or failed) well before our claim on it lapses.
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url.0)
            .map_err(|e| format!("VOX_SMTP_URL is not usable: {e}"))?
            .timeout(Some(std::time::Duration::from_secs((config.invitation_claim_secs / 2).clamp(1, 60))))
            .build();
        Ok(Mailer::Smtp { transport, from })
    }

    /// `smtp` or `outbox`: how a message was handled, as recorded.
    pub fn transport_name(&self) -> &'static str {
        match self {
            Mailer::Smtp { .. } => "smtp",
            Mailer::Outbox => "outbox",
        }
    }

    /// Hands the message to the SMTP server (no-op for the outbox).
    /// `message_id` is stable per invitation, so a resend after a crash is
    /// recognisable as the same message.
    pub async fn send(
        &self,
        to: &str,
        email: &RenderedEmail,
        message_id: &str,
        unsubscribe_link: &str,
    ) -> Result<(), SendError> {
        let Mailer::Smtp { transport, from } = self else { return Ok(()) };
        let to: Mailbox = to.parse().map_err(|e| SendError::Permanent(format!("recipient {to:?}: {e}")))?;
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(email.subject.clone())
            .message_id(Some(message_id.to_string()))
            .header(ListUnsubscribe(format!("<{unsubscribe_link}>")))
            .header(ListUnsubscribePost)
            .multipart(MultiPart::alternative_plain_html(email.text.clone(), email.html.clone()))
            .map_err(|e| SendError::Permanent(format!("building the message: {e}")))?;
        transport.send(message).await.map(|_| ()).map_err(|e| {
            // 5xx: the server will never take this message; anything else may pass later.
            if e.is_permanent() {
                SendError::Permanent(format!("SMTP: {e}"))
            } else {
                SendError::Temporary(format!("SMTP: {e}"))
            }
        })
    }
}

#[derive(Debug)]
pub enum SendError {
    /// Worth retrying later (connection refused, timeouts, 4xx).
    Temporary(String),
    /// Never going to work (a refused recipient, 5xx).
    Permanent(String),
}

/// RFC 2369: where mail clients' "unsubscribe" button goes.
#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_string()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// RFC 8058: the unsubscribe link works with a single POST, no page to visit.
#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_string())
    }
}
