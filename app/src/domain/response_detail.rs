//! Everything about one response, for its page in the dashboard.

use super::contact::Contact;
use super::distribution::Invitation;
use super::event::EventRecord;
use super::response::SurveyResponse;
use super::survey::Question;
use super::webhook::Delivery;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResponseDetail {
    pub response: SurveyResponse,
    /// The questions of the version it was answered under, in that order.
    pub questions: Vec<Question>,
    pub contact: Option<Contact>,
    /// The invitation the response came through, if any.
    pub invitation: Option<Invitation>,
    /// The event that made that invitation, if any.
    pub event: Option<EventRecord>,
    /// The webhook deliveries that reported on this response.
    pub deliveries: Vec<Delivery>,
}
