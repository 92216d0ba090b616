//! What every request handler, server function and worker shares.

use super::auth::jwt::JwtCodec;
use super::auth::token_registry::TokenRegistry;
use super::config::Config;
use super::db::Db;
use super::net_guard::NetGuard;
use super::rate_limit::RateLimiter;
use super::response_token::ResponseTokens;
use super::secret_box::SecretBox;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Cheap to clone (one reference count): axum clones the state for every
/// middleware layer of every request.
#[derive(Clone)]
pub struct AppState(Arc<SharedState>);

impl AppState {
    pub fn new(shared: SharedState) -> Self {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = SharedState;
    fn deref(&self) -> &SharedState {
        &self.0
    }
}

pub struct SharedState {
    pub db: Db,
    /// Shares one transaction (and one disk sync) among concurrent hot writes.
    pub writes: super::group_commit::GroupCommit,
    pub config: Arc<Config>,
    pub leptos_options: LeptosOptions,
    /// Signs and verifies API tokens.
    pub jwt: Arc<JwtCodec>,
    /// Which API tokens are live, refreshed from the database in the background.
    pub tokens: Arc<TokenRegistry>,
    /// Requests per minute per API token.
    pub token_limits: Arc<RateLimiter<String>>,
    /// Seals webhook secrets at rest.
    pub secrets: Arc<SecretBox>,
    /// The SSRF guard for webhook receivers.
    pub net_guard: Arc<NetGuard>,
    /// Issues and checks respondents' `responseToken`s.
    pub response_tokens: Arc<ResponseTokens>,
    /// Hashes the values of anonymized metadata keys.
    pub metadata_hasher: Arc<super::keys::MetadataHasher>,
    /// Wakes this replica's delivery worker when deliveries were queued.
    pub webhook_wakeup: Arc<tokio::sync::Notify>,
    /// Wakes this replica's invitation scheduler (new events, distributions).
    pub invitation_wakeup: Arc<tokio::sync::Notify>,
    /// Signs the personal survey links in invitations (`?i=…`).
    pub invitation_links: Arc<super::link_tokens::LinkTokens>,
    /// Signs the unsubscribe links in invitations.
    pub unsubscribe_links: Arc<super::link_tokens::LinkTokens>,
    /// Each organisation's mail server, the server's SMTP, or the outbox.
    pub mailers: Arc<super::mailer::Mailers>,
    /// Recognises browsers that signed in to an account before (the throttle waives them).
    pub device_trust: Arc<super::auth::device::DeviceTrust>,
    /// Signs the ticket between the password and the second-factor step of signing in.
    pub sign_in_tickets: Arc<super::link_tokens::LinkTokens>,
    /// Signs the links that confirm a person's own email address.
    pub email_confirmation_links: Arc<super::link_tokens::LinkTokens>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
