//! Two-party signing needs two people: someone who holds both editor roles
//! may approve one side, but not the other one as well. The audit log
//! records the role each approval was made in.

use serde_json::json;
use tests::{db_test, error_codes, token};

const CREATE: &str = r#"mutation { createPledge(input: { municipality: "0665", policeArea: "lpo-varnamo",
    year: 2026, title: "Tvåpartslöfte", validFrom: "2026-01-01", validTo: "2026-12-31" }) { id } }"#;
const APPROVE: &str =
    "mutation ($id: ID!, $side: Party) { approvePledge(id: $id, side: $side) { status } }";

db_test!(one_person_cannot_approve_both_sides, |app| {
    let both = token(
        "dual",
        &["municipality_editor", "police_editor"],
        &["0665"],
        &["lpo-varnamo"],
    );
    let police = token("per", &["police_editor"], &[], &["lpo-varnamo"]);
    let admin = token("root", &["admin"], &[], &[]);
    let id = app.data_as(&both, CREATE, json!({})).await["createPledge"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let first = app
        .data_as(&both, APPROVE, json!({ "id": id, "side": "MUNICIPALITY" }))
        .await;
    assert_eq!(first["approvePledge"]["status"], "DRAFT");

    let (_, second) = app
        .gql_as(Some(&both), APPROVE, json!({ "id": id, "side": "POLICE" }))
        .await;
    assert_eq!(error_codes(&second), ["FORBIDDEN"], "{second}");

    // Another person signs the police side.
    let signed = app.data_as(&police, APPROVE, json!({ "id": id })).await;
    assert_eq!(signed["approvePledge"]["status"], "SIGNED");

    let log = app
        .data_as(
            &admin,
            r#"query ($id: ID!) { auditLog(filter: { entityId: $id, action: "APPROVE" }) { nodes { subject role } } }"#,
            json!({ "id": id }),
        )
        .await;
    let mut approvals: Vec<(String, String)> = log["auditLog"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| {
            (
                n["subject"].as_str().expect("subject").to_owned(),
                n["role"].as_str().expect("role").to_owned(),
            )
        })
        .collect();
    approvals.sort();
    assert_eq!(
        approvals,
        [
            ("dual".to_owned(), "municipality_editor".to_owned()),
            ("per".to_owned(), "police_editor".to_owned())
        ]
    );
});
