//! The admin's changes of reference data: police regions, districts, local
//! police areas and their coverage of municipalities. Only an admin may
//! make them, each is audited, bad input names its field, and a change is
//! seen at once — by this instance, by the public cache, by
//! `regionalComparison`, and by a second instance on the same database.

use serde_json::{Value, json};
use tests::{
    PostgresDatabase, ServerProcess, TestApp, codes, data_at, db_test, error_codes, token,
};

fn admin() -> String {
    token("ada-admin", &["admin"], &[], &[])
}

async fn admin_data(app: &TestApp, query: &str, variables: Value) -> Value {
    app.data_as(&admin(), query, variables).await
}

const NEW_AREA: &str = r#"mutation ($code: String!, $district: String, $region: String) {
  createPoliceArea(input: { code: $code, name: "Lokalpolisområde Prov", district: $district, region: $region }) {
    code name district { code } region { code } } }"#;

const ADD_COVERAGE: &str = r#"mutation ($m: String!, $a: String!, $from: Date!, $to: Date) {
  addPoliceAreaCoverage(input: { municipality: $m, policeArea: $a, validFrom: $from, validTo: $to }) {
    policeArea { code } municipality { code } validFrom validTo inferred } }"#;

const END_COVERAGE: &str = r#"mutation ($m: String!, $a: String!, $to: Date!) {
  endPoliceAreaCoverage(municipality: $m, policeArea: $a, validTo: $to) { validFrom validTo } }"#;

db_test!(
    an_admin_builds_a_district_with_an_area_covering_a_municipality,
    |app| {
        let region = admin_data(
        &app,
        r#"mutation { createPoliceRegion(code: "pr-prov", name: "Polisregion Prov") { code name districts { code } } }"#,
        json!({}),
    )
    .await;
        assert_eq!(
            region["createPoliceRegion"],
            json!({ "code": "pr-prov", "name": "Polisregion Prov", "districts": [] })
        );
        let district = admin_data(
        &app,
        r#"mutation { createPoliceDistrict(input: { code: "po-prov", name: "Polisområde Prov", region: "pr-prov", validFrom: "2030-01-01" }) { code validFrom } }"#,
        json!({}),
    )
    .await;
        assert_eq!(
            district["createPoliceDistrict"],
            json!({ "code": "po-prov", "validFrom": "2030-01-01" })
        );
        let area = admin_data(
            &app,
            NEW_AREA,
            json!({ "code": "lpo-prov", "district": "po-prov" }),
        )
        .await;
        assert_eq!(area["createPoliceArea"]["code"], "lpo-prov");
        // Malmö: no source names its local police area.
        let coverage = admin_data(
            &app,
            ADD_COVERAGE,
            json!({ "m": "1280", "a": "lpo-prov", "from": "2020-01-01" }),
        )
        .await;
        assert_eq!(
            coverage["addPoliceAreaCoverage"],
            json!({ "policeArea": { "code": "lpo-prov" }, "municipality": { "code": "1280" },
                "validFrom": "2020-01-01", "validTo": null, "inferred": false })
        );

        // The next request reads the new snapshot.
        let seen = app
        .data(
            r#"{ municipality(code: "1280") { policeArea { code name district { code region { code } } region { code } } }
                 policeRegions { code districts { code policeAreas { code municipalities { code } } } } }"#,
            json!({}),
        )
        .await;
        assert_eq!(
            seen["municipality"]["policeArea"],
            json!({ "code": "lpo-prov", "name": "Lokalpolisområde Prov",
                "district": { "code": "po-prov", "region": { "code": "pr-prov" } }, "region": { "code": "pr-prov" } })
        );
        let prov = seen["policeRegions"]
            .as_array()
            .expect("regions")
            .iter()
            .find(|r| r["code"] == "pr-prov")
            .expect("the new region is listed");
        assert_eq!(
            prov["districts"],
            json!([{ "code": "po-prov", "policeAreas": [{ "code": "lpo-prov", "municipalities": [{ "code": "1280" }] }] }])
        );

        // Every change is in the audit log, under the admin's name.
        let log = admin_data(
        &app,
        r#"{ auditLog(first: 10) { nodes { entityType action subject municipality { code } } } }"#,
        json!({}),
    )
    .await;
        let entries: Vec<(String, String)> = log["auditLog"]["nodes"]
            .as_array()
            .expect("entries")
            .iter()
            .filter(|e| e["subject"] == "ada-admin")
            .map(|e| {
                (
                    e["entityType"].as_str().expect("type").to_owned(),
                    e["action"].as_str().expect("action").to_owned(),
                )
            })
            .collect();
        let expected: Vec<(String, String)> = [
            ("COVERAGE", "CREATE"),
            ("POLICE_AREA", "CREATE"),
            ("POLICE_DISTRICT", "CREATE"),
            ("POLICE_REGION", "CREATE"),
        ]
        .iter()
        .map(|(t, a)| ((*t).to_owned(), (*a).to_owned()))
        .collect();
        assert_eq!(entries, expected);
        assert_eq!(log["auditLog"]["nodes"][0]["municipality"]["code"], "1280");
    }
);

