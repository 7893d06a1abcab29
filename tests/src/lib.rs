//! Test harness: starts the real server on port 0 against a fresh database
//! and talks to it over HTTP, as a client would.
//!
//! Every database test runs twice through `db_test!`: on SQLite (a fresh
//! file) and on PostgreSQL (a fresh database created from
//! `TEST_DATABASE_URL` and dropped afterwards). Without `TEST_DATABASE_URL`
//! the PostgreSQL half is skipped, except under `CI=true`, where it fails:
//! CI must never pass by skipping.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Once};

use api::auth::TokenVerifier;
use api::config::Settings;
use api::db::StatementCounter;
use api::startup::Application;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use uuid::Uuid;

mod balancer;
mod server_process;
pub mod slow_request;
pub mod sql;
mod tcp_proxy;
pub mod workflow;
pub mod ws;

pub use balancer::Balancer;
pub use sea_orm;
pub use serde_json;
pub use server_process::{ServerProcess, data_at};
pub use tcp_proxy::TcpProxy;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running server with its own database.
#[derive(Debug)]
pub struct TestApp {
    pub base_url: String,
    pub client: reqwest::Client,
    pub backend: Backend,
    db: DatabaseConnection,
    statements: StatementCounter,
    verifier: Arc<TokenVerifier>,
    listening: tokio::sync::watch::Receiver<u64>,
    exported_rows: Arc<AtomicU64>,
    responses: Arc<api::http::response_cache::ResponseCache>,
    shutdown: Option<oneshot::Sender<()>>,
    _database: TestDatabase,
}

/// Runs a test body once per backend: `db_test!(name, |app| { ... })`
/// makes `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! db_test {
    ($name:ident, |$app:ident| $body:block) => {
        $crate::db_test!($name, env = [], |$app| $body);
    };
    // With configuration variables for the server, as `spawn_with`.
    ($name:ident, env = [$(($key:literal, $value:literal)),* $(,)?], |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $app = $crate::TestApp::spawn_with($crate::Backend::Sqlite, &[$(($key, $value)),*])
                    .await
                    .expect("SQLite is always available");
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($app) =
                    $crate::TestApp::spawn_with($crate::Backend::Postgres, &[$(($key, $value)),*]).await
                else {
                    return;
                };
                $body
            }
        }
    };
}

fn init_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Test logs are noise unless asked for.
        if std::env::var_os("TEST_LOG").is_some() {
            let _ = api::telemetry::init(api::telemetry::LogFormat::Text, false);
        }
    });
}

impl TestApp {
    /// Starts a server on a fresh database of `backend`. `None` only for
    /// PostgreSQL when it is not configured outside CI.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, &[]).await
    }

    /// Like `spawn`, with extra configuration variables (as the process
    /// environment would give them) for this server only.
    pub async fn spawn_with(backend: Backend, env: &[(&str, &str)]) -> Option<TestApp> {
        init_logs();
        let database = match backend {
            Backend::Sqlite => TestDatabase::sqlite(),
            Backend::Postgres => TestDatabase::postgres().await?,
        };
        let mut vars: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        vars.insert("DATABASE_URL".into(), database.url.clone());
        vars.insert("APP_ADDR".into(), "127.0.0.1:0".into());
        let settings =
            Settings::from_lookup(|key| vars.get(key).cloned()).expect("valid test settings");
        let app = Application::build(settings)
            .await
            .expect("the application starts on a fresh database");
        let base_url = format!("http://127.0.0.1:{}", app.port());
        let db = app.db();
        let statements = app.statement_counter();
        let verifier = app.verifier();
        let listening = app.events().active();
        let exported_rows = app.exported_rows();
        let responses = app.response_cache();
        let (tx, rx) = oneshot::channel();
        tokio::spawn(app.serve(async {
            let _ = rx.await;
        }));
        Some(TestApp {
            base_url,
            client: reqwest::Client::new(),
            backend,
            db,
            statements,
            verifier,
            listening,
            exported_rows,
            responses,
            shutdown: Some(tx),
            _database: database,
        })
    }

    /// The server's database, for arranging data a test needs.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// SQL statements the server has sent so far.
    pub fn statements(&self) -> u64 {
        self.statements.get()
    }

    /// Rows the server has written into follow-up exports so far.
    /// How many answers the public response cache holds.
    pub fn cached_answers(&self) -> usize {
        self.responses.len()
    }

    pub fn exported_rows(&self) -> u64 {
        self.exported_rows.load(Ordering::Relaxed)
    }

    /// Waits until exactly `n` GraphQL subscriptions are listening
    /// on this server (graphql-transport-ws does not acknowledge one).
    pub async fn listening(&self, n: u64) {
        let mut listening = self.listening.clone();
        let waited = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            listening.wait_for(|&active| active == n),
        )
        .await;
        assert!(
            matches!(waited, Ok(Ok(_))),
            "the server did not come to {n} listening subscriptions"
        );
    }

    /// Moves the clock of the server's JWKS cool-down forward by `by`, as
    /// if that much time had passed (no JWKS: nothing to move).
    pub fn advance_jwks_clock(&self, by: std::time::Duration) {
        if let Some(jwks) = self.verifier.jwks() {
            jwks.clock().advance(by);
        }
    }

    /// How many times the server has read its JWKS (0 without one).
    pub fn jwks_loads(&self) -> u64 {
        self.verifier.jwks().map_or(0, |jwks| jwks.loads())
    }

    /// POSTs a GraphQL query with variables; returns the JSON body. Panics
    /// unless the HTTP status is 200.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        let response = self
            .client
            .post(format!("{}/graphql", self.base_url))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request reaches the server");
        let status = response.status();
        let body: Value = response.json().await.expect("the body is JSON");
        assert_eq!(status, 200, "unexpected status, body: {body}");
        body
    }

    /// POSTs a GraphQL query with a bearer token (`None`: anonymous);
    /// returns the HTTP status and the JSON body.
    pub async fn gql_as(&self, token: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.base_url))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request reaches the server");
        let status = response.status().as_u16();
        let body: Value = response.json().await.expect("the body is JSON");
        (status, body)
    }

    /// Like `gql_as`, asserting status 200 and no errors; returns `data`.
    pub async fn data_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let (status, body) = self.gql_as(Some(token), query, variables).await;
        assert_eq!(status, 200, "unexpected status, body: {body}");
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// Like `gql` but asserts there are no errors and returns `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.gql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A valid token for the test server (signed with the development HS256
/// secret the test servers run with).
pub fn token(sub: &str, roles: &[&str], municipalities: &[&str], police_areas: &[&str]) -> String {
    let owned = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    api::auth::mint_hs256(
        api::config::DEV_HS256_SECRET,
        &api::auth::TokenRequest {
            sub: sub.to_owned(),
            name: None,
            roles: owned(roles),
            municipalities: owned(municipalities),
            police_areas: owned(police_areas),
            ttl_secs: 3600,
            issuer: None,
            audience: None,
        },
    )
    .expect("signing a test token")
}

