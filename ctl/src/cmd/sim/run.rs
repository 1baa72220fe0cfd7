//! `corral sim run`: replay a trace through Corral's policies on a simulated cluster and print a
//! summary or the report JSON; optionally write the report, per-job CSV and plots.

use super::cluster::ClusterArgs;
use super::compat::{self, Compat, OrderArg};
use super::inputs::{self, FormatArg};
use super::progress::Progress;
use super::{outputs, summary};
use anyhow::bail;
use clap::Args;
use corral_simulations::{simulate_trace, SimOptions};
use std::path::PathBuf;

#[derive(Args)]
pub struct RunArgs {
    /// The trace file (plain or gzip-compressed).
    #[arg(long, value_name = "FILE")]
    trace: PathBuf,
    /// Trace format [default: detected from the file name and first line].
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    #[command(flatten)]
    cluster: ClusterArgs,
    /// Admin policy file (TOML) [default: the built-in policy].
    #[arg(long, value_name = "policy.toml")]
    policy: Option<PathBuf>,
    /// Print the report as one JSON object instead of a summary.
    #[arg(long)]
    json: bool,
    /// Write report.json, jobs.csv and plots (SVG and PNG) into this directory.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Replay as a published study did instead (its own loader, cluster and metric).
    #[arg(long, value_enum, conflicts_with_all = ["format", "policy", "out"])]
    compat: Option<Compat>,
    /// Queue order of the compatibility mode.
    #[arg(long, value_enum, default_value = "fcfs")]
    order: OrderArg,
    /// Compatibility mode: let later jobs start early when they don't delay the queue's head.
    #[arg(long)]
    backfill: bool,
}

pub fn run(args: RunArgs) -> anyhow::Result<()> {
    if let Some(Compat::Rlscheduler) = args.compat {
        if args.cluster.given() {
            bail!("--compat rlscheduler replays on its own 256-node cluster; drop the cluster options");
        }
        return compat::run(&args.trace, args.order, args.backfill, args.json);
    }
    if args.backfill {
        bail!("--backfill belongs to --compat rlscheduler; Corral's own backfill is set in the policy file ([backfill] enabled)");
    }
    let trace = inputs::trace(&args.trace, args.format)?;
    let (nodes, cluster_name) = args.cluster.nodes()?;
    let (policy, policy_name) = inputs::policy(args.policy.as_deref())?;
    let mut progress = Progress::new("replay", "jobs");
    let mut on_progress = |done: usize, total: usize| progress.update(done, total);
    let report = simulate_trace(
        &trace.jobs,
        nodes,
        &policy,
        &SimOptions::default(),
        Some(&mut on_progress),
    )?;
    progress.finish();
    let written = match &args.out {
        Some(dir) => outputs::write_run(dir, &report)?,
        None => Vec::new(),
    };
    if args.json {
        println!("{}", report.to_json());
        return Ok(());
    }
    let context = summary::RunContext {
        trace: &trace,
        cluster: &cluster_name,
        policy: &policy_name,
    };
    print!("{}", summary::render(&report, &context));
    if let Some(dir) = &args.out {
        println!("\nwrote {} files to {}", written.len(), dir.display());
    }
    Ok(())
}
