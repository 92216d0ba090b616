//! What both webhook families share in the API: the delivery-list query.

use app::backend::services::webhooks::deliveries::DeliveryFilter;
use app::domain::webhook::DeliveryStatus;
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// Filters for delivery lists, parsed by `ApiQuery`.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryParams {
    /// `pending`, `delivered` or `failed`.
    status: Option<DeliveryStatus>,
    /// Created at or after (RFC 3339).
    from: Option<DateTime<Utc>>,
    /// Created before (RFC 3339).
    to: Option<DateTime<Utc>>,
}

impl From<DeliveryParams> for DeliveryFilter {
    fn from(params: DeliveryParams) -> Self {
        DeliveryFilter {
            status: params.status,
            from_ms: params.from.map(|t| t.timestamp_millis()),
            to_ms: params.to.map(|t| t.timestamp_millis()),
        }
    }
}
