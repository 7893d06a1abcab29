//! `api serve` as a separate process: for tests that need several server
//! instances on one database, as a PostgreSQL deployment runs them.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A running `api serve` process; killed when dropped.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    pub base_url: String,
    log: PathBuf,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// The `api` binary of this build: next to the directory of this test
/// executable (`target/<profile>/deps/..`).
fn api_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable's path");
    let binary = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test executable lives in target/<profile>/deps")
        .join(format!("api{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} does not exist: build it first (`cargo build -p api`; `cargo test --workspace` does)",
        binary.display()
    );
    binary
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl ServerProcess {
    /// Starts `api serve` on `database_url` in development mode (the dev
    /// secret `tests::token` signs with) and waits until it answers.
    pub async fn start(database_url: &str) -> Self {
        Self::start_with(database_url, &[]).await
    }

    /// Like `start`, with further environment variables (`RUST_LOG`
    /// among them: `warn` unless given).
    pub async fn start_with(database_url: &str, env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let log = std::env::temp_dir().join(format!(
            "medborgarloften-api-{}-{port}.log",
            std::process::id()
        ));
        let mut command = Command::new(api_binary());
        command
            .env("DATABASE_URL", database_url)
            .env("APP_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .env_remove("APP_ENV")
            .env_remove("AUTH_HS256_SECRET")
            .env_remove("AUTH_JWKS_FILE")
            .env_remove("AUTH_JWKS_URL")
            .env_remove("AUTH_ISSUER")
            .env_remove("AUTH_AUDIENCE")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("a log file"));
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command.arg("serve").spawn().expect("the api binary starts");
        let mut server = Self {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            log,
        };
        server.wait_until_it_answers().await;
        server
    }

    /// Waits until exactly `n` GraphQL subscriptions are listening in this
    /// process (graphql-transport-ws does not acknowledge a subscription).
    pub async fn listening(&self, n: u64) {
        self.wait_for_metric("medborgarloften_subscriptions_active", n as f64)
            .await;
    }

    /// Waits until the sample `name` of the process's `/metrics` reads
    /// `value`. Polls: the figure is in another process.
    pub async fn wait_for_metric(&self, name: &str, value: f64) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut last = None;
        while Instant::now() < deadline {
            let text = client
                .get(format!("{}/metrics", self.base_url))
                .send()
                .await
                .expect("the server answers /metrics")
                .text()
                .await
                .expect("a text body");
            last = crate::metric_value(&text, name);
            if last == Some(value) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("{name} did not come to {value}; /metrics says {last:?}");
    }

    /// Sends SIGTERM, as Kubernetes does to stop a pod.
    pub fn terminate(&self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "kill -TERM failed");
    }

    /// Waits (at most 30 s) for the process to exit; its status.
    pub async fn exited(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self
                .child
                .try_wait()
                .expect("the process can be waited for")
            {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "api serve did not exit within 30 s: {}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// What the process has logged so far (its stderr).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    async fn wait_until_it_answers(&mut self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "api serve exited with {status}: {}",
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            let probe = client
                .post(format!("{}/graphql", self.base_url))
                .json(&json!({ "query": "{ focusAreas { code } }" }))
                .send()
                .await;
            if probe.is_ok_and(|r| r.status() == 200) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "api serve did not answer within 60 s: {}",
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
    }
}

/// POSTs a query to the instance at `base_url` (anonymous without
/// `token`) and returns its `data`, failing on any error.
pub async fn data_at(base_url: &str, token: Option<&str>, query: &str, variables: Value) -> Value {
    let client = reqwest::Client::new();
    let mut request = client
        .post(format!("{base_url}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let body: Value = request
        .send()
        .await
        .expect("the server answers")
        .json()
        .await
        .expect("a JSON body");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}
