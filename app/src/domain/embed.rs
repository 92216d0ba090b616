//! How a survey is embedded on customers' sites: which sites may show it,
//! where it appears and what makes it appear.

use super::error::Problems;
use serde::{Deserialize, Serialize};

pub const MAX_ALLOWED_ORIGINS: usize = 50;
pub const MAX_EVENT_NAME: usize = 100;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EmbedSettings {
    /// Sites that may show the survey, as origins (`https://shop.example.com`,
    /// `http://localhost:8080`); `https://*.example.com` allows subdomains.
    /// Empty: the survey is shown on its own link page only.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    #[serde(default)]
    pub placement: Placement,
    #[serde(default)]
    pub trigger: Trigger,
    /// A visitor who completed or dismissed the survey is not asked again for this many days.
    #[serde(default = "thirty")]
    pub recontact_days: u32,
}

fn thirty() -> u32 {
    30
}

impl Default for EmbedSettings {
    fn default() -> Self {
        EmbedSettings {
            allowed_origins: Vec::new(),
            placement: Placement::default(),
            trigger: Trigger::default(),
            recontact_days: thirty(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    #[default]
    Modal,
    SlideIn,
    /// Inside an element of the host page (`init({target: '#feedback'})`).
    Inline,
}

/// What makes the survey appear.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Trigger {
    /// As soon as the page has loaded.
    Load,
    /// After `seconds` on the page.
    Delay { seconds: u32 },
    /// When the visitor has scrolled `percent` of the page.
    Scroll { percent: u8 },
    /// When the pointer leaves the page towards the browser's controls.
    Exit,
    /// When the page calls `vox('track', event)`.
    Event { event: String },
}

impl Default for Trigger {
    fn default() -> Self {
        Trigger::Load
    }
}

/// `scheme://host[:port]`, lower-case, as browsers send in `Origin`.
pub fn normalize_origin(origin: &str) -> Option<String> {
    let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    let (scheme, rest) = origin.split_once("://")?;
    if !matches!(scheme, "http" | "https") || rest.is_empty() {
        return None;
    }
    let host = rest.strip_prefix("*.").unwrap_or(rest);
    let valid = !host.is_empty()
        && !host.starts_with('.')
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    valid.then_some(origin)
}

/// Whether a page at `origin` is one of `allowed` (exact origins, or
/// `scheme://*.domain` for any subdomain of it).
pub fn origin_in(allowed: &[String], origin: &str) -> bool {
    let Some(origin) = normalize_origin(origin) else { return false };
    let Some((scheme, host)) = origin.split_once("://") else { return false };
    allowed.iter().filter_map(|a| normalize_origin(a)).any(|allowed| {
        if allowed == origin {
            return true;
        }
        match allowed.split_once("://") {
            Some((s, pattern)) if s == scheme => {
                pattern.strip_prefix("*.").is_some_and(|suffix| host.ends_with(&format!(".{suffix}")))
            }
            _ => false,
        }
    })
}

/// Checks a list of allowed sites, naming each bad entry as `field[i]`.
pub fn validate_origins(origins: &[String], field: &str, problems: &mut Problems) {
    if origins.len() > MAX_ALLOWED_ORIGINS {
        problems.add(field, format!("at most {MAX_ALLOWED_ORIGINS} sites"));
    }
    for (i, origin) in origins.iter().enumerate() {
        if normalize_origin(origin).is_none() {
            problems.add(
                format!("{field}[{i}]"),
                "must be an origin such as https://shop.example.com (or https://*.example.com)",
            );
        }
    }
}

impl EmbedSettings {
    /// Whether a page at `origin` may show the survey (by the survey's own list).
    pub fn allows(&self, origin: &str) -> bool {
        origin_in(&self.allowed_origins, origin)
    }

    pub fn validate(&self, problems: &mut Problems) {
        validate_origins(&self.allowed_origins, "embed.allowedOrigins", problems);
        match &self.trigger {
            Trigger::Delay { seconds } if *seconds > 3600 => problems.add("embed.trigger.seconds", "at most 3600"),
            Trigger::Scroll { percent } if *percent > 100 => problems.add("embed.trigger.percent", "at most 100"),
            Trigger::Event { event }
                if event.trim().is_empty()
                    || event.chars().count() > MAX_EVENT_NAME
                    || event.chars().any(char::is_control) =>
            {
                problems.add("embed.trigger.event", format!("1–{MAX_EVENT_NAME} characters"))
            }
            _ => {}
        }
        if self.recontact_days > 3650 {
            problems.add("embed.recontactDays", "at most 3650");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(origins: &[&str]) -> EmbedSettings {
        EmbedSettings { allowed_origins: origins.iter().map(|s| s.to_string()).collect(), ..Default::default() }
    }

    #[test]
    fn origins_match_exactly_or_by_subdomain_wildcard() {
        let s = with(&["https://shop.example.com", "https://*.brand.gr", "http://localhost:8080/"]);
        assert!(s.allows("https://shop.example.com"));
        assert!(s.allows("HTTPS://Shop.Example.com"));
        assert!(s.allows("https://eshop.brand.gr"));
        assert!(s.allows("http://localhost:8080"));
        assert!(!s.allows("https://brand.gr"), "the wildcard means subdomains only");
        assert!(!s.allows("http://shop.example.com"), "the scheme counts");
        assert!(!s.allows("https://shop.example.com.evil.io"));
        assert!(!s.allows("https://evilbrand.gr"));
        assert!(!s.allows("null"));
        assert!(!with(&[]).allows("https://shop.example.com"), "nothing is allowed by default");
    }

    #[test]
    fn bad_settings_are_named() {
        let s: EmbedSettings = serde_json::from_value(serde_json::json!({
            "allowedOrigins": ["shop.example.com", "javascript:alert(1)", "https://ok.example"],
            "trigger": {"kind": "scroll", "percent": 150}
        }))
        .unwrap();
        let mut p = Problems::default();
        s.validate(&mut p);
        let err = p.into_result().unwrap_err();
        for f in ["embed.allowedOrigins[0]", "embed.allowedOrigins[1]", "embed.trigger.percent"] {
            assert!(err.message_for(f).is_some(), "{f}");
        }
        assert!(err.message_for("embed.allowedOrigins[2]").is_none());
    }
}
