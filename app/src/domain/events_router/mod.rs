//! The Events Router's rules: channels, event types (touchpoints), invite
//! settings, and the conditions an invite setting may put on an event
//! (`metadata.store == "athens"`, `products[].brand in [...]`). Evaluated
//! over the event as stored, so the outcome can always be explained.

use super::error::Problems;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"id": "chl-6b2f3c1e-8d4a-4f3b-9c2d-1e5f7a9b0c3d", "name": "Web shop", "type": "vox", "isDefault": true, "createdAt": "2026-11-25T10:00:00Z", "updatedAt": "2026-11-25T10:00:00Z"})))]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    pub id: String,
    pub name: String,
    /// What the channel is; events may name it in `channel.type`.
    #[serde(rename = "type")]
    pub kind: String,
    pub is_default: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChannelInput {
    pub name: String,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

/// A touchpoint: any name the customer's systems use in `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"id": "ety-dff2efe0-3903-47e0-bc35-501fd10a5509", "createdAt": "2026-11-25T10:00:00Z", "updatedAt": "2026-11-25T10:00:00Z", "active": true, "name": "submitted"})))]
#[serde(rename_all = "camelCase")]
pub struct EventType {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub active: bool,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventTypeInput {
    pub name: String,
    #[serde(default = "yes", alias = "isActive", alias = "enabled")]
    pub active: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventTypePatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, alias = "isActive", alias = "enabled")]
    pub active: Option<bool>,
}

fn yes() -> bool {
    true
}

/// 1–100 characters, no control characters: event type and channel names.
pub fn check_name(problems: &mut Problems, field: &str, name: &str) {
    if name.trim().is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        problems.add(field, "1–100 characters, no control characters");
    }
}

/// When the delay of an invite setting counts from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum DelayFrom {
    /// The transaction's date (or when the event arrived, if it has none).
    #[default]
    Event,
    /// The event's `estimatedDeliveryDate` (falls back to the event time).
    EstimatedDeliveryDate,
}

impl DelayFrom {
    pub fn as_str(self) -> &'static str {
        match self {
            DelayFrom::Event => "event",
            DelayFrom::EstimatedDeliveryDate => "estimatedDeliveryDate",
        }
    }

    pub fn parse(text: &str) -> Self {
        if text == "estimatedDeliveryDate" {
            DelayFrom::EstimatedDeliveryDate
        } else {
            DelayFrom::Event
        }
    }
}

/// Local hours in which invitations may go out, e.g. 9–20 in Europe/Athens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SendWindow {
    /// First hour (0–23) at which sending may start.
    pub start_hour: u32,
    /// Hour (1–24) by which sending stops; may be below `startHour` for a window across midnight.
    pub end_hour: u32,
    /// IANA time zone, e.g. `Europe/Athens`; defaults to UTC.
    #[serde(default = "utc")]
    pub time_zone: String,
}

fn utc() -> String {
    "UTC".into()
}

impl SendWindow {
    pub fn validate(&self, problems: &mut Problems, field: &str) {
        if self.start_hour > 23 {
            problems.add(format!("{field}.startHour"), "an hour from 0 to 23");
        }
        if !(1..=24).contains(&self.end_hour) || self.end_hour == self.start_hour {
            problems.add(format!("{field}.endHour"), "an hour from 1 to 24, not equal to startHour");
        }
    }

    /// True when the local hour lies inside the window.
    pub fn contains_hour(&self, hour: u32) -> bool {
        if self.start_hour < self.end_hour {
            (self.start_hour..self.end_hour).contains(&hour)
        } else {
            hour >= self.start_hour || hour < self.end_hour
        }
    }
}

/// Which survey an event of one event type on one channel leads to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InviteSetting {
    pub id: String,
    pub channel_id: String,
    pub event_type_id: String,
    /// The event type's name, for reading.
    pub event_type_name: String,
    /// The survey to send; none means nothing is sent.
    pub survey_id: Option<String>,
    pub active: bool,
    /// Lower runs first; the first active setting whose conditions hold wins.
    pub priority: i64,
    /// The one made automatically for this channel and event type.
    pub is_default: bool,
    pub delay_minutes: i64,
    /// The same delay as an ISO-8601 duration (`P3D`).
    pub delay: String,
    pub delay_from: DelayFrom,
    pub transport: String,
    pub send_window: Option<SendWindow>,
    pub conditions: Vec<Condition>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Changes to an invite setting; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"surveyId": "srv_01hzx8k2m4n6p8r0t2v4x6z8b0", "active": true, "delay": "P3D", "delayFrom": "estimatedDeliveryDate", "transport": "email", "sendWindow": {"startHour": 9, "endHour": 20, "timeZone": "Europe/Athens"}, "conditions": [{"field": "metadata.store", "operator": "eq", "value": "athens"}]})))]
#[serde(rename_all = "camelCase")]
pub struct InviteSettingPatch {
    /// A survey id, or `null` to send nothing.
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub survey_id: Option<Option<String>>,
    #[serde(default, alias = "isActive", alias = "enabled")]
    pub active: Option<bool>,
    #[serde(default)]
    pub priority: Option<i64>,
    #[serde(default)]
    pub delay_minutes: Option<i64>,
    /// ISO-8601 duration (`PT30M`, `P3D`, `P1DT12H`); an alternative to `delayMinutes`.
    #[serde(default)]
    pub delay: Option<String>,
    #[serde(default)]
    pub delay_from: Option<DelayFrom>,
    #[serde(default)]
    pub transport: Option<String>,
    /// A window, or `null` for any time.
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<SendWindow>))]
    pub send_window: Option<Option<SendWindow>>,
    #[serde(default)]
    pub conditions: Option<Vec<Condition>>,
}

