//! Exports a spreadsheet opens safely and right: a text that would start
//! a formula (`=`, `+`, `-`, `@`, tab, CR) is neutralised with a leading
//! `'` in CSV, and exact in NDJSON; numbers stay numbers; and
//! `?dialect=excel-sv` (`;`, decimal commas, a UTF-8 byte-order mark) reads
//! back with åäö intact and one value per column. The same holds for
//! XLSX, read back with calamine as a spreadsheet program would: numbers
//! and dates typed, text neutralised, the header frozen and filterable.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};

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

/// The rows of the sheet `name` of an exported workbook, as a spreadsheet
/// program's reader (calamine) sees them.
fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<Data>> {
    let mut workbook = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an XLSX workbook");
    let range = workbook.worksheet_range(name).expect("the sheet");
    range.rows().map(<[Data]>::to_vec).collect()
}

/// The XML of the workbook's first sheet: where the frozen pane and the
/// auto-filter are written (no reader exposes them).
fn sheet_xml(bytes: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a zip archive");
    let mut xml = String::new();
    archive
        .by_name("xl/worksheets/sheet1.xml")
        .expect("a first sheet")
        .read_to_string(&mut xml)
        .expect("XML text");
    xml
}

fn column(header: &[Data], name: &str) -> usize {
    header
        .iter()
        .position(|cell| *cell == Data::String(name.to_owned()))
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

db_test!(
    formulas_are_neutralised_in_xlsx_and_numbers_and_dates_stay_typed,
    |app| {
        let (pledge, comments) = arrange(&app).await;
        let response = export(&app, "xlsx", &[("municipality", "0683")]).await;
        assert_eq!(response.status(), 200);
        assert_eq!(
            tests::content_type(&response),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        let bytes = response.bytes().await.expect("a body");
        let rows = sheet(&bytes, "follow-ups");
        let header = &rows[0];
        let csv_header: Vec<String> = export(&app, "csv", &[("municipality", "0683")])
            .await
            .text()
            .await
            .expect("text")
            .lines()
            .next()
            .expect("a header line")
            .split(',')
            .map(str::to_owned)
            .collect();
        let names: Vec<Data> = csv_header.iter().cloned().map(Data::String).collect();
        assert_eq!(header, &names, "the same header as the CSV");

        let at = |name: &str| column(header, name);
        let mut mine: Vec<&Vec<Data>> = rows[1..]
            .iter()
            .filter(|row| row[at("pledge_id")] == Data::String(pledge.clone()))
            .collect();
        mine.sort_by(|a, b| {
            let position = |row: &Vec<Data>| match row[at("commitment_position")] {
                Data::Float(n) => n,
                ref other => panic!("a position is a number: {other:?}"),
            };
            position(a).total_cmp(&position(b))
        });
        assert_eq!(mine.len(), FORMULAS.len(), "{rows:?}");
        for (row, comment) in mine.iter().zip(&comments) {
            assert_eq!(row[at("comment")], Data::String(format!("'{comment}")));
            assert_eq!(row[at("municipality_name")], Data::String("Värnamo".into()));
            assert_eq!(row[at("pledge_title")], Data::String(TITLE.into()));
            assert_eq!(row[at("pledge_year")], Data::Float(2026.0), "a number");
        }
        assert_eq!(mine[0][at("actual_quantity")], Data::Float(2.5), "a number");
        match &mine[0][at("period_start")] {
            Data::DateTime(day) => assert_eq!(
                day.as_datetime().map(|d| d.date().to_string()).as_deref(),
                Some("2026-01-01")
            ),
            other => panic!("a date is a date: {other:?}"),
        }
        assert!(
            matches!(mine[0][at("updated_at")], Data::DateTime(_)),
            "{:?}",
            mine[0][at("updated_at")]
        );

        let xml = sheet_xml(&bytes);
        assert!(
            xml.contains("ySplit=\"1\"") && xml.contains("state=\"frozen\""),
            "the header row is frozen: {xml}"
        );
        let last_row = rows.len();
        assert!(
            xml.contains(&format!("<autoFilter ref=\"A1:T{last_row}\"")),
            "an auto-filter over the header and every row: {xml}"
        );
    }
);

/// A pledge whose title and commitment texts start formulas, as an
/// editor's text might.
async fn arrange_formula_pledge(app: &TestApp) -> String {
    let created = app
        .data_as(
            &editor(),
            "mutation ($t: String!) { createPledge(input: { municipality: \"0683\",
               policeArea: \"lpo-varnamo\", year: 2027, title: $t,
               validFrom: \"2027-01-01\", validTo: \"2027-12-31\" }) { id } }",
            json!({ "t": FORMULAS[0] }),
        )
        .await;
    let pledge = text(&created["createPledge"]["id"]);
    for formula in &FORMULAS[1..4] {
        app.data_as(
            &editor(),
            "mutation ($p: ID!, $t: String!) { addCommitment(pledgeId: $p,
               input: { text: $t, responsible: JOINT, targetGroups: [$t] }) { id } }",
            json!({ "p": pledge, "t": formula }),
        )
        .await;
    }
    ids::decode(&pledge, NodeKind::Pledge, "id")
        .expect("a pledge id")
        .to_string()
}

