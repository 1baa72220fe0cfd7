//! Inputs shared by `sim run` and `sim sweep`: the trace (format detected or named) and the
//! admin policy file (or the built-in policy).

use anyhow::Context;
use clap::ValueEnum;
use corral_policies::config::{parse_policy, Policy};
use corral_simulations::trace::{load_trace, Trace, TraceFormat};
use std::path::Path;

/// Trace formats as command-line values.
#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Standard Workload Format (plain or .gz); one GPU per processor.
    Swf,
    /// Microsoft Philly CSV.
    Philly,
    /// Tiresias job CSV.
    Tiresias,
    /// Corral's own CSV (simulations/TRACE_FORMAT.md).
    Native,
}

impl From<FormatArg> for TraceFormat {
    fn from(format: FormatArg) -> TraceFormat {
        match format {
            FormatArg::Swf => TraceFormat::Swf,
            FormatArg::Philly => TraceFormat::Philly,
            FormatArg::Tiresias => TraceFormat::Tiresias,
            FormatArg::Native => TraceFormat::Native,
        }
    }
}

/// Loads the trace; bad lines are kept in its report, not errors.
pub fn trace(path: &Path, format: Option<FormatArg>) -> anyhow::Result<Trace> {
    Ok(load_trace(path, format.map(TraceFormat::from))?)
}

/// The policy file's policy, or the built-in one; the second value names which.
pub fn policy(path: Option<&Path>) -> anyhow::Result<(Policy, String)> {
    let Some(path) = path else {
        return Ok((Policy::default(), "built-in default".to_string()));
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the policy file", path.display()))?;
    let name = path.display().to_string();
    let policy = parse_policy(&name, &text).map_err(|errors| anyhow::anyhow!("{errors}"))?;
    Ok((policy, name))
}

/// `1 (line 9): <reason>` or `3 (lines 9, 12, 40): line 9: <reason>`, or `none`; at most five
/// line numbers.
pub fn bad_records_line(trace: &Trace) -> String {
    const SHOWN: usize = 5;
    let bad = &trace.report.bad;
    match bad.as_slice() {
        [] => "none".to_string(),
        [only] => format!("1 (line {}): {}", only.line, only.reason),
        [first, ..] => {
            let lines: Vec<String> = bad.iter().take(SHOWN).map(|b| b.line.to_string()).collect();
            let more = if bad.len() > SHOWN { ", …" } else { "" };
            format!(
                "{} (lines {}{more}): line {}: {}",
                bad.len(),
                lines.join(", "),
                first.line,
                first.reason
            )
        }
    }
}