/// The `code` of every item of a JSON list (municipalities, police areas…).
pub fn codes(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap_or_else(|| panic!("expected a list, got {list}"))
        .iter()
        .map(|item| item["code"].as_str().expect("a code"))
        .collect()
}

/// The codes of every error in a GraphQL response body.
pub fn error_codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    e["extensions"]["code"]
                        .as_str()
                        .unwrap_or("<none>")
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The `content-type` of a response ("" when it has none).
pub fn content_type(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The value of the unlabelled sample `name` in a Prometheus/OpenMetrics
/// text exposition; `None` when it is not there.
pub fn metric_value(text: &str, name: &str) -> Option<f64> {
    text.lines().find_map(|line| {
        let value = line.strip_prefix(name)?.strip_prefix(' ')?;
        value.split(' ').next()?.parse().ok()
    })
}

/// A fresh PostgreSQL database of its own, dropped with this value, for
/// tests that start server processes themselves (the `api` binary).
#[derive(Debug)]
pub struct PostgresDatabase(TestDatabase);

impl PostgresDatabase {
    /// `None` under the rule of `db_test!`'s PostgreSQL half: when
    /// `TEST_DATABASE_URL` is unset, except under `CI=true`, where it panics.
    pub async fn create() -> Option<Self> {
        TestDatabase::postgres().await.map(Self)
    }

    /// The connection URL (`DATABASE_URL` for a server).
    pub fn url(&self) -> &str {
        &self.0.url
    }
}

/// A fresh SQLite file of its own, removed with this value, for tests
/// that start server processes themselves.
#[derive(Debug)]
pub struct SqliteDatabase(TestDatabase);

impl SqliteDatabase {
    pub fn create() -> Self {
        Self(TestDatabase::sqlite())
    }

    /// The connection URL (`DATABASE_URL` for a server).
    pub fn url(&self) -> &str {
        &self.0.url
    }
}

/// A database that exists for one test only.
#[derive(Debug)]
struct TestDatabase {
    url: String,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    File(PathBuf),
    PostgresDatabase { admin_url: String, name: String },
}

impl TestDatabase {
    fn sqlite() -> Self {
        let dir = std::env::temp_dir().join("medborgarloften-tests");
        std::fs::create_dir_all(&dir).expect("temp folder");
        let path = dir.join(format!("{}.db", Uuid::new_v4().simple()));
        Self {
            url: format!("sqlite://{}?mode=rwc", path.display()),
            cleanup: Cleanup::File(path),
        }
    }

    async fn postgres() -> Option<Self> {
        let admin_url = match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => url,
            _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
                panic!("CI=true but TEST_DATABASE_URL is not set: PostgreSQL tests must run in CI")
            }
            _ => return None,
        };
        let name = format!("medborgarloften_test_{}", Uuid::new_v4().simple());
        let admin = Database::connect(&admin_url)
            .await
            .expect("TEST_DATABASE_URL is set, so PostgreSQL must be reachable");
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("creating the test database");
        admin.close().await.ok();
        Some(Self {
            url: replace_database(&admin_url, &name),
            cleanup: Cleanup::PostgresDatabase { admin_url, name },
        })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::PostgresDatabase { admin_url, name } => {
                // Drop runs inside the test's runtime; a fresh thread with
                // its own runtime can block on the DROP without deadlock.
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let _ = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    rt.block_on(async {
                        if let Ok(admin) = Database::connect(&admin_url).await {
                            let _ = admin
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                                ))
                                .await;
                            admin.close().await.ok();
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// `postgres://u@h:p/old?x` -> `postgres://u@h:p/new?x`.
pub fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_end = base
        .find("://")
        .map(|i| i + 3)
        .and_then(|start| base[start..].find('/').map(|j| start + j))
        .unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..authority_end], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}
