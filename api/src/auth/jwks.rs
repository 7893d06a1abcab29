//! Public keys from a JWKS file or URL, chosen by `kid`.
//!
//! Keys rotate at the identity provider. A token with an unknown `kid`
//! triggers a reload, but at most one at a time (single flight: concurrent
//! callers wait for the reload in progress and then look again) and at most
//! one per cool-down period, so a flood of made-up `kid`s cannot hammer the
//! provider.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use tokio::sync::Mutex;

/// Where keys come from.
#[derive(Debug, Clone)]
pub enum JwksSource {
    File(PathBuf),
    Url(String),
}

/// The cool-down's clock: the monotonic clock, plus whatever a test has
/// moved it forward by (`advance`), so that a test of the cool-down need
/// not wait it out. The server itself never advances it.
#[derive(Debug, Default)]
pub struct Clock {
    skipped_ms: AtomicU64,
}

impl Clock {
    pub fn now(&self) -> Instant {
        Instant::now() + Duration::from_millis(self.skipped_ms.load(Ordering::Relaxed))
    }

    /// Moves this clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        self.skipped_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

/// A reloadable key set.
#[derive(Debug)]
pub struct Jwks {
    source: JwksSource,
    keys: RwLock<HashMap<String, Jwk>>,
    /// Held while reloading; holds the time of the last reload.
    reload: Mutex<Option<Instant>>,
    cooldown: Duration,
    clock: Clock,
    http: reqwest::Client,
    loads: AtomicU64,
}

impl Jwks {
    /// Loads the key set once. A file must load; a URL that does not answer
    /// yet is retried on the first token that needs it.
    pub async fn new(source: JwksSource, cooldown: Duration) -> anyhow::Result<Self> {
        let jwks = Self {
            source,
            keys: RwLock::new(HashMap::new()),
            reload: Mutex::new(None),
            cooldown,
            clock: Clock::default(),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .context("building the JWKS client")?,
            loads: AtomicU64::new(0),
        };
        let mut last = jwks.reload.lock().await;
        match (&jwks.source, jwks.load().await) {
            (_, Ok(())) => *last = Some(jwks.clock.now()),
            (JwksSource::File(path), Err(err)) => {
                return Err(err.context(format!("loading AUTH_JWKS_FILE {}", path.display())));
            }
            (JwksSource::Url(url), Err(err)) => {
                tracing::warn!(%url, error = %format!("{err:#}"), "JWKS not loaded yet; will retry on demand");
            }
        }
        drop(last);
        Ok(jwks)
    }

    /// The clock the cool-down is measured on.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// How many times the key set has been read from its source.
    pub fn loads(&self) -> u64 {
        self.loads.load(Ordering::Relaxed)
    }

    /// The key with `kid`, reloading the set once if it is unknown.
    pub async fn key(&self, kid: &str) -> Option<Jwk> {
        if let Some(key) = self.cached(kid) {
            return Some(key);
        }
        let mut last = self.reload.lock().await;
        // Another caller may have reloaded while this one waited.
        if let Some(key) = self.cached(kid) {
            return Some(key);
        }
        let now = self.clock.now();
        if last.is_some_and(|at| now.duration_since(at) < self.cooldown) {
            return None;
        }
        *last = Some(now);
        if let Err(err) = self.load().await {
            tracing::warn!(error = %format!("{err:#}"), "reloading the JWKS failed; keeping the old keys");
        }
        drop(last);
        self.cached(kid)
    }

    fn cached(&self, kid: &str) -> Option<Jwk> {
        self.keys
            .read()
            .ok()
            .and_then(|keys| keys.get(kid).cloned())
    }

    async fn load(&self) -> anyhow::Result<()> {
        self.loads.fetch_add(1, Ordering::Relaxed);
        let text = match &self.source {
            JwksSource::File(path) => tokio::fs::read_to_string(path)
                .await
                .with_context(|| format!("reading {}", path.display()))?,
            JwksSource::Url(url) => self
                .http
                .get(url)
                .send()
                .await
                .and_then(reqwest::Response::error_for_status)
                .with_context(|| format!("fetching {url}"))?
                .text()
                .await
                .context("reading the JWKS response")?,
        };
        let set: JwkSet = serde_json::from_str(&text).context("parsing the JWKS")?;
        let keys: HashMap<String, Jwk> = set
            .keys
            .into_iter()
            .filter_map(|key| key.common.key_id.clone().map(|kid| (kid, key)))
            .collect();
        if let Ok(mut current) = self.keys.write() {
            *current = keys;
        }
        Ok(())
    }
}
