//! Per-job CSV: one row per job of the replay, in input order.

use crate::engine::JobRecord;
use std::io::{self, Write};

const HEADER: &str = "trace_id,user,account,gpus,submit_secs,start_secs,end_secs,wait_secs,run_secs,jct_secs,bounded_slowdown,state,runs,gpu_secs";

/// Writes the header and one row per job. Empty cells for times a job never reached.
pub fn write_jobs_csv(out: &mut dyn Write, records: &[JobRecord]) -> io::Result<()> {
    writeln!(out, "{HEADER}")?;
    for r in records {
        let opt = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
        let ran = r.ended_after_running();
        let wait = r.wait_secs().filter(|_| ran);
        let run = ran.then(|| r.run_secs());
        let jct = wait.zip(run).map(|(w, x)| w + x);
        let slowdown = wait
            .zip(run)
            .map(|(w, x)| format!("{:.4}", super::bounded_slowdown(w, x)))
            .unwrap_or_default();
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            r.trace_id,
            quote(&r.user),
            quote(&r.account),
            r.gpus,
            r.submit_secs,
            opt(r.start_secs),
            opt(r.end_secs),
            opt(wait),
            opt(run),
            opt(jct),
            slowdown,
            r.state.name(),
            r.runs,
            r.gpu_secs
        )?;
    }
    Ok(())
}

/// A CSV cell: quoted (with doubled quotes) when it holds a comma, quote or line break.
fn quote(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}
