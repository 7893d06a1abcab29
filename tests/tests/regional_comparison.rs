//! `regionalComparison`: figures per municipality of a selection for a
//! year and the year before, checked against a small data set computed by
//! hand — two police areas (Värnamo, Ljungby), counties 06 and 07, three
//! municipalities (Gislaved, Gnosjö, Älmhult), the years 2031 and 2032,
//! published pledges and a draft. The seed has no pledge in force then.

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, Value as DbValue};
use serde_json::{Value, json};
use tests::sql::{self, NewCommitment, NewPledge, NewProgress, NewReport, NewRow};
use tests::{TestApp, db_test, error_codes, token};
use uuid::Uuid;

const YEAR: i32 = 2032;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

/// A focus area a pledge names.
struct NewPledgeFocusArea<'a> {
    pledge_id: Uuid,
    code: &'a str,
    position: i32,
}

impl NewRow for NewPledgeFocusArea<'_> {
    const TABLE: &'static str = "pledge_focus_areas";

    fn columns(&self) -> Vec<(&'static str, DbValue)> {
        vec![
            ("pledge_id", self.pledge_id.into()),
            ("focus_area_code", self.code.into()),
            ("position", self.position.into()),
            ("special_focus", json!([]).into()),
        ]
    }
}

/// One method a commitment names.
struct NewCommitmentMethod<'a> {
    commitment_id: Uuid,
    position: i32,
    method: &'a str,
}

impl NewRow for NewCommitmentMethod<'_> {
    const TABLE: &'static str = "commitment_methods";

    fn columns(&self) -> Vec<(&'static str, DbValue)> {
        vec![
            ("commitment_id", self.commitment_id.into()),
            ("position", self.position.into()),
            ("method", self.method.into()),
        ]
    }
}

/// An activity, dated or not.
struct NewActivity<'a> {
    municipality_id: Uuid,
    commitment_id: Option<Uuid>,
    kind: &'a str,
    date: Option<NaiveDate>,
}

impl NewRow for NewActivity<'_> {
    const TABLE: &'static str = "activities";

    fn columns(&self) -> Vec<(&'static str, DbValue)> {
        let now = Utc::now();
        vec![
            ("id", Uuid::new_v4().into()),
            ("municipality_id", self.municipality_id.into()),
            ("commitment_id", self.commitment_id.into()),
            ("kind", self.kind.into()),
            ("date", self.date.into()),
            ("description", "Aktivitet".into()),
            ("participants", json!([]).into()),
            ("version", 1.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ]
    }
}

async fn set_column(app: &TestApp, table: &str, id: Uuid, column: &str, value: DbValue) {
    let update = Query::update()
        .table(Alias::new(table))
        .value(Alias::new(column), value)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    app.db().execute(&update).await.expect("update");
}

struct Pledge {
    id: Uuid,
    municipality: Uuid,
}

async fn pledge(app: &TestApp, municipality: &str, area: &str, year: i32, status: &str) -> Pledge {
    let db = app.db();
    let m = sql::id_by_code(db, "municipalities", municipality)
        .await
        .expect("municipality");
    let a = sql::id_by_code(db, "police_areas", area)
        .await
        .expect("police area");
    let id = Uuid::new_v4();
    let title = format!("Medborgarlöfte {municipality} {year}");
    sql::insert(
        db,
        &[NewPledge {
            id,
            municipality_id: m,
            police_area_id: a,
            year,
            title: &title,
            status,
            withdrawn_reason: None,
        }],
    )
    .await
    .expect("insert pledge");
    Pledge {
        id,
        municipality: m,
    }
}

/// Adds commitments (responsible, methods) in order; returns their keys.
async fn commitments(app: &TestApp, p: &Pledge, list: &[(&str, &[&str])]) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for (i, (responsible, methods)) in list.iter().enumerate() {
        let id = Uuid::new_v4();
        sql::insert(
            app.db(),
            &[NewCommitment {
                id,
                pledge_id: p.id,
                municipality_id: p.municipality,
                position: i as i32 + 1,
                text: format!("Åtagande {}", i + 1),
                method: methods.first().copied(),
                target_quantity: None,
                target_unit: None,
                at: Utc::now(),
            }],
        )
        .await
        .expect("insert commitment");
        set_column(app, "commitments", id, "responsible", (*responsible).into()).await;
        let named: Vec<NewCommitmentMethod> = methods
            .iter()
            .enumerate()
            .map(|(i, method)| NewCommitmentMethod {
                commitment_id: id,
                position: i as i32 + 1,
                method,
            })
            .collect();
        if !named.is_empty() {
            sql::insert(app.db(), &named).await.expect("insert methods");
        }
        ids.push(id);
    }
    ids
}

