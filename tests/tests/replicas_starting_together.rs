//! Replicas started together on an empty PostgreSQL database (a fresh
//! deployment, or a migration job beside a rolling update) take turns to
//! migrate and seed: every one of them comes up, and the seed data is
//! there once (PostgreSQL only: one process per SQLite file).

use serde_json::json;
use tests::{PostgresDatabase, ServerProcess, data_at};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_starting_together_on_an_empty_database_all_come_up_with_the_seed_once() {
    let Some(database) = PostgresDatabase::create().await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set (PostgreSQL only)");
        return;
    };
    let url = database.url();
    // `start` panics with the process's log if it exits instead of serving.
    let (a, b, c) = tokio::join!(
        ServerProcess::start(url),
        ServerProcess::start(url),
        ServerProcess::start(url)
    );
    let query = "{ pledges { totalCount } municipalities { code } }";
    let answers = [
        data_at(&a.base_url, None, query, json!({})).await,
        data_at(&b.base_url, None, query, json!({})).await,
        data_at(&c.base_url, None, query, json!({})).await,
    ];
    // The source documents hold four published pledges (Värnamo 2022 and
    // 2024, Vaggeryd 2023, Älmhult 2023): seeded once, not once per replica.
    for answer in &answers {
        assert_eq!(answer["pledges"]["totalCount"], 4, "{answer}");
        assert_eq!(answer, &answers[0]);
    }
}
