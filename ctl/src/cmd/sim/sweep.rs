//! `corral sim sweep`: replay one trace on clusters of several GPU counts in parallel, print a
//! table and the smallest size that meets the target; optionally write sweep.json and charts.

use super::inputs::{self, FormatArg};
use super::outputs;
use super::progress::Progress;
use crate::human::approx_duration as duration;
use anyhow::Context;
use clap::Args;
use corral_simulations::engine::SimJob;
use corral_simulations::sweep::{run_sweep, Sweep, SweepSpec, Target};
use corral_simulations::SimOptions;
use std::fmt::Write;
use std::path::PathBuf;
use std::sync::Mutex;

#[derive(Args)]
pub struct SweepArgs {
    /// The trace file (plain or gzip-compressed).
    #[arg(long, value_name = "FILE")]
    trace: PathBuf,
    /// Trace format [default: detected from the file name and first line].
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Cluster sizes to try, in GPUs, comma-separated (each a whole number of nodes).
    #[arg(long, value_name = "LIST", value_delimiter = ',', required = true)]
    gpus: Vec<u64>,
    /// GPUs per node of every cluster tried.
    #[arg(long, value_name = "G", default_value_t = 8)]
    gpus_per_node: u32,
    /// GPU model of every node.
    #[arg(long, value_name = "M")]
    gpu_model: Option<String>,
    /// Admin policy file (TOML) [default: the built-in policy].
    #[arg(long, value_name = "policy.toml")]
    policy: Option<PathBuf>,
    /// What a cluster must achieve: STAT-METRIC<=LIMIT with STAT one of mean, p50, p95, p99,
    /// max and METRIC one of wait, jct (durations: 90s, 30m, 1h, 2d) or bsld (a number).
    #[arg(long, value_name = "TARGET", default_value = "p95-wait<=1h")]
    target: Target,
    /// Most replays at once [default: the number of CPUs].
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Print the sweep as one JSON object instead of a table.
    #[arg(long)]
    json: bool,
    /// Write sweep.json and sweep.svg/.png into this directory.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub fn run(args: SweepArgs) -> anyhow::Result<()> {
    let trace = inputs::trace(&args.trace, args.format)?;
    let (policy, _) = inputs::policy(args.policy.as_deref())?;
    let jobs: Vec<SimJob> = trace.jobs.iter().map(SimJob::from).collect();
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let options = SimOptions::default();
    let spec = SweepSpec {
        jobs: &jobs,
        gpu_counts: args.gpus.clone(),
        gpus_per_node: args.gpus_per_node,
        gpu_model: args.gpu_model.clone(),
        policy: &policy,
        options: &options,
        target: args.target.clone(),
        threads,
    };
    let progress = Mutex::new(Progress::new("sweep", "cluster sizes"));
    let on_point = |done: usize, total: usize| {
        if let Ok(mut p) = progress.lock() {
            p.update(done, total);
        }
    };
    let sweep = run_sweep(&spec, &on_point)?;
    if let Ok(mut p) = progress.lock() {
        p.finish();
    }
    let json = serde_json::to_string_pretty(&sweep).context("cannot encode the sweep")?;
    if let Some(dir) = &args.out {
        outputs::create(dir)?;
        outputs::write_file(dir, "sweep.json", json.as_bytes())?;
        outputs::write_charts(dir, "sweep", &sweep.charts())?;
    }
    if args.json {
        println!("{json}");
        return Ok(());
    }
    if !trace.report.bad.is_empty() {
        println!("bad records  {}", inputs::bad_records_line(&trace));
    }
    print!("{}", table(&sweep));
    println!("{}", sweep.recommendation());
    if let Some(dir) = &args.out {
        println!(
            "wrote sweep.json, sweep.svg and sweep.png to {}",
            dir.display()
        );
    }
    Ok(())
}

/// One row per cluster size: GPUs, nodes, p95 and mean wait, utilisation, never started, and
/// the target statistic's value and whether it meets the target.
fn table(sweep: &Sweep) -> String {
    let mut out = format!(
        "{:>7} {:>6} {:>11} {:>11} {:>7} {:>9} {:>10}  meets {}\n",
        "GPUs", "nodes", "p95 wait", "mean wait", "util", "unstarted", "value", sweep.target
    );
    for p in &sweep.points {
        let value = match sweep.target_spec.metric {
            corral_simulations::sweep::Metric::Bsld => format!("{:.2}", p.target_value),
            _ => duration(p.target_value.round() as u64),
        };
        let _ = writeln!(
            out,
            "{:>7} {:>6} {:>11} {:>11} {:>6.1}% {:>9} {:>10}  {}",
            p.gpus,
            p.nodes,
            duration(p.p95_wait_secs.round() as u64),
            duration(p.mean_wait_secs.round() as u64),
            p.utilisation * 100.0,
            p.never_started,
            value,
            if p.meets_target { "yes" } else { "no" }
        );
    }
    out
}
