//! `api seed --synthetic`: the same spec writes the same rows into any
//! fresh database, another seed writes other rows, the rows are public
//! pledges the API reads like any other, and data already there is kept.
//! Each server starts with the source documents seeded, as in production.

use std::collections::HashSet;

use api::store::rows::{
    ActivityRow, CommitmentRow, FollowUpRow, PlaceRow, PledgeFocusAreaRow, PledgeRow,
    PoliceAreaRow, ProgressRow, SignatoryRow,
};
use api::store::seed::synthetic::{self, SyntheticReport, SyntheticSpec};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, FromQueryResult};
use serde_json::json;
use tests::{TestApp, db_test, sql};
use uuid::Uuid;

/// The first six municipalities (all in Stockholms län) for 2020 and 2021,
/// years without a source-document pledge.
fn small(seed: u64) -> SyntheticSpec {
    SyntheticSpec {
        municipalities: 6,
        years: 2,
        seed,
        last_year: 2021,
    }
}

async fn load(db: &DatabaseConnection, spec: &SyntheticSpec) -> SyntheticReport {
    synthetic::load(db, spec, &|_| {})
        .await
        .expect("the synthetic load succeeds")
}

/// A row of `police_area_coverage`.
#[derive(Debug, PartialEq, FromQueryResult)]
struct CoverageRow {
    id: Uuid,
    police_area_id: Uuid,
    municipality_id: Uuid,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
}

/// A row of `commitment_focus_areas`.
#[derive(Debug, PartialEq, FromQueryResult)]
struct CommitmentFocusAreaRow {
    commitment_id: Uuid,
    focus_area_code: String,
}

/// A row of `commitment_places`.
#[derive(Debug, PartialEq, FromQueryResult)]
struct CommitmentPlaceRow {
    commitment_id: Uuid,
    place_id: Uuid,
}

/// Every synthetic row, in primary-key order.
#[derive(Debug, PartialEq)]
struct Dump {
    police_areas: Vec<PoliceAreaRow>,
    coverage: Vec<CoverageRow>,
    places: Vec<PlaceRow>,
    pledges: Vec<PledgeRow>,
    signatories: Vec<SignatoryRow>,
    pledge_focus_areas: Vec<PledgeFocusAreaRow>,
    commitments: Vec<CommitmentRow>,
    commitment_focus_areas: Vec<CommitmentFocusAreaRow>,
    commitment_places: Vec<CommitmentPlaceRow>,
    reports: Vec<FollowUpRow>,
    progress: Vec<ProgressRow>,
    activities: Vec<ActivityRow>,
}

