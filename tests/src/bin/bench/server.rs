//! The release `api` binary: built once, run as `api seed …` to load data
//! and as `api serve` processes under load. Processes are killed when
//! their handle is dropped, so no error path leaves a server behind.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tokio::process::{Child, Command};

/// How long a server may take to answer its first request: migrations
/// and, on an empty database, the seed run before it listens.
const READY_TRIES: u32 = 600;
const READY_POLL: Duration = Duration::from_millis(100);

/// The workspace root, from where cargo compiled this binary.
pub(crate) fn workspace_root() -> PathBuf {
    let tests_crate = Path::new(env!("CARGO_MANIFEST_DIR"));
    tests_crate.parent().unwrap_or(tests_crate).to_path_buf()
}

/// The release `api` binary.
#[derive(Debug, Clone)]
pub(crate) struct ApiBinary {
    path: PathBuf,
    secret: String,
}

impl ApiBinary {
    /// Runs `cargo build --release -p api` (quick when nothing changed) and
    /// returns its binary. Servers it starts sign nothing but verify HS256
    /// tokens with `secret`.
    pub(crate) async fn build(secret: String) -> anyhow::Result<Self> {
        let root = workspace_root();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        eprintln!("bench: cargo build --release -p api");
        let mut build = Command::new(cargo);
        build
            .args(["build", "--release", "-p", "api"])
            .current_dir(&root)
            .stdin(Stdio::null());
        // `cargo run` gives the bench the variables cargo sets for a crate
        // (CARGO_PKG_NAME, CARGO_MANIFEST_DIR, …). Some build scripts (ring's)
        // rerun when those change, so a build that inherits them would
        // rebuild half the dependency tree, and the next plain cargo
        // command would rebuild it again.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if key.starts_with("CARGO_PKG_")
                || key.starts_with("CARGO_MANIFEST_")
                || [
                    "CARGO_CRATE_NAME",
                    "CARGO_BIN_NAME",
                    "CARGO_PRIMARY_PACKAGE",
                    "OUT_DIR",
                ]
                .contains(&key.as_ref())
            {
                build.env_remove(key.as_ref());
            }
        }
        let status = build
            .status()
            .await
            .context("running cargo build --release -p api")?;
        if !status.success() {
            bail!("cargo build --release -p api failed ({status})");
        }
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"));
        let path = target.join("release").join("api");
        if !path.is_file() {
            bail!("cargo built the api but {} is not there", path.display());
        }
        Ok(Self { path, secret })
    }

    /// `api <args>` on `database_url`, with the server's environment set
    /// here and nothing inherited that could change its behaviour.
    fn command(&self, database_url: &str, rust_log: &str) -> Command {
        let mut command = Command::new(&self.path);
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if key.starts_with("APP_") || key.starts_with("AUTH_") || key == "DATABASE_URL" {
                command.env_remove(key.as_ref());
            }
        }
        command
            .env("DATABASE_URL", database_url)
            .env("APP_ENV", "development")
            .env("AUTH_HS256_SECRET", &self.secret)
            .env("RUST_LOG", rust_log)
            .env("NO_COLOR", "1")
            .current_dir(workspace_root())
            .stdin(Stdio::null())
            .kill_on_drop(true);
        command
    }

    /// Runs `api <args>` to its end; returns its stdout and the wall-clock
    /// time it took. Its stderr (progress, errors) goes to the terminal.
    pub(crate) async fn run(
        &self,
        database_url: &str,
        args: &[String],
    ) -> anyhow::Result<(String, Duration)> {
        let started = Instant::now();
        let output = self
            .command(database_url, "warn")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .output()
            .await
            .with_context(|| format!("running api {}", args.join(" ")))?;
        let took = started.elapsed();
        let stdout = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        if !output.status.success() {
            bail!(
                "api {} failed ({}){}",
                args.join(" "),
                output.status,
                if stdout.is_empty() {
                    String::new()
                } else {
                    format!(": {stdout}")
                }
            );
        }
        Ok((stdout, took))
    }

    /// Starts `api serve` on a free loopback port with `rust_log`, its
    /// output going to `log`, and waits until it answers GraphQL.
    pub(crate) async fn serve(
        &self,
        database_url: &str,
        rust_log: &str,
        log: &Path,
        client: &reqwest::Client,
    ) -> anyhow::Result<Server> {
        let port = free_port()?;
        let out = std::fs::File::create(log)
            .with_context(|| format!("creating the server log {}", log.display()))?;
        let err = out.try_clone().context("sharing the server log")?;
        let child = self
            .command(database_url, rust_log)
            .arg("serve")
            .env("APP_ADDR", format!("127.0.0.1:{port}"))
            .stdout(out)
            .stderr(err)
            .spawn()
            .with_context(|| format!("starting {} serve", self.path.display()))?;
        let pid = child.id().context("the server exited at once")?;
        let mut server = Server {
            child,
            pid,
            url: format!("http://127.0.0.1:{port}/graphql"),
            log: log.to_path_buf(),
        };
        server.wait_until_ready(client).await?;
        Ok(server)
    }
}

/// A running `api serve`.
#[derive(Debug)]
pub(crate) struct Server {
    child: Child,
    pid: u32,
    url: String,
    log: PathBuf,
}

impl Server {
    /// The GraphQL endpoint, always on 127.0.0.1.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    pub(crate) fn pid(&self) -> u32 {
        self.pid
    }

    /// Where its output goes.
    pub(crate) fn log(&self) -> &Path {
        &self.log
    }

    /// Polls `{ __typename }` until it answers, a bounded number of times,
    /// failing early when the process has died.
    async fn wait_until_ready(&mut self, client: &reqwest::Client) -> anyhow::Result<()> {
        for _ in 0..READY_TRIES {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "the server exited ({status}) before it answered; its log:\n{}",
                    log_tail(&self.log)
                );
            }
            let answer = client
                .post(&self.url)
                .header("content-type", "application/json")
                .body(r#"{"query":"{ __typename }"}"#)
                .timeout(Duration::from_secs(2))
                .send()
                .await;
            if let Ok(response) = answer
                && response.status() == 200
                && response
                    .text()
                    .await
                    .is_ok_and(|body| body.contains("__typename") && !body.contains("errors"))
            {
                return Ok(());
            }
            tokio::time::sleep(READY_POLL).await;
        }
        bail!(
            "the server did not answer within {} s; its log:\n{}",
            (READY_POLL * READY_TRIES).as_secs(),
            log_tail(&self.log)
        )
    }

    /// Fails when the server has died (e.g. under load).
    pub(crate) fn ensure_running(&mut self) -> anyhow::Result<()> {
        if let Some(status) = self.child.try_wait()? {
            bail!(
                "the server exited ({status}); its log:\n{}",
                log_tail(&self.log)
            );
        }
        Ok(())
    }

    /// Stops the server and waits for it to be gone.
    pub(crate) async fn stop(mut self) -> anyhow::Result<()> {
        self.child.start_kill().ok();
        tokio::time::timeout(Duration::from_secs(10), self.child.wait())
            .await
            .context("the server did not stop within 10 s")?
            .context("waiting for the server to stop")?;
        Ok(())
    }
}

/// A port nobody listens on now. Another process could take it before the
/// server binds it; on a bench machine that is rare and fails loudly.
fn free_port() -> anyhow::Result<u16> {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").context("finding a free local port")?;
    Ok(listener.local_addr()?.port())
}

/// The last lines of a log file, for error messages.
pub(crate) fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}
