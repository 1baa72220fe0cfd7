//! The readable summary of one replay: what was replayed, the headline numbers, and a table of
//! wait, JCT and bounded slowdown statistics. Every line fits in 100 columns.

use super::inputs::bad_records_line;
use crate::human::approx_duration as duration;
use crate::table::key_value;
use corral_simulations::metrics::Summary;
use corral_simulations::trace::Trace;
use corral_simulations::Report;
use std::fmt::Write;

/// What the report does not say about its own inputs.
pub struct RunContext<'a> {
    pub trace: &'a Trace,
    pub cluster: &'a str,
    pub policy: &'a str,
}

/// The whole summary, ending in a newline.
pub fn render(report: &Report, context: &RunContext) -> String {
    let trace = &context.trace.report;
    let states: Vec<String> = report
        .states
        .iter()
        .map(|(state, count)| format!("{state} {count}"))
        .collect();
    let rows: Vec<(&str, String)> = vec![
        (
            "trace",
            format!("{} ({}, {} jobs)", trace.origin, trace.format, trace.loaded),
        ),
        ("bad records", bad_records_line(context.trace)),
        (
            "cluster",
            format!(
                "{} nodes, {} GPUs ({})",
                report.cluster_nodes, report.cluster_gpus, context.cluster
            ),
        ),
        ("policy", context.policy.to_string()),
        (
            "jobs",
            format!(
                "{} ({}); never started {}",
                report.jobs,
                states.join(", "),
                report.never_started
            ),
        ),
        ("makespan", duration(report.makespan_secs)),
        ("utilisation", format!("{:.1}%", report.utilisation * 100.0)),
        (
            "queue length",
            format!(
                "mean {:.2}, max {}",
                report.mean_queue_length, report.max_queue_length
            ),
        ),
        (
            "fairness",
            format!(
                "Jain index {:.3} over {} accounts",
                report.jain_fairness,
                report.accounts.len()
            ),
        ),
    ];
    let mut out = key_value(&rows);
    out.push('\n');
    out.push_str(&statistics_table(report));
    out
}

const COLUMNS: [&str; 5] = ["mean", "p50", "p95", "p99", "max"];

/// `metric  mean  p50  p95  p99  max`, one row each for wait, JCT and bounded slowdown.
fn statistics_table(report: &Report) -> String {
    let mut out = format!("{:<18}", "");
    for column in COLUMNS {
        let _ = write!(out, "{column:>11}");
    }
    out.push('\n');
    let secs = |v: f64| duration(v.round() as u64);
    let plain = |v: f64| format!("{v:.2}");
    row(&mut out, "wait", &report.wait_secs, secs);
    row(&mut out, "JCT", &report.jct_secs, secs);
    row(
        &mut out,
        "bounded slowdown",
        &report.bounded_slowdown,
        plain,
    );
    out
}

fn row(out: &mut String, name: &str, s: &Summary, show: impl Fn(f64) -> String) {
    let _ = write!(out, "{name:<18}");
    for value in [s.mean, s.p50, s.p95, s.p99, s.max] {
        let _ = write!(out, "{:>11}", show(value));
    }
    out.push('\n');
}
