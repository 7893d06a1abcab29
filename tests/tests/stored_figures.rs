//! The comparison figures are kept beside the rows they count and every
//! write recomputes its municipality's figures before it commits. Here a
//! pledge goes through its life through the API only — commitments added,
//! changed and removed, signed and published, activities recorded, a
//! report published and withdrawn, the pledge withdrawn — and after each
//! write the comparison must already equal the one computed from scratch:
//! a write path that forgot its figures fails here. Two writers of one
//! municipality at once must both be counted.

use serde_json::{Value, json};
use tests::{TestApp, db_test, token};

/// A year no seeded pledge is in force in.
const YEAR: i32 = 2030;

const COMPARISON: &str = r#"
query ($year: Int!) {
  regionalComparison(year: $year, policeArea: "lpo-varnamo") {
    municipalities { municipality { code } pledgeStatus pledge { id } figures { ...figures } }
    totals { ...figures }
  }
}
fragment figures on ComparisonFigures {
  pledges commitments
  commitmentsByResponsible { key count }
  commitmentsByMethod { key count }
  focusAreas { key count }
  progressByStatus { key count }
  completionRate
  activities
  activitiesByKind { key count }
}"#;

fn editor() -> String {
    token("anna-vaggeryd", &["municipality_editor"], &["0665"], &[])
}

fn police() -> String {
    token("per-lpo-varnamo", &["police_editor"], &[], &["lpo-varnamo"])
}

fn analyst() -> String {
    token("ada", &["regional_analyst"], &[], &[])
}

