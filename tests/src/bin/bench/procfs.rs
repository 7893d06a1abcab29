//! What `/proc` tells about the processes under load: memory of the
//! server, CPU time of the server, of wrk and of PostgreSQL's backends.
//! Linux only, like the machines the bench runs on.

use std::collections::HashMap;
use std::fs;

use anyhow::Context;

/// A `kB` field of `/proc/<pid>/status`, e.g. `VmHWM` (peak resident set)
/// or `VmRSS` (resident set now).
pub(crate) fn memory_kib(pid: u32, field: &str) -> anyhow::Result<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("reading /proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .with_context(|| format!("no {field} in /proc/{pid}/status"))
}

/// User plus system CPU time of a process so far, in clock ticks.
pub(crate) fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_cpu_ticks(&stat)
}

fn parse_cpu_ticks(stat: &str) -> Option<u64> {
    // The command name (field 2) may hold spaces; fields after its ")" are
    // plain. utime and stime are fields 14 and 15, so 12 and 13 after it.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    Some(user + system)
}

/// Busy CPU time of the whole machine so far, in clock ticks: the first
/// line of `/proc/stat` less idle and iowait.
pub(crate) fn machine_busy_ticks() -> Option<u64> {
    let stat = fs::read_to_string("/proc/stat").ok()?;
    parse_machine_busy(stat.lines().next()?)
}

fn parse_machine_busy(line: &str) -> Option<u64> {
    let mut fields = line.split_whitespace();
    if fields.next() != Some("cpu") {
        return None;
    }
    let ticks: Vec<u64> = fields.map_while(|f| f.parse().ok()).collect();
    // user nice system idle iowait irq softirq steal (guest time is
    // already in user).
    let busy = [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&i| ticks.get(i))
        .sum();
    Some(busy)
}

/// Clock ticks per second (`getconf CLK_TCK`; 100 on every usual Linux).
pub(crate) fn ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.trim().parse::<f64>().ok())
        .filter(|ticks| *ticks > 0.0)
        .unwrap_or(100.0)
}

/// CPU ticks of every PostgreSQL backend serving `database`, by pid. A
/// backend's command line reads `postgres: <user> <database> <client> …`,
/// on Debian with the cluster first (`postgres: 15/main: <user> …`).
pub(crate) fn postgres_backends(database: &str) -> HashMap<u32, u64> {
    let mut found = HashMap::new();
    let Ok(entries) = fs::read_dir("/proc") else {
        return found;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let Ok(cmdline) = fs::read(format!("/proc/{pid}/cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline);
        if is_backend_of(&cmdline, database)
            && let Some(ticks) = cpu_ticks(pid)
        {
            found.insert(pid, ticks);
        }
    }
    found
}

fn is_backend_of(cmdline: &str, database: &str) -> bool {
    let mut words = cmdline.split_whitespace();
    if words.next() != Some("postgres:") {
        return false;
    }
    let mut words = words.skip_while(|word| word.ends_with(':'));
    words.next().is_some() && words.next() == Some(database)
}

/// Ticks the backends used between two snapshots; a backend that started
/// in between counts from zero.
pub(crate) fn backend_ticks_between(before: &HashMap<u32, u64>, after: &HashMap<u32, u64>) -> u64 {
    after
        .iter()
        .map(|(pid, ticks)| ticks.saturating_sub(before.get(pid).copied().unwrap_or(0)))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_ticks_are_read_past_a_command_name_with_spaces() {
        let stat = "4242 (tokio worker) S 1 4242 4242 0 -1 4194560 100 0 0 0 \
                    250 50 0 0 20 0 4 0 123 456 789";
        assert_eq!(parse_cpu_ticks(stat), Some(300));
    }

    #[test]
    fn machine_busy_time_leaves_out_idle_and_iowait() {
        let line = "cpu  100 5 50 1000 40 3 2 1 0 0";
        assert_eq!(parse_machine_busy(line), Some(161));
        assert_eq!(parse_machine_busy("cpu0 1 2 3"), None);
    }

    #[test]
    fn this_process_has_a_resident_set() {
        assert!(memory_kib(std::process::id(), "VmRSS").is_ok_and(|kib| kib > 0));
    }

    #[test]
    fn backends_are_found_by_database_with_or_without_a_cluster_name() {
        let debian = "postgres: 15/main: postgres bench_1_2 127.0.0.1(43732) idle";
        assert!(is_backend_of(debian, "bench_1_2"));
        assert!(is_backend_of(
            "postgres: app bench_1_2 [local] idle",
            "bench_1_2"
        ));
        assert!(!is_backend_of(debian, "other"));
        assert!(!is_backend_of(
            "postgres: 15/main: checkpointer",
            "bench_1_2"
        ));
    }

    #[test]
    fn a_backend_that_appeared_counts_from_zero() {
        let before = HashMap::from([(1, 10), (2, 5)]);
        let after = HashMap::from([(1, 15), (3, 7)]);
        assert_eq!(backend_ticks_between(&before, &after), 12);
    }
}
