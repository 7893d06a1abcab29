//! Driving a scenario with wrk (Debian's `wrk` package): the bench writes
//! the scenario folder `tests/bench/check.lua` reads, runs wrk on it and
//! reads back the figures and failures the script wrote. While wrk runs,
//! the server's memory and the CPU time of the server, of PostgreSQL's
//! backends and of wrk itself are sampled from `/proc`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::Value;
use tokio::process::Command;

use crate::checks::{Check, Expectations, judge_variant};
use crate::procfs;
use crate::scenarios::Scenario;

/// The wrk script, compiled in so the bench runs from any folder.
const SCRIPT: &str = include_str!("../../../bench/check.lua");

/// How often memory and CPU are sampled during a run.
const SAMPLE_EVERY: Duration = Duration::from_millis(200);

/// wrk's version line; fails with the install hint when wrk is missing.
pub(crate) async fn version() -> anyhow::Result<String> {
    // `wrk -v` prints its version, then its usage, and exits 1.
    let output = Command::new("wrk").arg("-v").output().await;
    let output = match output {
        Ok(output) => output,
        Err(_) => bail!(
            "the bench drives the server with wrk, which is not installed: \
             apt-get install wrk (Debian/Ubuntu)"
        ),
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().next().unwrap_or("wrk");
    Ok(line
        .split(" Copyright")
        .next()
        .unwrap_or(line)
        .trim()
        .to_owned())
}

/// The load wrk applies.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Load {
    pub(crate) threads: u32,
    pub(crate) connections: u32,
}

/// The processes whose resources a run samples.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Watched<'a> {
    pub(crate) server_pid: u32,
    pub(crate) database: &'a str,
    pub(crate) ticks_per_second: f64,
}

/// What one wrk run measured.
#[derive(Debug, Clone, Default)]
pub(crate) struct RunFigures {
    pub(crate) requests: f64,
    pub(crate) seconds: f64,
    pub(crate) p50_ms: f64,
    pub(crate) p95_ms: f64,
    pub(crate) p99_ms: f64,
    /// Bad status, bad body, socket errors and timeouts.
    pub(crate) failures: u64,
    /// Answers that had the expected data with JSON keys in another order.
    pub(crate) reordered: u64,
    /// The first bad answer, when there was one.
    pub(crate) failure_sample: String,
    pub(crate) server_cpu_seconds: f64,
    pub(crate) postgres_cpu_seconds: f64,
    pub(crate) wrk_cpu_seconds: f64,
    /// CPU time the whole machine was busy during the run: what is not the
    /// server's, PostgreSQL's or wrk's was taken by other work.
    pub(crate) machine_cpu_seconds: f64,
    /// The largest resident set of the server seen while wrk ran.
    pub(crate) server_rss_kib: u64,
}

impl RunFigures {
    /// Cores' worth of CPU that other work took during the run.
    pub(crate) fn other_cores(&self) -> f64 {
        let ours = self.server_cpu_seconds + self.postgres_cpu_seconds + self.wrk_cpu_seconds;
        if self.seconds > 0.0 {
            ((self.machine_cpu_seconds - ours) / self.seconds).max(0.0)
        } else {
            0.0
        }
    }

    pub(crate) fn requests_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.requests / self.seconds
        } else {
            0.0
        }
    }
}

/// A scenario folder wrk can run, and what its answers are compared with.
#[derive(Debug)]
pub(crate) struct Prepared {
    folder: PathBuf,
    expected: Vec<Value>,
    writes: bool,
}

/// Writes the scenario folder: the script, the requests and the answers
/// every read must repeat.
pub(crate) fn prepare(
    folder: &Path,
    scenario: &Scenario,
    expectations: &Expectations,
) -> anyhow::Result<Prepared> {
    std::fs::create_dir_all(folder)
        .with_context(|| format!("creating the scenario folder {}", folder.display()))?;
    let write = |name: &str, content: &str| {
        std::fs::write(folder.join(name), content)
            .with_context(|| format!("writing {}", folder.join(name).display()))
    };
    write("check.lua", SCRIPT)?;
    let mut manifest = String::new();
    for (index, request) in scenario.requests.iter().enumerate() {
        let n = index + 1;
        let kind = match request.check {
            Check::Read => "read",
            Check::Write => "write",
        };
        writeln!(manifest, "{kind} {n}")?;
        write(&format!("{n}.body"), &request.body)?;
        write(
            &format!("{n}.auth"),
            request.authorization.as_deref().unwrap_or(""),
        )?;
        if request.check == Check::Read {
            let expected = expectations
                .body(index)
                .context("a read without its first answer")?;
            write(&format!("{n}.expected"), expected)?;
        }
    }
    write("manifest", &manifest)?;
    let pattern: Vec<String> = scenario
        .pattern
        .iter()
        .map(|index| (index + 1).to_string())
        .collect();
    write("pattern", &pattern.join(" "))?;
    Ok(Prepared {
        folder: folder.to_path_buf(),
        expected: expectations.parsed(),
        writes: scenario.requests.iter().any(|r| r.check == Check::Write),
    })
}

