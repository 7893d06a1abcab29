//! Exports a spreadsheet opens safely and right: a text that would start
//! a formula (`=`, `+`, `-`, `@`, tab, CR) is neutralised with a leading
//! `'` in CSV, and exact in NDJSON; numbers stay numbers; and
//! `?dialect=excel-sv` (`;`, decimal commas, a UTF-8 byte-order mark) reads
//! back with åäö intact and one value per column.

use std::collections::BTreeMap;

use api::ids::{self, NodeKind};
use serde_json::{Value, json};
use tests::{TestApp, db_test, error_codes, token};

/// Progress comments a spreadsheet would evaluate, one per commitment.
const FORMULAS: [&str; 6] = [
    "=HYPERLINK(\"http://example.invalid\",\"klicka\")",
    "+46 70 123 45 67",
    "-1",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
];
const TITLE: &str = "Trygghet i Värnamo: åäö ÅÄÖ";

fn editor() -> String {
    token("eva-varnamo", &["municipality_editor"], &["0683"], &[])
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, got {value}"))
        .to_owned()
}

/// A signed Värnamo pledge with six commitments and a draft report whose progress
/// comments are `FORMULAS` (the first with an actual quantity of 2.5).
/// Returns the pledge's key and the comments as GraphQL reads them back.
async fn arrange(app: &TestApp) -> (String, Vec<String>) {
    let created = app
        .data_as(
            &editor(),
            "mutation ($t: String!) { createPledge(input: { municipality: \"0683\",
               policeArea: \"lpo-varnamo\", year: 2026, title: $t,
               validFrom: \"2026-01-01\", validTo: \"2026-12-31\" }) { id } }",
            json!({ "t": TITLE }),
        )
        .await;
    let pledge = text(&created["createPledge"]["id"]);
    let mut progress = Vec::new();
    for (i, comment) in FORMULAS.iter().enumerate() {
        let added = app
            .data_as(
                &editor(),
                "mutation ($p: ID!, $t: String!) { addCommitment(pledgeId: $p,
                   input: { text: $t, responsible: JOINT }) { id } }",
                json!({ "p": pledge, "t": format!("Åtagande {}", i + 1) }),
            )
            .await;
        progress.push(json!({
            "commitmentId": text(&added["addCommitment"]["id"]),
            "status": "ONGOING",
            "actualQuantity": (i == 0).then_some(2.5),
            "comment": comment,
        }));
    }
    // Follow-up is for signed pledges: both sides approve.
    let police = token("per-polis", &["police_editor"], &[], &["lpo-varnamo"]);
    for signer in [editor(), police] {
        app.data_as(
            &signer,
            "mutation ($id: ID!) { approvePledge(id: $id) { status } }",
            json!({ "id": pledge }),
        )
        .await;
    }
    let report = app
        .data_as(
            &editor(),
            "mutation ($input: FollowUpReportInput!) { createFollowUpReport(input: $input) {
               progress { commitment { position } comment } } }",
            json!({ "input": {
                "pledgeId": pledge, "periodKind": "T1", "periodStart": "2026-01-01",
                "periodEnd": "2026-04-30", "progress": progress,
            }}),
        )
        .await;
    let mut read_back: Vec<(i64, String)> = report["createFollowUpReport"]["progress"]
        .as_array()
        .expect("progress")
        .iter()
        .map(|p| {
            (
                p["commitment"]["position"].as_i64().expect("a position"),
                text(&p["comment"]),
            )
        })
        .collect();
    read_back.sort();
    let comments: Vec<String> = read_back.into_iter().map(|(_, c)| c).collect();
    for comment in &comments {
        assert!(
            comment.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "the comment still starts a formula after it was stored: {comment:?}"
        );
    }
    let key = ids::decode(&pledge, NodeKind::Pledge, "id").expect("a pledge id");
    (key.to_string(), comments)
}

async fn export(app: &TestApp, format: &str, query: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .get(format!("{}/export/follow-ups.{format}", app.base_url))
        .query(query)
        .bearer_auth(editor())
        .send()
        .await
        .expect("answered")
}

/// The rows of `pledge` in a CSV body with `delimiter`, by column name,
/// in commitment order.
fn rows_of(body: &str, delimiter: u8, pledge: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(body.as_bytes());
    let headers = reader.headers().expect("a header").clone();
    assert_eq!(headers.len(), 20, "one value per column: {headers:?}");
    let mut rows: Vec<BTreeMap<String, String>> = reader
        .records()
        .map(|r| {
            let record = r.expect("a record");
            assert_eq!(record.len(), 20, "{record:?}");
            headers
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .filter(|row: &BTreeMap<String, String>| row["pledge_id"] == pledge)
        .collect();
    rows.sort_by_key(|row| row["commitment_position"].parse::<u32>().expect("a number"));
    rows
}

db_test!(formulas_are_neutralised_in_csv_and_exact_in_ndjson, |app| {
    let (pledge, comments) = arrange(&app).await;

    let body = export(&app, "csv", &[("municipality", "0683")])
        .await
        .text()
        .await
        .expect("text");
    let rows = rows_of(&body, b',', &pledge);
    assert_eq!(rows.len(), FORMULAS.len(), "{body}");
    for (row, comment) in rows.iter().zip(&comments) {
        assert_eq!(row["comment"], format!("'{comment}"));
    }
    // A number is no text: no prefix, even though it could be negative.
    assert_eq!(rows[0]["actual_quantity"], "2.5");
    assert_eq!(rows[0]["pledge_year"], "2026");

    let ndjson = export(&app, "ndjson", &[("municipality", "0683")])
        .await
        .text()
        .await
        .expect("text");
    let mut exact: Vec<(i64, String)> = ndjson
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).expect("a JSON line"))
        .filter(|row| row["pledge_id"] == pledge.as_str())
        .map(|row| {
            (
                row["commitment_position"].as_i64().expect("a position"),
                text(&row["comment"]),
            )
        })
        .collect();
    exact.sort();
    let exact: Vec<String> = exact.into_iter().map(|(_, c)| c).collect();
    assert_eq!(exact, comments, "NDJSON keeps the text exactly");
});

db_test!(
    the_swedish_dialect_opens_with_letters_and_columns_intact,
    |app| {
        let (pledge, comments) = arrange(&app).await;
        let response = export(
            &app,
            "csv",
            &[("municipality", "0683"), ("dialect", "excel-sv")],
        )
        .await;
        assert_eq!(response.status(), 200);
        let bytes = response.bytes().await.expect("a body");
        assert_eq!(
            &bytes[..3],
            [0xEF, 0xBB, 0xBF],
            "a UTF-8 byte-order mark first"
        );
        let body = std::str::from_utf8(&bytes[3..]).expect("UTF-8 after the mark");
        assert!(body.starts_with("report_id;pledge_id;"), "{body}");
        let rows = rows_of(body, b';', &pledge);
        assert_eq!(rows.len(), FORMULAS.len(), "{body}");
        for (row, comment) in rows.iter().zip(&comments) {
            assert_eq!(row["municipality_name"], "Värnamo");
            assert_eq!(row["pledge_title"], TITLE);
            assert_eq!(row["comment"], format!("'{comment}"));
        }
        assert_eq!(rows[0]["actual_quantity"], "2,5", "a decimal comma");
    }
);

db_test!(a_dialect_is_for_csv_and_must_be_known, |app| {
    for (format, dialect) in [("csv", "excel"), ("ndjson", "excel-sv")] {
        let response = export(&app, format, &[("dialect", dialect)]).await;
        assert_eq!(response.status(), 400, "{format} with dialect {dialect}");
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    }
});
