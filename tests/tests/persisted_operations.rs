//! Persisted operations as Apollo's clients use them: automatic persisted
//! queries (a hash instead of the document; `PersistedQueryNotFound` until
//! the client has sent both once), and the allow-list mode
//! (`APP_OPERATION_ALLOW_LIST`), where only the listed documents run, by
//! hash or in full, over HTTP and the websocket alike.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tests::{Backend, TestApp, db_test, error_codes, metric_value, token, ws};

const AREAS: &str = "{ focusAreas { code } }";
const REGIONS: &str = "query Regions { policeRegions { code } }";

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

/// POSTs `body` as `token`'s caller (anonymous without one).
async fn post(app: &TestApp, token: Option<&str>, body: Value) -> Value {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.base_url))
        .json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("answered");
    assert_eq!(response.status(), 200);
    response.json().await.expect("JSON")
}

/// A GET of the hash alone, as Apollo's link sends it for queries.
async fn get_by_hash(app: &TestApp, hash: &str) -> reqwest::Response {
    app.client
        .get(format!("{}/graphql", app.base_url))
        .query(&[("extensions", persisted(hash).to_string())])
        .header("accept", "application/json")
        .send()
        .await
        .expect("answered")
}

fn first_message(body: &Value) -> &str {
    body["errors"][0]["message"].as_str().unwrap_or_default()
}

db_test!(
    a_hash_runs_its_document_once_the_client_has_sent_both,
    |app| {
        let hash = sha256(AREAS);
        let expected = app.data(AREAS, json!({})).await;

        // Unknown: the client is asked for the document, by the message
        // Apollo's link looks for.
        let unknown = post(&app, None, json!({ "extensions": persisted(&hash) })).await;
        assert_eq!(
            first_message(&unknown),
            "PersistedQueryNotFound",
            "{unknown}"
        );
        assert_eq!(error_codes(&unknown), ["NOT_FOUND"]);
        assert!(unknown.get("data").is_none_or(Value::is_null), "{unknown}");

        // Hash and document together: run and learned.
        let both = post(
            &app,
            None,
            json!({ "query": AREAS, "extensions": persisted(&hash) }),
        )
        .await;
        assert_eq!(both["data"], expected, "{both}");

        // From now on the hash alone will do, for anyone, by POST and GET.
        let anonymous = post(&app, None, json!({ "extensions": persisted(&hash) })).await;
        assert_eq!(anonymous["data"], expected, "{anonymous}");
        let analyst = token("ola-analys", &["regional_analyst"], &[], &[]);
        let signed_in = post(
            &app,
            Some(&analyst),
            json!({ "extensions": persisted(&hash) }),
        )
        .await;
        assert_eq!(signed_in["data"], expected, "{signed_in}");
        let by_get = get_by_hash(&app, &hash).await;
        assert_eq!(by_get.status(), 200);
        assert!(
            by_get.headers().contains_key("etag"),
            "an anonymous GET by hash is cacheable like one with the document"
        );
        let by_get: Value = by_get.json().await.expect("JSON");
        assert_eq!(by_get["data"], expected, "{by_get}");

        // A hash that is not the document's is refused, and learns nothing.
        let wrong = sha256("{ policeRegions { code } }");
        let mismatch = post(
            &app,
            None,
            json!({ "query": AREAS, "extensions": persisted(&wrong) }),
        )
        .await;
        assert_eq!(error_codes(&mismatch), ["BAD_USER_INPUT"], "{mismatch}");
        let still_unknown = post(&app, None, json!({ "extensions": persisted(&wrong) })).await;
        assert_eq!(first_message(&still_unknown), "PersistedQueryNotFound");
    }
);

db_test!(a_mutation_named_by_hash_still_needs_post, |app| {
    let mutation = r#"mutation { publishPledge(id: "UGxlZGdlOjA=") { id } }"#;
    let hash = sha256(mutation);
    // Learned (it fails for an anonymous caller, but its hash is known).
    let _ = post(
        &app,
        None,
        json!({ "query": mutation, "extensions": persisted(&hash) }),
    )
    .await;
    let by_get = get_by_hash(&app, &hash).await;
    assert_eq!(
        by_get.status(),
        405,
        "a GET may not run a mutation, named by hash or not"
    );
    let body: Value = by_get.json().await.expect("JSON");
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
});

