//! The number of SQL statements for a page with nested data does not grow
//! with the page size (nested data loads per relation, for the whole page),
//! and reference data costs none (it is served from memory).

use chrono::{NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use serde_json::json;
use tests::sql::{self, NewProgress, NewReport};
use tests::{TestApp, db_test};
use uuid::Uuid;

const NESTED: &str = r#"
query ($first: Int!, $after: String) {
  pledges(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id year title status signedOn
      municipality { code name county { code } policeArea { code } }
      policeArea { code municipalities { code } }
      focusAreas { focusArea { code nameSv } problemText specialFocus { code } }
      signatories { name title party }
      commitments {
        text responsible method
        focusAreas { code nameEn }
        places { name kind }
        activities { kind date place { name } }
      }
    }
  }
}"#;

/// The list of the bench's scenario (a): a page of pledges with their
/// municipality, police area, focus areas and commitments with progress.
const LIST_WITH_PROGRESS: &str = r#"
query ($first: Int!, $after: String) {
  pledges(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id year title
      municipality { code name county { code name } policeArea { code name } }
      policeArea { code name }
      focusAreas { focusArea { code nameSv } problemText }
      commitments { position text responsible method targetGroups latestProgress { status progressPercent } }
    }
  }
}"#;

/// 18 municipalities × 7 years (2015–2021) of synthetic published pledges (5–12
/// commitments each, three published reports a year): more than a page of
/// 100, every pledge with nested data of every kind.
async fn add_synthetic_pledges(app: &TestApp) {
    let spec = api::store::seed::synthetic::SyntheticSpec {
        municipalities: 18,
        years: 7,
        seed: 7,
        // Before every seeded pledge (see `after_the_source_documents`);
        // the same seed gives the same rows on every run.
        last_year: 2021,
    };
    api::store::seed::synthetic::load(app.db(), &spec, &|_| {})
        .await
        .expect("synthetic data loads");
    // The server's reference snapshot predates the synthetic municipalities
    // and police areas; the first page naming them re-reads it. Let that
    // happen here, not in a measured request.
    app.data_as(
        &reader(),
        "{ pledges(first: 100) { nodes { municipality { code } policeArea { code } } } }",
        json!({}),
    )
    .await;
}

/// A signed-in reader: its answers are computed, never served from the
/// public response cache, so the statements counted are the query's own.
fn reader() -> String {
    tests::token("ada-analyst", &["regional_analyst"], &[], &[])
}

