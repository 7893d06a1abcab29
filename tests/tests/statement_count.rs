//! The number of SQL statements for a `pledges` page with nested data does
//! not grow with the page size: nested fields are batch-loaded.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::json;
use tests::{TestApp, db_test};
use uuid::Uuid;

use api::store::entities::{
    activity, commitment, commitment_focus_area, commitment_place, place, pledge,
    pledge_focus_area, signatory,
};

const NESTED: &str = r#"
query ($first: Int!) {
  pledges(first: $first) {
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

/// Adds `n` published pledges to Värnamo, each alike: two focus areas (one
/// with a special focus), two signatories, three commitments each with a
/// focus area, a place and an activity at that place.
async fn add_synthetic_pledges(app: &TestApp, n: usize) {
    let db = app.db();
    // Keys of Värnamo and LPO Värnamo, from an existing seeded pledge.
    let seeded = pledge::Entity::find()
        .all(db)
        .await
        .expect("seeded pledges")
        .into_iter()
        .find(|p| p.year == 2024)
        .expect("Värnamo 2024 is seeded");
    let place = place::Entity::find()
        .all(db)
        .await
        .expect("seeded places")
        .into_iter()
        .find(|p| p.municipality_id == seeded.municipality_id)
        .expect("Värnamo has seeded places");
    let now = Utc::now();
    for i in 0..n {
        let id = Uuid::new_v4();
        pledge::Entity::insert(pledge::ActiveModel {
            id: Set(id),
            municipality_id: Set(seeded.municipality_id),
            police_area_id: Set(seeded.police_area_id),
            // Later than every seeded pledge, so both pages hold only these
            // uniform rows and the comparison is about size alone.
            year: Set(2090 - (i % 10) as i32),
            title: Set(format!("Syntetiskt löfte {i}")),
            valid_from: Set(seeded.valid_from),
            valid_to: Set(seeded.valid_to),
            status: Set("PUBLISHED".into()),
            signed_on: Set(None),
            introduction: Set(None),
            promise_statement: Set(None),
            situation_picture: Set(None),
            expected_effect: Set(None),
            background: Set(None),
            basis_kinds: Set(json!(["CRIME_STATISTICS"])),
            follow_up_plan: Set(None),
            prepared_by: Set(None),
            source_title: Set(None),
            source_url: Set(None),
            municipality_approved_at: Set(None),
            municipality_approved_by: Set(None),
            police_approved_at: Set(None),
            police_approved_by: Set(None),
            withdrawn_reason: Set(None),
            supersedes_id: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(db)
        .await
        .expect("insert pledge");
        for (pos, code) in ["NARKOTIKA", "TRYGGHET"].into_iter().enumerate() {
            pledge_focus_area::Entity::insert(pledge_focus_area::ActiveModel {
                pledge_id: Set(id),
                focus_area_code: Set(code.into()),
                position: Set(pos as i32 + 1),
                heading: Set(None),
                problem_text: Set(Some(format!("Text {i}"))),
                special_focus: Set(json!(["MANS_VALD_MOT_KVINNOR"])),
            })
            .exec_without_returning(db)
            .await
            .expect("insert focus area");
        }
        for (pos, (name, party)) in [("Anna", "MUNICIPALITY"), ("Bo", "POLICE")]
            .into_iter()
            .enumerate()
        {
            signatory::Entity::insert(signatory::ActiveModel {
                id: Set(Uuid::new_v4()),
                pledge_id: Set(id),
                position: Set(pos as i32 + 1),
                name: Set(name.into()),
                title: Set(None),
                party: Set(party.into()),
                signed_on: Set(None),
            })
            .exec_without_returning(db)
            .await
            .expect("insert signatory");
        }
        for pos in 1..=3 {
            let cid = Uuid::new_v4();
            commitment::Entity::insert(commitment::ActiveModel {
                id: Set(cid),
                pledge_id: Set(id),
                municipality_id: Set(seeded.municipality_id),
                position: Set(pos),
                text: Set(format!("Åtagande {pos}")),
                responsible: Set("JOINT".into()),
                method: Set(Some("EST".into())),
                partners: Set(json!([])),
                target_groups: Set(json!([])),
                target_quantity: Set(None),
                target_unit: Set(None),
                target_period: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .exec_without_returning(db)
            .await
            .expect("insert commitment");
            commitment_focus_area::Entity::insert(commitment_focus_area::ActiveModel {
                commitment_id: Set(cid),
                focus_area_code: Set("BEDRAGERIER".into()),
            })
            .exec_without_returning(db)
            .await
            .expect("insert commitment focus area");
            commitment_place::Entity::insert(commitment_place::ActiveModel {
                commitment_id: Set(cid),
                place_id: Set(place.id),
            })
            .exec_without_returning(db)
            .await
            .expect("insert commitment place");
            activity::Entity::insert(activity::ActiveModel {
                id: Set(Uuid::new_v4()),
                municipality_id: Set(seeded.municipality_id),
                commitment_id: Set(Some(cid)),
                kind: Set("SAFETY_WALK".into()),
                date: Set(Some(seeded.valid_from)),
                place_id: Set(Some(place.id)),
                description: Set("Trygghetsvandring".into()),
                participants: Set(json!([])),
                source_title: Set(None),
                source_url: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .exec_without_returning(db)
            .await
            .expect("insert activity");
        }
    }
}

async fn statements_for(app: &TestApp, first: i64) -> (u64, usize) {
    let before = app.statements();
    let data = app.data(NESTED, json!({ "first": first })).await;
    let after = app.statements();
    let nodes = data["pledges"]["nodes"].as_array().expect("nodes").len();
    (after - before, nodes)
}

db_test!(statement_count_does_not_grow_with_page_size, |app| {
    add_synthetic_pledges(&app, 60).await;

    // Warm nothing: each request builds its own loaders, so caches are cold.
    let (one, one_nodes) = statements_for(&app, 1).await;
    let (fifty, fifty_nodes) = statements_for(&app, 50).await;

    assert_eq!(one_nodes, 1);
    assert_eq!(fifty_nodes, 50);
    assert_eq!(
        one, fifty,
        "a page of 50 pledges must cost as many SQL statements as a page of 1"
    );
    // And the count is small in absolute terms, not merely equal.
    // About one statement per selected nested field (19 today).
    assert!(one <= 24, "{one} statements for one nested page");
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
    use api::store::entities::{commitment_progress, follow_up_report};
    use sea_orm::{ColumnTrait, QueryFilter};

    let db = app.db();
    let pledge = pledge::Entity::find()
        .filter(pledge::Column::Year.eq(2024))
        .one(db)
        .await
        .expect("query")
        .expect("Värnamo 2024 is seeded");
    let commitments = commitment::Entity::find()
        .filter(commitment::Column::PledgeId.eq(pledge.id))
        .all(db)
        .await
        .expect("commitments");
    let now = Utc::now();
    for i in 0..n {
        let day = pledge.valid_from + chrono::Duration::days(i as i64 + 1);
        let id = Uuid::new_v4();
        follow_up_report::Entity::insert(follow_up_report::ActiveModel {
            id: Set(id),
            pledge_id: Set(pledge.id),
            municipality_id: Set(pledge.municipality_id),
            year: Set(pledge.year),
            period_kind: Set("AD_HOC".into()),
            period_start: Set(day),
            period_end: Set(day),
            status: Set("PUBLISHED".into()),
            summary: Set(Some(format!("Rapport {i}"))),
            presented_to: Set(None),
            source_url: Set(None),
            published_at: Set(Some(now)),
            withdrawn_reason: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now + chrono::Duration::microseconds(i as i64)),
        })
        .exec_without_returning(db)
        .await
        .expect("insert report");
        for c in &commitments {
            commitment_progress::Entity::insert(commitment_progress::ActiveModel {
                report_id: Set(id),
                commitment_id: Set(c.id),
                status: Set("ONGOING".into()),
                progress_percent: Set(Some(50)),
                actual_quantity: Set(None),
                comment: Set(None),
            })
            .exec_without_returning(db)
            .await
            .expect("insert progress");
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
