//! Police co-signing: only a police editor of the police area on the
//! pledge (the one covering the municipality) approves for the police side.
//! LPO Värnamo covers Värnamo, Vaggeryd, Gislaved and Gnosjö; Älmhult
//! belongs to LPO Ljungby. Seeing a pledge is not enough to sign it.

use serde_json::{Value, json};
use tests::{TestApp, db_test, error_codes, token};

fn lpo_varnamo_editor() -> String {
    token("per-lpo-varnamo", &["police_editor"], &[], &["lpo-varnamo"])
}

fn lpo_ljungby_editor() -> String {
    token(
        "lisa-lpo-ljungby",
        &["police_editor"],
        &[],
        &["lpo-ljungby"],
    )
}

fn municipality_editor(municipality: &str) -> String {
    token(
        &format!("editor-{municipality}"),
        &["municipality_editor"],
        &[municipality],
        &[],
    )
}

fn admin() -> String {
    token("root", &["admin"], &[], &[])
}

/// A 2025 draft of `municipality` (with `police_area`, which covers it),
/// created by that municipality's editor; returns its global ID.
async fn create_draft(app: &TestApp, municipality: &str, police_area: &str) -> String {
    let created = app
        .data_as(
            &municipality_editor(municipality),
            "mutation ($m: String!, $area: String!) {
               createPledge(input: { municipality: $m, policeArea: $area, year: 2025,
                 title: \"Utkast till medborgarlöfte\", validFrom: \"2025-01-01\", validTo: \"2025-12-31\" }) {
                 id status policeArea { code }
               }
             }",
            json!({ "m": municipality, "area": police_area }),
        )
        .await;
    assert_eq!(created["createPledge"]["status"], "DRAFT", "{created}");
    assert_eq!(created["createPledge"]["policeArea"]["code"], police_area);
    created["createPledge"]["id"]
        .as_str()
        .expect("the new pledge's id")
        .to_owned()
}

/// The pledge and the audit log's newest entry, as an admin sees them.
async fn state(app: &TestApp, id: &str) -> Value {
    app.data_as(
        &admin(),
        "query ($id: ID!) {
           pledge(id: $id) { status version signedOn updatedAt }
           auditLog(first: 1) {
             totalCount
             nodes { entityId action subject role municipality { code } }
           }
         }",
        json!({ "id": id }),
    )
    .await
}

const APPROVE: &str = "mutation ($id: ID!, $side: Party) {
  approvePledge(id: $id, side: $side) { status signedOn }
}";

/// `token` approves: still a DRAFT (one side only), with exactly one new
/// audit entry naming `subject`, `role` and `municipality`.
async fn assert_approves(
    app: &TestApp,
    token: &str,
    id: &str,
    (subject, role, municipality): (&str, &str, &str),
) {
    let before = state(app, id).await;
    let data = app
        .data_as(token, APPROVE, json!({ "id": id, "side": null }))
        .await;
    assert_eq!(data["approvePledge"]["status"], "DRAFT", "{data}");
    let after = state(app, id).await;
    assert_eq!(
        after["auditLog"]["totalCount"],
        before["auditLog"]["totalCount"].as_i64().expect("count") + 1,
        "one approval, one audit entry: {after}"
    );
    assert_eq!(
        after["auditLog"]["nodes"][0],
        json!({
            "entityId": id, "action": "APPROVE", "subject": subject, "role": role,
            "municipality": { "code": municipality },
        })
    );
}

