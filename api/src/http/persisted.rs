//! Persisted operations: which document a request runs, when it names one
//! by hash, and whether it may run at all.
//!
//! - **Automatic persisted queries** (Apollo's APQ protocol): a client
//!   sends `extensions.persistedQuery.sha256Hash` instead of the document.
//!   A hash this process knows runs its document; an unknown one is
//!   answered `PersistedQueryNotFound` (code `NOT_FOUND`), and the client
//!   sends hash and document together once, which this process then
//!   learns. Requests shrink to a hash, and anonymous GETs become short,
//!   cacheable URLs. What is learned is per process and bounded by size:
//!   a replica that has not seen a hash asks for the document again, which
//!   the protocol expects, so replicas need share nothing.
//! - **Allow-list** (`APP_OPERATION_ALLOW_LIST`, meant for production): a
//!   file of the documents the deployment's own clients send. Only those
//!   run, by hash or in full; every other document is refused `FORBIDDEN`
//!   before it is parsed or validated, and nothing is learned.
//!
//! Every transport resolves here before anything depends on the document:
//! the GET-is-not-for-mutations rule, the public response cache key and
//! execution (`graphql_handler`, `websocket`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use async_graphql::{Request, ServerError};
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::code;

/// The `extensions` key of the APQ protocol.
const EXTENSION: &str = "persistedQuery";
/// What APQ clients (Apollo's persisted-queries link among them) look for
/// to send the document: the message, not the code.
pub const NOT_FOUND_MESSAGE: &str = "PersistedQueryNotFound";
/// The documents learned through APQ, at most (bytes of query text).
const LEARNED_BYTES: u64 = 16 * 1024 * 1024;

/// Why a request is not run, as its client is told.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub message: String,
    pub code: &'static str,
    /// The reason label of `rejected_requests_total`.
    pub reason: &'static str,
}

impl Refusal {
    fn new(message: impl Into<String>, code: &'static str, reason: &'static str) -> Self {
        Self {
            message: message.into(),
            code,
            reason,
        }
    }

    /// The refusal as a GraphQL error.
    pub fn into_server_error(self) -> ServerError {
        let mut error = ServerError::new(self.message, None);
        let mut extensions = async_graphql::ErrorExtensionValues::default();
        extensions.set("code", self.code);
        error.extensions = Some(extensions);
        error
    }
}

/// Learned documents weigh what their text does.
#[derive(Debug, Clone, Copy)]
pub struct ByLength;

impl Weighter<String, Arc<str>> for ByLength {
    fn weight(&self, hash: &String, document: &Arc<str>) -> u64 {
        (hash.len() + document.len() + 64) as u64
    }
}

/// The documents a process knows by hash, and whether it runs others.
pub enum PersistedOperations {
    /// APQ: any document runs; what clients have sent is kept by hash.
    Learning(Cache<String, Arc<str>, ByLength>),
    /// Only these documents run, by hash (and by the manifest's own id
    /// where that differs); nothing is learned.
    AllowList(HashMap<String, Arc<str>>),
}

impl std::fmt::Debug for PersistedOperations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Learning(learned) => f.debug_tuple("Learning").field(&learned.len()).finish(),
            Self::AllowList(allowed) => f.debug_tuple("AllowList").field(&allowed.len()).finish(),
        }
    }
}

impl PersistedOperations {
    /// APQ only: any document runs, and hashes are learned.
    pub fn open() -> Self {
        Self::Learning(Cache::with_weighter(4096, LEARNED_BYTES, ByLength))
    }

