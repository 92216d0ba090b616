//! The dashboard: one module per area.

mod builder;
mod contacts;
mod events_router;
mod layout;
mod settings;
mod survey_detail;
mod surveys;
mod tokens;
mod webhook_detail;
mod webhooks;

pub use builder::{EditSurveyPage, NewSurveyPage};
pub use contacts::ContactsPage;
pub use events_router::EventsRouterPage;
pub use layout::DashboardLayout;
pub use settings::SettingsPage;
pub use survey_detail::SurveyDetailPage;
pub use surveys::SurveysPage;
pub use tokens::TokensPage;
pub use webhook_detail::WebhookDetailPage;
pub use webhooks::WebhooksPage;
