//! Errors that stop a trace from being read at all (bad lines are not errors: see `BadRecord`).

use std::io;

/// Why a trace file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    #[error("{origin}: cannot read: {source}")]
    Io {
        origin: String,
        #[source]
        source: io::Error,
    },
    #[error(
        "{origin}: cannot tell the trace format: {detail} (accepted: a .swf or .swf.gz file; a .csv \
         whose header is Philly's `timestamp,duration,num_gpus,gpu_time,cluster`, Tiresias's \
         `job_id,num_gpu,submit_time,...`, or Corral's native one with a `submit_secs` column)"
    )]
    UnknownFormat { origin: String, detail: String },
    #[error("{origin}: line {line}: {problem} (expected: {expected})")]
    BadHeader {
        origin: String,
        line: u64,
        problem: String,
        expected: String,
    },
}

impl TraceError {
    pub(crate) fn io(origin: &str, source: io::Error) -> Self {
        TraceError::Io {
            origin: origin.to_string(),
            source,
        }
    }

    pub(crate) fn header(
        origin: &str,
        line: u64,
        problem: impl Into<String>,
        expected: impl Into<String>,
    ) -> Self {
        TraceError::BadHeader {
            origin: origin.to_string(),
            line,
            problem: problem.into(),
            expected: expected.into(),
        }
    }
}