    /// Only the documents of the allow-list file at `path` run.
    pub fn allow_list(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("APP_OPERATION_ALLOW_LIST: cannot read {}", path.display()))?;
        let allowed = parse_allow_list(&text)
            .with_context(|| format!("APP_OPERATION_ALLOW_LIST: {}", path.display()))?;
        Ok(Self::AllowList(allowed))
    }

    /// How many documents the allow-list holds, if there is one.
    pub fn allowed(&self) -> Option<usize> {
        match self {
            Self::Learning(_) => None,
            Self::AllowList(allowed) => Some(allowed.len()),
        }
    }

    /// Puts the document `request` names into `request.query`, or says why
    /// it may not run.
    pub fn resolve(&self, request: &mut Request) -> Result<(), Refusal> {
        let named = match request.extensions.remove(EXTENSION) {
            Some(value) => Some(hash_of(value)?),
            None => None,
        };
        let Some(hash) = named else {
            return match self {
                Self::Learning(_) => Ok(()),
                Self::AllowList(allowed) if allowed.contains_key(&sha256_hex(&request.query)) => {
                    Ok(())
                }
                Self::AllowList(_) => Err(not_allowed()),
            };
        };
        if request.query.is_empty() {
            let known = match self {
                Self::AllowList(allowed) => allowed.get(&hash).cloned().ok_or_else(not_allowed)?,
                Self::Learning(learned) => learned.get(&hash).ok_or_else(|| {
                    Refusal::new(
                        NOT_FOUND_MESSAGE,
                        code::NOT_FOUND,
                        "persisted_query_unknown",
                    )
                })?,
            };
            request.query = known.to_string();
            return Ok(());
        }
        if sha256_hex(&request.query) != hash {
            return Err(Refusal::new(
                "provided sha does not match query",
                code::BAD_USER_INPUT,
                "persisted_query_mismatch",
            ));
        }
        match self {
            Self::AllowList(allowed) if !allowed.contains_key(&hash) => Err(not_allowed()),
            Self::AllowList(_) => Ok(()),
            Self::Learning(learned) => {
                learned.insert(hash, Arc::from(request.query.as_str()));
                Ok(())
            }
        }
    }
}

fn not_allowed() -> Refusal {
    Refusal::new(
        "this server runs only the operations on its allow-list",
        code::FORBIDDEN,
        "operation_not_allowed",
    )
}

/// The hash of a `persistedQuery` extension: `{ version: 1, sha256Hash }`.
fn hash_of(value: async_graphql::Value) -> Result<String, Refusal> {
    #[derive(Deserialize)]
    struct Extension {
        version: i64,
        #[serde(rename = "sha256Hash")]
        sha256_hash: String,
    }
    let bad = |message: &str| {
        Refusal::new(
            message.to_owned(),
            code::BAD_USER_INPUT,
            "persisted_query_mismatch",
        )
    };
    let extension: Extension = value
        .into_json()
        .ok()
        .and_then(|json| serde_json::from_value(json).ok())
        .ok_or_else(|| {
            bad("extensions.persistedQuery must be { \"version\": 1, \"sha256Hash\": \"…\" }")
        })?;
    if extension.version != 1 {
        return Err(bad("only version 1 of persisted queries is supported"));
    }
    Ok(extension.sha256_hash.to_ascii_lowercase())
}

