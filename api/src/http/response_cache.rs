//! The public response cache: finished answers to anonymous queries, by
//! request text, so a hit skips parsing, validation, execution and JSON.
//!
//! Anonymous callers see published data only, which changes rarely. An
//! answer is stored with the data version (see `store::data_version`) it
//! was computed at, read *before* the computation started; every hit reads
//! the version again and serves the answer only while it is unchanged.
//! Why that is never stale, across any number of instances:
//!
//! - every write transaction bumps the version before it commits, so a
//!   write that has committed has moved the version past any answer
//!   computed before it;
//! - a mutation returns to its client only after its commit, so a read
//!   that arrives after the mutation's answer starts its version check
//!   after that commit, sees the new version, and recomputes;
//! - an answer computed while a write commits is labelled with the version
//!   before the write: it may be fresher than its label, never older, and
//!   the next read recomputes it.
//!
//! No TTL and no notification is involved: a process that has not heard of
//! another's commit still sees it in the version row. Signed-in callers are
//! never served from, nor stored in, this cache (their answers depend on
//! their scope). Memory is bounded: entries are weighed by their size and
//! evicted when the total passes the limit.

use std::sync::Arc;

use axum::http::StatusCode;
use bytes::Bytes;
use chrono::NaiveDate;
use quick_cache::Weighter;
use quick_cache::sync::Cache;

/// What identifies an anonymous answer: the request as sent, the day
/// (`inForce` and coverage depend on it) and the response flavour (the
/// media type the client accepts decides status and content type).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    pub(crate) query: String,
    pub(crate) operation_name: Option<String>,
    /// The variables as JSON text.
    pub(crate) variables: String,
    pub(crate) today: NaiveDate,
    pub(crate) graphql_response_json: bool,
}

/// A finished answer and the data version it was computed at.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) version: i64,
    pub(crate) status: StatusCode,
    pub(crate) content_type: &'static str,
    pub(crate) body: Bytes,
    /// The body's hash, for its ETag.
    pub(crate) etag: u64,
    /// The operation's name, for the request log and metrics of a hit.
    pub(crate) operation: Arc<str>,
}

#[derive(Debug, Clone, Copy)]
struct BySize;

impl Weighter<Key, Arc<Entry>> for BySize {
    fn weight(&self, key: &Key, entry: &Arc<Entry>) -> u64 {
        (key.query.len() + key.variables.len() + entry.body.len() + 128) as u64
    }
}

/// Answers to anonymous queries, bounded by total size.
#[derive(Debug)]
pub struct ResponseCache {
    entries: Cache<Key, Arc<Entry>, BySize>,
}

impl ResponseCache {
    /// A cache holding at most about `max_bytes` of answers. Zero turns
    /// caching off.
    pub fn new(max_bytes: u64) -> Self {
        // The estimate only sizes the internal tables: answers run to a few
        // kilobytes.
        let estimated_items = (max_bytes / 4096).clamp(16, 1 << 20) as usize;
        Self {
            entries: Cache::with_weighter(estimated_items, max_bytes.max(1), BySize),
        }
    }

    /// The answer for `key` if it was computed at `version`.
    pub(crate) fn get(&self, key: &Key, version: i64) -> Option<Arc<Entry>> {
        self.entries.get(key).filter(|e| e.version == version)
    }

    /// The answer for `key`, whatever its version.
    pub(crate) fn peek(&self, key: &Key) -> Option<Arc<Entry>> {
        self.entries.get(key)
    }

    /// Keeps an answer computed at `version`.
    pub(crate) fn put(&self, key: Key, entry: Entry) {
        self.entries.insert(key, Arc::new(entry));
    }

    /// How many bytes of answers are held (for tests and metrics).
    pub fn weight(&self) -> u64 {
        self.entries.weight()
    }

    /// How many answers are held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(query: &str) -> Key {
        Key {
            query: query.to_owned(),
            operation_name: None,
            variables: "{}".to_owned(),
            today: NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"),
            graphql_response_json: false,
        }
    }

    fn entry(version: i64, body: &str) -> Entry {
        Entry {
            version,
            status: StatusCode::OK,
            content_type: "application/json",
            body: Bytes::from(body.to_owned()),
            etag: 0,
            operation: Arc::from("test"),
        }
    }

    #[test]
    fn an_answer_is_served_only_at_the_version_it_was_computed_at() {
        let cache = ResponseCache::new(1 << 20);
        cache.put(key("{ a }"), entry(7, "old"));
        assert_eq!(
            cache.get(&key("{ a }"), 7).map(|e| e.body.clone()),
            Some(Bytes::from("old"))
        );
        assert!(cache.get(&key("{ a }"), 8).is_none());
        assert!(cache.get(&key("{ b }"), 7).is_none());
    }

    #[test]
    fn the_cache_stays_within_its_size() {
        let cache = ResponseCache::new(64 * 1024);
        let body = "x".repeat(1000);
        for i in 0..1000 {
            cache.put(key(&format!("{{ q{i} }}")), entry(1, &body));
        }
        assert!(cache.weight() <= 64 * 1024, "{} bytes held", cache.weight());
        assert!(cache.len() < 1000);
        assert!(!cache.is_empty());
    }
}
