//! Short-lived copies of the configuration that every accepted response or
//! event reads: a survey's definition, an organisation's metadata rules, its
//! event types and channels. With them the hot paths skip two or three
//! queries per request.
//!
//! A copy is used for at most `FRESH_FOR`. The process that changes one of
//! these things forgets its copy at once, so on one server every change takes
//! effect immediately; other replicas behind the same PostgreSQL see it
//! within `FRESH_FOR` (as with token revocation, see `token_registry`).
//! Anything that must be exact at every request (a response limit's count, a
//! closing time) is still checked against the copy's data on each use.

use crate::domain::events_router::EventType;
use crate::domain::metadata_keys::MetadataPolicy;
use crate::domain::survey::{Question, SurveyStatus};
use crate::domain::survey_options::SurveyOptions;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

pub const FRESH_FOR: Duration = Duration::from_secs(1);

/// Entries kept at most; past it, expired ones are dropped first, then all.
const MAX_ENTRIES: usize = 20_000;

/// One kind of copy, by key.
pub struct ReadCache<V> {
    entries: RwLock<HashMap<String, (Instant, V)>>,
}

impl<V> Default for ReadCache<V> {
    fn default() -> Self {
        ReadCache { entries: RwLock::new(HashMap::new()) }
    }
}

impl<V: Clone> ReadCache<V> {
    /// The copy, if it is still fresh.
    pub fn get(&self, key: &str) -> Option<V> {
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        let (stored_at, value) = entries.get(key)?;
        (stored_at.elapsed() < FRESH_FOR).then(|| value.clone())
    }

    /// Keeps a copy read at `read_at`: taking the time before the query means
    /// a change committed during the query cannot outlive `FRESH_FOR`.
    pub fn put(&self, key: String, value: V, read_at: Instant) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (stored_at, _)| stored_at.elapsed() < FRESH_FOR);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, (read_at, value));
    }

    pub fn forget(&self, key: &str) {
        self.entries.write().unwrap_or_else(|p| p.into_inner()).remove(key);
    }

    /// Forgets every copy `matches` picks (e.g. all of one organisation's).
    pub fn forget_where(&self, matches: impl Fn(&str, &V) -> bool) {
        self.entries.write().unwrap_or_else(|p| p.into_inner()).retain(|key, (_, value)| !matches(key, value));
    }
}

/// All the copies one process keeps (it lives in `Db`, which every write
/// path holds, so each write can forget what it changed).
#[derive(Default)]
pub struct ReadCaches {
    /// By survey id.
    pub survey_definitions: ReadCache<Arc<StoredDefinition>>,
    /// By organisation id.
    pub metadata_policies: ReadCache<MetadataPolicy>,
    /// By [`org_key`] of the type's name. Only types found are kept, so a
    /// type just created is usable at once on every replica.
    pub event_types: ReadCache<EventType>,
    /// By [`org_key`] of the channel id: channels found (they are never deleted).
    pub channels: ReadCache<()>,
}

impl std::fmt::Debug for ReadCaches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadCaches")
    }
}

/// A key scoped to an organisation (ids never contain a NUL).
pub fn org_key(org_id: &str, name: &str) -> String {
    format!("{org_id}\0{name}")
}

/// Whether `key` (made by [`org_key`]) belongs to `org_id`.
pub fn is_of_org(key: &str, org_id: &str) -> bool {
    key.strip_prefix(org_id).is_some_and(|rest| rest.starts_with('\0'))
}

/// A survey as stored, the part of `services::surveys::definition` that is kept
/// a moment; whether it has closed by now is worked out at each use.
pub struct StoredDefinition {
    pub organization_id: String,
    pub name: String,
    pub status: SurveyStatus,
    pub closes_at: Option<i64>,
    pub response_limit: Option<i64>,
    pub questions: Vec<Question>,
    pub options: SurveyOptions,
    pub organization_sites: Vec<String>,
    /// The published version respondents answer (0: never published).
    pub published_version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_expires_and_can_be_forgotten() {
        let cache = ReadCache::<u32>::default();
        cache.put("a".into(), 1, Instant::now());
        assert_eq!(cache.get("a"), Some(1));
        cache.forget("a");
        assert_eq!(cache.get("a"), None);
        cache.put("b".into(), 2, Instant::now() - FRESH_FOR);
        assert_eq!(cache.get("b"), None, "read longer ago than FRESH_FOR");
    }

    #[test]
    fn organisation_keys_do_not_match_a_longer_id() {
        let cache = ReadCache::<u32>::default();
        cache.put(org_key("org_1", "sale"), 1, Instant::now());
        cache.put(org_key("org_12", "sale"), 2, Instant::now());
        cache.forget_where(|key, _| is_of_org(key, "org_1"));
        assert_eq!(cache.get(&org_key("org_1", "sale")), None);
        assert_eq!(cache.get(&org_key("org_12", "sale")), Some(2));
    }
}
