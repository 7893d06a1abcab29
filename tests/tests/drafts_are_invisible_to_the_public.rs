//! A pledge that is not published does not exist for an anonymous caller:
//! not in lists, not in counts, not by ID, and neither do its commitments.

use api::ids::{NodeKind, encode};
use api::store::entities::{commitment, municipality, pledge, police_area};
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
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
    let vaggeryd = municipality::Entity::find()
        .filter(municipality::Column::Code.eq("0665"))
        .one(db)
        .await
        .expect("query municipality")
        .expect("Vaggeryd is seeded");
    let area = police_area::Entity::find()
        .filter(police_area::Column::Code.eq("lpo-varnamo"))
        .one(db)
        .await
        .expect("query police area")
        .expect("LPO Värnamo is seeded");
    let now = Utc::now();
    let id = Uuid::new_v4();
    pledge::Entity::insert(pledge::ActiveModel {
        id: Set(id),
        municipality_id: Set(vaggeryd.id),
        police_area_id: Set(area.id),
        year: Set(2025),
        title: Set(format!("Utkast ({status})")),
        valid_from: Set(NaiveDate::from_ymd_opt(2025, 1, 1).expect("date")),
        valid_to: Set(NaiveDate::from_ymd_opt(2025, 12, 31).expect("date")),
        status: Set(status.into()),
        signed_on: Set(None),
        introduction: Set(None),
        promise_statement: Set(None),
        situation_picture: Set(None),
        expected_effect: Set(None),
        background: Set(None),
        basis_kinds: Set(json!([])),
        follow_up_plan: Set(None),
        prepared_by: Set(None),
        source_title: Set(None),
        source_url: Set(None),
        municipality_approved_at: Set(None),
        municipality_approved_by: Set(None),
        police_approved_at: Set(None),
        police_approved_by: Set(None),
        withdrawn_reason: Set((status == "WITHDRAWN").then(|| "Ersatt".to_owned())),
        supersedes_id: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await
    .expect("insert pledge");
    let commitment_id = Uuid::new_v4();
    commitment::Entity::insert(commitment::ActiveModel {
        id: Set(commitment_id),
        pledge_id: Set(id),
        municipality_id: Set(vaggeryd.id),
        position: Set(1),
        text: Set("Hemligt åtagande".into()),
        responsible: Set("JOINT".into()),
        method: Set(Some("EST".into())),
        partners: Set(json!([])),
        target_groups: Set(json!([])),
        target_quantity: Set(None),
        target_unit: Set(None),
        target_period: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
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