async fn focus(app: &TestApp, p: &Pledge, codes: &[&str]) {
    let rows: Vec<NewPledgeFocusArea> = codes
        .iter()
        .enumerate()
        .map(|(i, code)| NewPledgeFocusArea {
            pledge_id: p.id,
            code,
            position: i as i32 + 1,
        })
        .collect();
    sql::insert(app.db(), &rows)
        .await
        .expect("insert focus areas");
}

/// A published report of `p` for the period, with (commitment, status) entries.
async fn report(
    app: &TestApp,
    p: &Pledge,
    period: (NaiveDate, NaiveDate),
    entries: &[(Uuid, &str)],
) -> Uuid {
    let id = Uuid::new_v4();
    let now = Utc::now();
    sql::insert(
        app.db(),
        &[NewReport {
            id,
            pledge_id: p.id,
            municipality_id: p.municipality,
            year: YEAR,
            period_start: period.0,
            period_end: period.1,
            summary: None,
            version: 1,
            published_at: now,
            created_at: now,
            updated_at: now,
        }],
    )
    .await
    .expect("insert report");
    let progress: Vec<NewProgress> = entries
        .iter()
        .map(|(commitment_id, status)| NewProgress {
            report_id: id,
            commitment_id: *commitment_id,
            status,
            progress_percent: None,
            actual_quantity: None,
            comment: None,
        })
        .collect();
    sql::insert(app.db(), &progress)
        .await
        .expect("insert progress");
    id
}

async fn activity(
    app: &TestApp,
    p: &Pledge,
    commitment: Option<Uuid>,
    kind: &str,
    date: Option<NaiveDate>,
) {
    sql::insert(
        app.db(),
        &[NewActivity {
            municipality_id: p.municipality,
            commitment_id: commitment,
            kind,
            date,
        }],
    )
    .await
    .expect("insert activity");
}

/// The hand-computed data set (see the module comment and the figures
/// the tests expect). Written before the first request, so no cached
/// answer predates it.
async fn data_set(app: &TestApp) {
    // Gislaved 2032, published: three commitments, two focus areas, two
    // published reports (the later one counts) and a draft report after
    // them (it does not), three activities.
    let gislaved = pledge(app, "0662", "lpo-varnamo", YEAR, "PUBLISHED").await;
    let c = commitments(
        app,
        &gislaved,
        &[
            ("POLICE", &["FOOT_PATROL"]),
            ("JOINT", &["SCHOOL_VISITS", "INFORMATION_CAMPAIGN"]),
            ("JOINT", &[]),
        ],
    )
    .await;
    focus(app, &gislaved, &["TRYGGHET", "NARKOTIKA"]).await;
    report(
        app,
        &gislaved,
        (day(YEAR, 1, 1), day(YEAR, 4, 30)),
        &[
            (c[0], "ONGOING"),
            (c[1], "NOT_STARTED"),
            (c[2], "NOT_STARTED"),
        ],
    )
    .await;
    report(
        app,
        &gislaved,
        (day(YEAR, 5, 1), day(YEAR, 8, 31)),
        &[(c[0], "COMPLETED"), (c[1], "ONGOING"), (c[2], "NOT_DONE")],
    )
    .await;
    let draft = report(
        app,
        &gislaved,
        (day(YEAR, 9, 1), day(YEAR, 12, 31)),
        &[
            (c[0], "CANCELLED"),
            (c[1], "CANCELLED"),
            (c[2], "CANCELLED"),
        ],
    )
    .await;
    set_column(app, "follow_up_reports", draft, "status", "DRAFT".into()).await;
    activity(
        app,
        &gislaved,
        Some(c[0]),
        "FOOT_PATROL",
        Some(day(YEAR, 3, 1)),
    )
    .await;
    // Undated: counts for the pledge whose commitment it evidences.
    activity(app, &gislaved, Some(c[0]), "FOOT_PATROL", None).await;
    // Dated the year before: counts there.
    activity(
        app,
        &gislaved,
        Some(c[1]),
        "SCHOOL_VISITS",
        Some(day(YEAR - 1, 6, 1)),
    )
    .await;

    // Gislaved 2031, published: one commitment, one focus area, no report.
    let earlier = pledge(app, "0662", "lpo-varnamo", YEAR - 1, "PUBLISHED").await;
    commitments(app, &earlier, &[("MUNICIPALITY", &["CITIZEN_DIALOGUE"])]).await;
    focus(app, &earlier, &["TRYGGHET"]).await;

    // Gnosjö 2032, a draft: two commitments and an activity of its own.
    let gnosjo = pledge(app, "0617", "lpo-varnamo", YEAR, "DRAFT").await;
    let d = commitments(
        app,
        &gnosjo,
        &[("JOINT", &["FOOT_PATROL"]), ("POLICE", &["FOOT_PATROL"])],
    )
    .await;
    focus(app, &gnosjo, &["NARKOTIKA"]).await;
    activity(
        app,
        &gnosjo,
        Some(d[0]),
        "FOOT_PATROL",
        Some(day(YEAR, 2, 1)),
    )
    .await;

    // Älmhult 2032, published: one commitment, not started.
    let almhult = pledge(app, "0765", "lpo-ljungby", YEAR, "PUBLISHED").await;
    let a = commitments(app, &almhult, &[("POLICE", &["FOOT_PATROL"])]).await;
    focus(app, &almhult, &["NARKOTIKA"]).await;
    report(
        app,
        &almhult,
        (day(YEAR, 1, 1), day(YEAR, 4, 30)),
        &[(a[0], "NOT_STARTED")],
    )
    .await;

    // Written with SQL, around the commands that keep the stored figures
    // (`api::store::figures`): recompute them, as after any such change.
    api::store::figures::recompute_all(app.db())
        .await
        .expect("recomputing the figures");
}