/// Runs wrk for `seconds` against `url` on a prepared folder.
pub(crate) async fn run(
    prepared: &Prepared,
    url: &str,
    seconds: u64,
    load: Load,
    watched: Watched<'_>,
) -> anyhow::Result<RunFigures> {
    let folder = prepared.folder.as_path();
    let result_file = folder.join("result.json");
    let _ = std::fs::remove_file(&result_file);
    let variants = folder.join("variants");
    let _ = std::fs::remove_dir_all(&variants);
    std::fs::create_dir_all(&variants).context("creating the variants folder")?;
    let output = std::fs::File::create(folder.join("wrk.out")).context("creating wrk.out")?;
    let script = folder.join("check.lua");
    let mut child = Command::new("wrk")
        .arg(format!("--threads={}", load.threads))
        .arg(format!("--connections={}", load.connections))
        .arg(format!("--duration={seconds}s"))
        .arg("--timeout=10s")
        .arg(format!("--script={}", script.display()))
        .arg(url)
        .arg("--")
        .arg(folder)
        .stdin(Stdio::null())
        .stdout(output.try_clone()?)
        .stderr(output)
        .kill_on_drop(true)
        .spawn()
        .context("starting wrk")?;
    let wrk_pid = child.id().context("wrk exited at once")?;

    let machine_before = procfs::machine_busy_ticks().unwrap_or(0);
    let server_before = procfs::cpu_ticks(watched.server_pid).unwrap_or(0);
    let postgres_before = procfs::postgres_backends(watched.database);
    let mut wrk_ticks = 0;
    let mut server_rss_kib = 0;
    // wrk stops itself after `seconds`; this deadline only guards a hang.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds + 30);
    let status = loop {
        if let Ok(kib) = procfs::memory_kib(watched.server_pid, "VmRSS") {
            server_rss_kib = server_rss_kib.max(kib);
        }
        if let Some(ticks) = procfs::cpu_ticks(wrk_pid) {
            wrk_ticks = ticks;
        }
        tokio::select! {
            status = child.wait() => break status.context("waiting for wrk")?,
            _ = tokio::time::sleep(SAMPLE_EVERY) => {}
        }
        if tokio::time::Instant::now() > deadline {
            bail!("wrk did not finish within {} s", seconds + 30);
        }
    };
    let machine_ticks = procfs::machine_busy_ticks()
        .unwrap_or(machine_before)
        .saturating_sub(machine_before);
    let server_ticks = procfs::cpu_ticks(watched.server_pid)
        .unwrap_or(server_before)
        .saturating_sub(server_before);
    let postgres_ticks = procfs::backend_ticks_between(
        &postgres_before,
        &procfs::postgres_backends(watched.database),
    );
    let log = std::fs::read_to_string(folder.join("wrk.out")).unwrap_or_default();
    if !status.success() {
        bail!("wrk failed ({status}):\n{log}");
    }
    let result = std::fs::read_to_string(&result_file)
        .with_context(|| format!("wrk wrote no result (its output:\n{log})"))?;
    let result: Value = serde_json::from_str(&result).context("reading wrk's result.json")?;
    let number = |key: &str| result[key].as_f64().unwrap_or(0.0);
    let mut failures: u64 = [
        "bad_status",
        "unchecked",
        "connect_errors",
        "read_errors",
        "write_errors",
        "timeouts",
    ]
    .iter()
    .map(|key| number(key) as u64)
    .sum();
    let mut failure_sample =
        std::fs::read_to_string(folder.join("failure.txt")).unwrap_or_default();
    let variants = check_variants(prepared)?;
    failures += variants.failures;
    if failure_sample.is_empty() {
        failure_sample = variants.sample;
    }
    let per_second = watched.ticks_per_second;
    Ok(RunFigures {
        requests: number("requests"),
        seconds: number("duration_us") / 1e6,
        p50_ms: number("p50_us") / 1e3,
        p95_ms: number("p95_us") / 1e3,
        p99_ms: number("p99_us") / 1e3,
        failures,
        reordered: variants.passed,
        failure_sample,
        server_cpu_seconds: server_ticks as f64 / per_second,
        postgres_cpu_seconds: postgres_ticks as f64 / per_second,
        wrk_cpu_seconds: wrk_ticks as f64 / per_second,
        machine_cpu_seconds: machine_ticks as f64 / per_second,
        server_rss_kib,
    })
}

/// How the answers that were byte for byte no expected one fared.
#[derive(Debug, Default)]
struct VariantCheck {
    passed: u64,
    failures: u64,
    sample: String,
}

/// Compares each distinct answer the script kept with the expected ones
/// as JSON, counting it as often as it came.
fn check_variants(prepared: &Prepared) -> anyhow::Result<VariantCheck> {
    let folder = prepared.folder.join("variants");
    let counts =
        std::fs::read_to_string(folder.join("counts")).context("reading variants/counts")?;
    let mut check = VariantCheck::default();
    for line in counts.lines() {
        let Some((n, count)) = line.split_once(' ') else {
            continue;
        };
        let count: u64 = count.parse().context("a count in variants/counts")?;
        let body = std::fs::read_to_string(folder.join(format!("{n}.json")))
            .with_context(|| format!("reading variant {n}"))?;
        match judge_variant(&body, &prepared.expected, prepared.writes) {
            Ok(()) => check.passed += count,
            Err(problem) => {
                check.failures += count;
                if check.sample.is_empty() {
                    check.sample = problem;
                }
            }
        }
    }
    Ok(check)
}
