//! Synthetic data at national scale, for benchmarks and dashboards:
//! `api seed --synthetic --municipalities N --years Y [--seed S]`.
//!
//! The first N of Sweden's 290 real municipalities (the official list,
//! with their counties) each get one PUBLISHED pledge per calendar year for
//! the Y years ending with `last_year`, with commitments, focus areas,
//! signatories, three published tertial follow-up reports and activities.
//! Every text says it is synthetic: the project never invents facts about
//! real municipalities, so nobody may mistake these rows for real pledges.
//!
//! Deterministic: every UUID is derived (UUIDv5) from the seed and a stable
//! key, every value comes from a PRNG stream seeded the same way, and every
//! timestamp from the pledge's dates — never the wall clock. Each pledge has
//! its own stream, so a pledge's content does not depend on N or on which
//! other pledges a run writes.
//!
//! Safe next to real data: municipalities, counties, focus areas, police
//! areas and coverage already in the database are reused by code, and a
//! (municipality, year) that already has a pledge is skipped, so a second
//! run adds nothing. Each transaction bumps the data version, as every
//! write does, so servers running on the database see the new rows.

mod follow_up;
mod generate;
mod pledge;
mod police;
mod reference;
mod texts;
mod write;

#[cfg(test)]
mod tests;

use std::fmt;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use chrono::Datelike;
use rand_pcg::Pcg64Mcg;
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use uuid::Uuid;

use super::SEED_NAMESPACE;
use crate::store::data_version::{self, Changed};

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 1;

/// The first pledge year a spec may reach: the local police areas that
/// co-sign pledges were created by the reorganisation of 2015-01-01, and the
/// source documents' coverage starts then.
pub const FIRST_YEAR: i32 = 2015;

/// Municipalities written per transaction: small enough that a transaction
/// stays short (a few hundred pledges), large enough that commits are rare.
const MUNICIPALITIES_PER_TRANSACTION: usize = 10;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntheticSpec {
    /// How many municipalities, the official list's first ones (1..=290).
    pub municipalities: usize,
    /// How many calendar years of pledges, ending with `last_year`.
    pub years: u16,
    /// Seeds every generated value; the same spec gives the same data.
    pub seed: u64,
    /// The last pledge year; [`SyntheticSpec::new`] takes last year in
    /// Sweden, the newest year whose follow-up is complete.
    pub last_year: i32,
}

impl SyntheticSpec {
    /// A spec whose years end with last year (Europe/Stockholm calendar).
    pub fn new(municipalities: usize, years: u16, seed: u64) -> Self {
        Self {
            municipalities,
            years,
            seed,
            last_year: crate::calendar::today().year() - 1,
        }
    }

    /// The first pledge year.
    pub fn first_year(&self) -> i32 {
        self.last_year - i32::from(self.years) + 1
    }

    /// The pledge years, oldest first.
    pub fn pledge_years(&self) -> impl Iterator<Item = i32> + use<> {
        self.first_year()..=self.last_year
    }

    fn validate(&self, available: usize) -> anyhow::Result<()> {
        ensure!(
            (1..=available).contains(&self.municipalities),
            "--municipalities must be between 1 and {available} (the real municipalities), got {}",
            self.municipalities
        );
        ensure!(self.years >= 1, "--years must be at least 1");
        let this_year = crate::calendar::today().year();
        // A year that has not ended cannot have its T3 report published.
        ensure!(
            self.last_year < this_year,
            "the last pledge year must be before {this_year}, got {}",
            self.last_year
        );
        if self.first_year() < FIRST_YEAR {
            bail!(
                "{} years ending {} would start in {}; pledges start in {FIRST_YEAR} at the earliest (at most {} years)",
                self.years,
                self.last_year,
                self.first_year(),
                self.last_year - FIRST_YEAR + 1
            );
        }
        Ok(())
    }
}

/// How far a load has come; reported after each transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Municipalities written so far.
    pub municipalities_done: usize,
    /// Municipalities in the spec.
    pub municipalities_total: usize,
    /// Pledges written so far.
    pub pledges: usize,
}