const COMPARISON: &str = r#"
query ($year: Int!, $policeArea: String, $county: String, $policeDistrict: String, $policeRegion: String) {
  regionalComparison(year: $year, policeArea: $policeArea, county: $county,
                     policeDistrict: $policeDistrict, policeRegion: $policeRegion) {
    year
    municipalities {
      municipality { code name }
      pledge { title year }
      pledgeStatus
      figures { ...figures }
      previous { ...figures }
    }
    totals { ...figures }
    previousTotals { ...figures }
  }
}
fragment figures on ComparisonFigures {
  pledges commitments
  commitmentsByResponsible { key count }
  commitmentsByMethod { key count }
  focusAreas { key count }
  progressByStatus { key count }
  completionRate
  activities
  activitiesByKind { key count }
}"#;

fn counts(pairs: &[(&str, i64)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .map(|(key, count)| json!({ "key": key, "count": count }))
            .collect(),
    )
}

fn none() -> Value {
    json!({
        "pledges": 0, "commitments": 0,
        "commitmentsByResponsible": [], "commitmentsByMethod": [], "focusAreas": [],
        "progressByStatus": [], "completionRate": null,
        "activities": 0, "activitiesByKind": [],
    })
}

fn gislaved_2032() -> Value {
    json!({
        "pledges": 1, "commitments": 3,
        "commitmentsByResponsible": counts(&[("JOINT", 2), ("POLICE", 1)]),
        // The second names two methods and counts under each.
        "commitmentsByMethod": counts(&[("FOOT_PATROL", 1), ("INFORMATION_CAMPAIGN", 1), ("SCHOOL_VISITS", 1)]),
        "focusAreas": counts(&[("NARKOTIKA", 1), ("TRYGGHET", 1)]),
        "progressByStatus": counts(&[("COMPLETED", 1), ("NOT_DONE", 1), ("ONGOING", 1)]),
        "completionRate": 2.0 / 3.0,
        "activities": 2,
        "activitiesByKind": counts(&[("FOOT_PATROL", 2)]),
    })
}

fn gislaved_2031() -> Value {
    json!({
        "pledges": 1, "commitments": 1,
        "commitmentsByResponsible": counts(&[("MUNICIPALITY", 1)]),
        "commitmentsByMethod": counts(&[("CITIZEN_DIALOGUE", 1)]),
        "focusAreas": counts(&[("TRYGGHET", 1)]),
        "progressByStatus": [], "completionRate": null,
        "activities": 1,
        "activitiesByKind": counts(&[("SCHOOL_VISITS", 1)]),
    })
}

