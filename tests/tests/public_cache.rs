//! The public response cache is never stale. Anonymous answers are cached,
//! signed-in ones never; once a mutation that changes public data has
//! returned — through any instance — no instance serves an answer computed
//! before it, not even for a moment. The two-instance test runs two real
//! `api serve` processes on one PostgreSQL database, warms an answer on B,
//! writes through A and reads through B at once.

use serde_json::{Value, json};
use tests::workflow::{
    VAGGERYD_PLEDGES, VAGGERYD_REPORTS, draft, publish_report, sign_and_publish, vaggeryd_editor,
    warm,
};
use tests::{PostgresDatabase, ServerProcess, data_at, db_test, token};

fn ids(list: &Value) -> Vec<String> {
    list["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["id"].as_str().expect("id").to_owned())
        .collect()
}

db_test!(only_anonymous_answers_enter_the_cache, |app| {
    let query = "{ pledges { totalCount nodes { title } } }";
    assert_eq!(app.cached_answers(), 0);
    for caller in [
        token("ada", &["regional_analyst"], &[], &[]),
        vaggeryd_editor(),
        token("nobody", &[], &[], &[]),
    ] {
        app.data_as(&caller, query, json!({})).await;
        assert_eq!(app.cached_answers(), 0, "a signed-in answer was cached");
    }
    let public = app.data(query, json!({})).await;
    assert_eq!(app.cached_answers(), 1);

    // A hit costs at most the version check, and answers the same.
    let before = app.statements();
    assert_eq!(app.data(query, json!({})).await, public);
    assert!(
        app.statements() - before <= 1,
        "a cached answer ran queries"
    );
    assert_eq!(app.cached_answers(), 1);
});

db_test!(a_cached_answer_is_recomputed_once_a_write_commits, |app| {
    let base = app.base_url.clone();
    let before = warm(&base, VAGGERYD_PLEDGES).await;
    let (pledge, _) = draft(&base, "Nytt löfte", 2026).await;
    // A draft is no public data: the answer stays the same (recomputed).
    assert_eq!(
        data_at(&base, None, VAGGERYD_PLEDGES, json!({})).await,
        before
    );
    sign_and_publish(&base, &pledge).await;
    let after = data_at(&base, None, VAGGERYD_PLEDGES, json!({})).await;
    assert!(ids(&after["pledges"]).contains(&pledge), "{after}");
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_instance_serves_an_answer_older_than_a_write_through_another() {
    let Some(database) = PostgresDatabase::create().await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set (PostgreSQL only)");
        return;
    };
    // A migrates and seeds; B starts on the ready database.
    let server_a = ServerProcess::start(database.url()).await;
    let server_b = ServerProcess::start(database.url()).await;
    let (a, b) = (server_a.base_url.clone(), server_b.base_url.clone());

    // Pledges and their commitments: published through A, seen on B at once.
    let warmed = warm(&b, VAGGERYD_PLEDGES).await;
    let (pledge, commitment) = draft(&a, "Löfte genom A", 2026).await;
    sign_and_publish(&a, &pledge).await;
    let seen = data_at(&b, None, VAGGERYD_PLEDGES, json!({})).await;
    assert_ne!(
        seen, warmed,
        "B served the answer from before the publication"
    );
    let node = seen["pledges"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["id"] == pledge.as_str())
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        node["commitments"],
        json!([{ "text": "Trygghetsvandringar.", "latestProgress": null }]),
        "{seen}"
    );

    // Follow-up reports and a commitment's latest progress.
    warm(&b, VAGGERYD_PLEDGES).await;
    let reports_before = warm(&b, VAGGERYD_REPORTS).await;
    let report = publish_report(&a, &pledge, &commitment, "Genom A").await;
    let reports = data_at(&b, None, VAGGERYD_REPORTS, json!({})).await;
    assert!(
        ids(&reports["followUps"]).contains(&report),
        "{reports} after {reports_before}"
    );
    let seen = data_at(&b, None, VAGGERYD_PLEDGES, json!({})).await;
    let node = seen["pledges"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["id"] == pledge.as_str())
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        node["commitments"][0]["latestProgress"],
        json!({ "status": "ONGOING", "comment": "Genom A" }),
        "{seen}"
    );

    // Withdrawn through A: gone on B at once, report and pledge alike.
    warm(&b, VAGGERYD_REPORTS).await;
    data_at(
        &a,
        Some(&vaggeryd_editor()),
        "mutation ($id: ID!) { withdrawFollowUpReport(id: $id, reason: \"Fel period\") { status } }",
        json!({ "id": report }),
    )
    .await;
    let reports = data_at(&b, None, VAGGERYD_REPORTS, json!({})).await;
    assert!(!ids(&reports["followUps"]).contains(&report), "{reports}");

    warm(&b, VAGGERYD_PLEDGES).await;
    data_at(
        &a,
        Some(&vaggeryd_editor()),
        "mutation ($id: ID!) { withdrawPledge(id: $id, reason: \"Ersätts\") { status } }",
        json!({ "id": pledge }),
    )
    .await;
    let seen = data_at(&b, None, VAGGERYD_PLEDGES, json!({})).await;
    assert!(!ids(&seen["pledges"]).contains(&pledge), "{seen}");
    drop((server_a, server_b));
    drop(database);
}