/// What a load wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyntheticReport {
    /// Municipalities in the spec (existing ones included).
    pub municipalities: usize,
    /// Police areas added (synthetic ones, or the source documents' own).
    pub police_areas_added: usize,
    /// Pledges added.
    pub pledges: usize,
    /// (municipality, year) pairs skipped: a pledge was already there, or
    /// no police area covered the municipality on 1 January.
    pub pledges_skipped: usize,
    /// Commitments added.
    pub commitments: usize,
    /// Follow-up reports added.
    pub reports: usize,
    /// Commitment progress entries added.
    pub progress_entries: usize,
    /// Activities added.
    pub activities: usize,
    /// Wall-clock time of the load (not part of the data).
    pub elapsed: Duration,
}

impl fmt::Display for SyntheticReport {
    /// The one summary line `api seed --synthetic` prints, for benchmarks
    /// to parse.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "synthetic data: {} municipalities, {} pledges, {} commitments, {} reports, {} progress entries, {} activities in {:.1} s",
            self.municipalities,
            self.pledges,
            self.commitments,
            self.reports,
            self.progress_entries,
            self.activities,
            self.elapsed.as_secs_f64()
        )?;
        if self.pledges_skipped > 0 {
            write!(f, " ({} pledges skipped)", self.pledges_skipped)?;
        }
        Ok(())
    }
}

/// Generates the data `spec` describes and writes what is missing: the
/// reference data in one transaction, then the pledges in batched
/// multi-row inserts, one transaction per few municipalities. `progress`
/// hears after each transaction.
pub async fn load(
    db: &DatabaseConnection,
    spec: &SyntheticSpec,
    progress: &(dyn Fn(Progress) + Sync),
) -> anyhow::Result<SyntheticReport> {
    let started = Instant::now();
    let official = reference::official()?;
    spec.validate(official.len())?;
    let ids = Ids::new(spec.seed);

    let txn = db.begin().await?;
    let world = reference::prepare(&txn, spec, &ids, &official)
        .await
        .context("writing the reference data")?;
    bump(&txn, Changed::Reference).await?;
    txn.commit().await?;

    let mut report = SyntheticReport {
        municipalities: world.municipalities.len(),
        police_areas_added: world.police_areas_added,
        ..SyntheticReport::default()
    };
    let mut done = 0;
    progress(Progress {
        municipalities_done: 0,
        municipalities_total: world.municipalities.len(),
        pledges: 0,
    });
    for chunk in world.municipalities.chunks(MUNICIPALITIES_PER_TRANSACTION) {
        let batch = generate::batch(spec, &ids, &world, chunk);
        report.pledges += batch.pledges.len();
        report.pledges_skipped += batch.skipped;
        report.commitments += batch.commitments.len();
        report.reports += batch.reports.len();
        report.progress_entries += batch.progress.len();
        report.activities += batch.activities.len();

        let txn = db.begin().await?;
        write::batch(&txn, batch)
            .await
            .context("writing synthetic pledges")?;
        bump(&txn, Changed::Data).await?;
        let written = chunk.iter().map(|m| m.id).collect();
        crate::store::figures::refresh(&txn, &written)
            .await
            .map_err(|err| anyhow::anyhow!("computing the comparison figures: {err:?}"))?;
        txn.commit().await?;

        done += chunk.len();
        progress(Progress {
            municipalities_done: done,
            municipalities_total: world.municipalities.len(),
            pledges: report.pledges,
        });
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Bumps the data version inside `txn`, like every write: running servers
/// then drop cached public answers (and, for reference data, re-read their
/// reference snapshot) instead of serving what was true before the load.
async fn bump(txn: &impl ConnectionTrait, changed: Changed) -> anyhow::Result<()> {
    data_version::bump(txn, changed)
        .await
        .map_err(|_| anyhow::anyhow!("bumping the data version"))
}

/// Keys of synthetic rows and PRNG streams, all derived from the seed.
#[derive(Debug)]
struct Ids {
    namespace: Uuid,
}

impl Ids {
    fn new(seed: u64) -> Self {
        Self {
            namespace: Uuid::new_v5(&SEED_NAMESPACE, format!("synthetic:{seed}").as_bytes()),
        }
    }

    /// The UUID of the synthetic row of `kind` named `key`.
    fn id(&self, kind: &str, key: &str) -> Uuid {
        Uuid::new_v5(&self.namespace, format!("{kind}:{key}").as_bytes())
    }

    /// An independent PRNG stream named `key`. PCG is value-stable (its
    /// output for a state is fixed by its definition), unlike rand's StdRng.
    fn rng(&self, key: &str) -> Pcg64Mcg {
        Pcg64Mcg::new(self.id("rng", key).as_u128())
    }
}