fn almhult_2032() -> Value {
    json!({
        "pledges": 1, "commitments": 1,
        "commitmentsByResponsible": counts(&[("POLICE", 1)]),
        "commitmentsByMethod": counts(&[("FOOT_PATROL", 1)]),
        "focusAreas": counts(&[("NARKOTIKA", 1)]),
        "progressByStatus": counts(&[("NOT_STARTED", 1)]),
        "completionRate": 0.0,
        "activities": 0, "activitiesByKind": [],
    })
}

fn gnosjo_draft_2032() -> Value {
    json!({
        "pledges": 1, "commitments": 2,
        "commitmentsByResponsible": counts(&[("JOINT", 1), ("POLICE", 1)]),
        "commitmentsByMethod": counts(&[("FOOT_PATROL", 2)]),
        "focusAreas": counts(&[("NARKOTIKA", 1)]),
        "progressByStatus": [], "completionRate": null,
        "activities": 1,
        "activitiesByKind": counts(&[("FOOT_PATROL", 1)]),
    })
}

fn row<'a>(comparison: &'a Value, code: &str) -> &'a Value {
    comparison["municipalities"]
        .as_array()
        .expect("municipalities")
        .iter()
        .find(|m| m["municipality"]["code"] == code)
        .unwrap_or_else(|| panic!("{code} is in the comparison"))
}

fn names(comparison: &Value) -> Vec<&str> {
    comparison["municipalities"]
        .as_array()
        .expect("municipalities")
        .iter()
        .map(|m| m["municipality"]["name"].as_str().expect("name"))
        .collect()
}

async fn compare(app: &TestApp, caller: Option<&str>, variables: Value) -> Value {
    let mut variables = variables;
    variables["year"] = json!(YEAR);
    let (status, body) = app.gql_as(caller, COMPARISON, variables).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["regionalComparison"].clone()
}

db_test!(the_public_sees_figures_of_published_pledges_only, |app| {
    data_set(&app).await;
    let all = compare(&app, None, json!({})).await;
    assert_eq!(all["year"], YEAR);
    assert_eq!(all["municipalities"].as_array().map(Vec::len), Some(290));

    let gislaved = row(&all, "0662");
    assert_eq!(gislaved["pledge"]["year"], YEAR);
    assert_eq!(gislaved["pledgeStatus"], "PUBLISHED");
    assert_eq!(gislaved["figures"], gislaved_2032());
    assert_eq!(gislaved["previous"], gislaved_2031());

    // Gnosjö's pledge is a draft: nothing of it shows.
    let gnosjo = row(&all, "0617");
    assert_eq!(gnosjo["pledge"], Value::Null);
    assert_eq!(gnosjo["pledgeStatus"], Value::Null);
    assert_eq!(gnosjo["figures"], none());

    let almhult = row(&all, "0765");
    assert_eq!(almhult["figures"], almhult_2032());
    assert_eq!(almhult["previous"], none());

    assert_eq!(
        all["totals"],
        json!({
            "pledges": 2, "commitments": 4,
            "commitmentsByResponsible": counts(&[("JOINT", 2), ("POLICE", 2)]),
            "commitmentsByMethod": counts(&[("FOOT_PATROL", 2), ("INFORMATION_CAMPAIGN", 1), ("SCHOOL_VISITS", 1)]),
            // The focus area × municipality count: pledges naming each.
            "focusAreas": counts(&[("NARKOTIKA", 2), ("TRYGGHET", 1)]),
            "progressByStatus": counts(&[("COMPLETED", 1), ("NOT_DONE", 1), ("NOT_STARTED", 1), ("ONGOING", 1)]),
            "completionRate": 0.5,
            "activities": 2,
            "activitiesByKind": counts(&[("FOOT_PATROL", 2)]),
        })
    );
    assert_eq!(all["previousTotals"], gislaved_2031());
});

