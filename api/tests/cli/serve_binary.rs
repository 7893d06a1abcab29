//! The `api` binary as a newcomer runs it: `api serve` on an empty folder
//! creates the embedded SQLite database under ./data/, migrates, seeds and
//! answers the README's example query. Also `api seed` (idempotent) and
//! `api --help`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const README_QUERY: &str = r#"{ pledges(filter:{municipality:"0683"}) { totalCount nodes { year signedOn commitments { text responsible } } } }"#;

/// A fresh working directory for one run of the binary.
fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("medborgarloften-bin-{}", uuid_like()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{}-{nanos}", std::process::id())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn api(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_api"));
    cmd.current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("APP_ENV")
        .env("RUST_LOG", "warn");
    cmd
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn wait_for(url: &str, client: &reqwest::Client) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let probe = client
            .post(url)
            .json(&json!({ "query": "{ focusAreas { code } }" }))
            .send()
            .await;
        if probe.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not answer within 60 s");
}

#[tokio::test]
async fn serve_on_an_empty_folder_answers_the_readme_query_with_seeded_data() {
    let dir = scratch_dir();
    let port = free_port();
    let child = api(&dir)
        .arg("serve")
        .env("APP_ADDR", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let _server = Server(child);
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/graphql");
    wait_for(&url, &client).await;

    let body: Value = client
        .post(&url)
        .json(&json!({ "query": README_QUERY }))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    let pledges = &body["data"]["pledges"];
    assert_eq!(pledges["totalCount"], 2, "{body}");
    let years: Vec<i64> = pledges["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["year"].as_i64().expect("year"))
        .collect();
    assert_eq!(years, [2024, 2022]);
    assert_eq!(
        pledges["nodes"][0]["commitments"].as_array().map(Vec::len),
        Some(4)
    );
    assert!(
        dir.join("data/medborgarloften.db").exists(),
        "the embedded database lives under ./data/"
    );
    // What a container health check runs against the live server.
    for args in [&["probe"][..], &["probe", "--ready"]] {
        let status = api(&dir)
            .args(args)
            .env("APP_ADDR", format!("0.0.0.0:{port}"))
            .status()
            .expect("the probe runs");
        assert!(status.success(), "{args:?} against a live server: {status}");
    }
    drop(_server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn probe_fails_when_no_server_answers() {
    let dir = scratch_dir();
    let output = api(&dir)
        .args(["probe", "--ready"])
        .env("APP_ADDR", format!("127.0.0.1:{}", free_port()))
        .output()
        .expect("the probe runs");
    assert!(
        !output.status.success(),
        "nothing listens, yet the probe passed"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/readyz did not answer"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn seed_twice_adds_nothing_the_second_time() {
    let dir = scratch_dir();
    for _ in 0..2 {
        let status = api(&dir).arg("seed").status().expect("api seed runs");
        assert!(status.success());
    }
    let db = dir.join("data/medborgarloften.db");
    assert!(db.exists());
    // Count rows with the server itself: serve on the seeded file and ask.
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let port = free_port();
        let child = api(&dir)
            .arg("serve")
            .env("APP_ADDR", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let _server = Server(child);
        let client = reqwest::Client::new();
        let url = format!("http://127.0.0.1:{port}/graphql");
        wait_for(&url, &client).await;
        let body: Value = client
            .post(&url)
            .json(&json!({ "query": "{ pledges { totalCount } municipalities { code } }" }))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json");
        assert_eq!(body["data"]["pledges"]["totalCount"], 4, "{body}");
        assert_eq!(
            body["data"]["municipalities"].as_array().map(Vec::len),
            Some(290)
        );
    });
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn help_lists_the_subcommands() {
    let output = Command::new(env!("CARGO_BIN_EXE_api"))
        .arg("--help")
        .output()
        .expect("api --help runs");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    for sub in ["serve", "migrate", "seed"] {
        assert!(text.contains(sub), "--help lacks {sub}: {text}");
    }
    for variable in [
        "DATABASE_URL",
        "APP_RATE_LIMIT_PER_MINUTE",
        "APP_SHUTDOWN_GRACE_SECS",
    ] {
        assert!(text.contains(variable), "--help lacks {variable}: {text}");
    }
}

#[test]
fn a_bad_setting_stops_the_server_naming_the_variable_and_the_form() {
    let output = Command::new(env!("CARGO_BIN_EXE_api"))
        .arg("serve")
        .env("APP_MAX_BODY_BYTES", "big")
        .output()
        .expect("api serve runs");
    assert!(!output.status.success());
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(
        text.contains("APP_MAX_BODY_BYTES") && text.contains("positive whole number"),
        "{text}"
    );
}

#[test]
fn an_unreadable_or_invalid_allow_list_stops_the_server_naming_the_variable() {
    let dir = scratch_dir();
    let invalid = dir.join("operations.json");
    std::fs::write(&invalid, r#"{"q1": "{ focusAreas { code "}"#).expect("written");
    for (path, why) in [
        (dir.join("missing.json"), "cannot read"),
        (invalid, "does not parse"),
    ] {
        let output = api(&dir)
            .arg("serve")
            .env("APP_ADDR", format!("127.0.0.1:{}", free_port()))
            .env("APP_OPERATION_ALLOW_LIST", &path)
            .output()
            .expect("api serve runs");
        assert!(!output.status.success(), "{} was accepted", path.display());
        let text = String::from_utf8_lossy(&output.stderr);
        assert!(
            text.contains("APP_OPERATION_ALLOW_LIST") && text.contains(why),
            "{text}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