/// The synthetic rows of `db`: the source documents' rows carry the time
/// they were seeded, so they are left out.
async fn dump(db: &DatabaseConnection) -> Dump {
    let synthetic = Some("Syntetisk testdata".to_owned());
    let mut pledges: Vec<PledgeRow> = sql::all(db, "pledges", &["id"]).await;
    pledges.retain(|p| p.source_title == synthetic);
    let pledge_ids: HashSet<Uuid> = pledges.iter().map(|p| p.id).collect();
    let mut commitments: Vec<CommitmentRow> = sql::all(db, "commitments", &["id"]).await;
    commitments.retain(|c| pledge_ids.contains(&c.pledge_id));
    let commitment_ids: HashSet<Uuid> = commitments.iter().map(|c| c.id).collect();
    let mut reports: Vec<FollowUpRow> = sql::all(db, "follow_up_reports", &["id"]).await;
    reports.retain(|r| pledge_ids.contains(&r.pledge_id));
    let mut police_areas: Vec<PoliceAreaRow> = sql::all(db, "police_areas", &["id"]).await;
    police_areas.retain(|a| a.code.starts_with("lpo-syn-"));
    let area_ids: HashSet<Uuid> = police_areas.iter().map(|a| a.id).collect();
    let mut coverage: Vec<CoverageRow> = sql::all(db, "police_area_coverage", &["id"]).await;
    coverage.retain(|c| area_ids.contains(&c.police_area_id));
    let mut places: Vec<PlaceRow> = sql::all(db, "places", &["id"]).await;
    places.retain(|p| p.name.starts_with("Syntetisk plats"));
    let mut signatories: Vec<SignatoryRow> = sql::all(db, "signatories", &["id"]).await;
    signatories.retain(|s| pledge_ids.contains(&s.pledge_id));
    let mut pledge_focus_areas: Vec<PledgeFocusAreaRow> =
        sql::all(db, "pledge_focus_areas", &["pledge_id", "focus_area_code"]).await;
    pledge_focus_areas.retain(|f| pledge_ids.contains(&f.pledge_id));
    let mut commitment_focus_areas: Vec<CommitmentFocusAreaRow> = sql::all(
        db,
        "commitment_focus_areas",
        &["commitment_id", "focus_area_code"],
    )
    .await;
    commitment_focus_areas.retain(|f| commitment_ids.contains(&f.commitment_id));
    let mut commitment_places: Vec<CommitmentPlaceRow> =
        sql::all(db, "commitment_places", &["commitment_id", "place_id"]).await;
    commitment_places.retain(|p| commitment_ids.contains(&p.commitment_id));
    let mut progress: Vec<ProgressRow> =
        sql::all(db, "commitment_progress", &["report_id", "commitment_id"]).await;
    progress.retain(|p| commitment_ids.contains(&p.commitment_id));
    let mut activities: Vec<ActivityRow> = sql::all(db, "activities", &["id"]).await;
    activities.retain(|a| a.source_title == synthetic);
    Dump {
        police_areas,
        coverage,
        places,
        pledges,
        signatories,
        pledge_focus_areas,
        commitments,
        commitment_focus_areas,
        commitment_places,
        reports,
        progress,
        activities,
    }
}

db_test!(
    the_same_synthetic_spec_writes_the_same_rows_and_another_seed_other_rows,
    |app| {
        let twin = TestApp::spawn(app.backend)
            .await
            .expect("a second server starts");
        let other = TestApp::spawn(app.backend)
            .await
            .expect("a third server starts");
        load(app.db(), &small(1)).await;
        load(twin.db(), &small(1)).await;
        load(other.db(), &small(2)).await;

        let first = dump(app.db()).await;
        assert!(!first.pledges.is_empty(), "the load wrote pledges");
        assert_eq!(first, dump(twin.db()).await, "same spec, same rows");

        let different = dump(other.db()).await;
        assert_ne!(first, different, "another seed writes other rows");
        let texts =
            |d: &Dump| -> Vec<String> { d.commitments.iter().map(|c| c.text.clone()).collect() };
        assert_ne!(
            texts(&first),
            texts(&different),
            "another seed changes the content, not only the keys"
        );
    }
);