/// A server whose allow-list is an Apollo persisted-query manifest of
/// `AREAS` (under its hash) and `REGIONS` (under an id of its own).
async fn allow_listed_app() -> (TestApp, tempfile_dir::Dir) {
    let dir = tempfile_dir::Dir::new();
    let manifest = json!({
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [
            { "id": sha256(AREAS), "name": "Areas", "type": "query", "body": AREAS },
            { "id": "regions-v1", "name": "Regions", "type": "query", "body": REGIONS },
        ]
    });
    let path = dir.path().join("operations.json");
    std::fs::write(&path, manifest.to_string()).expect("the manifest is written");
    let path = path.to_str().expect("a UTF-8 path").to_owned();
    let app = TestApp::spawn_with(Backend::Sqlite, &[("APP_OPERATION_ALLOW_LIST", &path)])
        .await
        .expect("SQLite is always available");
    (app, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_an_allow_list_only_the_listed_operations_run() {
    let (app, _dir) = allow_listed_app().await;
    let editor = token("eva-varnamo", &["municipality_editor"], &["0683"], &[]);

    // Listed: in full, by hash, by the manifest's id, signed in or not.
    let in_full = post(&app, None, json!({ "query": AREAS })).await;
    assert!(
        in_full["data"]["focusAreas"]
            .as_array()
            .is_some_and(|a| !a.is_empty()),
        "{in_full}"
    );
    let by_hash = post(
        &app,
        Some(&editor),
        json!({ "extensions": persisted(&sha256(AREAS)) }),
    )
    .await;
    assert_eq!(by_hash["data"], in_full["data"], "{by_hash}");
    let by_id = post(&app, None, json!({ "extensions": persisted("regions-v1") })).await;
    assert!(by_id["data"]["policeRegions"].is_array(), "{by_id}");

    // Not listed: refused however it comes, for every caller, and an APQ
    // registration does not add it.
    let unlisted = "{ municipalities { code } }";
    let attempts = [
        (None, json!({ "query": unlisted })),
        (Some(editor.as_str()), json!({ "query": unlisted })),
        (
            None,
            json!({ "query": unlisted, "extensions": persisted(&sha256(unlisted)) }),
        ),
        (None, json!({ "extensions": persisted(&sha256(unlisted)) })),
        // A listed operation's text with a change is another document.
        (None, json!({ "query": "{ focusAreas { code nameSv } }" })),
    ];
    let refused = attempts.len();
    for (caller, body) in attempts {
        let answer = post(&app, caller, body.clone()).await;
        assert_eq!(error_codes(&answer), ["FORBIDDEN"], "{body} -> {answer}");
        assert!(answer.get("data").is_none_or(Value::is_null), "{answer}");
    }
    // A batch refuses its unlisted operations one by one.
    let batch = post(
        &app,
        None,
        json!([{ "query": AREAS }, { "query": unlisted }]),
    )
    .await;
    assert_eq!(batch[0]["data"], in_full["data"], "{batch}");
    assert_eq!(error_codes(&batch[1]), ["FORBIDDEN"], "{batch}");

    // The websocket holds to the same list.
    let mut socket = ws::connect(&app.base_url, &[]).await;
    ws::send(
        &mut socket,
        json!({ "type": "connection_init", "payload": {} }),
    )
    .await;
    assert_eq!(ws::next_json(&mut socket).await["type"], "connection_ack");
    ws::send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { pledgeChanged { id } }" } }),
    )
    .await;
    let answer = ws::next_json(&mut socket).await;
    let codes: Vec<&str> = answer["payload"]
        .as_array()
        .or_else(|| answer["payload"]["errors"].as_array())
        .into_iter()
        .flatten()
        .filter_map(|e| e["extensions"]["code"].as_str())
        .collect();
    assert_eq!(codes, ["FORBIDDEN"], "{answer}");

    let metrics = app
        .client
        .get(format!("{}/metrics", app.base_url))
        .send()
        .await
        .expect("answered")
        .text()
        .await
        .expect("text");
    let counted = metric_value(
        &metrics,
        r#"medborgarloften_rejected_requests_total{reason="operation_not_allowed"}"#,
    );
    // Each refusal above: the attempts, the batch's one, the websocket's.
    assert_eq!(counted, Some((refused + 2) as f64), "{metrics}");
}

/// A scratch directory removed when dropped.
mod tempfile_dir {
    use std::path::{Path, PathBuf};

    pub(super) struct Dir(PathBuf);

    impl Dir {
        pub(super) fn new() -> Self {
            let path = std::env::temp_dir().join(format!("allow-list-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&path).expect("a scratch directory");
            Self(path)
        }

        pub(super) fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
