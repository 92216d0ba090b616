//! What both webhook families share in the API: the delivery-list query.

use super::error::ApiError;
use app::backend::services::webhooks::deliveries::DeliveryFilter;
use app::domain::webhook::DeliveryStatus;
use app::domain::AppError;

/// Filters for delivery lists.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct DeliveryParams {
    /// `pending`, `delivered` or `failed`.
    status: Option<String>,
    /// Created at or after (RFC 3339).
    from: Option<chrono::DateTime<chrono::Utc>>,
    /// Created before (RFC 3339).
    to: Option<chrono::DateTime<chrono::Utc>>,
}

pub fn parse_delivery_filter(query: Option<&str>) -> Result<DeliveryFilter, ApiError> {
    let mut filter = DeliveryFilter::default();
    let time = |field: &str, value: &str| {
        chrono::DateTime::parse_from_rfc3339(value)
            .map(|t| t.timestamp_millis())
            .map_err(|_| ApiError(AppError::field(field, "must be an RFC 3339 timestamp")))
    };
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        match key.as_ref() {
            "status" => {
                filter.status = Some(
                    DeliveryStatus::parse(&value)
                        .ok_or_else(|| ApiError(AppError::field("status", "one of pending, delivered, failed")))?,
                )
            }
            "from" => filter.from_ms = Some(time("from", &value)?),
            "to" => filter.to_ms = Some(time("to", &value)?),
            _ => {}
        }
    }
    Ok(filter)
}
