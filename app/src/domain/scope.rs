//! What an API token may do. The names are part of the public API. A `:write`
//! scope does not imply the matching `:read`.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Scope {
    #[serde(rename = "surveys:read")]
    SurveysRead,
    #[serde(rename = "surveys:write")]
    SurveysWrite,
    #[serde(rename = "responses:read")]
    ResponsesRead,
    #[serde(rename = "responses:write")]
    ResponsesWrite,
    #[serde(rename = "webhooks:read")]
    WebhooksRead,
    #[serde(rename = "webhooks:write")]
    WebhooksWrite,
    #[serde(rename = "events:read")]
    EventsRead,
    #[serde(rename = "events:write")]
    EventsWrite,
    #[serde(rename = "contacts:read")]
    ContactsRead,
    #[serde(rename = "contacts:write")]
    ContactsWrite,
    #[serde(rename = "distributions:write")]
    DistributionsWrite,
    #[serde(rename = "audit:read")]
    AuditRead,
    #[serde(rename = "cases:read")]
    CasesRead,
    #[serde(rename = "cases:write")]
    CasesWrite,
}

impl Scope {
    pub const ALL: [Scope; 14] = [
        Scope::SurveysRead,
        Scope::SurveysWrite,
        Scope::ResponsesRead,
        Scope::ResponsesWrite,
        Scope::WebhooksRead,
        Scope::WebhooksWrite,
        Scope::EventsRead,
        Scope::EventsWrite,
        Scope::ContactsRead,
        Scope::ContactsWrite,
        Scope::DistributionsWrite,
        Scope::AuditRead,
        Scope::CasesRead,
        Scope::CasesWrite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::SurveysRead => "surveys:read",
            Scope::SurveysWrite => "surveys:write",
            Scope::ResponsesRead => "responses:read",
            Scope::ResponsesWrite => "responses:write",
            Scope::WebhooksRead => "webhooks:read",
            Scope::WebhooksWrite => "webhooks:write",
            Scope::EventsRead => "events:read",
            Scope::EventsWrite => "events:write",
            Scope::ContactsRead => "contacts:read",
            Scope::ContactsWrite => "contacts:write",
            Scope::DistributionsWrite => "distributions:write",
            Scope::AuditRead => "audit:read",
            Scope::CasesRead => "cases:read",
            Scope::CasesWrite => "cases:write",
        }
    }

    pub fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == name)
    }

    pub fn is_read(self) -> bool {
        self.as_str().ends_with(":read")
    }

    /// A sentence for the token form.
    pub fn describe(self) -> &'static str {
        match self {
            Scope::SurveysRead => "Read surveys",
            Scope::SurveysWrite => "Create, edit and delete surveys",
            Scope::ResponsesRead => "Read responses",
            Scope::ResponsesWrite => "Delete responses",
            Scope::WebhooksRead => "Read webhooks and their deliveries",
            Scope::WebhooksWrite => "Manage webhooks",
            Scope::EventsRead => "Read events, channels and event types",
            Scope::EventsWrite => "Send events and manage routing",
            Scope::ContactsRead => "Read contacts",
            Scope::ContactsWrite => "Create and update contacts",
            Scope::DistributionsWrite => "Send surveys to contacts",
            Scope::AuditRead => "Read the audit log (owners and admins)",
            Scope::CasesRead => "Read cases and their history",
            Scope::CasesWrite => "Open, assign and resolve cases",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()), Some(scope));
            let json = serde_json::to_string(&scope).unwrap();
            assert_eq!(json, format!("\"{}\"", scope.as_str()));
        }
        assert_eq!(Scope::parse("surveys:admin"), None);
    }
}
