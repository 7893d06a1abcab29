//! `APP_MAX_CONCURRENT_QUERIES` bounds the GraphQL operations executed at
//! once; the others wait their turn. With one turn, concurrent clients —
//! anonymous, signed in, and batches whose operations each need a turn —
//! are all answered, each with its own answer: waiting never deadlocks
//! and never mixes answers up.

use futures::future::join_all;
use serde_json::{Value, json};
use tests::{Backend, TestApp};

/// `pledges(first: n)` ids, as one client asks for them.
fn page(n: usize) -> String {
    format!("{{ pledges(first: {n}) {{ nodes {{ id }} }} }}")
}

fn ids(body: &Value) -> usize {
    body["data"]["pledges"]["nodes"]
        .as_array()
        .map_or(0, Vec::len)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_one_turn_every_concurrent_client_gets_its_own_answer() {
    let app = TestApp::spawn_with(Backend::Sqlite, &[("APP_MAX_CONCURRENT_QUERIES", "1")])
        .await
        .expect("SQLite is always available");
    let viewer = tests::token("v", &["viewer"], &["0683"], &[]);
    let singles = (0..12).map(|i| {
        let app = &app;
        let viewer = viewer.clone();
        async move {
            let n = 1 + i % 3;
            let token = (i % 2 == 1).then_some(viewer.as_str());
            let (status, body) = app.gql_as(token, &page(n), json!({})).await;
            (n, status, body)
        }
    });
    let batches = (0..2).map(|_| {
        let app = &app;
        async move {
            let body: Value = app
                .client
                .post(format!("{}/graphql", app.base_url))
                .json(&json!([
                    { "query": page(1) },
                    { "query": page(2) },
                    { "query": page(3) },
                ]))
                .send()
                .await
                .expect("request reaches the server")
                .json()
                .await
                .expect("the body is JSON");
            body
        }
    });
    let (singles, batches) = tokio::join!(join_all(singles), join_all(batches));
    for (n, status, body) in singles {
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "{body}");
        assert_eq!(ids(&body), n, "first: {n} answered {body}");
    }
    for body in batches {
        let answers = body.as_array().expect("a batch is answered with a list");
        let counts: Vec<usize> = answers.iter().map(ids).collect();
        assert_eq!(counts, [1, 2, 3], "{body}");
    }
}