db_test!(selections_take_the_area_district_region_or_county, |app| {
    data_set(&app).await;
    let varnamo = compare(&app, None, json!({ "policeArea": "lpo-varnamo" })).await;
    assert_eq!(
        names(&varnamo),
        ["Gislaved", "Gnosjö", "Vaggeryd", "Värnamo"]
    );
    assert_eq!(varnamo["totals"]["pledges"], 1);
    assert_eq!(varnamo["totals"]["commitments"], 3);

    let ljungby = compare(&app, None, json!({ "policeArea": "lpo-ljungby" })).await;
    assert_eq!(names(&ljungby), ["Ljungby", "Markaryd", "Älmhult"]);
    assert_eq!(ljungby["totals"], almhult_2032());

    let kronoberg = compare(&app, None, json!({ "county": "07" })).await;
    assert_eq!(
        kronoberg["municipalities"].as_array().map(Vec::len),
        Some(8)
    );
    assert_eq!(kronoberg["totals"], almhult_2032());

    let district = compare(
        &app,
        None,
        json!({ "policeDistrict": "po-kalmar-kronoberg" }),
    )
    .await;
    assert_eq!(
        district["municipalities"].as_array().map(Vec::len),
        Some(20)
    );

    let ost = compare(&app, None, json!({ "policeRegion": "pr-ost" })).await;
    assert_eq!(ost["municipalities"].as_array().map(Vec::len), Some(35));
    assert_eq!(ost["totals"]["pledges"], 1);
});

db_test!(
    an_editor_sees_its_own_draft_counted_and_nobody_elses,
    |app| {
        data_set(&app).await;
        let gnosjo_editor = token("eva", &["municipality_editor"], &["0617"], &[]);
        let mine = compare(
            &app,
            Some(&gnosjo_editor),
            json!({ "policeArea": "lpo-varnamo" }),
        )
        .await;
        let gnosjo = row(&mine, "0617");
        assert_eq!(gnosjo["pledgeStatus"], "DRAFT");
        assert_eq!(gnosjo["figures"], gnosjo_draft_2032());
        assert_eq!(row(&mine, "0662")["figures"], gislaved_2032());
        assert_eq!(mine["totals"]["pledges"], 2);
        assert_eq!(mine["totals"]["commitments"], 5);

        let vaggeryd_editor = token("vera", &["municipality_editor"], &["0665"], &[]);
        let theirs = compare(
            &app,
            Some(&vaggeryd_editor),
            json!({ "policeArea": "lpo-varnamo" }),
        )
        .await;
        assert_eq!(row(&theirs, "0617")["figures"], none());
        assert_eq!(theirs["totals"]["pledges"], 1);
    }
);

db_test!(
    a_draft_written_through_the_api_moves_no_anonymous_figure,
    |app| {
        data_set(&app).await;
        let before = compare(&app, None, json!({ "policeArea": "lpo-ljungby" })).await;
        let editor = token("alma", &["municipality_editor"], &["0781"], &[]);
        let created = app
        .data_as(
            &editor,
            r#"mutation { createPledge(input: { municipality: "0781", policeArea: "lpo-ljungby",
                 year: 2032, title: "Utkast Ljungby 2032", validFrom: "2032-01-01", validTo: "2032-12-31" }) { id } }"#,
            json!({}),
        )
        .await;
        let id = created["createPledge"]["id"].clone();
        app.data_as(
        &editor,
        "mutation ($id: ID!) { addCommitment(pledgeId: $id, input: { text: \"Fler kvällspromenader\", responsible: JOINT, method: FOOT_PATROL }) { id } }",
        json!({ "id": id }),
    )
    .await;
        let after = compare(&app, None, json!({ "policeArea": "lpo-ljungby" })).await;
        assert_eq!(before, after);
        // The editor does see it.
        let own = compare(&app, Some(&editor), json!({ "policeArea": "lpo-ljungby" })).await;
        assert_eq!(row(&own, "0781")["pledgeStatus"], "DRAFT");
        assert_eq!(own["totals"]["commitments"], 2);
    }
);

db_test!(
    the_statement_count_does_not_grow_with_the_selection,
    |app| {
        data_set(&app).await;
        // An analyst's answers are never cached, so every request reads.
        let analyst = token("ada", &["regional_analyst"], &[], &[]);
        let statements = |variables: Value| {
            let app = &app;
            let analyst = &analyst;
            async move {
                let before = app.statements();
                let comparison = compare(app, Some(analyst), variables).await;
                (
                    app.statements() - before,
                    comparison["municipalities"].as_array().map(Vec::len),
                )
            }
        };
        let (three, three_rows) = statements(json!({ "policeArea": "lpo-ljungby" })).await;
        let (all, all_rows) = statements(json!({})).await;
        assert_eq!((three_rows, all_rows), (Some(3), Some(290)));
        assert_eq!(
            three, all,
            "3 municipalities took {three} statements, 290 took {all}"
        );
        // The reference version (checked before the token is resolved),
        // the stored cells of both years, the pledges.
        assert!(all <= 3, "{all} statements");
    }
);

