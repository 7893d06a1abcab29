//! A pledge that is not published does not exist for an anonymous caller:
//! not in lists, not in counts, not by ID, and neither do its commitments.

use api::ids::{NodeKind, encode};
use chrono::Utc;
use serde_json::{Value, json};
use tests::sql::{self, NewCommitment, NewPledge};
use tests::{TestApp, db_test, error_codes};
use uuid::Uuid;

/// Keys of a pledge and its one commitment inserted straight into the database.
struct Inserted {
    pledge: Uuid,
    commitment: Uuid,
}

/// Inserts a Vaggeryd pledge for 2025 with `status` and one commitment.
async fn insert_vaggeryd_pledge(app: &TestApp, status: &str) -> Inserted {
    let db = app.db();
    let vaggeryd = sql::id_by_code(db, "municipalities", "0665")
        .await
        .expect("Vaggeryd is seeded");
    let area = sql::id_by_code(db, "police_areas", "lpo-varnamo")
        .await
        .expect("LPO Värnamo is seeded");
    let id = Uuid::new_v4();
    let title = format!("Utkast ({status})");
    let pledge = NewPledge {
        id,
        municipality_id: vaggeryd,
        police_area_id: area,
        year: 2025,
        title: &title,
        status,
        withdrawn_reason: (status == "WITHDRAWN").then_some("Ersatt"),
    };
    sql::insert(db, &[pledge]).await.expect("insert pledge");
    let commitment_id = Uuid::new_v4();
    let commitment = NewCommitment {
        id: commitment_id,
        pledge_id: id,
        municipality_id: vaggeryd,
        position: 1,
        text: "Hemligt åtagande".into(),
        method: Some("EST"),
        target_quantity: None,
        target_unit: None,
        at: Utc::now(),
    };
    sql::insert(db, &[commitment])
        .await
        .expect("insert commitment");
    Inserted {
        pledge: id,
        commitment: commitment_id,
    }
}

fn titles(nodes: &Value) -> Vec<&str> {
    nodes
        .as_array()
        .unwrap_or_else(|| panic!("expected a list, got {nodes}"))
        .iter()
        .map(|n| n["title"].as_str().expect("title"))
        .collect()
}

/// Lists, counts and the municipality's own list show only the four
/// published seed pledges.
async fn assert_absent_from_lists(app: &TestApp) {
    let data = app
        .data(
            r#"{
              all: pledges { totalCount nodes { title year } }
              vaggeryd: pledges(filter: { municipality: "0665" }) { totalCount nodes { title } }
              year2025: pledges(filter: { year: 2025 }) { totalCount nodes { title } }
              municipality(code: "0665") { pledges { title year } }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["all"]["totalCount"], 4, "{data}");
    let years: Vec<i64> = data["all"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["year"].as_i64().expect("year"))
        .collect();
    assert_eq!(years, [2024, 2023, 2023, 2022]);
    assert_eq!(data["vaggeryd"]["totalCount"], 1);
    assert_eq!(titles(&data["vaggeryd"]["nodes"]), ["Medborgarlöften 2023"]);
    assert_eq!(data["year2025"]["totalCount"], 0);
    assert_eq!(data["year2025"]["nodes"], json!([]));
    assert_eq!(
        data["municipality"]["pledges"],
        json!([{ "title": "Medborgarlöften 2023", "year": 2023 }])
    );
}

/// Runs `query` with `id` and asserts NOT_FOUND with `field` null.
async fn assert_not_found(app: &TestApp, query: &str, field: &str, id: &str) {
    let body = app.gql(query, json!({ "id": id })).await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{field}({id}): {body}");
    assert_eq!(body["data"][field], Value::Null, "{field}({id}): {body}");
    let text = body.to_string();
    assert!(!text.contains("Hemligt"), "leaks the commitment: {text}");
    assert!(!text.contains("Utkast"), "leaks the pledge: {text}");
}

const PLEDGE_BY_ID: &str = "query ($id: ID!) { pledge(id: $id) { id title } }";
const NODE_BY_ID: &str = "query ($id: ID!) { node(id: $id) { id __typename } }";

async fn assert_unreachable_by_id(app: &TestApp, inserted: &Inserted) {
    let pledge_id = encode(NodeKind::Pledge, inserted.pledge);
    let commitment_id = encode(NodeKind::Commitment, inserted.commitment);
    assert_not_found(app, PLEDGE_BY_ID, "pledge", &pledge_id).await;
    assert_not_found(app, NODE_BY_ID, "node", &pledge_id).await;
    assert_not_found(app, NODE_BY_ID, "node", &commitment_id).await;
}

db_test!(a_draft_is_absent_from_every_public_list, |app| {
    insert_vaggeryd_pledge(&app, "DRAFT").await;
    assert_absent_from_lists(&app).await;
});

db_test!(asking_for_drafts_by_status_finds_none, |app| {
    insert_vaggeryd_pledge(&app, "DRAFT").await;
    let data = app
        .data(
            "{ pledges(filter: { status: DRAFT }) { totalCount nodes { title } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["pledges"]["totalCount"], 0);
    assert_eq!(data["pledges"]["nodes"], json!([]));
});

db_test!(a_draft_and_its_commitment_are_not_found_by_id, |app| {
    let draft = insert_vaggeryd_pledge(&app, "DRAFT").await;
    assert_unreachable_by_id(&app, &draft).await;
});

db_test!(a_withdrawn_pledge_is_invisible_too, |app| {
    let withdrawn = insert_vaggeryd_pledge(&app, "WITHDRAWN").await;
    assert_absent_from_lists(&app).await;
    let data = app
        .data(
            "{ pledges(filter: { status: WITHDRAWN }) { totalCount nodes { title } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["pledges"]["totalCount"], 0);
    assert_unreachable_by_id(&app, &withdrawn).await;
});

db_test!(the_same_ids_are_found_once_published, |app| {
    // Guards the tests above: the IDs are built the way the server builds
    // them, so NOT_FOUND is about visibility, not a malformed ID.
    let published = insert_vaggeryd_pledge(&app, "PUBLISHED").await;
    let data = app
        .data(
            "query ($p: ID!, $c: ID!) {
               pledge(id: $p) { title }
               node(id: $c) { __typename ... on Commitment { text } }
             }",
            json!({
                "p": encode(NodeKind::Pledge, published.pledge),
                "c": encode(NodeKind::Commitment, published.commitment),
            }),
        )
        .await;
    assert_eq!(data["pledge"]["title"], "Utkast (PUBLISHED)");
    assert_eq!(data["node"]["__typename"], "Commitment");
    assert_eq!(data["node"]["text"], "Hemligt åtagande");
});