async fn download(app: &TestApp, file: &str, query: &[(&str, &str)]) -> Vec<u8> {
    let response = app
        .client
        .get(format!("{}/export/{file}", app.base_url))
        .query(query)
        .bearer_auth(editor())
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200, "{file}");
    response.bytes().await.expect("a body").to_vec()
}

db_test!(
    every_dataset_neutralises_formulas_in_text_and_lists,
    |app| {
        let pledge = arrange_formula_pledge(&app).await;
        let year = [("year", "2027"), ("municipality", "0683")];

        // Pledges: the title.
        let csv = download(&app, "pledges.csv", &year).await;
        let mut reader = csv::Reader::from_reader(&csv[..]);
        let header = reader.headers().expect("a header").clone();
        let title = header.iter().position(|h| h == "title").expect("a title");
        let id = header.iter().position(|h| h == "pledge_id").expect("an id");
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
        let row = rows
            .iter()
            .find(|r| &r[id] == pledge.as_str())
            .expect("the pledge");
        assert_eq!(&row[title], format!("'{}", FORMULAS[0]));
        let xlsx = download(&app, "pledges.xlsx", &year).await;
        let rows = sheet(&xlsx, "pledges");
        let at = column(&rows[0], "title");
        assert!(
            rows[1..]
                .iter()
                .any(|r| r[at] == Data::String(format!("'{}", FORMULAS[0]))),
            "{rows:?}"
        );

        // Commitments: the text, and a list whose first item starts a formula.
        let csv = download(&app, "commitments.csv", &year).await;
        let mut reader = csv::Reader::from_reader(&csv[..]);
        let header = reader.headers().expect("a header").clone();
        let text_at = header.iter().position(|h| h == "text").expect("a text");
        let groups_at = header
            .iter()
            .position(|h| h == "target_groups")
            .expect("target groups");
        let mut texts: Vec<(String, String)> = reader
            .records()
            .map(|r| r.expect("a row"))
            .map(|r| (r[text_at].to_owned(), r[groups_at].to_owned()))
            .collect();
        texts.sort();
        let mut expected: Vec<(String, String)> = FORMULAS[1..4]
            .iter()
            .map(|f| (format!("'{f}"), format!("'{f}")))
            .collect();
        expected.sort();
        assert_eq!(texts, expected);
        let xlsx = download(&app, "commitments.xlsx", &year).await;
        let rows = sheet(&xlsx, "commitments");
        let at = column(&rows[0], "text");
        let mut cells: Vec<Data> = rows[1..].iter().map(|r| r[at].clone()).collect();
        cells.sort_by_key(|c| c.to_string());
        let mut neutralised: Vec<Data> = FORMULAS[1..4]
            .iter()
            .map(|f| Data::String(format!("'{f}")))
            .collect();
        neutralised.sort_by_key(|c| c.to_string());
        assert_eq!(cells, neutralised);

        // NDJSON: exact, lists as arrays.
        let ndjson = download(&app, "commitments.ndjson", &year).await;
        let mut exact: Vec<(String, Value)> = std::str::from_utf8(&ndjson)
            .expect("UTF-8")
            .lines()
            .map(|line| serde_json::from_str::<Value>(line).expect("a JSON line"))
            .map(|row| (text(&row["text"]), row["target_groups"].clone()))
            .collect();
        exact.sort_by(|a, b| a.0.cmp(&b.0));
        let mut wanted: Vec<(String, Value)> = FORMULAS[1..4]
            .iter()
            .map(|f| ((*f).to_owned(), json!([f])))
            .collect();
        wanted.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(exact, wanted);
    }
);

db_test!(
    the_swedish_dialect_of_every_dataset_reads_back_one_value_per_column,
    |app| {
        arrange_formula_pledge(&app).await;
        let dictionary: Value = app
            .client
            .get(format!("{}/export/dictionary.json", app.base_url))
            .send()
            .await
            .expect("answered")
            .json()
            .await
            .expect("JSON");
        for (file, query) in [
            ("pledges", vec![]),
            ("commitments", vec![]),
            ("activities", vec![]),
            ("follow-ups", vec![]),
            ("regional-comparison", vec![("year", "2025")]),
        ] {
            let mut query = query.clone();
            query.push(("dialect", "excel-sv"));
            let bytes = download(&app, &format!("{file}.csv"), &query).await;
            assert_eq!(&bytes[..3], [0xEF, 0xBB, 0xBF], "{file}: a byte-order mark");
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(b';')
                .from_reader(&bytes[3..]);
            let header = reader.headers().expect("a header").clone();
            let columns = dictionary["datasets"]
                .as_array()
                .expect("datasets")
                .iter()
                .find(|d| d["name"] == file)
                .unwrap_or_else(|| panic!("{file} in the dictionary"))["columns"]
                .as_array()
                .expect("columns")
                .len();
            assert_eq!(header.len(), columns, "{file}: one value per column");
            let mut names = Vec::new();
            for record in reader.records() {
                let record = record.expect("a record");
                assert_eq!(record.len(), columns, "{file}: {record:?}");
                if let Some(at) = header.iter().position(|h| h == "municipality_name") {
                    names.push(record[at].to_owned());
                }
            }
            // The seed has no follow-ups; their letters are checked above.
            if file != "follow-ups" {
                assert!(
                    names.iter().any(|n| n == "Värnamo"),
                    "{file}: åäö intact, {names:?}"
                );
            }
        }
    }
);
