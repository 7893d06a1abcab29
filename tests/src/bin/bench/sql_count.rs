//! SQL statements per request, counted on a second server that logs every
//! statement (`RUST_LOG=api::sql=trace`, see `api/src/db.rs`). Logging
//! each statement slows a server down, so the timed runs never do it.

use anyhow::Context;

use crate::checks::{Expectations, send};
use crate::scenarios::Scenario;
use crate::server::Server;

/// What counting found for one scenario.
#[derive(Debug, Clone, Default)]
pub(crate) struct SqlCount {
    pub(crate) per_request: f64,
    /// Answers that failed their check while counting.
    pub(crate) failures: u64,
    pub(crate) failure_sample: String,
}

/// Sends the scenario's pattern once to warm up, then `samples` requests
/// one at a time, twice, and counts the statements the server logged for
/// each round. The smaller round counts: a background statement (the
/// reference data's periodic refresh) may fall into one round, rarely into
/// both.
pub(crate) async fn count(
    client: &reqwest::Client,
    server: &Server,
    scenario: &Scenario,
    samples: u32,
) -> anyhow::Result<SqlCount> {
    let mut result = SqlCount::default();
    let mut expectations = Expectations::default();
    let mut send_one = async |index: usize, result: &mut SqlCount| -> anyhow::Result<()> {
        let request = &scenario.requests[index];
        let (status, body) = send(client, server.url(), request).await?;
        if let Err(problem) = expectations.judge(index, request.check, status, &body) {
            result.failures += 1;
            if result.failure_sample.is_empty() {
                result.failure_sample = problem;
            }
        }
        Ok(())
    };
    for &index in &scenario.pattern {
        send_one(index, &mut result).await?;
    }
    let mut rounds = Vec::new();
    for _ in 0..2 {
        let before = logged_statements(server)?;
        for i in 0..samples as usize {
            send_one(scenario.pattern[i % scenario.pattern.len()], &mut result).await?;
        }
        rounds.push(logged_statements(server)?.saturating_sub(before));
    }
    let fewest = rounds.into_iter().min().unwrap_or(0);
    result.per_request = fewest as f64 / f64::from(samples);
    Ok(result)
}

/// Statement lines in the server's log so far. The log is written before
/// a statement's result returns, so before the answer is sent.
fn logged_statements(server: &Server) -> anyhow::Result<u64> {
    let log = std::fs::read_to_string(server.log())
        .with_context(|| format!("reading {}", server.log().display()))?;
    Ok(log
        .lines()
        .filter(|line| line.contains(" api::sql:"))
        .count() as u64)
}
