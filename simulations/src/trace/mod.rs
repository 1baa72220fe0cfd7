//! Trace readers: turn a workload trace file (SWF, Philly CSV, Tiresias CSV, Corral's native CSV)
//! into one common list of [`TraceJob`]s plus a [`TraceReport`] that accounts for every line.
//!
//! A line that cannot be a job is never fatal and never dropped silently: it becomes a
//! [`BadRecord`] with its 1-based line number and a reason. Only problems that make the whole
//! file unreadable (I/O, an unknown format, a wrong CSV header) are errors.

mod csv;
mod error;
mod fields;
mod format;
pub mod native;
pub mod philly;
mod source;
pub mod swf;
pub mod tiresias;

pub use error::TraceError;
pub use format::{detect_format, TraceFormat, UnknownFormatName};
pub use source::open_trace_file;

use serde::Serialize;
use std::path::Path;

/// One job of a trace, in the units the simulator uses (seconds, GPU counts).
///
/// SWF traces describe processors, not GPUs: a SWF job's `gpus` is its processor count
/// (the larger of allocated and requested processors), one schedulable unit per processor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceJob {
    /// Job id, unique within the trace.
    pub id: u64,
    /// Submit time, seconds from the trace's origin.
    pub submit_secs: u64,
    /// How long the job actually ran, seconds.
    pub run_secs: u64,
    /// The user's time limit (walltime request), seconds, when the trace has one.
    pub requested_secs: Option<u64>,
    /// Total GPUs (or SWF processors) the job needs.
    pub gpus: u32,
    /// GPUs per node, when the trace fixes the job's shape.
    pub gpus_per_node: Option<u32>,
    /// Number of nodes, when the trace fixes the job's shape.
    pub nodes: Option<u32>,
    pub user: Option<String>,
    /// Account (SWF group, Philly virtual cluster).
    pub account: Option<String>,
    pub gpu_model: Option<String>,
    /// Partition (SWF queue number).
    pub partition: Option<String>,
    pub qos: Option<String>,
    /// Job name (Tiresias model name).
    pub name: Option<String>,
}

impl TraceJob {
    /// A job with only the required fields set; every optional field is `None`.
    pub fn new(id: u64, submit_secs: u64, run_secs: u64, gpus: u32) -> Self {
        TraceJob {
            id,
            submit_secs,
            run_secs,
            requested_secs: None,
            gpus,
            gpus_per_node: None,
            nodes: None,
            user: None,
            account: None,
            gpu_model: None,
            partition: None,
            qos: None,
            name: None,
        }
    }
}

/// A line that looked like a job but could not be one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadRecord {
    /// 1-based line number in the (decompressed) file.
    pub line: u64,
    pub reason: String,
}

/// What happened to every line of a trace file.
///
/// `lines == header_lines + comment_lines + blank_lines + loaded + bad.len()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceReport {
    /// Where the trace came from (a path, or a label for in-memory input).
    pub origin: String,
    pub format: TraceFormat,
    /// Lines read, including header, comments and blank lines.
    pub lines: u64,
    /// Column-header lines (CSV formats).
    pub header_lines: u64,
    /// Comment lines (`;` in SWF, `#` in the native format).
    pub comment_lines: u64,
    pub blank_lines: u64,
    /// Jobs loaded.
    pub loaded: usize,
    /// Lines rejected, with their reasons, in file order.
    pub bad: Vec<BadRecord>,
    /// Unix time (seconds) of `submit_secs == 0`, for traces with absolute timestamps (Philly).
    pub origin_unix_secs: Option<i64>,
}

impl TraceReport {
    /// An empty report for a trace about to be read.
    pub fn new(origin: &str, format: TraceFormat) -> Self {
        TraceReport {
            origin: origin.to_string(),
            format,
            lines: 0,
            header_lines: 0,
            comment_lines: 0,
            blank_lines: 0,
            loaded: 0,
            bad: Vec::new(),
            origin_unix_secs: None,
        }
    }

    /// Records a rejected line.
    pub fn reject(&mut self, line: u64, reason: impl Into<String>) {
        self.bad.push(BadRecord {
            line,
            reason: reason.into(),
        });
    }
}

/// A loaded trace: its jobs, ordered by submit time then id, and the report on its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trace {
    pub jobs: Vec<TraceJob>,
    pub report: TraceReport,
}

/// Gathers a reader's jobs; at the end, refuses every id seen on an earlier line.
#[derive(Default)]
pub(crate) struct JobCollector {
    jobs: Vec<TraceJob>,
    lines: Vec<u64>,
}

impl JobCollector {
    /// Keeps the job read from `line`.
    pub(crate) fn add(&mut self, line: u64, job: TraceJob) {
        self.jobs.push(job);
        self.lines.push(line);
    }

    /// The trace: repeated ids rejected (the first line keeps the id), jobs in arrival order
    /// (submit time, then id), `report.bad` in line order, `report.loaded` filled in.
    pub(crate) fn finish(self, mut report: TraceReport) -> Trace {
        let JobCollector { jobs, lines } = self;
        let repeated = repeated_ids(&jobs, &lines);
        let mut jobs: Vec<TraceJob> = if repeated.is_empty() {
            jobs
        } else {
            let mut keep = vec![true; jobs.len()];
            for &(index, first_line) in &repeated {
                keep[index] = false;
                report.reject(
                    lines[index],
                    format!(
                        "job id {} repeats (first on line {first_line})",
                        jobs[index].id
                    ),
                );
            }
            jobs.into_iter()
                .zip(keep)
                .filter_map(|(job, keep)| keep.then_some(job))
                .collect()
        };
        jobs.sort_by_key(|job| (job.submit_secs, job.id));
        report.bad.sort_by_key(|bad| bad.line);
        report.loaded = jobs.len();
        Trace { jobs, report }
    }
}

/// (index, line of the id's first use) of every job whose id a job on an earlier line has.
fn repeated_ids(jobs: &[TraceJob], lines: &[u64]) -> Vec<(usize, u64)> {
    let mut by_id: Vec<(u64, u64, usize)> = jobs
        .iter()
        .zip(lines)
        .enumerate()
        .map(|(index, (job, &line))| (job.id, line, index))
        .collect();
    by_id.sort_unstable();
    let mut repeated = Vec::new();
    let mut first: Option<(u64, u64)> = None;
    for &(id, line, index) in &by_id {
        match first {
            Some((first_id, first_line)) if first_id == id => repeated.push((index, first_line)),
            _ => first = Some((id, line)),
        }
    }
    repeated
}

/// Loads a trace file (plain or gzip-compressed) in the given format, or the detected one when
/// `format` is `None` (see [`detect_format`]).
pub fn load_trace(path: &Path, format: Option<TraceFormat>) -> Result<Trace, TraceError> {
    let format = match format {
        Some(format) => format,
        None => detect_format(path)?,
    };
    let origin = path.display().to_string();
    let reader = open_trace_file(path)?;
    match format {
        TraceFormat::Swf => swf::read_swf(reader, &origin),
        TraceFormat::Philly => philly::read_philly(reader, &origin),
        TraceFormat::Tiresias => tiresias::read_tiresias(reader, &origin),
        TraceFormat::Native => native::read_native(reader, &origin),
    }
}