db_test!(a_rename_reaches_the_public_at_once, |app| {
    let query = r#"{ policeAreas { code name } }"#;
    let name_of = |data: &Value| {
        data["policeAreas"]
            .as_array()
            .expect("areas")
            .iter()
            .find(|a| a["code"] == "lpo-ljungby")
            .map(|a| a["name"].clone())
            .expect("Ljungby is listed")
    };
    // Warm the public cache first.
    assert_eq!(
        name_of(&app.data(query, json!({})).await),
        "Lokalpolisområde Ljungby"
    );
    admin_data(
        &app,
        r#"mutation { renamePoliceArea(code: "lpo-ljungby", name: "Lokalpolisområde Ljungby–Älmhult") { name } }"#,
        json!({}),
    )
    .await;
    assert_eq!(
        name_of(&app.data(query, json!({})).await),
        "Lokalpolisområde Ljungby–Älmhult"
    );
    let districts = admin_data(
        &app,
        r#"mutation { renamePoliceDistrict(code: "po-jonkoping", name: "Polisområde Jönköpings län") { code name } }"#,
        json!({}),
    )
    .await;
    assert_eq!(
        districts["renamePoliceDistrict"]["name"],
        "Polisområde Jönköpings län"
    );
    let region = admin_data(
        &app,
        r#"mutation { renamePoliceRegion(code: "pr-syd", name: "Region Syd") { name } }"#,
        json!({}),
    )
    .await;
    assert_eq!(region["renamePoliceRegion"]["name"], "Region Syd");
    let seen = app
        .data(r#"{ municipality(code: "0683") { policeArea { district { name } } } policeRegions { name } }"#, json!({}))
        .await;
    assert_eq!(
        seen["municipality"]["policeArea"]["district"]["name"],
        "Polisområde Jönköpings län"
    );
    assert!(
        seen["policeRegions"]
            .as_array()
            .expect("regions")
            .iter()
            .any(|r| r["name"] == "Region Syd")
    );
});

db_test!(
    coverage_changes_move_municipalities_in_the_comparison,
    |app| {
        let comparison = r#"query ($year: Int!) { regionalComparison(year: $year, policeArea: "lpo-ljungby") { municipalities { municipality { code } } } }"#;
        let members = |data: &Value| -> Vec<String> {
            data["regionalComparison"]["municipalities"]
                .as_array()
                .expect("municipalities")
                .iter()
                .map(|m| m["municipality"]["code"].as_str().expect("code").to_owned())
                .collect()
        };
        let before = app.data(comparison, json!({ "year": 2034 })).await;
        assert_eq!(members(&before), ["0781", "0767", "0765"]);
        // Älmhult leaves Ljungby at the end of 2033; Osby comes back in 2034.
        let ended = admin_data(
            &app,
            END_COVERAGE,
            json!({ "m": "0765", "a": "lpo-ljungby", "to": "2033-12-31" }),
        )
        .await;
        assert_eq!(
            ended["endPoliceAreaCoverage"],
            json!({ "validFrom": "2015-01-01", "validTo": "2033-12-31" })
        );
        admin_data(
            &app,
            ADD_COVERAGE,
            json!({ "m": "1273", "a": "lpo-ljungby", "from": "2034-01-01" }),
        )
        .await;
        let after = app.data(comparison, json!({ "year": 2034 })).await;
        assert_eq!(members(&after), ["0781", "0767", "1273"]);
        let earlier = app.data(comparison, json!({ "year": 2033 })).await;
        assert_eq!(members(&earlier), ["0781", "0767", "0765"]);
        // Today Älmhult is still Ljungby's.
        let today = app
            .data(
                r#"{ municipality(code: "0765") { policeArea { code } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(today["municipality"]["policeArea"]["code"], "lpo-ljungby");
    }
);

db_test!(only_an_admin_changes_reference_data, |app| {
    let mutation = r#"mutation { createPoliceRegion(code: "pr-x", name: "X") { code } }"#;
    let (_, body) = app.gql_as(None, mutation, json!({})).await;
    assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "{body}");
    for caller in [
        token("eva", &["municipality_editor"], &["0683"], &[]),
        token("per", &["police_editor"], &[], &["lpo-varnamo"]),
        token("ana", &["regional_analyst"], &[], &[]),
    ] {
        let (_, body) = app.gql_as(Some(&caller), mutation, json!({})).await;
        assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    }
    let data = app.data("{ policeRegions { code } }", json!({})).await;
    assert!(!codes(&data["policeRegions"]).contains(&"pr-x"));
});

db_test!(bad_reference_input_names_its_field, |app| {
    let admin = admin();
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            NEW_AREA,
            json!({ "code": "LPO X", "region": "pr-syd" }),
            "code",
        ),
        (
            NEW_AREA,
            json!({ "code": "lpo-ljungby", "region": "pr-syd" }),
            "code",
        ),
        (
            NEW_AREA,
            json!({ "code": "lpo-ny", "region": "pr-nowhere" }),
            "region",
        ),
        (
            NEW_AREA,
            json!({ "code": "lpo-ny", "district": "po-nowhere" }),
            "district",
        ),
        (
            NEW_AREA,
            json!({ "code": "lpo-ny", "district": "po-jonkoping", "region": "pr-syd" }),
            "region",
        ),
        (NEW_AREA, json!({ "code": "lpo-ny" }), "region"),
        (
            ADD_COVERAGE,
            json!({ "m": "9999", "a": "lpo-ljungby", "from": "2030-01-01" }),
            "municipality",
        ),
        (
            ADD_COVERAGE,
            json!({ "m": "0765", "a": "lpo-nowhere", "from": "2030-01-01" }),
            "policeArea",
        ),
        // Älmhult is covered by Ljungby without end.
        (
            ADD_COVERAGE,
            json!({ "m": "0765", "a": "lpo-ljungby", "from": "2030-01-01" }),
            "validFrom",
        ),
        // Osby was covered until 2018-09-23.
        (
            ADD_COVERAGE,
            json!({ "m": "1273", "a": "lpo-ljungby", "from": "2017-01-01", "to": "2019-01-01" }),
            "validFrom",
        ),
        (
            ADD_COVERAGE,
            json!({ "m": "1280", "a": "lpo-ljungby", "from": "2030-01-01", "to": "2029-12-31" }),
            "validTo",
        ),
        (
            END_COVERAGE,
            json!({ "m": "0765", "a": "lpo-ljungby", "to": "2014-12-31" }),
            "validTo",
        ),
        (
            END_COVERAGE,
            json!({ "m": "1280", "a": "lpo-ljungby", "to": "2030-01-01" }),
            "policeArea",
        ),
    ];
    for (mutation, variables, field) in cases {
        let (_, body) = app.gql_as(Some(&admin), mutation, variables.clone()).await;
        assert_eq!(
            error_codes(&body),
            ["BAD_USER_INPUT"],
            "{variables}: {body}"
        );
        assert_eq!(
            body["errors"][0]["extensions"]["field"], field,
            "{variables}: {body}"
        );
    }
    let (_, body) = app
        .gql_as(
            Some(&admin),
            r#"mutation { createPoliceDistrict(input: { code: "po-ny", name: "Ny", region: "pr-syd", validFrom: "2030-01-01", validTo: "2029-01-01" }) { code } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "validTo",
        "{body}"
    );
    let (_, body) = app
        .gql_as(
            Some(&admin),
            r#"mutation { renamePoliceArea(code: "lpo-ljungby", name: "  ") { code } }"#,
            json!({}),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "name", "{body}");
    // Nothing of it was written.
    let log = app
        .data_as(
            &admin,
            r#"{ auditLog(filter: { subject: "ada-admin" }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(log["auditLog"]["totalCount"], 0);
});

