//! `me` shows the caller as the server sees it: null for anonymous callers;
//! for a token, its subject, the roles the server recognised and the
//! municipalities it reads and edits. Roles the server does not know grant
//! nothing: such a token reads what the public reads.

use serde_json::{Value, json};
use tests::{TestApp, db_test, error_codes, token};

const ME: &str = r#"{
  me {
    subject
    roles
    municipalities { code }
    policeAreas { code }
    readsAllMunicipalities
    readableMunicipalities { code }
    editableMunicipalities { code }
  }
}"#;

/// The `code`s of a list of objects, sorted.
fn codes(list: &Value) -> Vec<String> {
    let mut codes: Vec<String> = list
        .as_array()
        .unwrap_or_else(|| panic!("expected a list, got {list}"))
        .iter()
        .map(|item| item["code"].as_str().expect("a code").to_owned())
        .collect();
    codes.sort();
    codes
}

/// `me` for `token`, asserting a clean 200.
async fn me(app: &TestApp, token: &str) -> Value {
    let data = app.data_as(token, ME, json!({})).await;
    assert!(data["me"].is_object(), "me for a valid token: {data}");
    data["me"].clone()
}

/// Every municipality's code, sorted.
async fn all_municipality_codes(app: &TestApp) -> Vec<String> {
    codes(&app.data("{ municipalities { code } }", json!({})).await["municipalities"])
}

const DRAFT_TITLE: &str = "Vaggeryds utkast 2026";

/// A DRAFT pledge for Vaggeryd, created through the API by a Vaggeryd
/// municipality editor; returns its ID.
async fn create_vaggeryd_draft(app: &TestApp) -> String {
    let editor = token("editor-vaggeryd", &["municipality_editor"], &["0665"], &[]);
    let data = app
        .data_as(
            &editor,
            r#"mutation ($title: String!) {
              createPledge(input: { municipality: "0665", policeArea: "lpo-varnamo", year: 2026,
                title: $title, validFrom: "2026-01-01", validTo: "2026-12-31" }) { id status }
            }"#,
            json!({ "title": DRAFT_TITLE }),
        )
        .await;
    assert_eq!(data["createPledge"]["status"], "DRAFT", "{data}");
    data["createPledge"]["id"]
        .as_str()
        .expect("the new pledge's id")
        .to_owned()
}