async fn comparison(app: &TestApp, caller: Option<&str>) -> Value {
    let (status, body) = app
        .gql_as(caller, COMPARISON, json!({ "year": YEAR }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["regionalComparison"].clone()
}

/// Vaggeryd's figures as the analyst sees them, after checking that what
/// the analyst and the public see equals a recomputation from scratch.
async fn vaggeryd(app: &TestApp, after: &str) -> Value {
    let analyst = analyst();
    let kept = (
        comparison(app, Some(&analyst)).await,
        comparison(app, None).await,
    );
    api::store::figures::recompute_all(app.db())
        .await
        .expect("recomputing the figures");
    let fresh = (
        comparison(app, Some(&analyst)).await,
        comparison(app, None).await,
    );
    assert_eq!(
        kept.0, fresh.0,
        "after {after}: the analyst's figures were stale"
    );
    assert_eq!(
        kept.1, fresh.1,
        "after {after}: the public figures were stale"
    );
    kept.0["municipalities"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["municipality"]["code"] == "0665"))
        .unwrap_or_else(|| panic!("no Vaggeryd in {}", kept.0))
        .clone()
}

fn id(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected an ID, got {value}"))
        .to_owned()
}

async fn create_pledge(app: &TestApp) -> String {
    let created = app
        .data_as(
            &editor(),
            "mutation ($year: Int!, $from: Date!, $to: Date!) {
               createPledge(input: { municipality: \"0665\", policeArea: \"lpo-varnamo\", year: $year,
                 title: \"Medborgarlöfte Vaggeryd\", validFrom: $from, validTo: $to }) { id }
             }",
            json!({ "year": YEAR, "from": format!("{YEAR}-01-01"), "to": format!("{YEAR}-12-31") }),
        )
        .await;
    id(&created["createPledge"]["id"])
}

async fn add_commitment(app: &TestApp, pledge: &str, responsible: &str, methods: Value) -> String {
    let added = app
        .data_as(
            &editor(),
            "mutation ($id: ID!, $responsible: Party!, $methods: [Method!]) {
               addCommitment(pledgeId: $id, input: { text: \"Vi genomför trygghetsvandringar.\",
                 responsible: $responsible, methods: $methods }) { id }
             }",
            json!({ "id": pledge, "responsible": responsible, "methods": methods }),
        )
        .await;
    id(&added["addCommitment"]["id"])
}

async fn version_of_commitment(app: &TestApp, commitment: &str) -> i64 {
    let read = app
        .data_as(
            &editor(),
            "query ($id: ID!) { node(id: $id) { ... on Commitment { version } } }",
            json!({ "id": commitment }),
        )
        .await;
    read["node"]["version"]
        .as_i64()
        .unwrap_or_else(|| panic!("no version in {read}"))
}

async fn record_activity(app: &TestApp, commitment: Option<&str>, kind: &str, date: Option<&str>) {
    app.data_as(
        &editor(),
        "mutation ($input: ActivityInput!) { recordActivity(input: $input) { id } }",
        json!({ "input": {
            "municipality": "0665", "commitmentId": commitment, "kind": kind,
            "date": date, "description": "Trygghetsvandring med föreningar",
        } }),
    )
    .await;
}

fn count(figures: &Value, list: &str, key: &str) -> i64 {
    figures[list]
        .as_array()
        .and_then(|entries| entries.iter().find(|e| e["key"] == key))
        .map_or(0, |e| e["count"].as_i64().unwrap_or(0))
}

db_test!(every_write_keeps_the_figures_current, |app| {
    let before = vaggeryd(&app, "nothing").await;
    assert_eq!(before["pledgeStatus"], Value::Null, "{before}");

    let pledge = create_pledge(&app).await;
    let first = add_commitment(&app, &pledge, "JOINT", json!(["SAFETY_WALK"])).await;
    let second = add_commitment(&app, &pledge, "POLICE", json!(["FOOT_PATROL"])).await;
    let row = vaggeryd(&app, "adding commitments").await;
    assert_eq!(row["pledgeStatus"], "DRAFT");
    assert_eq!(row["figures"]["commitments"], 2, "{row}");
    assert_eq!(
        count(&row["figures"], "commitmentsByMethod", "SAFETY_WALK"),
        1
    );

    let version = version_of_commitment(&app, &second).await;
    app.data_as(
        &editor(),
        "mutation ($id: ID!, $v: Int!) { updateCommitment(id: $id, expectedVersion: $v,
           input: { text: \"Vi håller trygghetsrundor.\", responsible: MUNICIPALITY,
                    methods: [FOOT_PATROL, SCHOOL_VISITS] }) { id } }",
        json!({ "id": second, "v": version }),
    )
    .await;
    let row = vaggeryd(&app, "changing a commitment").await;
    assert_eq!(
        count(&row["figures"], "commitmentsByResponsible", "MUNICIPALITY"),
        1
    );
    assert_eq!(
        count(&row["figures"], "commitmentsByMethod", "SCHOOL_VISITS"),
        1
    );

    let third = add_commitment(&app, &pledge, "JOINT", json!(["INFORMATION_CAMPAIGN"])).await;
    assert_eq!(
        vaggeryd(&app, "adding a third").await["figures"]["commitments"],
        3
    );
    let version = version_of_commitment(&app, &third).await;
    app.data_as(
        &editor(),
        "mutation ($id: ID!, $v: Int!) { removeCommitment(id: $id, expectedVersion: $v) }",
        json!({ "id": third, "v": version }),
    )
    .await;
    let row = vaggeryd(&app, "removing a commitment").await;
    assert_eq!(row["figures"]["commitments"], 2, "{row}");
    assert_eq!(
        count(
            &row["figures"],
            "commitmentsByMethod",
            "INFORMATION_CAMPAIGN"
        ),
        0
    );

    for approver in [editor(), police()] {
        app.data_as(
            &approver,
            "mutation ($id: ID!) { approvePledge(id: $id) { status } }",
            json!({ "id": pledge }),
        )
        .await;
    }
    app.data_as(
        &editor(),
        "mutation ($id: ID!) { publishPledge(id: $id) { status } }",
        json!({ "id": pledge }),
    )
    .await;
    let row = vaggeryd(&app, "publishing").await;
    assert_eq!(row["pledgeStatus"], "PUBLISHED");

    record_activity(
        &app,
        Some(&first),
        "SAFETY_WALK",
        Some(&format!("{YEAR}-03-01")),
    )
    .await;
    record_activity(&app, Some(&first), "SAFETY_WALK", None).await;
    record_activity(&app, None, "FOOT_PATROL", Some(&format!("{YEAR}-04-01"))).await;
    let row = vaggeryd(&app, "recording activities").await;
    // Dated in the year (with or without a commitment), and undated
    // evidence of the pledge in force.
    assert_eq!(row["figures"]["activities"], 3, "{row}");

    let report = app
        .data_as(
            &editor(),
            "mutation ($input: FollowUpReportInput!) { createFollowUpReport(input: $input) { id } }",
            json!({ "input": {
                "pledgeId": pledge, "periodKind": "T1",
                "periodStart": format!("{YEAR}-01-01"), "periodEnd": format!("{YEAR}-04-30"),
                "progress": [
                    { "commitmentId": first, "status": "COMPLETED" },
                    { "commitmentId": second, "status": "NOT_STARTED" },
                ],
            } }),
        )
        .await;
    let report = id(&report["createFollowUpReport"]["id"]);
    let row = vaggeryd(&app, "drafting a report").await;
    assert_eq!(
        row["figures"]["completionRate"],
        Value::Null,
        "a draft counts not: {row}"
    );
    app.data_as(
        &editor(),
        "mutation ($id: ID!) { publishFollowUpReport(id: $id) { id } }",
        json!({ "id": report }),
    )
    .await;
    let row = vaggeryd(&app, "publishing a report").await;
    assert_eq!(row["figures"]["completionRate"], 0.5, "{row}");

    app.data_as(
        &editor(),
        "mutation ($id: ID!) { withdrawFollowUpReport(id: $id, reason: \"Fel siffror\") { id } }",
        json!({ "id": report }),
    )
    .await;
    let row = vaggeryd(&app, "withdrawing a report").await;
    assert_eq!(row["figures"]["completionRate"], Value::Null, "{row}");

    app.data_as(
        &editor(),
        "mutation ($id: ID!) { withdrawPledge(id: $id, reason: \"Ersätts\") { status } }",
        json!({ "id": pledge }),
    )
    .await;
    let row = vaggeryd(&app, "withdrawing the pledge").await;
    assert_eq!(row["pledgeStatus"], Value::Null, "{row}");
});

db_test!(two_writers_of_one_municipality_are_both_counted, |app| {
    let pledge = create_pledge(&app).await;
    // A commitment and an activity written at once, each in its own
    // transaction locking different rows: each refresh of Vaggeryd must
    // see the other's commit, whichever commits first.
    let date = format!("{YEAR}-05-01");
    let (_, ()) = tokio::join!(
        add_commitment(&app, &pledge, "JOINT", json!(["SAFETY_WALK"])),
        record_activity(&app, None, "FOOT_PATROL", Some(&date)),
    );
    let row = vaggeryd(&app, "two concurrent writes").await;
    assert_eq!(row["figures"]["commitments"], 1, "{row}");
    assert_eq!(row["figures"]["activities"], 1, "{row}");
});
