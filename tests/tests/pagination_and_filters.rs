//! `pledges` pages through every visible pledge exactly once, and each
//! filter selects exactly the seeded pledges it should.

use std::collections::HashSet;

use serde_json::{Value, json};
use tests::{TestApp, db_test};

const PAGE: &str = r#"
query ($after: String) {
  pledges(first: 1, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id year } }
  }
}"#;

db_test!(walking_one_page_at_a_time_visits_every_pledge_once, |app| {
    let mut after = Value::Null;
    let mut seen = Vec::new();
    let mut years = Vec::new();
    loop {
        assert!(seen.len() < 10, "paging does not end: {seen:?}");
        let data = app.data(PAGE, json!({ "after": after })).await;
        let page = &data["pledges"];
        assert_eq!(page["totalCount"], 4, "totalCount on every page: {page}");
        let edges = page["edges"].as_array().expect("edges");
        assert_eq!(edges.len(), 1, "a page of one: {page}");
        let edge = &edges[0];
        assert_eq!(
            page["pageInfo"]["endCursor"], edge["cursor"],
            "endCursor is the last edge's cursor"
        );
        seen.push(edge["node"]["id"].as_str().expect("id").to_owned());
        years.push(edge["node"]["year"].as_i64().expect("year"));
        let has_next = page["pageInfo"]["hasNextPage"]
            .as_bool()
            .expect("hasNextPage");
        assert_eq!(
            has_next,
            seen.len() < 4,
            "hasNextPage is false only on the last page (page {})",
            seen.len()
        );
        if !has_next {
            break;
        }
        after = edge["cursor"].clone();
    }
    assert_eq!(seen.len(), 4);
    let distinct: HashSet<&String> = seen.iter().collect();
    assert_eq!(distinct.len(), 4, "no pledge twice: {seen:?}");
    assert_eq!(years, [2024, 2023, 2023, 2022], "newest year first");
});

db_test!(every_edge_cursor_continues_after_its_own_node, |app| {
    let data = app
        .data(
            "{ pledges { pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }",
            json!({}),
        )
        .await;
    let page = &data["pledges"];
    assert_eq!(page["pageInfo"]["hasNextPage"], false);
    let edges = page["edges"].as_array().expect("edges");
    assert_eq!(edges.len(), 4);
    assert_eq!(page["pageInfo"]["endCursor"], edges[3]["cursor"]);
    // After edge i come exactly the edges behind it.
    for (i, edge) in edges.iter().enumerate() {
        let next = app
            .data(
                "query ($after: String) { pledges(after: $after) { nodes { id } } }",
                json!({ "after": edge["cursor"] }),
            )
            .await;
        let rest: Vec<&Value> = edges[i + 1..].iter().map(|e| &e["node"]["id"]).collect();
        let got: Vec<&Value> = next["pledges"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|n| &n["id"])
            .collect();
        assert_eq!(got, rest, "after edge {i}");
    }
});

/// (municipality code, year) of each pledge the filter selects, sorted, and
/// the filter's totalCount.
async fn selected(app: &TestApp, filter: Value) -> (Vec<(String, i64)>, i64) {
    let data = app
        .data(
            "query ($filter: PledgeFilter) {
               pledges(filter: $filter) { totalCount nodes { year municipality { code } } }
             }",
            json!({ "filter": filter }),
        )
        .await;
    let mut found: Vec<(String, i64)> = data["pledges"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| {
            (
                n["municipality"]["code"].as_str().expect("code").to_owned(),
                n["year"].as_i64().expect("year"),
            )
        })
        .collect();
    found.sort();
    let total = data["pledges"]["totalCount"].as_i64().expect("totalCount");
    (found, total)
}

fn pledges(list: &[(&str, i64)]) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = list.iter().map(|(c, y)| ((*c).to_owned(), *y)).collect();
    out.sort();
    out
}

const VARNAMO: &str = "0683";
const VAGGERYD: &str = "0665";
const ALMHULT: &str = "0765";

