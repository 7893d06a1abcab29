//! The per-caller rate limit: past `APP_RATE_LIMIT_BURST` requests at
//! once a caller is refused with 429, `RATE_LIMITED` and `Retry-After`;
//! a signed-in caller is counted by subject, an anonymous one by address
//! (by `X-Forwarded-For` only when told to trust it).

use serde_json::{Value, json};
use tests::{Backend, TestApp, error_codes, token};

async fn limited_app(extra: &[(&str, &str)]) -> TestApp {
    // One a minute after a burst of three: nothing refills during a test.
    let mut env = vec![
        ("APP_RATE_LIMIT_PER_MINUTE", "1"),
        ("APP_RATE_LIMIT_BURST", "3"),
    ];
    env.extend_from_slice(extra);
    TestApp::spawn_with(Backend::Sqlite, &env)
        .await
        .expect("SQLite is always available")
}

async fn ask(app: &TestApp, token: Option<&str>, forwarded_for: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(format!("{}/graphql", app.base_url))
        .json(&json!({ "query": "{ focusAreas { code } }" }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    request.send().await.expect("answered")
}

async fn assert_refused(response: reqwest::Response) {
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .ok()
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_codes(&body), ["RATE_LIMITED"], "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_past_the_limit_is_refused_per_caller() {
    let app = limited_app(&[]).await;
    for _ in 0..3 {
        assert_eq!(ask(&app, None, None).await.status(), 200);
    }
    assert_refused(ask(&app, None, None).await).await;
    // Without trust, a made-up X-Forwarded-For changes nothing.
    assert_refused(ask(&app, None, Some("203.0.113.9")).await).await;

    // Signed-in callers have buckets of their own, by subject.
    let anna = token("anna-vaggeryd", &["municipality_editor"], &["0665"], &[]);
    let eva = token("eva-varnamo", &["municipality_editor"], &["0683"], &[]);
    for _ in 0..3 {
        assert_eq!(ask(&app, Some(&anna), None).await.status(), 200);
    }
    assert_refused(ask(&app, Some(&anna), None).await).await;
    assert_eq!(ask(&app, Some(&eva), None).await.status(), 200);

    // An export counts against the same bucket.
    let export = reqwest::Client::new()
        .get(format!("{}/export/follow-ups.csv", app.base_url))
        .bearer_auth(&anna)
        .send()
        .await
        .expect("answered");
    assert_refused(export).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_load_balancer_anonymous_callers_are_counted_by_forwarded_address() {
    let app = limited_app(&[("APP_TRUST_FORWARDED_FOR", "true")]).await;
    for _ in 0..3 {
        assert_eq!(ask(&app, None, Some("203.0.113.9")).await.status(), 200);
    }
    assert_refused(ask(&app, None, Some("203.0.113.9, 10.0.0.1")).await).await;
    assert_eq!(ask(&app, None, Some("198.51.100.4")).await.status(), 200);
}
