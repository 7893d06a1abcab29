//! The report: a Markdown section with the machine, the command and one
//! table row per scenario next to the targets, printed and, with
//! `--write-results`, put into `tests/bench/RESULTS.md`.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;

use crate::options::ScenarioKey;
use crate::sql_count::SqlCount;
use crate::wrk::RunFigures;

/// The server's peak resident set must stay below this, in bytes.
const PEAK_RSS_TARGET_BYTES: f64 = 150e6;

/// One scenario's figures.
#[derive(Debug)]
pub(crate) struct ScenarioResult {
    pub(crate) key: ScenarioKey,
    pub(crate) timed: RunFigures,
    pub(crate) warmup_failures: u64,
    pub(crate) sql: SqlCount,
}

impl ScenarioResult {
    /// Every failed answer: warm-up, timed run and SQL count.
    pub(crate) fn failures(&self) -> u64 {
        self.warmup_failures + self.timed.failures + self.sql.failures
    }
}

/// Everything the report says.
#[derive(Debug)]
pub(crate) struct Report {
    pub(crate) title: String,
    pub(crate) command: String,
    pub(crate) data: String,
    pub(crate) load: String,
    pub(crate) postgres_version: String,
    pub(crate) results: Vec<ScenarioResult>,
    pub(crate) peak_rss_kib: u64,
}

impl Report {
    pub(crate) fn failures(&self) -> u64 {
        self.results.iter().map(ScenarioResult::failures).sum()
    }

    /// The section, from its `## title` line on.
    pub(crate) fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "## {}\n", self.title);
        let _ = writeln!(
            out,
            "- date: {}",
            chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
        );
        let _ = writeln!(out, "- commit: {}", git_commit());
        let _ = writeln!(out, "- machine: {}", machine());
        let _ = writeln!(out, "- PostgreSQL {}", self.postgres_version);
        let _ = writeln!(out, "- command: `{}`", self.command);
        let _ = writeln!(out, "- data: {}", self.data);
        let _ = writeln!(out, "- load: {}\n", self.load);
        out.push_str(
            "| scenario | req/s | p50 ms | p95 ms | p99 ms | failures | SQL/req \
             | CPU ms/req server / PostgreSQL / wrk | target |\n",
        );
        out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for result in &self.results {
            out.push_str(&row(result));
        }
        let peak_bytes = self.peak_rss_kib as f64 * 1024.0;
        let _ = writeln!(
            out,
            "\nServer peak RSS over the whole run (VmHWM): {:.1} MB — target ≤ 150 MB: {}.",
            peak_bytes / 1e6,
            verdict(peak_bytes <= PEAK_RSS_TARGET_BYTES)
        );
        let sampled: Vec<String> = self
            .results
            .iter()
            .map(|r| {
                format!(
                    "{} {:.0}",
                    r.key.slug(),
                    r.timed.server_rss_kib as f64 * 1024.0 / 1e6
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "Highest VmRSS sampled during each timed run, MB: {}.",
            sampled.join(", ")
        );
        let others: Vec<String> = self
            .results
            .iter()
            .map(|r| format!("{} {:.2}", r.key.slug(), r.timed.other_cores()))
            .collect();
        let _ = writeln!(
            out,
            "CPU taken by other processes during each timed run, in cores (of {}; \
             figures are comparable only when these are near 0): {}.",
            std::thread::available_parallelism().map_or(0, |n| n.get()),
            others.join(", ")
        );
        let reordered: Vec<String> = self
            .results
            .iter()
            .filter(|r| r.timed.reordered > 0)
            .map(|r| {
                let share = 100.0 * r.timed.reordered as f64 / r.timed.requests.max(1.0);
                format!("{} {} ({share:.0} %)", r.key.slug(), r.timed.reordered)
            })
            .collect();
        if !reordered.is_empty() {
            let _ = writeln!(
                out,
                "Answers of the timed runs with the expected data but the JSON keys of some \
                 object in another order (passed; async-graphql 7 writes sibling fields in \
                 the order they finish): {}.",
                reordered.join(", ")
            );
        }
        let samples: Vec<String> = self
            .results
            .iter()
            .filter(|r| r.failures() > 0)
            .map(|r| {
                let sample = [&r.timed.failure_sample, &r.sql.failure_sample]
                    .into_iter()
                    .find(|s| !s.is_empty())
                    .map_or("", |s| s.as_str());
                format!("- {}: {}", r.key.slug(), first_chars(sample, 300))
            })
            .collect();
        if !samples.is_empty() {
            let _ = writeln!(out, "\nFirst failed answers:\n{}", samples.join("\n"));
        }
        out
    }
}

fn row(result: &ScenarioResult) -> String {
    let timed = &result.timed;
    let per_request = |seconds: f64| {
        if timed.requests > 0.0 {
            seconds * 1e3 / timed.requests
        } else {
            0.0
        }
    };
    let target = match Target::of(result.key) {
        Some(target) => format!("{} — {}", target, verdict(target.met(timed))),
        None => "—".to_owned(),
    };
    format!(
        "| {} | {:.0} | {:.1} | {:.1} | {:.1} | {} | {:.1} | {:.2} / {:.2} / {:.2} | {} |\n",
        result.key.label(),
        timed.requests_per_second(),
        timed.p50_ms,
        timed.p95_ms,
        timed.p99_ms,
        result.failures(),
        result.sql.per_request,
        per_request(timed.server_cpu_seconds),
        per_request(timed.postgres_cpu_seconds),
        per_request(timed.wrk_cpu_seconds),
        target
    )
}

