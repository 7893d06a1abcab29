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

db_test!(two_writers_naming_the_same_new_place_both_succeed, |app| {
    // SQLite lets one writer in at a time, so the race cannot happen there.
    if app.backend != tests::Backend::Postgres {
        return;
    }
    use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
    let name = "Torget i Skillingaryd";
    let db = app.db();
    let backend = db.get_database_backend();
    let municipality: uuid::Uuid = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT id FROM municipalities WHERE code = '0665'",
        ))
        .await
        .expect("query")
        .expect("Vaggeryd")
        .try_get("", "id")
        .expect("id");
    // The first writer has added the place and not committed yet.
    let first = db.begin().await.expect("begin");
    let theirs = uuid::Uuid::new_v4();
    first
        .execute_raw(Statement::from_sql_and_values(
            backend,
            "INSERT INTO places (id, municipality_id, name, kind) VALUES ($1, $2, $3, 'OTHER')",
            [theirs.into(), municipality.into(), name.into()],
        ))
        .await
        .expect("the first writer's place");
    // The second names it through the API, and waits on the first's row in
    // the unique index; once it waits, the first commits.
    let editor = token("anna", &["municipality_editor"], &["0665"], &[]);
    let record = app.gql_as(
        Some(&editor),
        "mutation ($input: ActivityInput!) { recordActivity(input: $input) { place { name } } }",
        json!({ "input": { "municipality": "0665", "kind": "SAFETY_WALK",
                           "place": name, "description": "Trygghetsvandring på torget" } }),
    );
    let commit_once_waited_on = async {
        let waiting = Statement::from_string(
            backend,
            "SELECT count(*) AS n FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        let waited = tokio::time::timeout(std::time::Duration::from_secs(20), async {
            loop {
                let row = db.query_one_raw(waiting.clone()).await.expect("activity");
                let n: i64 = row.expect("a count").try_get("", "n").expect("n");
                if n > 0 {
                    break;
                }
                tokio::task::yield_now().await;
            }
        })
        .await;
        assert!(
            waited.is_ok(),
            "the second writer never waited on the first"
        );
        first.commit().await.expect("commit");
    };
    let ((status, body), ()) = tokio::join!(record, commit_once_waited_on);
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["recordActivity"]["place"]["name"], name);
    let places: Vec<uuid::Uuid> = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            "SELECT id FROM places WHERE municipality_id = $1 AND name = $2",
            [municipality.into(), name.into()],
        ))
        .await
        .expect("places")
        .iter()
        .map(|row| row.try_get("", "id").expect("id"))
        .collect();
    assert_eq!(places, [theirs], "one place, the first writer's");
});
