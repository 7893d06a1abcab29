//! What one request may take, and what browsers are told: a body over
//! `APP_MAX_BODY_BYTES` is refused with 413 however it is sent, CORS lets
//! the configured origins' pages read answers (any in development), and
//! every response carries the safe default headers.

use serde_json::{Value, json};
use tests::{Backend, TestApp, error_codes};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn app(env: &[(&str, &str)]) -> TestApp {
    TestApp::spawn_with(Backend::Sqlite, env)
        .await
        .expect("SQLite is always available")
}

/// A GraphQL request padded with a comment to about `bytes` bytes.
fn padded_query(bytes: usize) -> String {
    json!({ "query": format!("{{ focusAreas {{ code }} }} #{}", "x".repeat(bytes)) }).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_is_refused_with_413_in_graphql_shape() {
    let app = app(&[("APP_MAX_BODY_BYTES", "10000")]).await;
    let client = reqwest::Client::new();
    let send = |body: String| {
        client
            .post(format!("{}/graphql", app.base_url))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let within = send(padded_query(9_000)).await.expect("answered");
    assert_eq!(within.status(), 200);
    let over = send(padded_query(10_001)).await.expect("answered");
    assert_eq!(over.status(), 413);
    let body: Value = over.json().await.expect("a JSON error");
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("10000 bytes")),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunked_body_over_the_limit_is_refused_while_it_is_read() {
    let app = app(&[("APP_MAX_BODY_BYTES", "10000")]).await;
    // No Content-Length: the body comes in chunks, and only reading it
    // shows that it is too large.
    let body = padded_query(20_000);
    let addr = app.base_url.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connected");
    let mut request = format!(
        "POST /graphql HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
         transfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    )
    .into_bytes();
    for chunk in body.as_bytes().chunks(4096) {
        request.extend(format!("{:x}\r\n", chunk.len()).into_bytes());
        request.extend(chunk);
        request.extend(b"\r\n");
    }
    request.extend(b"0\r\n\r\n");
    socket.write_all(&request).await.expect("sent");
    let mut answer = Vec::new();
    socket.read_to_end(&mut answer).await.expect("read");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("BAD_USER_INPUT"), "{answer}");
}

async fn preflight(app: &TestApp, origin: &str) -> reqwest::Response {
    reqwest::Client::new()
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/graphql", app.base_url),
        )
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .expect("answered")
}

fn allowed_origin(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("access-control-allow-origin")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn development_lets_any_origin_read_answers() {
    let app = app(&[]).await;
    let answer = preflight(&app, "http://localhost:5173").await;
    assert!(answer.status().is_success(), "{}", answer.status());
    assert_eq!(allowed_origin(&answer).as_deref(), Some("*"));
    let allowed_headers = answer
        .headers()
        .get("access-control-allow-headers")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        allowed_headers.contains("authorization"),
        "{allowed_headers}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_lets_only_the_configured_origins_read_answers() {
    let app = app(&[
        ("APP_ENV", "production"),
        (
            "AUTH_HS256_SECRET",
            "a-production-secret-that-is-long-enough",
        ),
        ("APP_CORS_ORIGINS", "https://trygg.varnamo.se"),
    ])
    .await;
    let listed = preflight(&app, "https://trygg.varnamo.se").await;
    assert_eq!(
        allowed_origin(&listed).as_deref(),
        Some("https://trygg.varnamo.se")
    );
    let other = preflight(&app, "https://elsewhere.example").await;
    assert_eq!(allowed_origin(&other), None);
    // An actual request from the listed origin is marked readable too.
    let answer = reqwest::Client::new()
        .post(format!("{}/graphql", app.base_url))
        .header("origin", "https://trygg.varnamo.se")
        .json(&json!({ "query": "{ focusAreas { code } }" }))
        .send()
        .await
        .expect("answered");
    assert_eq!(
        allowed_origin(&answer).as_deref(),
        Some("https://trygg.varnamo.se")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_safe_default_headers() {
    let app = app(&[]).await;
    let client = reqwest::Client::new();
    let graphql = client
        .post(format!("{}/graphql", app.base_url))
        .json(&json!({ "query": "{ focusAreas { code } }" }))
        .send()
        .await
        .expect("answered");
    let dashboard = client
        .get(format!("{}/dashboard", app.base_url))
        .send()
        .await
        .expect("answered");
    let missing = client
        .get(format!("{}/no-such-page", app.base_url))
        .send()
        .await
        .expect("answered");
    for response in [&graphql, &dashboard, &missing] {
        let h = response.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{h:?}");
        assert_eq!(h["x-frame-options"], "DENY", "{h:?}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{h:?}");
    }
    // The dashboard keeps its own, stricter policy for its page.
    assert!(
        dashboard.headers()["content-security-policy"]
            .to_str()
            .is_ok_and(|csp| csp.contains("default-src 'none'")),
        "{:?}",
        dashboard.headers()
    );
}