db_test!(
    figures_missing_after_an_upgrade_are_computed_by_migrate,
    |app| {
        data_set(&app).await;
        let analyst = token("ada", &["regional_analyst"], &[], &[]);
        let before = compare(&app, Some(&analyst), json!({})).await;
        // A database from before the figures were kept has none.
        let delete = Query::delete()
            .from_table(Alias::new("comparison_cells"))
            .to_owned();
        app.db().execute(&delete).await.expect("delete");
        let emptied = compare(&app, Some(&analyst), json!({})).await;
        assert_ne!(emptied["totals"], before["totals"], "{emptied}");
        api::db::migrate(app.db()).await.expect("migrate");
        assert_eq!(compare(&app, Some(&analyst), json!({})).await, before);
    }
);

db_test!(a_bad_selection_is_the_callers_mistake, |app| {
    for (variables, field) in [
        (json!({ "county": "99" }), "county"),
        (json!({ "policeArea": "lpo-nowhere" }), "policeArea"),
        (json!({ "policeDistrict": "po-nowhere" }), "policeDistrict"),
        (json!({ "policeRegion": "pr-nowhere" }), "policeRegion"),
        (
            json!({ "county": "06", "policeArea": "lpo-varnamo" }),
            "county",
        ),
    ] {
        let mut variables = variables;
        variables["year"] = json!(YEAR);
        let (_, body) = app.gql_as(None, COMPARISON, variables.clone()).await;
        assert_eq!(
            error_codes(&body),
            ["BAD_USER_INPUT"],
            "{variables}: {body}"
        );
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    let (_, body) = app.gql_as(None, COMPARISON, json!({ "year": 1066 })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
});

db_test!(
    pledges_shown_by_their_head_fields_answer_as_whole_rows,
    |app| {
        // A comparison that shows no field of its pledges but head fields
        // reads their heads only; each of those fields, and a selection
        // beyond them (also through a fragment), must answer exactly as
        // the whole pledge does. The seeded documents' pledges have every
        // text, date and note filled in.
        let analyst = token("ada", &["regional_analyst"], &[], &[]);
        let mut selections: Vec<String> = api::graphql::types::pledge::Pledge::HEAD_FIELDS
            .iter()
            .map(|field| match *field {
                "municipality" | "policeArea" => format!("{field} {{ code name }}"),
                field => field.to_owned(),
            })
            .collect();
        selections.push("title situationPicture basisKinds createdAt sourceNotes { text }".into());
        selections.push("title ... on Pledge { introduction validityStated }".into());
        let mut compared = 0;
        for selection in &selections {
            for year in [2022, 2023, 2024] {
                let query = format!(
                    "query ($year: Int!) {{ regionalComparison(year: $year) {{ \
                     municipalities {{ pledge {{ id {selection} }} }} }} }}"
                );
                let (status, body) = app
                    .gql_as(Some(&analyst), &query, json!({ "year": year }))
                    .await;
                assert_eq!(status, 200, "{body}");
                assert!(body.get("errors").is_none(), "{selection}: {body}");
                let rows = body["data"]["regionalComparison"]["municipalities"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                for shown in rows.iter().map(|m| &m["pledge"]).filter(|p| !p.is_null()) {
                    let node = format!(
                        "query ($id: ID!) {{ node(id: $id) {{ ... on Pledge {{ id {selection} }} }} }}"
                    );
                    let (_, whole) = app
                        .gql_as(Some(&analyst), &node, json!({ "id": shown["id"] }))
                        .await;
                    assert_eq!(&whole["data"]["node"], shown, "{selection} in {year}");
                    compared += 1;
                }
            }
        }
        // Värnamo 2022 and 2024, Vaggeryd and Älmhult 2023, per selection.
        assert!(
            compared >= selections.len() * 4,
            "only {compared} pledges compared"
        );
    }
);
