//! The open-data downloads as a harvester and an analyst use them: the
//! data dictionary names every column of every file (compared with the
//! headers the files really have), under the configured licence; the
//! public's downloads can be revalidated (`ETag`, `Last-Modified`, 304)
//! while a signed-in caller's are never cacheable; a wrong file name or
//! filter is a clear error; XLSX stops at its row limit with a clear
//! error.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use serde_json::{Value, json};
use tests::{TestApp, db_test, error_codes, token};

const FORMATS: [&str; 3] = ["csv", "xlsx", "ndjson"];

fn editor() -> String {
    token("eva-varnamo", &["municipality_editor"], &["0683"], &[])
}

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client.get(format!("{}{path}", app.base_url));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("answered")
}

async fn dictionary(app: &TestApp) -> Value {
    let response = get(app, "/export/dictionary.json", &[]).await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("JSON")
}

/// The query each dataset needs to answer at all.
fn query_of(dataset: &str) -> &'static str {
    if dataset == "regional-comparison" {
        "?year=2024"
    } else {
        ""
    }
}

/// The header of a downloaded file, by format.
async fn header_of(app: &TestApp, dataset: &str, format: &str) -> Vec<String> {
    let response = get(
        app,
        &format!("/export/{dataset}.{format}{}", query_of(dataset)),
        &[],
    )
    .await;
    assert_eq!(response.status(), 200, "{dataset}.{format}");
    let bytes = response.bytes().await.expect("a body").to_vec();
    match format {
        "csv" => csv::Reader::from_reader(&bytes[..])
            .headers()
            .expect("a header")
            .iter()
            .map(str::to_owned)
            .collect(),
        "xlsx" => {
            let mut workbook = Xlsx::new(Cursor::new(bytes)).expect("a workbook");
            let range = workbook.worksheet_range(dataset).expect("the sheet");
            range
                .rows()
                .next()
                .expect("a header row")
                .iter()
                .map(|cell| match cell {
                    Data::String(name) => name.clone(),
                    other => panic!("a header is text: {other:?}"),
                })
                .collect()
        }
        _ => {
            // NDJSON has no header: the keys of a line, in order.
            let text = String::from_utf8(bytes).expect("UTF-8");
            let line = text
                .lines()
                .next()
                .unwrap_or_else(|| panic!("{dataset}.ndjson has a line"));
            keys_in_order(line)
        }
    }
}

/// The keys of a JSON object line in the order written.
fn keys_in_order(line: &str) -> Vec<String> {
    let value: Value = serde_json::from_str(line).expect("a JSON line");
    let object = value.as_object().expect("an object");
    let mut keys: Vec<(usize, String)> = object
        .keys()
        .map(|k| {
            let at = line
                .find(&format!("{}:", serde_json::to_string(k).expect("a key")))
                .expect("the key in the line");
            (at, k.clone())
        })
        .collect();
    keys.sort();
    keys.into_iter().map(|(_, k)| k).collect()
}