/// A new, extra invite setting for a channel and event type (routing one
/// touchpoint to several surveys by conditions).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InviteSettingInput {
    pub event_type_id: String,
    #[serde(flatten)]
    pub settings: InviteSettingPatch,
}

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
fn double_option<'de, T: Deserialize<'de>, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// The longest delay an invite setting may have: one year.
pub const MAX_DELAY_MINUTES: i64 = 366 * 24 * 60;

impl InviteSettingPatch {
    /// Validates the fields given and returns the delay in minutes, if one was given.
    pub fn validate(&self, problems: &mut Problems) -> Option<i64> {
        let mut delay = None;
        if let Some(minutes) = self.delay_minutes {
            if !(0..=MAX_DELAY_MINUTES).contains(&minutes) {
                problems.add("delayMinutes", format!("0 to {MAX_DELAY_MINUTES} minutes"));
            }
            delay = Some(minutes);
        }
        if let Some(text) = &self.delay {
            match parse_iso_duration(text) {
                Some(minutes) if minutes <= MAX_DELAY_MINUTES => {
                    if delay.is_some_and(|d| d != minutes) {
                        problems.add("delay", "disagrees with delayMinutes; send one of them");
                    }
                    delay = Some(minutes);
                }
                Some(_) => problems.add("delay", "at most one year"),
                None => problems.add("delay", "an ISO-8601 duration such as PT30M, P3D or P1DT12H"),
            }
        }
        if let Some(transport) = &self.transport {
            if transport != "email" {
                problems.add("transport", "must be \"email\"");
            }
        }
        if let Some(Some(window)) = &self.send_window {
            window.validate(problems, "sendWindow");
        }
        if let Some(priority) = self.priority {
            if !(0..=1_000_000).contains(&priority) {
                problems.add("priority", "0 to 1000000");
            }
        }
        if let Some(conditions) = &self.conditions {
            if conditions.len() > 20 {
                problems.add("conditions", "at most 20 conditions");
            }
            for (i, c) in conditions.iter().enumerate() {
                c.validate(problems, &format!("conditions[{i}]"));
            }
        }
        delay
    }
}

/// `PT30M`, `P3D`, `P1W`, `P1DT12H30M` → minutes. Seconds must make whole
/// minutes; years and months are refused (their length varies).
pub fn parse_iso_duration(text: &str) -> Option<i64> {
    let rest = text.trim().strip_prefix('P')?;
    if rest.is_empty() {
        return None;
    }
    let (date, time) = match rest.split_once('T') {
        Some((_, "")) => return None,
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let mut seconds: i64 = 0;
    let mut take = |part: &str, units: &[(char, i64)]| -> Option<()> {
        let mut number = String::new();
        let mut last_unit = None;
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let position = units.iter().position(|(u, _)| *u == c)?;
            if number.is_empty() || last_unit.is_some_and(|l| l >= position) {
                return None;
            }
            let n: i64 = number.parse().ok()?;
            seconds = seconds.checked_add(n.checked_mul(units[position].1)?)?;
            number.clear();
            last_unit = Some(position);
        }
        number.is_empty().then_some(())
    };
    take(date, &[('W', 7 * 86_400), ('D', 86_400)])?;
    if let Some(time) = time {
        take(time, &[('H', 3_600), ('M', 60), ('S', 1)])?;
    }
    (seconds % 60 == 0).then_some(seconds / 60)
}

/// Minutes as the shortest ISO-8601 duration: 4320 → `P3D`, 90 → `PT1H30M`.
pub fn format_iso_duration(minutes: i64) -> String {
    if minutes == 0 {
        return "PT0M".into();
    }
    let (days, rest) = (minutes / 1_440, minutes % 1_440);
    let (hours, mins) = (rest / 60, rest % 60);
    let mut out = String::from("P");
    if days > 0 {
        out.push_str(&format!("{days}D"));
    }
    if hours > 0 || mins > 0 {
        out.push('T');
        if hours > 0 {
            out.push_str(&format!("{hours}H"));
        }
        if mins > 0 {
            out.push_str(&format!("{mins}M"));
        }
    }
    out
}

mod conditions;
pub use conditions::{all_hold, Condition, Operator};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_iso_duration("P3D"), Some(3 * 1_440));
        assert_eq!(parse_iso_duration("PT30M"), Some(30));
        assert_eq!(parse_iso_duration("P1DT12H"), Some(1_440 + 720));
        assert_eq!(parse_iso_duration("P1W"), Some(7 * 1_440));
        assert_eq!(parse_iso_duration("PT120S"), Some(2));
        for bad in ["", "P", "3D", "PT", "P1M", "PT30", "PT1M1H", "PT90S", "P1Y", "PTXM"] {
            assert_eq!(parse_iso_duration(bad), None, "{bad}");
        }
        for minutes in [0, 30, 90, 1_440, 4_320, 2_190] {
            assert_eq!(parse_iso_duration(&format_iso_duration(minutes)), Some(minutes));
        }
        assert_eq!(format_iso_duration(4_320), "P3D");
    }

    #[test]
    fn windows_may_cross_midnight() {
        let day = SendWindow { start_hour: 9, end_hour: 20, time_zone: "UTC".into() };
        assert!(day.contains_hour(9) && day.contains_hour(19) && !day.contains_hour(20) && !day.contains_hour(3));
        let night = SendWindow { start_hour: 22, end_hour: 6, time_zone: "UTC".into() };
        assert!(night.contains_hour(23) && night.contains_hour(2) && !night.contains_hour(12));
    }
}