/// The targets for a scenario.
#[derive(Debug, Clone, Copy)]
struct Target {
    min_per_second: f64,
    max_p99_ms: Option<f64>,
}

impl Target {
    fn of(key: ScenarioKey) -> Option<Target> {
        let (min_per_second, max_p99_ms) = match key {
            ScenarioKey::List => (5000.0, Some(10.0)),
            ScenarioKey::ListEditor => (1000.0, Some(50.0)),
            ScenarioKey::Municipalities => (8000.0, None),
            ScenarioKey::ComparisonAnalyst => (200.0, Some(250.0)),
            // Through the public cache: as fast as (a).
            ScenarioKey::ComparisonAnonymous => (5000.0, Some(10.0)),
            ScenarioKey::Sync => (800.0, None),
            ScenarioKey::Node | ScenarioKey::Mix => return None,
        };
        Some(Target {
            min_per_second,
            max_p99_ms,
        })
    }

    fn met(&self, figures: &RunFigures) -> bool {
        figures.requests_per_second() >= self.min_per_second
            && self.max_p99_ms.is_none_or(|max| figures.p99_ms <= max)
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "≥ {} req/s", self.min_per_second)?;
        if let Some(max) = self.max_p99_ms {
            write!(f, ", p99 ≤ {max} ms")?;
        }
        Ok(())
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "missed" }
}

fn first_chars(text: &str, n: usize) -> String {
    let cut: String = text.chars().take(n).collect();
    cut.replace('\n', " ").replace('|', "\\|")
}

/// `abc1234`, marked when the work tree has uncommitted changes (the
/// figures then belong to more than the commit).
fn git_commit() -> String {
    let root = crate::server::workspace_root();
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(&root)
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    let Some(commit) = git(&["rev-parse", "--short", "HEAD"]) else {
        return "unknown".to_owned();
    };
    match git(&["status", "--porcelain", "--untracked-files=no"]) {
        Some(changes) if !changes.is_empty() => format!("{commit} with uncommitted changes"),
        _ => commit,
    }
}

/// Cores, CPU model and memory, from the kernel.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name")?.split_once(':'))
        .map_or("unknown CPU", |(_, name)| name.trim())
        .to_owned();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory_gib = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|value| {
            value
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    format!("{cores} cores (nproc), {model}, {memory_gib:.0} GiB memory")
}

/// Puts `section` into the results file: in place of the section with the
/// same `## title`, or at the end.
pub(crate) fn write_results(path: &Path, title: &str, section: &str) -> anyhow::Result<()> {
    let existing = std::fs::read_to_string(path).unwrap_or_else(|_| {
        "# Load benchmark results\n\nMade by `cargo run --release -p tests --bin bench` \
         (see the README's \"Benchmark\" section).\n"
            .to_owned()
    });
    let updated = replace_section(&existing, title, section);
    std::fs::write(path, updated).with_context(|| format!("writing {}", path.display()))
}

fn replace_section(document: &str, title: &str, section: &str) -> String {
    let heading = format!("## {title}");
    let lines: Vec<&str> = document.lines().collect();
    let Some(start) = lines.iter().position(|line| line.trim_end() == heading) else {
        return format!("{}\n\n{}", document.trim_end(), section.trim_end()) + "\n";
    };
    let end = lines[start + 1..]
        .iter()
        .position(|line| line.starts_with("## "))
        .map_or(lines.len(), |offset| start + 1 + offset);
    let mut out = lines[..start].join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(section.trim_end());
    out.push('\n');
    if end < lines.len() {
        out.push('\n');
        out.push_str(&lines[end..].join("\n"));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_of_the_same_title_is_replaced_and_others_kept() {
        let document = "# R\n\n## Old\n\nold figures\n\n## Other\n\nkept\n";
        let updated = replace_section(document, "Old", "## Old\n\nnew figures\n");
        assert_eq!(
            updated,
            "# R\n\n## Old\n\nnew figures\n\n## Other\n\nkept\n"
        );
    }

    #[test]
    fn a_new_title_is_appended() {
        let updated = replace_section("# R\n", "New", "## New\n\nfigures\n");
        assert_eq!(updated, "# R\n\n## New\n\nfigures\n");
    }

    #[test]
    fn targets_need_both_throughput_and_latency() {
        let target = Target::of(ScenarioKey::List).expect("(a) has a target");
        let fast = RunFigures {
            requests: 60_000.0,
            seconds: 10.0,
            p99_ms: 8.0,
            ..RunFigures::default()
        };
        assert!(target.met(&fast));
        let slow_tail = RunFigures {
            p99_ms: 12.0,
            ..fast.clone()
        };
        assert!(!target.met(&slow_tail));
        assert_eq!(target.to_string(), "≥ 5000 req/s, p99 ≤ 10 ms");
    }
}
