//! Metrics of a replay and the `Report` that carries them: per-job wait, JCT and bounded
//! slowdown; utilisation, makespan, queue length over time; each account's share of GPU time
//! and Jain's fairness index. `Report` serialises to JSON; `write_jobs_csv` writes one row per job.

mod csv;
mod fairness;
mod series;
mod summary;

pub use csv::write_jobs_csv;
pub use fairness::{account_shares, jain_index, AccountShare};
pub use series::{resample, time_weighted_mean, Point};
pub use summary::{nearest_rank, Summary};

use crate::engine::{Counters, JobRecord, Sample};
use corral_model::JobState;
use serde::Serialize;
use std::collections::BTreeMap;

/// Bounded slowdown's threshold: runs shorter than this count as this long.
/// Source: Feitelson et al., "Theory and Practice in Parallel Job Scheduling", JSSPP 1997.
pub const SLOWDOWN_THRESHOLD_SECS: u64 = 10;

/// Everything a replay measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub cluster_nodes: usize,
    pub cluster_gpus: u64,
    pub jobs: usize,
    /// Jobs by final state name (`COMPLETED`, `TIMEOUT`, …; `PENDING`: never started).
    pub states: BTreeMap<String, usize>,
    /// Jobs that never started (the cluster can never fit them, or the policy refuses them).
    pub never_started: usize,
    /// First submit to last end, seconds.
    pub makespan_secs: u64,
    pub first_submit_secs: u64,
    pub last_end_secs: u64,
    /// GPU-seconds held by jobs / (cluster GPUs × makespan).
    pub utilisation: f64,
    /// Over jobs that ran and ended: submit to start of their last run.
    pub wait_secs: Summary,
    /// Over jobs that ran and ended: submit to end (wait + run).
    pub jct_secs: Summary,
    /// max(1, (wait + run) / max(run, 10 s)).
    pub bounded_slowdown: Summary,
    pub mean_bounded_slowdown: f64,
    /// Time-weighted mean of pending jobs over the replay.
    pub mean_queue_length: f64,
    pub max_queue_length: u64,
    pub accounts: Vec<AccountShare>,
    /// Jain's index over the accounts' GPU-seconds.
    pub jain_fairness: f64,
    pub counters: Counters,
    /// Pending jobs over time (at most `SimOptions::series_points` points).
    pub queue_length: Vec<Point>,
    /// Busy GPUs / cluster GPUs over time.
    pub utilisation_over_time: Vec<Point>,
    /// Every job's history, in input order (written by `write_jobs_csv`, not in the JSON).
    #[serde(skip)]
    pub job_records: Vec<JobRecord>,
}

/// Per-job values of one job that ran and ended.
fn job_metrics(r: &JobRecord) -> Option<(f64, f64, f64)> {
    if !r.ended_after_running() {
        return None;
    }
    let wait = r.wait_secs()?;
    let run = r.run_secs();
    let jct = wait + run;
    Some((wait as f64, jct as f64, bounded_slowdown(wait, run)))
}

/// max(1, (wait + run) / max(run, 10)).
pub fn bounded_slowdown(wait_secs: u64, run_secs: u64) -> f64 {
    let denominator = run_secs.max(SLOWDOWN_THRESHOLD_SECS) as f64;
    ((wait_secs + run_secs) as f64 / denominator).max(1.0)
}

/// Builds the report from the engine's records and samples.
pub fn build_report(
    records: Vec<JobRecord>,
    samples: &[Sample],
    counters: Counters,
    cluster_nodes: usize,
    cluster_gpus: u64,
    series_points: usize,
) -> Report {
    let mut waits = Vec::with_capacity(records.len());
    let mut jcts = Vec::with_capacity(records.len());
    let mut slowdowns = Vec::with_capacity(records.len());
    let mut states: BTreeMap<String, usize> = BTreeMap::new();
    for r in &records {
        *states.entry(r.state.name().to_string()).or_default() += 1;
        if let Some((wait, jct, slowdown)) = job_metrics(r) {
            waits.push(wait);
            jcts.push(jct);
            slowdowns.push(slowdown);
        }
    }
    let first_submit_secs = records.iter().map(|r| r.submit_secs).min().unwrap_or(0);
    let last_end_secs = records
        .iter()
        .filter_map(|r| r.end_secs)
        .max()
        .unwrap_or(first_submit_secs);
    let makespan_secs = last_end_secs.saturating_sub(first_submit_secs);
    let gpu_secs: u64 = records.iter().map(|r| r.gpu_secs).sum();
    let capacity = cluster_gpus as f64 * makespan_secs as f64;
    let accounts = account_shares(&records);
    let account_gpu_secs: Vec<f64> = accounts.iter().map(|a| a.gpu_secs as f64).collect();
    let bounded_slowdown = Summary::of(&mut slowdowns);
    let gpus = cluster_gpus.max(1) as f64;
    Report {
        cluster_nodes,
        cluster_gpus,
        jobs: records.len(),
        never_started: records
            .iter()
            .filter(|r| r.state == JobState::Pending)
            .count(),
        states,
        makespan_secs,
        first_submit_secs,
        last_end_secs,
        utilisation: if capacity > 0.0 {
            gpu_secs as f64 / capacity
        } else {
            0.0
        },
        wait_secs: Summary::of(&mut waits),
        jct_secs: Summary::of(&mut jcts),
        mean_bounded_slowdown: bounded_slowdown.mean,
        bounded_slowdown,
        mean_queue_length: time_weighted_mean(samples, |s| s.pending as f64),
        max_queue_length: samples.iter().map(|s| s.pending).max().unwrap_or(0),
        jain_fairness: jain_index(&account_gpu_secs),
        accounts,
        counters,
        queue_length: resample(samples, series_points, |s| s.pending as f64),
        utilisation_over_time: resample(samples, series_points, |s| s.busy_gpus as f64 / gpus),
        job_records: records,
    }
}

impl Report {
    /// The report as pretty JSON (per-job records are left to the CSV).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}

#[cfg(test)]
mod tests {
    use super::bounded_slowdown;

    #[test]
    fn bounded_slowdown_counts_short_runs_as_ten_seconds() {
        assert_eq!(bounded_slowdown(0, 100), 1.0);
        assert_eq!(bounded_slowdown(100, 100), 2.0);
        assert_eq!(bounded_slowdown(18, 2), 2.0);
        assert_eq!(bounded_slowdown(1, 2), 1.0);
    }
}
