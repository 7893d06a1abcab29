//! HTTP validators: strong ETags and `If-None-Match`, so that a client or
//! a cache that holds an answer asks again cheaply and gets 304 when it
//! is unchanged.

use axum::http::{HeaderMap, HeaderValue, header};
use chrono::{DateTime, Utc};

/// FNV-1a, 64 bits, of `bytes`: the same bytes give the same tag on every
/// instance of every build (no per-process seed). A `const fn`, so the
/// dashboard's tags are computed at compile time.
pub(super) const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

/// The strong ETag of a body whose hash is `hash`.
pub(super) fn etag(hash: u64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{hash:016x}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}

/// Whether the request's `If-None-Match` names `etag` (or `*`): the
/// client's copy is current.
pub(super) fn is_fresh(request: &HeaderMap, etag: &HeaderValue) -> bool {
    let Ok(etag) = etag.to_str() else {
        return false;
    };
    request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .map(str::trim)
                .any(|t| t == etag || t == "*" || t.strip_prefix("W/") == Some(etag))
        })
}

/// Whether the request's `If-Modified-Since` is no earlier than
/// `changed`: the client's copy is current. HTTP dates have whole seconds.
pub(super) fn is_unmodified_since(request: &HeaderMap, changed: DateTime<Utc>) -> bool {
    request
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|raw| DateTime::parse_from_rfc2822(raw).ok())
        .is_some_and(|since| changed.timestamp() <= since.timestamp())
}

/// `at` as an HTTP date (RFC 9110 IMF-fixdate), for `Last-Modified`.
pub(super) fn http_date(at: DateTime<Utc>) -> Option<HeaderValue> {
    HeaderValue::from_str(&at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()).ok()
}

/// Marks a public answer tagged `etag`: any cache may keep it but must
/// ask again before each use, and gets a 304 while it is unchanged.
pub(super) fn mark_public(headers: &mut HeaderMap, etag: HeaderValue) {
    headers.insert(header::ETAG, etag);
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    );
}