/// Two `api serve` processes on one PostgreSQL database: coverage added
/// through A is seen by B's signed-in requests as soon as B hears
/// the change announced (LISTEN/NOTIFY; B's minute poll is far slower than
/// the deadline here, so only the notification can make it in time).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coverage_change_through_one_instance_reaches_another() {
    let Some(database) = PostgresDatabase::create().await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set (PostgreSQL only)");
        return;
    };
    let server_a = ServerProcess::start(database.url()).await;
    let server_b = ServerProcess::start(database.url()).await;
    let (a, b) = (server_a.base_url.clone(), server_b.base_url.clone());
    let analyst = token("ana", &["regional_analyst"], &[], &[]);
    let coverage = r#"{ municipality(code: "1280") { policeAreaCoverage { policeArea { code } validFrom } } }"#;
    let comparison = r#"{ regionalComparison(year: 2031, policeArea: "lpo-ljungby") { municipalities { municipality { code } } } }"#;

    // B has read both before the change.
    assert_eq!(
        data_at(&b, Some(&analyst), coverage, json!({})).await["municipality"]["policeAreaCoverage"],
        json!([])
    );
    let before = data_at(&b, None, comparison, json!({})).await;
    assert_eq!(codes_of(&before), ["0781", "0767", "0765"]);

    let client = reqwest::Client::new();
    let body: Value = client
        .post(format!("{a}/graphql"))
        .bearer_auth(admin())
        .json(&json!({ "query": ADD_COVERAGE, "variables": { "m": "1280", "a": "lpo-ljungby", "from": "2031-01-01" } }))
        .send()
        .await
        .expect("A answers")
        .json()
        .await
        .expect("JSON");
    assert!(body.get("errors").is_none(), "{body}");

    // Signed-in answers on B: once the notification has arrived. (First:
    // a public request on B would re-read B's snapshot itself.)
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let seen = data_at(&b, Some(&analyst), coverage, json!({})).await;
        if seen["municipality"]["policeAreaCoverage"]
            == json!([{ "policeArea": { "code": "lpo-ljungby" }, "validFrom": "2031-01-01" }])
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "B never heard of the change: {seen}"
        );
        tokio::task::yield_now().await;
    }

    // Public answers on B: at once.
    let after = data_at(&b, None, comparison, json!({})).await;
    assert_eq!(codes_of(&after), ["0781", "1280", "0767", "0765"]);
}

fn codes_of(data: &Value) -> Vec<&str> {
    data["regionalComparison"]["municipalities"]
        .as_array()
        .expect("municipalities")
        .iter()
        .map(|m| m["municipality"]["code"].as_str().expect("code"))
        .collect()
}