async fn assert_selects(app: &TestApp, filter: Value, expected: &[(&str, i64)]) {
    let (found, total) = selected(app, filter.clone()).await;
    assert_eq!(found, pledges(expected), "filter {filter}");
    assert_eq!(
        total,
        expected.len() as i64,
        "totalCount of filter {filter}"
    );
}

db_test!(the_year_filter_selects_that_years_pledges, |app| {
    assert_selects(
        &app,
        json!({ "year": 2023 }),
        &[(VAGGERYD, 2023), (ALMHULT, 2023)],
    )
    .await;
    assert_selects(&app, json!({ "year": 2021 }), &[]).await;
});

db_test!(the_police_area_filter_selects_that_areas_pledges, |app| {
    assert_selects(
        &app,
        json!({ "policeArea": "lpo-ljungby" }),
        &[(ALMHULT, 2023)],
    )
    .await;
    assert_selects(
        &app,
        json!({ "policeArea": "lpo-varnamo" }),
        &[(VARNAMO, 2024), (VARNAMO, 2022), (VAGGERYD, 2023)],
    )
    .await;
});

db_test!(the_focus_area_filter_selects_pledges_naming_it, |app| {
    assert_selects(
        &app,
        json!({ "focusArea": "BEDRAGERIER" }),
        &[(VARNAMO, 2024), (VAGGERYD, 2023)],
    )
    .await;
    // Älmhult links no focus area of its own, only commitments do.
    assert_selects(&app, json!({ "focusArea": "INBROTT_STOLD" }), &[]).await;
});

db_test!(the_status_filter_selects_by_lifecycle_status, |app| {
    assert_selects(
        &app,
        json!({ "status": "PUBLISHED" }),
        &[
            (VARNAMO, 2024),
            (VARNAMO, 2022),
            (VAGGERYD, 2023),
            (ALMHULT, 2023),
        ],
    )
    .await;
    assert_selects(&app, json!({ "status": "SIGNED" }), &[]).await;
});

db_test!(
    the_in_force_filter_selects_pledges_covering_the_day,
    |app| {
        assert_selects(
            &app,
            json!({ "inForceOn": "2023-06-01" }),
            &[(VAGGERYD, 2023), (ALMHULT, 2023)],
        )
        .await;
        // Älmhult 2023 runs to 2024-03-01, into Värnamo 2024's period.
        assert_selects(
            &app,
            json!({ "inForceOn": "2024-02-15" }),
            &[(ALMHULT, 2023), (VARNAMO, 2024)],
        )
        .await;
        // Both ends are inclusive.
        assert_selects(
            &app,
            json!({ "inForceOn": "2024-03-01" }),
            &[(ALMHULT, 2023), (VARNAMO, 2024)],
        )
        .await;
        assert_selects(
            &app,
            json!({ "inForceOn": "2024-03-02" }),
            &[(VARNAMO, 2024)],
        )
        .await;
    }
);

db_test!(combined_filters_must_all_hold, |app| {
    assert_selects(
        &app,
        json!({ "municipality": VARNAMO, "year": 2022 }),
        &[(VARNAMO, 2022)],
    )
    .await;
    assert_selects(
        &app,
        json!({ "policeArea": "lpo-varnamo", "focusArea": "NARKOTIKA", "year": 2024 }),
        &[(VARNAMO, 2024)],
    )
    .await;
    assert_selects(
        &app,
        json!({ "municipality": ALMHULT, "policeArea": "lpo-varnamo" }),
        &[],
    )
    .await;
});

db_test!(a_filtered_walk_pages_within_the_filter, |app| {
    let query = "query ($after: String) {
        pledges(first: 1, after: $after, filter: { policeArea: \"lpo-varnamo\" }) {
          totalCount pageInfo { hasNextPage endCursor } nodes { year }
        } }";
    let mut after = Value::Null;
    let mut years = Vec::new();
    loop {
        assert!(years.len() < 10, "paging does not end");
        let data = app.data(query, json!({ "after": after })).await;
        let page = &data["pledges"];
        assert_eq!(page["totalCount"], 3);
        years.push(page["nodes"][0]["year"].as_i64().expect("year"));
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(years, [2024, 2023, 2022]);
});
