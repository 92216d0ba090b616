//! Sending invitation emails: over SMTP (lettre) through the organisation's
//! own server or `VOX_SMTP_URL`, otherwise not at all: the outbox table then
//! is where they go, and the dashboard shows them. Either way the message is
//! recorded in the outbox.

use super::config::Config;
use super::invitation_email::RenderedEmail;
use crate::domain::smtp::SmtpSecurity;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// An organisation's mail server, already resolved through the SSRF guard:
/// the connection goes to `address`, the certificate must name `tls_name`.
#[derive(Clone, Debug)]
pub struct SmtpTarget {
    pub address: SocketAddr,
    pub tls_name: String,
    pub security: SmtpSecurity,
    pub credentials: Option<(String, String)>,
    pub from: Mailbox,
}

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
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url.0)
            .map_err(|e| format!("VOX_SMTP_URL is not usable: {e}"))?
            .timeout(Some(send_timeout(config)))
            .build();
        Ok(Mailer::Smtp { transport, from })
    }

    /// A transport to an organisation's own server.
    pub fn smtp(target: SmtpTarget, timeout: Duration) -> Result<Mailer, SendError> {
        let tls = |name: &str| {
            TlsParameters::new(name.to_string()).map_err(|e| SendError::Permanent(format!("TLS for {name}: {e}")))
        };
        let tls = match target.security {
            SmtpSecurity::Starttls => Tls::Required(tls(&target.tls_name)?),
            SmtpSecurity::Tls => Tls::Wrapper(tls(&target.tls_name)?),
            SmtpSecurity::None => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(target.address.ip().to_string())
            .port(target.address.port())
            .tls(tls)
            .timeout(Some(timeout));
        if let Some((user, password)) = target.credentials {
            builder = builder.credentials(Credentials::new(user, password));
        }
        Ok(Mailer::Smtp { transport: builder.build(), from: target.from })
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
        unsubscribe_link: Option<&str>,
    ) -> Result<(), SendError> {
        let Mailer::Smtp { transport, from } = self else { return Ok(()) };
        let to: Mailbox = to.parse().map_err(|e| SendError::Permanent(format!("recipient {to:?}: {e}")))?;
        let mut message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(email.subject.clone())
            .message_id(Some(message_id.to_string()));
        if let Some(link) = unsubscribe_link {
            message = message.header(ListUnsubscribe(format!("<{link}>"))).header(ListUnsubscribePost);
        }
        let message = message
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

/// A message must be done (sent or failed) well before our claim on it lapses.
fn send_timeout(config: &Config) -> Duration {
    Duration::from_secs((config.invitation_claim_secs / 2).clamp(1, 60))
}

/// Which mailer an organisation's messages use: its own server when it has
/// one (built once and kept while its settings and address stay the same,
/// so connections are reused; every replica compares the stored settings'
/// fingerprint at each message), else the server's default.
pub struct Mailers {
    server_default: Arc<Mailer>,
    timeout: Duration,
    built: Mutex<HashMap<String, BuiltMailer>>,
}

struct BuiltMailer {
    fingerprint: String,
    address: SocketAddr,
    mailer: Arc<Mailer>,
}

impl Mailers {
    pub fn from_config(config: &Config) -> Result<Mailers, String> {
        Ok(Mailers {
            server_default: Arc::new(Mailer::from_config(config)?),
            timeout: send_timeout(config),
            built: Mutex::new(HashMap::new()),
        })
    }

    /// The operator's own mail server (`VOX_SMTP_URL`, else the outbox): what
    /// account emails (invitations to join, password resets) always use, so an
    /// organisation's own server never sees a link meant for someone else.
    pub fn operator(&self) -> Arc<Mailer> {
        self.server_default.clone()
    }

    /// Whether an organisation without a server of its own sends through the
    /// operator's (`VOX_SMTP_URL`): what the sending quota protects.
    pub fn operator_sends(&self) -> bool {
        matches!(*self.server_default, Mailer::Smtp { .. })
    }

    /// The mailer for `org_id`, given its own server as the caller read it
    /// (`own_server`: the stored settings' fingerprint and where they lead).
    pub fn for_organization(
        &self,
        org_id: &str,
        own_server: Option<(String, SmtpTarget)>,
    ) -> Result<Arc<Mailer>, SendError> {
        let Some((fingerprint, target)) = own_server else {
            self.built.lock().unwrap_or_else(|e| e.into_inner()).remove(org_id);
            return Ok(self.server_default.clone());
        };
        let mut built = self.built.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(b) = built.get(org_id) {
            if b.fingerprint == fingerprint && b.address == target.address {
                return Ok(b.mailer.clone());
            }
        }
        let address = target.address;
        let mailer = Arc::new(Mailer::smtp(target, self.timeout)?);
        built.insert(org_id.to_string(), BuiltMailer { fingerprint, address, mailer: mailer.clone() });
        Ok(mailer)
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