db_test!(the_dictionary_names_every_column_of_every_file, |app| {
    // A follow-up row exists only once a report does: make one, so
    // that the NDJSON has a line to take the keys from.
    let (pledge, commitment) = tests::workflow::draft(&app.base_url, "Trygghet", 2026).await;
    tests::workflow::sign_and_publish(&app.base_url, &pledge).await;
    tests::workflow::publish_report(&app.base_url, &pledge, &commitment, "Pågår").await;
    let dictionary = dictionary(&app).await;
    let datasets = dictionary["datasets"].as_array().expect("datasets");
    let names: Vec<&str> = datasets
        .iter()
        .map(|d| d["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(
        names,
        [
            "pledges",
            "commitments",
            "follow-ups",
            "activities",
            "regional-comparison"
        ]
    );
    let page = get(&app, "/export/dictionary", &[])
        .await
        .text()
        .await
        .expect("a page");
    for dataset in datasets {
        let name = dataset["name"].as_str().expect("a name");
        let columns: Vec<String> = dataset["columns"]
            .as_array()
            .expect("columns")
            .iter()
            .map(|c| {
                for key in ["type", "description_sv", "description_en"] {
                    assert!(
                        c[key].as_str().is_some_and(|s| !s.is_empty()),
                        "{name}: {c}"
                    );
                }
                c["name"].as_str().expect("a column name").to_owned()
            })
            .collect();
        for format in FORMATS {
            assert_eq!(
                header_of(&app, name, format).await,
                columns,
                "{name}.{format}: the dictionary's columns, in order"
            );
            assert!(
                page.contains(&format!("href=\"/export/{name}.{format}\"")),
                "the page links {name}.{format}"
            );
        }
        for column in &columns {
            assert!(
                page.contains(&format!("<code>{column}</code>")),
                "the page names {name}.{column}"
            );
        }
    }
    let status = datasets[0]["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .find(|c| c["name"] == "status")
        .expect("a status column");
    assert_eq!(
        status["values"],
        json!(["DRAFT", "SIGNED", "PUBLISHED", "WITHDRAWN"])
    );
    assert_eq!(
        dictionary["license"], "http://creativecommons.org/publicdomain/zero/1.0/",
        "CC0 1.0 by default"
    );
    assert!(page.contains("CC0 1.0"), "the page names the licence");
});

db_test!(
    the_licence_is_the_configured_one,
    env = [(
        "APP_OPEN_DATA_LICENSE",
        "https://creativecommons.org/licenses/by/4.0/"
    )],
    |app| {
        let dictionary = dictionary(&app).await;
        assert_eq!(
            dictionary["license"],
            "https://creativecommons.org/licenses/by/4.0/"
        );
        assert_eq!(dictionary["license_name"], "CC BY 4.0");
        let catalog = get(&app, "/export/catalog.ttl", &[])
            .await
            .text()
            .await
            .expect("Turtle");
        assert!(
            catalog.contains("https://creativecommons.org/licenses/by/4.0/"),
            "{catalog}"
        );
    }
);

db_test!(
    anonymous_downloads_revalidate_and_signed_in_ones_are_never_cached,
    |app| {
        for format in FORMATS {
            let path = format!("/export/pledges.{format}?municipality=0683");
            let first = get(&app, &path, &[]).await;
            assert_eq!(first.status(), 200);
            let etag = first.headers()["etag"].to_str().expect("text").to_owned();
            assert_eq!(first.headers()["cache-control"], "public, no-cache");
            let again = get(&app, &path, &[("if-none-match", &etag)]).await;
            assert_eq!(again.status(), 304, "{format}: unchanged data");
            assert_eq!(again.headers()["etag"].to_str().expect("text"), etag);
            // Another filter is another file.
            let other = get(&app, &format!("/export/pledges.{format}"), &[]).await;
            assert_ne!(other.headers()["etag"].to_str().expect("text"), etag);

            let signed_in = app
                .client
                .get(format!("{}{path}", app.base_url))
                .bearer_auth(editor())
                .header("if-none-match", &etag)
                .send()
                .await
                .expect("answered");
            assert_eq!(signed_in.status(), 200, "never a 304 from a public tag");
            assert!(signed_in.headers().get("etag").is_none());
            assert!(signed_in.headers().get("last-modified").is_none());
            assert_eq!(signed_in.headers()["cache-control"], "private, no-store");
        }

        // A write changes every file's tag and sets Last-Modified.
        let before = get(&app, "/export/pledges.csv", &[]).await;
        let etag = before.headers()["etag"].to_str().expect("text").to_owned();
        app.data_as(
            &editor(),
            "mutation { createPledge(input: { municipality: \"0683\", policeArea: \"lpo-varnamo\",
               year: 2027, title: \"Utkast\", validFrom: \"2027-01-01\", validTo: \"2027-12-31\" }) { id } }",
            json!({}),
        )
        .await;
        let after = get(&app, "/export/pledges.csv", &[("if-none-match", &etag)]).await;
        assert_eq!(after.status(), 200, "the data changed");
        let last_modified = after.headers()["last-modified"]
            .to_str()
            .expect("text")
            .to_owned();
        assert!(
            last_modified.ends_with(" GMT"),
            "an HTTP date: {last_modified}"
        );
        let since = get(
            &app,
            "/export/pledges.csv",
            &[("if-modified-since", &last_modified)],
        )
        .await;
        assert_eq!(since.status(), 304, "not modified since the last write");
        let earlier = get(
            &app,
            "/export/pledges.csv",
            &[("if-modified-since", "Mon, 01 Jan 2024 00:00:00 GMT")],
        )
        .await;
        assert_eq!(earlier.status(), 200, "modified since 2024");
    }
);

db_test!(wrong_files_and_filters_are_clear_errors, |app| {
    for (path, status, code) in [
        ("/export/budgets.csv", 404, "NOT_FOUND"),
        ("/export/pledges.pdf", 404, "NOT_FOUND"),
        (
            "/export/pledges.csv?updatedSince=2024-01-01T00:00:00Z",
            400,
            "BAD_USER_INPUT",
        ),
        (
            "/export/follow-ups.csv?status=PUBLISHED",
            400,
            "BAD_USER_INPUT",
        ),
        (
            "/export/regional-comparison.csv?year=20x5",
            400,
            "BAD_USER_INPUT",
        ),
        (
            "/export/regional-comparison.csv?municipality=0683",
            400,
            "BAD_USER_INPUT",
        ),
        ("/export/pledges.csv?colour=red", 400, "BAD_USER_INPUT"),
        (
            "/export/pledges.xlsx?dialect=excel-sv",
            400,
            "BAD_USER_INPUT",
        ),
        (
            "/export/commitments.csv?municipality=9999",
            400,
            "BAD_USER_INPUT",
        ),
    ] {
        let response = get(&app, path, &[]).await;
        assert_eq!(response.status(), status, "{path}");
        let body: Value = response.json().await.expect("a JSON error");
        assert_eq!(error_codes(&body), [code], "{path}: {body}");
    }
    let response = get(
        &app,
        "/export/pledges.csv?updatedSince=2024-01-01T00:00:00Z",
        &[],
    )
    .await;
    let body: Value = response.json().await.expect("a JSON error");
    assert_eq!(body["errors"][0]["extensions"]["field"], "updatedSince");
});

db_test!(
    an_xlsx_past_its_row_limit_is_refused_with_the_way_out,
    env = [("APP_XLSX_MAX_ROWS", "3")],
    |app| {
        let pledges = get(&app, "/export/pledges.csv", &[])
            .await
            .text()
            .await
            .expect("text");
        let rows = pledges.lines().count() - 1;
        assert!(rows > 3, "the seed has more than three pledges: {pledges}");
        let refused = get(&app, "/export/pledges.xlsx", &[]).await;
        assert_eq!(refused.status(), 400);
        let body: Value = refused.json().await.expect("a JSON error");
        assert_eq!(error_codes(&body), ["QUERY_TOO_COMPLEX"], "{body}");
        let message = body["errors"][0]["message"].as_str().expect("a message");
        assert!(
            message.contains('3') && message.contains("CSV"),
            "{message}"
        );
        // Narrowed to fit, it is served.
        let narrowed = get(&app, "/export/pledges.xlsx?municipality=0683", &[]).await;
        assert_eq!(narrowed.status(), 200);
    }
);

db_test!(
    a_large_export_reads_page_after_page_in_graphql_order,
    |app| {
        // 40 municipalities × 2 years: more pledges than one page holds.
        let spec = api::store::seed::synthetic::SyntheticSpec {
            municipalities: 40,
            years: 2,
            seed: 7,
            last_year: 2021,
        };
        api::store::seed::synthetic::load(app.db(), &spec, &|_| {})
            .await
            .expect("the synthetic load succeeds");
        let mut expected = Vec::new();
        let mut commitments = 0;
        let mut after = Value::Null;
        loop {
            let page = app
                .data(
                    "query ($after: String) { pledges(first: 100, after: $after) {
                       pageInfo { hasNextPage endCursor } nodes { id commitments { id } } } }",
                    json!({ "after": after }),
                )
                .await;
            for node in page["pledges"]["nodes"].as_array().expect("nodes") {
                let id = api::ids::decode(
                    node["id"].as_str().expect("an id"),
                    api::ids::NodeKind::Pledge,
                    "id",
                )
                .expect("a pledge id");
                expected.push(id.to_string());
                commitments += node["commitments"].as_array().expect("commitments").len();
            }
            if page["pledges"]["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = page["pledges"]["pageInfo"]["endCursor"].clone();
        }
        assert!(
            expected.len() > 50,
            "more than a page: {} pledges",
            expected.len()
        );

        let before = app.statements();
        let ndjson = get(&app, "/export/pledges.ndjson", &[])
            .await
            .text()
            .await
            .expect("text");
        let statements = app.statements() - before;
        let exported: Vec<String> = ndjson
            .lines()
            .map(|line| {
                let row: Value = serde_json::from_str(line).expect("a JSON line");
                row["pledge_id"].as_str().expect("a pledge id").to_owned()
            })
            .collect();
        assert_eq!(exported, expected, "every pledge once, in GraphQL's order");
        // Batched per page, not per pledge: the data version (for the
        // validators), then the pledges of a page and each list of them
        // in one statement (9 on both databases today).
        let pages = expected.len().div_ceil(50) as u64;
        assert!(
            statements <= 1 + 5 * pages,
            "{statements} statements for {pages} pages"
        );

        let csv = get(&app, "/export/commitments.csv", &[])
            .await
            .text()
            .await
            .expect("text");
        assert_eq!(
            csv.lines().count() - 1,
            commitments,
            "every commitment once"
        );
    }
);