/// Titles of Vaggeryd's pledges as `token` (or the public) sees them.
async fn vaggeryd_titles(app: &TestApp, token: Option<&str>) -> Vec<String> {
    let (status, body) = app
        .gql_as(
            token,
            r#"{ pledges(filter: { municipality: "0665" }) { totalCount nodes { title } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    let nodes = body["data"]["pledges"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("a list of pledges: {body}"));
    assert_eq!(
        body["data"]["pledges"]["totalCount"].as_u64(),
        Some(nodes.len() as u64),
        "the count agrees with the list: {body}"
    );
    nodes
        .iter()
        .map(|n| n["title"].as_str().expect("a title").to_owned())
        .collect()
}

db_test!(me_is_null_for_an_anonymous_caller, |app| {
    let (status, body) = app.gql_as(None, ME, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["me"], Value::Null, "{body}");
});

db_test!(a_varnamo_viewer_reads_varnamo_and_edits_nothing, |app| {
    let me = me(&app, &token("viewer-42", &["viewer"], &["0683"], &[])).await;
    assert_eq!(me["subject"], "viewer-42", "{me}");
    assert_eq!(me["roles"], json!(["viewer"]), "{me}");
    assert_eq!(codes(&me["municipalities"]), ["0683"], "{me}");
    assert_eq!(me["readsAllMunicipalities"], false, "{me}");
    assert_eq!(codes(&me["readableMunicipalities"]), ["0683"], "{me}");
    assert_eq!(
        codes(&me["editableMunicipalities"]),
        Vec::<String>::new(),
        "{me}"
    );
});

db_test!(
    a_municipality_editor_edits_its_own_municipality_only,
    |app| {
        let me = me(
            &app,
            &token("editor-1", &["municipality_editor"], &["0665"], &[]),
        )
        .await;
        assert_eq!(me["roles"], json!(["municipality_editor"]), "{me}");
        assert_eq!(codes(&me["readableMunicipalities"]), ["0665"], "{me}");
        assert_eq!(codes(&me["editableMunicipalities"]), ["0665"], "{me}");
    }
);

db_test!(
    a_police_editor_reaches_the_municipalities_its_area_covers,
    |app| {
        let areas = app
            .data(
                r#"{ policeAreas { code municipalities { code } } }"#,
                json!({}),
            )
            .await;
        let varnamo_area = areas["policeAreas"]
            .as_array()
            .expect("police areas")
            .iter()
            .find(|a| a["code"] == "lpo-varnamo")
            .unwrap_or_else(|| panic!("LPO Värnamo is seeded: {areas}"));
        let covered = codes(&varnamo_area["municipalities"]);
        assert!(covered.contains(&"0683".to_owned()), "{areas}");

        let me = me(
            &app,
            &token("police-1", &["police_editor"], &[], &["lpo-varnamo"]),
        )
        .await;
        assert_eq!(me["roles"], json!(["police_editor"]), "{me}");
        assert_eq!(codes(&me["policeAreas"]), ["lpo-varnamo"], "{me}");
        assert_eq!(codes(&me["municipalities"]), Vec::<String>::new(), "{me}");
        assert_eq!(codes(&me["readableMunicipalities"]), covered, "{me}");
        assert_eq!(codes(&me["editableMunicipalities"]), covered, "{me}");
    }
);

db_test!(a_regional_analyst_reads_all_municipalities, |app| {
    let me = me(&app, &token("analyst-7", &["regional_analyst"], &[], &[])).await;
    assert_eq!(me["subject"], "analyst-7", "{me}");
    assert_eq!(me["roles"], json!(["regional_analyst"]), "{me}");
    assert_eq!(me["readsAllMunicipalities"], true, "{me}");
    let all = all_municipality_codes(&app).await;
    assert_eq!(all.len(), 290, "every municipality: {all:?}");
    assert_eq!(codes(&me["readableMunicipalities"]), all, "{me}");
    assert_eq!(
        codes(&me["editableMunicipalities"]),
        Vec::<String>::new(),
        "{me}"
    );
});

db_test!(unknown_roles_are_ignored_and_read_only_public_data, |app| {
    let draft = create_vaggeryd_draft(&app).await;
    // Controls: the draft exists and a Vaggeryd viewer reads it.
    let vaggeryd_viewer = token("viewer-vaggeryd", &["viewer"], &["0665"], &[]);
    assert!(
        vaggeryd_titles(&app, Some(&vaggeryd_viewer))
            .await
            .contains(&DRAFT_TITLE.to_owned()),
        "a Vaggeryd viewer sees the draft"
    );
    let public = vaggeryd_titles(&app, None).await;
    assert!(!public.contains(&DRAFT_TITLE.to_owned()), "{public:?}");

    // Look-alikes of real roles are not roles.
    let pretender = token(
        "pretender",
        &["superuser", "Admin", "municipality-editor", "VIEWER", ""],
        &["0665"],
        &[],
    );
    let me = me(&app, &pretender).await;
    assert_eq!(me["subject"], "pretender", "{me}");
    assert_eq!(me["roles"], json!([]), "{me}");
    assert_eq!(me["readsAllMunicipalities"], false, "{me}");
    assert_eq!(
        codes(&me["readableMunicipalities"]),
        Vec::<String>::new(),
        "{me}"
    );
    assert_eq!(
        codes(&me["editableMunicipalities"]),
        Vec::<String>::new(),
        "{me}"
    );

    assert_eq!(
        vaggeryd_titles(&app, Some(&pretender)).await,
        public,
        "a token without a known role reads what the public reads"
    );
    let (status, body) = app
        .gql_as(
            Some(&pretender),
            "query ($id: ID!) { pledge(id: $id) { title } }",
            json!({ "id": draft }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
    assert!(!body.to_string().contains(DRAFT_TITLE), "{body}");
});

db_test!(
    known_roles_are_kept_when_unknown_ones_sit_beside_them,
    |app| {
        let me = me(
            &app,
            &token("mixed", &["wizard", "viewer", "root"], &["0683"], &[]),
        )
        .await;
        assert_eq!(me["roles"], json!(["viewer"]), "{me}");
        assert_eq!(codes(&me["readableMunicipalities"]), ["0683"], "{me}");
    }
);
