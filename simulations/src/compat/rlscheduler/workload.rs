//! RLScheduler's view of a SWF trace: its loading rules (processors, requested time, run-time
//! fixes, dropped jobs, id order) and its cluster size taken from the SWF header.

use super::CompatError;
use crate::trace::swf::{read_swf_records, SwfFile, SwfRecord};
use crate::trace::{open_trace_file, TraceReport};
use serde::Serialize;
use std::path::Path;

/// Run time RLScheduler gives a job whose SWF run time is negative (unknown).
const UNKNOWN_RUN_SECS: i64 = 10;

/// One job as RLScheduler loads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RlsJob {
    pub id: i64,
    /// 1-based line of the job in the SWF file.
    pub line: u64,
    pub submit_secs: i64,
    pub run_secs: i64,
    /// The estimate the scheduler sees (SJF key, backfill window).
    pub requested_secs: i64,
    pub procs: i64,
}

/// The cluster RLScheduler builds from the SWF header.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RlsCluster {
    /// `; MaxNodes:`.
    pub nodes: i64,
    /// `; MaxProcs:` / `; MaxNodes:` (1 when `MaxProcs` is absent).
    pub procs_per_node: f64,
}

impl RlsCluster {
    /// Nodes a job of `procs` processors occupies: ceil(procs / procs_per_node).
    pub fn nodes_for(&self, procs: i64) -> i64 {
        (procs as f64 / self.procs_per_node).ceil() as i64
    }
}

/// A SWF trace loaded with RLScheduler's rules.
#[derive(Debug, Clone, PartialEq)]
pub struct RlsWorkload {
    /// Jobs sorted by id (stable), indices as RLScheduler's window start indices count them.
    pub jobs: Vec<RlsJob>,
    pub cluster: RlsCluster,
    /// The SWF reader's accounting; lines this mode cannot use are added to `bad`.
    pub report: TraceReport,
    /// Jobs left out because their run time is 0 (RLScheduler's rule).
    pub dropped_zero_run: usize,
}

/// Reads a SWF file (plain or gzip) and loads it with RLScheduler's rules.
pub fn load_rlscheduler_workload(path: &Path) -> Result<RlsWorkload, CompatError> {
    let origin = path.display().to_string();
    let file = read_swf_records(open_trace_file(path)?, &origin)?;
    rlscheduler_workload(file)
}

/// Applies RLScheduler's loading rules to a SWF file already read:
/// processors = max(allocated, requested); requested time = field 9, or the SWF run time when
/// field 9 is -1; a negative run time becomes 10 s; jobs with run time 0 are dropped; jobs are
/// sorted by id. A job with fewer than one processor is reported as bad (RLScheduler would
/// mis-count its nodes).
pub fn rlscheduler_workload(file: SwfFile) -> Result<RlsWorkload, CompatError> {
    let SwfFile {
        header,
        records,
        mut report,
    } = file;
    let nodes = header
        .max_nodes()
        .filter(|&nodes| nodes >= 1)
        .ok_or_else(|| CompatError::NoMaxNodes {
            origin: report.origin.clone(),
        })?;
    let procs = header
        .max_procs()
        .filter(|&procs| procs >= 1)
        .unwrap_or(nodes);
    let cluster = RlsCluster {
        nodes: nodes as i64,
        procs_per_node: procs as f64 / nodes as f64,
    };
    let mut jobs = Vec::with_capacity(records.len());
    let mut dropped_zero_run = 0;
    for record in &records {
        match rlscheduler_job(record) {
            Ok(Some(job)) => jobs.push(job),
            Ok(None) => dropped_zero_run += 1,
            Err(reason) => report.reject(record.line, reason),
        }
    }
    report.bad.sort_by_key(|bad| bad.line);
    jobs.sort_by_key(|job| job.id);
    report.loaded = jobs.len();
    Ok(RlsWorkload {
        jobs,
        cluster,
        report,
        dropped_zero_run,
    })
}

/// One record under RLScheduler's rules: `Ok(None)` when the rules drop it.
fn rlscheduler_job(record: &SwfRecord) -> Result<Option<RlsJob>, String> {
    let procs = record.allocated_procs.max(record.requested_procs);
    if procs < 1 {
        return Err(format!(
            "processor count unknown: allocated {}, requested {} (accepted: at least one of them >= 1)",
            record.allocated_procs, record.requested_procs
        ));
    }
    // The requested time falls back to the run time as written, before the negative-run fix.
    let requested_secs = if record.requested_secs == -1 {
        record.run_secs
    } else {
        record.requested_secs
    };
    let run_secs = if record.run_secs < 0 {
        UNKNOWN_RUN_SECS
    } else {
        record.run_secs
    };
    if run_secs == 0 {
        return Ok(None);
    }
    Ok(Some(RlsJob {
        id: record.job_id,
        line: record.line,
        submit_secs: record.submit_secs,
        run_secs,
        requested_secs,
        procs,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
; MaxNodes: 64
; MaxProcs: 128
3 20 -1 50 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1
1 0 -1 -1 2 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1
2 10 -1 0 8 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1
4 30 -1 40 3 -1 -1 5 100 -1 1 -1 -1 -1 0 -1 -1 -1
5 40 -1 40 -1 -1 -1 -1 100 -1 1 -1 -1 -1 0 -1 -1 -1
";

    fn load(text: &str) -> Result<RlsWorkload, CompatError> {
        rlscheduler_workload(read_swf_records(text.as_bytes(), "inline").unwrap())
    }

    #[test]
    fn loading_rules_match_rlscheduler() {
        let workload = load(SAMPLE).unwrap();
        assert_eq!(workload.cluster.nodes, 64);
        assert_eq!(workload.cluster.procs_per_node, 2.0);
        let jobs: Vec<(i64, i64, i64, i64)> = workload
            .jobs
            .iter()
            .map(|j| (j.id, j.run_secs, j.requested_secs, j.procs))
            .collect();
        assert_eq!(
            jobs,
            vec![(1, 10, -1, 2), (3, 50, 50, 4), (4, 40, 100, 5),],
            "sorted by id; negative run -> 10 with the request from the raw run; max of procs"
        );
        assert_eq!(workload.dropped_zero_run, 1);
        assert_eq!(workload.report.bad.len(), 1);
        assert_eq!(workload.report.bad[0].line, 7);
        assert_eq!(workload.report.loaded, 3);
        assert_eq!(workload.cluster.nodes_for(5), 3);
    }

    #[test]
    fn a_trace_without_max_nodes_cannot_size_the_cluster() {
        let err = load("1 0 -1 5 1 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "inline: no `; MaxNodes:` header line; the RLScheduler mode sizes its cluster from it \
             (accepted: a SWF header line such as `; MaxNodes: 256`)"
        );
    }
}
