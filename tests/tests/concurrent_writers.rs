//! No lost updates: two writers edit the same draft at the same time, many
//! times. Every accepted write must be visible in the final state or be
//! superseded by a later accepted write, every refused write must be a
//! CONFLICT (never an internal error), and the audit log must hold exactly
//! the accepted writes.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};
use tests::{TestApp, db_test, error_codes, token};

const ROUNDS: usize = 30;

const READ: &str = "query ($id: ID!) { pledge(id: $id) { version title } }";
const UPDATE: &str = "mutation ($id: ID!, $v: Int!, $title: String!) {
  updatePledge(id: $id, expectedVersion: $v, input: { title: $title }) { version title }
}";

/// One accepted write: the version it was based on and the title it set.
#[derive(Debug, Clone)]
struct Accepted {
    based_on: i64,
    result: i64,
    title: String,
}

async fn writer(
    app: Arc<TestApp>,
    token: String,
    id: String,
    name: &'static str,
) -> (Vec<Accepted>, usize) {
    let mut accepted = Vec::new();
    let mut conflicts = 0;
    for round in 0..ROUNDS {
        let read = app.data_as(&token, READ, json!({ "id": id })).await;
        let based_on = read["pledge"]["version"].as_i64().expect("version");
        let title = format!("{name} {round}");
        let (status, body) = app
            .gql_as(
                Some(&token),
                UPDATE,
                json!({ "id": id, "v": based_on, "title": title }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        match body.get("errors") {
            None => accepted.push(Accepted {
                based_on,
                result: body["data"]["updatePledge"]["version"]
                    .as_i64()
                    .expect("version"),
                title,
            }),
            Some(_) => {
                assert_eq!(
                    error_codes(&body),
                    ["CONFLICT"],
                    "a refused write must be a conflict: {body}"
                );
                let current = body["errors"][0]["extensions"]["currentVersion"].as_i64();
                assert!(
                    current.is_some_and(|c| c > based_on),
                    "conflict names a newer version: {body}"
                );
                conflicts += 1;
            }
        }
    }
    (accepted, conflicts)
}

db_test!(concurrent_writers_lose_no_update, |app| {
    let app = Arc::new(app);
    let editor = token("anna", &["municipality_editor"], &["0665"], &[]);
    let colleague = token("bo", &["municipality_editor"], &["0665"], &[]);
    let admin = token("root", &["admin"], &[], &[]);
    let created = app
        .data_as(
            &editor,
            r#"mutation { createPledge(input: { municipality: "0665", policeArea: "lpo-varnamo",
                year: 2026, title: "Start", validFrom: "2026-01-01", validTo: "2026-12-31" }) { id version } }"#,
            json!({}),
        )
        .await;
    let id = created["createPledge"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let a = tokio::spawn(writer(app.clone(), editor.clone(), id.clone(), "A"));
    let b = tokio::spawn(writer(app.clone(), colleague.clone(), id.clone(), "B"));
    let (a, b) = (a.await.expect("writer A"), b.await.expect("writer B"));
    let accepted: Vec<Accepted> = a.0.into_iter().chain(b.0).collect();
    assert_eq!(
        accepted.len() + a.1 + b.1,
        2 * ROUNDS,
        "every write was accepted or refused"
    );

    // Each accepted write produced its own version, one above the version
    // it was based on: no two writes built on the same state both landed.
    let by_result: BTreeMap<i64, &Accepted> = accepted.iter().map(|w| (w.result, w)).collect();
    assert_eq!(
        by_result.len(),
        accepted.len(),
        "two accepted writes share a version: {accepted:?}"
    );
    for w in &accepted {
        assert_eq!(w.result, w.based_on + 1, "{w:?}");
    }
    // They form one unbroken chain from the created version (1) upwards, so
    // each accepted write is superseded by the next one or is the last.
    let versions: Vec<i64> = by_result.keys().copied().collect();
    let expected: Vec<i64> = (2..2 + accepted.len() as i64).collect();
    assert_eq!(versions, expected);

    // The final state is the last accepted write.
    let last = by_result
        .values()
        .last()
        .expect("at least one write was accepted");
    let now = app.data_as(&editor, READ, json!({ "id": id })).await;
    assert_eq!(now["pledge"]["title"], last.title.as_str());
    assert_eq!(now["pledge"]["version"], last.result);

    // The audit log holds exactly the accepted updates, with their results.
    let log = app
        .data_as(
            &admin,
            "query ($id: ID!) { auditLog(filter: { entityId: $id, action: \"UPDATE\" }, first: 100) {
                totalCount nodes { subject after } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(log["auditLog"]["totalCount"], accepted.len() as u64);
    let mut logged: Vec<(i64, String)> = log["auditLog"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n: &Value| {
            (
                n["after"]["version"].as_i64().expect("after.version"),
                n["after"]["title"]
                    .as_str()
                    .expect("after.title")
                    .to_owned(),
            )
        })
        .collect();
    logged.sort();
    let mut written: Vec<(i64, String)> = accepted
        .iter()
        .map(|w| (w.result, w.title.clone()))
        .collect();
    written.sort();
    assert_eq!(logged, written);
});