db_test!(
    synthetic_pledges_are_public_counted_once_and_ahead_of_the_sync_clock,
    |app| {
        // A clock far behind the data: the load must move it past every
        // report it writes, so later real changes sort after them.
        let epoch = chrono::DateTime::UNIX_EPOCH;
        let set_back = Query::update()
            .table("sync_clock")
            .value("last_at", epoch)
            .and_where(Expr::col("id").eq(1))
            .to_owned();
        let updated = app
            .db()
            .execute(&set_back)
            .await
            .expect("the clock is set back");
        assert_eq!(updated.rows_affected(), 1, "the clock row is set back");

        let spec = small(1);
        let report = load(app.db(), &spec).await;
        let rows = dump(app.db()).await;
        assert_eq!(report.municipalities, 6);
        assert_eq!(report.pledges, 12, "{report}");
        assert_eq!(report.pledges_skipped, 0);
        assert_eq!(rows.pledges.len(), report.pledges);
        assert_eq!(rows.commitments.len(), report.commitments);
        assert_eq!(rows.reports.len(), report.reports);
        assert_eq!(rows.reports.len(), 3 * report.pledges, "T1, T2 and T3");
        assert_eq!(rows.progress.len(), report.progress_entries);
        assert_eq!(
            rows.progress.len(),
            3 * rows.commitments.len(),
            "every report has an entry for every commitment"
        );
        assert_eq!(rows.activities.len(), report.activities);
        assert!(
            report
                .to_string()
                .starts_with("synthetic data: 6 municipalities, 12 pledges, "),
            "{report}"
        );

        let read_clock = Query::select()
            .column("last_at")
            .from("sync_clock")
            .and_where(Expr::col("id").eq(1))
            .to_owned();
        let clock: DateTime<Utc> = app
            .db()
            .query_one(&read_clock)
            .await
            .expect("clock read")
            .expect("the clock row")
            .try_get("", "last_at")
            .expect("the clock's time");
        let newest = rows.reports.iter().map(|r| r.updated_at).max();
        assert_eq!(Some(clock), newest, "the clock is at the newest report");

        for year in spec.pledge_years() {
            let data = app
                .data(
                    "query ($year: Int!) {
                       pledges(filter: { year: $year }, first: 6) {
                         totalCount
                         nodes { title status signedOn policeArea { code }
                                 commitments { latestProgress { status } } }
                       }
                       followUps(filter: { year: $year }) { totalCount }
                     }",
                    json!({ "year": year }),
                )
                .await;
            let pledges = &data["pledges"];
            assert_eq!(
                pledges["totalCount"], 6,
                "anonymous sees every pledge of {year}"
            );
            assert_eq!(
                data["followUps"]["totalCount"], 18,
                "three reports per pledge"
            );
            for node in pledges["nodes"].as_array().expect("nodes") {
                let title = node["title"].as_str().expect("title");
                assert!(title.starts_with("Syntetiskt medborgarlöfte "), "{title}");
                assert!(title.ends_with(&year.to_string()), "{title}");
                assert_eq!(node["status"], "PUBLISHED");
                assert!(node["signedOn"].is_string(), "{node}");
                let area = node["policeArea"]["code"].as_str().expect("police area");
                assert!(area.starts_with("lpo-syn-"), "{area}");
                for c in node["commitments"].as_array().expect("commitments") {
                    assert!(c["latestProgress"]["status"].is_string(), "{node}");
                }
            }
        }

        let again = load(app.db(), &spec).await;
        assert_eq!((again.pledges, again.pledges_skipped), (0, 12), "{again}");
        assert_eq!(dump(app.db()).await, rows, "a second run changes nothing");
    }
);

db_test!(
    synthetic_load_keeps_source_document_pledges_and_lets_their_police_area_cosign,
    |app| {
        // The first 65 municipalities end with Värnamo (0683), which has a
        // real 2024 pledge; Gislaved, Vaggeryd and Gnosjö are covered by the
        // source documents' lpo-varnamo.
        let spec = SyntheticSpec {
            municipalities: 65,
            years: 1,
            seed: 1,
            last_year: 2024,
        };
        let report = load(app.db(), &spec).await;
        assert_eq!(
            (report.pledges, report.pledges_skipped),
            (64, 1),
            "{report}"
        );

        let query = "query ($m: String!) {
            pledges(filter: { municipality: $m, year: 2024 }) {
              totalCount nodes { title policeArea { code } } } }";
        let varnamo = app.data(query, json!({ "m": "0683" })).await;
        assert_eq!(varnamo["pledges"]["totalCount"], 1);
        assert_eq!(
            varnamo["pledges"]["nodes"][0]["title"],
            "Medborgarlöfte Värnamo kommun 2024"
        );
        for code in ["0617", "0662", "0665"] {
            let data = app.data(query, json!({ "m": code })).await;
            assert_eq!(data["pledges"]["totalCount"], 1, "{code}: {data}");
            let node = &data["pledges"]["nodes"][0];
            assert_eq!(node["policeArea"]["code"], "lpo-varnamo", "{code}: {data}");
            let title = node["title"].as_str().expect("title");
            assert!(title.starts_with("Syntetiskt medborgarlöfte "), "{title}");
        }
    }
);
