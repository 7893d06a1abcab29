//! The load benchmark: `cargo run --release -p tests --bin bench -- [options]`.
//!
//! Builds the release `api`, creates a fresh PostgreSQL database, loads the
//! synthetic national data set (`api seed --synthetic`), starts `api serve`
//! on a loopback port and drives each scenario with wrk, 32 connections
//! for a fixed time after a warm-up. Every answer is checked (status,
//! `errors`, the exact body), and any failed answer makes the run exit
//! non-zero. SQL statements per request are counted afterwards on a second
//! server that logs them, so logging never slows the timed runs. The
//! database is dropped and the servers stopped at the end, on errors and
//! on ctrl-c.
//!
//! Why wrk: it is C on epoll with LuaJIT callbacks, so on a 2-core machine
//! shared with the server and PostgreSQL it takes the least CPU of the
//! tools that can check bodies (oha cannot; goose spends far more per
//! request), and the report shows what it took.

mod checks;
mod database;
mod options;
mod procfs;
mod queries;
mod report;
mod scenarios;
mod server;
mod sql_count;
mod wrk;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use clap::Parser;

use crate::database::BenchDatabase;
use crate::options::Options;
use crate::report::{Report, ScenarioResult};
use crate::server::ApiBinary;

#[tokio::main]
async fn main() -> ExitCode {
    let options = Options::parse();
    match run(&options).await {
        Ok(0) => ExitCode::SUCCESS,
        Ok(failures) => {
            eprintln!("bench: {failures} answers failed their check (see the failures column)");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the bench; returns how many answers failed.
async fn run(options: &Options) -> anyhow::Result<u64> {
    if options.threads > options.connections {
        anyhow::bail!("--threads must not exceed --connections");
    }
    let wrk_version = wrk::version().await?;
    // A secret of this run only: the bench mints its own tokens with it.
    let secret = format!("bench-{}", uuid::Uuid::new_v4().simple());
    let api = ApiBinary::build(secret.clone()).await?;
    let work = std::env::temp_dir().join(format!("medborgarloften-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).context("creating the bench's folder")?;
    let database = BenchDatabase::create(&options.database_admin_url).await?;
    eprintln!("bench: database {}", database.name());
    // Dropping the bench's future (on ctrl-c) kills its server processes.
    let outcome = tokio::select! {
        outcome = bench(options, &api, &database, &work, &wrk_version, &secret) => outcome,
        _ = tokio::signal::ctrl_c() => Err(anyhow!("interrupted")),
    };
    if let Err(error) = database.drop_database().await {
        eprintln!("bench: {error:#}");
    }
    // Keep what explains a failure; a clean run leaves nothing behind.
    match &outcome {
        Ok(0) => {
            let _ = std::fs::remove_dir_all(&work);
        }
        _ => eprintln!(
            "bench: logs and scenario folders kept in {}",
            work.display()
        ),
    }
    outcome
}

async fn bench(
    options: &Options,
    api: &ApiBinary,
    database: &BenchDatabase,
    work: &Path,
    wrk_version: &str,
    secret: &str,
) -> anyhow::Result<u64> {
    // Loopback only; never through a proxy from the environment.
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .context("building the HTTP client")?;
    let mut data = load_data(options, api, database).await?;
    let started = std::time::Instant::now();
    database.vacuum_analyze().await?;
    data.push_str(&format!(
        "; then VACUUM (ANALYZE) in {:.1} s",
        started.elapsed().as_secs_f64()
    ));
    eprintln!("bench: {data}");
    let mut server = api
        .serve(database.url(), "warn", &work.join("server.log"), &client)
        .await?;
    let fixture = scenarios::discover(&client, server.url(), secret, !options.no_synthetic).await?;
    eprintln!(
        "bench: editor of {}, deep pledge {}",
        fixture.municipality, fixture.pledge_id
    );
    let load = wrk::Load {
        threads: options.threads,
        connections: options.connections,
    };
    let watched = wrk::Watched {
        server_pid: server.pid(),
        database: database.name(),
        ticks_per_second: procfs::ticks_per_second(),
    };
    let mut results = Vec::new();
    for key in options.chosen_scenarios() {
        let scenario = fixture.scenario(key)?;
        let expectations = scenarios::prime(&client, server.url(), &scenario, &fixture).await?;
        let folder = work.join(key.slug());
        let prepared = wrk::prepare(&folder, &scenario, &expectations)?;
        let mut warmup_failures = 0;
        let mut warmup_sample = String::new();
        if options.warmup > 0 {
            let warmup = wrk::run(&prepared, server.url(), options.warmup, load, watched).await?;
            warmup_failures = warmup.failures;
            warmup_sample = warmup.failure_sample;
        }
        let mut timed = wrk::run(&prepared, server.url(), options.duration, load, watched).await?;
        server.ensure_running()?;
        if timed.failure_sample.is_empty() {
            timed.failure_sample = warmup_sample;
        }
        eprintln!(
            "bench: {}: {:.0} req/s, p99 {:.1} ms, {} failed answers",
            key.label(),
            timed.requests_per_second(),
            timed.p99_ms,
            timed.failures + warmup_failures
        );
        results.push(ScenarioResult {
            key,
            timed,
            warmup_failures,
            sql: Default::default(),
        });
    }
    let peak_rss_kib = procfs::memory_kib(server.pid(), "VmHWM")?;
    server.stop().await?;

    eprintln!("bench: counting SQL statements per request");
    let counter = api
        .serve(
            database.url(),
            "warn,api::sql=trace",
            &work.join("sql.log"),
            &client,
        )
        .await?;
    for result in &mut results {
        let scenario = fixture.scenario(result.key)?;
        result.sql = sql_count::count(&client, &counter, &scenario, options.sql_samples).await?;
    }
    counter.stop().await?;

    let report = Report {
        title: options.title.clone(),
        command: command_line(),
        data,
        load: format!(
            "{wrk_version}, {} threads, {} connections, {} s warm-up + {} s per scenario, \
             every answer checked; SQL counted over 2 × {} sequential requests",
            options.threads,
            options.connections,
            options.warmup,
            options.duration,
            options.sql_samples
        ),
        postgres_version: database.server_version().to_owned(),
        results,
        peak_rss_kib,
    };
    let markdown = report.markdown();
    println!("{markdown}");
    if options.write_results {
        let path = results_file();
        report::write_results(&path, &options.title, &markdown)?;
        eprintln!(
            "bench: wrote the section {:?} of {}",
            options.title,
            path.display()
        );
    }
    Ok(report.failures())
}

/// Loads the data set into the fresh database; says what was loaded and
/// how long it took, measured here around the command.
async fn load_data(
    options: &Options,
    api: &ApiBinary,
    database: &BenchDatabase,
) -> anyhow::Result<String> {
    if options.no_synthetic {
        let (_, took) = api.run(database.url(), &["seed".to_owned()]).await?;
        return Ok(format!(
            "source documents only (`api seed`, --no-synthetic), loaded in {:.1} s",
            took.as_secs_f64()
        ));
    }
    let args: Vec<String> = [
        "seed",
        "--synthetic",
        "--municipalities",
        &options.municipalities.to_string(),
        "--years",
        &options.years.to_string(),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    eprintln!("bench: api {}", args.join(" "));
    let (summary, took) = api.run(database.url(), &args).await.context(
        "loading the synthetic data set (is `api seed --synthetic` in this checkout? \
         --no-synthetic benches the source documents only)",
    )?;
    let summary = summary.lines().last().unwrap_or_default().to_owned();
    Ok(format!(
        "synthetic, {} × {} loaded in {:.1} s (measured around `api {}`, which printed: {summary})",
        options.municipalities,
        options.years,
        took.as_secs_f64(),
        args.join(" ")
    ))
}

/// The command as a person types it, for the report.
fn command_line() -> String {
    let mut line = "cargo run --release -p tests --bin bench --".to_owned();
    for arg in std::env::args().skip(1) {
        let arg = database::without_password(&arg);
        line.push(' ');
        if arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_=.,/:".contains(c))
        {
            line.push_str(&arg);
        } else {
            line.push_str(&format!("'{}'", arg.replace('\'', r"'\''")));
        }
    }
    line.trim_end_matches(" --").to_owned()
}

fn results_file() -> PathBuf {
    server::workspace_root()
        .join("tests")
        .join("bench")
        .join("RESULTS.md")
}
