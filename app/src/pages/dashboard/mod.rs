//! The dashboard: one module per area.

mod audit;
mod builder;
mod charts;
mod contacts;
mod data_settings;
mod events_router;
mod layout;
mod mail_settings;
mod members;
mod profile;
mod response_page;
mod security_settings;
mod settings;
mod site_settings;
mod survey_detail;
mod survey_invitations;
mod survey_overview;
mod survey_responses;
mod survey_versions;
mod surveys;
mod tokens;
mod webhook_detail;
mod webhooks;

pub use audit::AuditLogPage;
pub use builder::{EditSurveyPage, NewSurveyPage};
pub use contacts::ContactsPage;
pub use events_router::EventsRouterPage;
pub use layout::DashboardLayout;
pub use profile::ProfilePage;
pub use response_page::ResponsePage;
pub use settings::SettingsPage;
pub use survey_detail::SurveyDetailPage;
pub use surveys::SurveysPage;
pub use tokens::TokensPage;
pub use webhook_detail::WebhookDetailPage;
pub use webhooks::WebhooksPage;