/// The SHA-256 of `text` in lowercase hex, as APQ clients compute it.
fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// An allow-list file: an Apollo persisted-query manifest
/// (`@apollo/generate-persisted-query-manifest`), or a JSON object of
/// id → document (Relay's `persisted_queries.json`). Every document must
/// parse; each is known by its SHA-256 and by its id.
fn parse_allow_list(text: &str) -> anyhow::Result<HashMap<String, Arc<str>>> {
    #[derive(Deserialize)]
    struct Manifest {
        format: String,
        version: i64,
        operations: Vec<Operation>,
    }
    #[derive(Deserialize)]
    struct Operation {
        id: String,
        body: String,
    }
    let json: serde_json::Value = serde_json::from_str(text).context("is not JSON")?;
    let documents: Vec<(String, String)> = if json.get("operations").is_some() {
        let manifest: Manifest =
            serde_json::from_value(json).context("is not an Apollo persisted-query manifest")?;
        if manifest.format != "apollo-persisted-query-manifest" || manifest.version != 1 {
            bail!(
                "format {:?} version {} is not apollo-persisted-query-manifest version 1",
                manifest.format,
                manifest.version
            );
        }
        manifest
            .operations
            .into_iter()
            .map(|op| (op.id, op.body))
            .collect()
    } else {
        let map: HashMap<String, String> = serde_json::from_value(json).context(
            "is neither an Apollo persisted-query manifest nor a JSON object of id to document",
        )?;
        map.into_iter().collect()
    };
    let mut allowed = HashMap::with_capacity(documents.len() * 2);
    for (id, body) in documents {
        async_graphql::parser::parse_query(&body)
            .with_context(|| format!("operation {id:?} does not parse"))?;
        let body: Arc<str> = Arc::from(body);
        allowed.insert(sha256_hex(&body), body.clone());
        allowed.insert(id.to_ascii_lowercase(), body);
    }
    Ok(allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUERY: &str = "{ focusAreas { code } }";

    fn by_hash(hash: &str) -> Request {
        let mut request = Request::new("");
        request.extensions.insert(
            EXTENSION.to_owned(),
            async_graphql::Value::from_json(serde_json::json!({
                "version": 1, "sha256Hash": hash
            }))
            .expect("a value"),
        );
        request
    }

    fn with_document(hash: &str) -> Request {
        let mut request = by_hash(hash);
        request.query = QUERY.to_owned();
        request
    }

    #[test]
    fn the_hash_is_the_sha256_apq_clients_send() {
        // `printf '%s' '{ focusAreas { code } }' | sha256sum`
        assert_eq!(
            sha256_hex(QUERY),
            "29803c64c9f5fda89e1e243531c2fb0b1fd01e2046bd530a7e28db3f7e198502"
        );
        assert_eq!(
            sha256_hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn an_unknown_hash_asks_for_the_document_then_is_learned() {
        let store = PersistedOperations::open();
        let hash = sha256_hex(QUERY);
        let refusal = store.resolve(&mut by_hash(&hash)).expect_err("unknown");
        assert_eq!(
            (refusal.message.as_str(), refusal.code),
            (NOT_FOUND_MESSAGE, code::NOT_FOUND)
        );
        store.resolve(&mut with_document(&hash)).expect("learned");
        let mut again = by_hash(&hash);
        store.resolve(&mut again).expect("known now");
        assert_eq!(again.query, QUERY);
    }

    #[test]
    fn a_hash_that_is_not_the_documents_is_refused_and_not_learned() {
        let store = PersistedOperations::open();
        let wrong = sha256_hex("{ other }");
        let refusal = store
            .resolve(&mut with_document(&wrong))
            .expect_err("mismatch");
        assert_eq!(refusal.code, code::BAD_USER_INPUT);
        assert!(store.resolve(&mut by_hash(&wrong)).is_err());
    }

    #[test]
    fn an_allow_list_runs_its_documents_only() {
        let manifest = serde_json::json!({
            "format": "apollo-persisted-query-manifest",
            "version": 1,
            "operations": [{ "id": "custom-id", "name": "Areas", "type": "query", "body": QUERY }]
        });
        let allowed = parse_allow_list(&manifest.to_string()).expect("a manifest");
        let store = PersistedOperations::AllowList(allowed);
        store
            .resolve(&mut Request::new(QUERY))
            .expect("listed in full");
        let mut by_id = by_hash("custom-id");
        store.resolve(&mut by_id).expect("listed by id");
        assert_eq!(by_id.query, QUERY);
        for mut refused in [
            Request::new("{ policeRegions { code } }"),
            by_hash(&sha256_hex("{ policeRegions { code } }")),
        ] {
            let refusal = store.resolve(&mut refused).expect_err("not listed");
            assert_eq!(refusal.code, code::FORBIDDEN);
        }
    }

    #[test]
    fn an_allow_list_that_does_not_parse_is_refused() {
        assert!(parse_allow_list("[]").is_err());
        assert!(parse_allow_list(r#"{"a": "{ unclosed "}"#).is_err());
        assert!(parse_allow_list(r#"{"format":"other","version":1,"operations":[]}"#).is_err());
        assert_eq!(
            parse_allow_list(&serde_json::json!({ "q1": QUERY }).to_string())
                .expect("a map")
                .len(),
            2
        );
    }
}
