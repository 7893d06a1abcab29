//! The bench's command line. Every number has a bound, so a run always
//! ends by itself.

use clap::{Parser, ValueEnum};

/// Load benchmark: builds the release `api`, loads the synthetic national
/// data set into a fresh PostgreSQL database, drives each scenario with wrk
/// and checks every response body. Exits non-zero when any response failed.
#[derive(Debug, Parser)]
#[command(name = "bench", version)]
pub(crate) struct Options {
    /// PostgreSQL admin URL (loopback only): a database `bench_<pid>_<time>`
    /// is created there and dropped at the end.
    #[arg(
        long,
        env = "BENCH_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub(crate) database_admin_url: String,

    /// Municipalities of the synthetic data set.
    #[arg(long, default_value_t = 290, value_parser = clap::value_parser!(u32).range(1..=2000))]
    pub(crate) municipalities: u32,

    /// Years of pledges of the synthetic data set.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=50))]
    pub(crate) years: u32,

    /// Serve only the source documents (`api seed`) instead of the
    /// synthetic data set.
    #[arg(long)]
    pub(crate) no_synthetic: bool,

    /// Seconds each scenario is timed.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub(crate) duration: u64,

    /// Seconds of warm-up load before each timed run (answers are checked
    /// too).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(0..=120))]
    pub(crate) warmup: u64,

    /// Concurrent connections.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub(crate) connections: u32,

    /// wrk threads (one per core is cheapest; at most `--connections`).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub(crate) threads: u32,

    /// Scenarios to run, in the order given (default: all).
    #[arg(long = "scenario", value_enum, value_delimiter = ',')]
    pub(crate) scenarios: Vec<ScenarioKey>,

    /// Requests per scenario (sent one at a time, twice, after one pass to
    /// warm up) when counting SQL statements.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub(crate) sql_samples: u32,

    /// Write the report into tests/bench/RESULTS.md as the section
    /// `--title` (replacing a section of that title).
    #[arg(long)]
    pub(crate) write_results: bool,

    /// Title of the report's section.
    #[arg(long, default_value = "Latest run")]
    pub(crate) title: String,
}

/// One scenario of the benchmark (the letters are the issue's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
pub(crate) enum ScenarioKey {
    /// (a) `pledges(first: 20)`, nested, anonymous.
    #[value(name = "a", alias = "list")]
    List,
    /// (a') the same as a municipality editor.
    #[value(name = "a-editor", alias = "a'")]
    ListEditor,
    /// (b) one pledge by `node(id:)`, deep, as an editor.
    #[value(name = "b", alias = "node")]
    Node,
    /// (c) `municipalities { code name }`, anonymous.
    #[value(name = "c", alias = "municipalities")]
    Municipalities,
    /// (c') `regionalComparison` of all 290 municipalities, as a
    /// regional analyst (never cached).
    #[value(name = "c-analyst", alias = "c'")]
    ComparisonAnalyst,
    /// (c'') the same anonymous, through the public response cache.
    #[value(name = "c-anonymous", alias = "c''")]
    ComparisonAnonymous,
    /// (d) `followUps(first: 100)` with progress, as an integration.
    #[value(name = "d", alias = "sync")]
    Sync,
    /// (e) 90 % reads of (a), (a'), (c) and 10 % `recordActivity` writes.
    #[value(name = "e", alias = "mix")]
    Mix,
}

impl ScenarioKey {
    /// Every scenario, writes last so that the reads before them see the
    /// data as loaded.
    pub(crate) const ALL: [ScenarioKey; 8] = [
        ScenarioKey::List,
        ScenarioKey::ListEditor,
        ScenarioKey::Node,
        ScenarioKey::Municipalities,
        ScenarioKey::ComparisonAnalyst,
        ScenarioKey::ComparisonAnonymous,
        ScenarioKey::Sync,
        ScenarioKey::Mix,
    ];

    /// The label in the report.
    pub(crate) fn label(self) -> &'static str {
        match self {
            ScenarioKey::List => "(a) pledges(first: 20), anonymous",
            ScenarioKey::ListEditor => "(a') pledges(first: 20), municipality_editor",
            ScenarioKey::Node => "(b) node(id:) deep, municipality_editor",
            ScenarioKey::Municipalities => "(c) municipalities, anonymous",
            ScenarioKey::ComparisonAnalyst => "(c') regionalComparison, all, regional_analyst",
            ScenarioKey::ComparisonAnonymous => "(c'') regionalComparison, all, anonymous",
            ScenarioKey::Sync => "(d) followUps(first: 100), integration",
            ScenarioKey::Mix => "(e) mix: 90 % (a)/(a')/(c), 10 % recordActivity",
        }
    }

    /// A short name for folders.
    pub(crate) fn slug(self) -> &'static str {
        match self {
            ScenarioKey::List => "a",
            ScenarioKey::ListEditor => "a-editor",
            ScenarioKey::Node => "b",
            ScenarioKey::Municipalities => "c",
            ScenarioKey::ComparisonAnalyst => "c-analyst",
            ScenarioKey::ComparisonAnonymous => "c-anonymous",
            ScenarioKey::Sync => "d",
            ScenarioKey::Mix => "e",
        }
    }
}

impl Options {
    /// The scenarios to run: those asked for, once each, or all.
    pub(crate) fn chosen_scenarios(&self) -> Vec<ScenarioKey> {
        if self.scenarios.is_empty() {
            return ScenarioKey::ALL.to_vec();
        }
        let mut chosen = Vec::new();
        for key in &self.scenarios {
            if !chosen.contains(key) {
                chosen.push(*key);
            }
        }
        chosen
    }
}