/// `token` tries to approve (for `side`) and gets `code`; nothing changes
/// and nothing is audited.
async fn assert_refused(app: &TestApp, token: &str, id: &str, side: Option<&str>, code: &str) {
    let before = state(app, id).await;
    let (status, body) = app
        .gql_as(Some(token), APPROVE, json!({ "id": id, "side": side }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(error_codes(&body), [code], "{body}");
    assert_eq!(body["data"], Value::Null, "{body}");
    assert_eq!(
        state(app, id).await,
        before,
        "a refused approval changed something"
    );
}

/// The municipality's own editor adds the other approval: SIGNED.
async fn assert_signed_by_municipality(app: &TestApp, municipality: &str, id: &str) {
    let data = app
        .data_as(
            &municipality_editor(municipality),
            APPROVE,
            json!({ "id": id, "side": null }),
        )
        .await;
    assert_eq!(data["approvePledge"]["status"], "SIGNED", "{data}");
    assert!(data["approvePledge"]["signedOn"].is_string(), "{data}");
}

db_test!(
    an_lpo_varnamo_police_editor_approves_a_gnosjo_draft,
    |app| {
        let id = create_draft(&app, "0617", "lpo-varnamo").await;
        assert_approves(
            &app,
            &lpo_varnamo_editor(),
            &id,
            ("per-lpo-varnamo", "police_editor", "0617"),
        )
        .await;
        assert_signed_by_municipality(&app, "0617", &id).await;
    }
);

db_test!(
    an_lpo_varnamo_police_editor_does_not_even_find_an_almhult_draft,
    |app| {
        let id = create_draft(&app, "0765", "lpo-ljungby").await;
        assert_refused(&app, &lpo_varnamo_editor(), &id, None, "NOT_FOUND").await;
        assert_refused(
            &app,
            &lpo_varnamo_editor(),
            &id,
            Some("POLICE"),
            "NOT_FOUND",
        )
        .await;
    }
);

db_test!(
    an_lpo_ljungby_police_editor_approves_an_almhult_draft,
    |app| {
        let id = create_draft(&app, "0765", "lpo-ljungby").await;
        assert_approves(
            &app,
            &lpo_ljungby_editor(),
            &id,
            ("lisa-lpo-ljungby", "police_editor", "0765"),
        )
        .await;
        assert_signed_by_municipality(&app, "0765", &id).await;
    }
);

db_test!(
    an_lpo_varnamo_police_editor_who_can_see_almhult_still_cannot_sign_for_ljungby,
    |app| {
        let id = create_draft(&app, "0765", "lpo-ljungby").await;
        let sees_almhult = token(
            "per-lpo-varnamo",
            &["police_editor"],
            &["0765"],
            &["lpo-varnamo"],
        );
        // The municipalities claim lets it read the draft…
        let data = app
            .data_as(
                &sees_almhult,
                "query ($id: ID!) { pledge(id: $id) { status municipality { code } } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(
            data["pledge"],
            json!({ "status": "DRAFT", "municipality": { "code": "0765" } })
        );
        // …but not sign it for a police area it does not belong to.
        assert_refused(&app, &sees_almhult, &id, None, "FORBIDDEN").await;
        assert_refused(&app, &sees_almhult, &id, Some("POLICE"), "FORBIDDEN").await;
        assert_refused(&app, &sees_almhult, &id, Some("MUNICIPALITY"), "FORBIDDEN").await;
    }
);

db_test!(
    a_municipality_editor_cannot_approve_for_the_police_side,
    |app| {
        let id = create_draft(&app, "0617", "lpo-varnamo").await;
        assert_refused(
            &app,
            &municipality_editor("0617"),
            &id,
            Some("POLICE"),
            "FORBIDDEN",
        )
        .await;
        assert_refused(
            &app,
            &lpo_varnamo_editor(),
            &id,
            Some("MUNICIPALITY"),
            "FORBIDDEN",
        )
        .await;
    }
);

db_test!(
    me_shows_an_lpo_varnamo_police_editor_the_four_municipalities_it_polices,
    |app| {
        let data = app
            .data_as(
                &lpo_varnamo_editor(),
                "{ me {
                     subject roles readsAllMunicipalities
                     municipalities { code }
                     policeAreas { code }
                     readableMunicipalities { code }
                     editableMunicipalities { code }
                 } }",
                json!({}),
            )
            .await;
        let me = &data["me"];
        let codes = |field: &str| -> Vec<String> {
            let mut codes: Vec<String> = me[field]
                .as_array()
                .unwrap_or_else(|| panic!("{field} is a list: {me}"))
                .iter()
                .map(|m| m["code"].as_str().expect("a code").to_owned())
                .collect();
            codes.sort();
            codes
        };
        assert_eq!(me["subject"], "per-lpo-varnamo");
        assert_eq!(me["roles"], json!(["police_editor"]));
        assert_eq!(me["readsAllMunicipalities"], false);
        assert_eq!(codes("municipalities"), Vec::<String>::new());
        assert_eq!(codes("policeAreas"), ["lpo-varnamo"]);
        assert_eq!(
            codes("readableMunicipalities"),
            ["0617", "0662", "0665", "0683"]
        );
        assert_eq!(
            codes("editableMunicipalities"),
            ["0617", "0662", "0665", "0683"]
        );
    }
);