/// The cursor after the four source-document pledges (2022–2024, newest
/// first), so the pages compared hold only the uniform synthetic rows.
async fn after_the_source_documents(app: &TestApp) -> String {
    let data = app
        .data_as(
            &reader(),
            "{ pledges(first: 4) { nodes { year } pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    assert!(
        data["pledges"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .all(|n| n["year"].as_i64() > Some(2021)),
        "{data}"
    );
    data["pledges"]["pageInfo"]["endCursor"]
        .as_str()
        .expect("a cursor")
        .to_owned()
}

async fn statements_for(app: &TestApp, query: &str, first: i64) -> (u64, usize) {
    let after = after_the_source_documents(app).await;
    let before = app.statements();
    let data = app
        .data_as(&reader(), query, json!({ "first": first, "after": after }))
        .await;
    let after = app.statements();
    let nodes = data["pledges"]["nodes"].as_array().expect("nodes").len();
    (after - before, nodes)
}

db_test!(
    a_page_with_latest_progress_costs_six_statements_at_most,
    |app| {
        add_synthetic_pledges(&app).await;
        let (one, one_nodes) = statements_for(&app, LIST_WITH_PROGRESS, 1).await;
        let (hundred, hundred_nodes) = statements_for(&app, LIST_WITH_PROGRESS, 100).await;
        assert_eq!((one_nodes, hundred_nodes), (1, 100));
        assert_eq!(
            one, hundred,
            "a page of 100 pledges must cost as many SQL statements as a page of 1"
        );
        // The reference version checked before the token is resolved
        // (another replica may have changed the reference data), the page,
        // its count, focus areas, commitments, their progress; the
        // municipality, police area and county come from memory.
        assert!(one <= 6, "{one} statements for the nested list");
    }
);

db_test!(statement_count_does_not_grow_with_page_size, |app| {
    add_synthetic_pledges(&app).await;
    // Each request builds its own batches, so nothing is warm. A relation
    // with no rows on a page costs nothing further down, so the pages
    // compared both hold every kind of nested row: ten synthetic pledges
    // do (same seed, same data on every run).
    let (one, one_nodes) = statements_for(&app, NESTED, 10).await;
    let (fifty, fifty_nodes) = statements_for(&app, NESTED, 100).await;

    assert_eq!(one_nodes, 10);
    assert_eq!(fifty_nodes, 100);
    assert_eq!(
        one, fifty,
        "a page of 100 pledges must cost as many SQL statements as a page of 10"
    );
    // One statement per selected relation that lives in the database.
    assert!(one <= 12, "{one} statements for one nested page");
});

db_test!(reference_data_costs_only_the_version_check, |app| {
    for query in [
        "{ municipalities { id code name county { code name } policeArea { code name } } }",
        "{ policeAreas { id code name district { code name region { code } } region { code name } municipalities { code name county { code } } } }",
        "{ policeRegions { code name districts { code name policeAreas { code } } } policeDistricts { code region { code } } }",
        "{ focusAreas { code nameSv nameEn } }",
        "{ municipality(code: \"0683\") { code name county { name } policeArea { code } } }",
    ] {
        let before = app.statements();
        let data = app.data_as(&reader(), query, json!({})).await;
        assert!(data.as_object().is_some_and(|o| !o.is_empty()), "{data}");
        // One statement: the reference version, read before a signed-in
        // caller's token is resolved, so that a change made through
        // another replica counts at once. The data itself comes from
        // memory.
        assert_eq!(app.statements() - before, 1, "{query} ran SQL");
    }
});

const FOLLOW_UPS: &str = r#"
query ($first: Int!) {
  followUps(first: $first) {
    totalCount
    nodes {
      id status periodStart cumulative
      pledge { title municipality { code } }
      progress {
        status progressPercent countedActivities
        commitment { text focusAreas { code } latestProgress { status } }
      }
    }
  }
}"#;

/// Adds `n` published one-day reports to Värnamo 2024 (the seeded pledge
/// with four commitments), each with progress for every commitment.
async fn add_synthetic_reports(app: &TestApp, n: usize) {
    let db = app.db();
    let seeded = Query::select()
        .columns(["id", "municipality_id", "year", "valid_from"])
        .from("pledges")
        .and_where(Expr::col("year").eq(2024))
        .to_owned();
    let pledge = db
        .query_one(&seeded)
        .await
        .expect("query")
        .expect("Värnamo 2024 is seeded");
    let pledge_id: Uuid = pledge.try_get("", "id").expect("id");
    let municipality_id: Uuid = pledge.try_get("", "municipality_id").expect("municipality");
    let year: i32 = pledge.try_get("", "year").expect("year");
    let valid_from: NaiveDate = pledge.try_get("", "valid_from").expect("valid_from");
    let of_pledge = Query::select()
        .column("id")
        .from("commitments")
        .and_where(Expr::col("pledge_id").eq(pledge_id))
        .to_owned();
    let commitments: Vec<Uuid> = db
        .query_all(&of_pledge)
        .await
        .expect("commitments")
        .iter()
        .map(|c| c.try_get("", "id").expect("id"))
        .collect();
    let now = Utc::now();
    for i in 0..n {
        let day = valid_from + chrono::Duration::days(i as i64 + 1);
        let id = Uuid::new_v4();
        let report = NewReport {
            id,
            pledge_id,
            municipality_id,
            year,
            period_start: day,
            period_end: day,
            summary: Some(format!("Rapport {i}")),
            version: 1,
            published_at: now,
            created_at: now,
            updated_at: now + chrono::Duration::microseconds(i as i64),
        };
        sql::insert(db, &[report]).await.expect("insert report");
        for c in &commitments {
            let entry = NewProgress {
                report_id: id,
                commitment_id: *c,
                status: "ONGOING",
                progress_percent: Some(50),
                actual_quantity: None,
                comment: None,
            };
            sql::insert(db, &[entry]).await.expect("insert progress");
        }
    }
}

db_test!(
    follow_up_statement_count_does_not_grow_with_page_size,
    |app| {
        add_synthetic_reports(&app, 60).await;
        let count = |first: i64| {
            let app = &app;
            async move {
                let before = app.statements();
                let data = app.data(FOLLOW_UPS, json!({ "first": first })).await;
                let nodes = data["followUps"]["nodes"].as_array().expect("nodes").len();
                (app.statements() - before, nodes)
            }
        };
        let (one, one_nodes) = count(1).await;
        let (fifty, fifty_nodes) = count(50).await;
        assert_eq!((one_nodes, fifty_nodes), (1, 50));
        assert_eq!(
            one, fifty,
            "a page of 50 reports must cost as many SQL statements as a page of 1"
        );
    }
);
