//! `corral sim`: offline replay of a trace. Today: the RLScheduler compatibility mode
//! (`--compat rlscheduler`), which reproduces the published Lublin-1 table of RLScheduler
//! (Zhang et al., SC'20). The event-driven replay through Corral's own policies comes next.

use clap::{Args, Subcommand, ValueEnum};
use corral_simulations::compat::rlscheduler::{run_rlscheduler_file, Order};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct SimArgs {
    #[command(subcommand)]
    command: SimCommand,
}

#[derive(Subcommand)]
enum SimCommand {
    /// Replay one trace and print its metrics.
    Run(RunArgs),
}

#[derive(Args)]
struct RunArgs {
    /// The trace file (SWF, optionally gzipped).
    #[arg(long)]
    trace: PathBuf,
    /// A compatibility mode that replays as a published study did.
    #[arg(long, value_enum)]
    compat: Option<Compat>,
    /// Queue order of the compatibility mode.
    #[arg(long, value_enum, default_value = "fcfs")]
    order: OrderArg,
    /// Let later jobs start early when they don't delay the head of the queue.
    #[arg(long)]
    backfill: bool,
    /// Print one JSON object instead of a summary.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Compat {
    /// RLScheduler (SC'20): 10 windows of 1,024 Lublin jobs, mean bounded slowdown.
    Rlscheduler,
}

#[derive(Clone, Copy, ValueEnum)]
enum OrderArg {
    Fcfs,
    Sjf,
}

pub fn run(args: SimArgs) -> ExitCode {
    match args.command {
        SimCommand::Run(run) => sim_run(run),
    }
}

fn sim_run(args: RunArgs) -> ExitCode {
    let Some(Compat::Rlscheduler) = args.compat else {
        eprintln!(
            "corral sim run: replay through Corral's own policies is not built yet (issue 4); \
             use --compat rlscheduler"
        );
        return ExitCode::from(2);
    };
    let order = match args.order {
        OrderArg::Fcfs => Order::Fcfs,
        OrderArg::Sjf => Order::Sjf,
    };
    match run_rlscheduler_file(&args.trace, order, args.backfill) {
        Err(e) => {
            eprintln!("corral sim run: {}: {e}", args.trace.display());
            ExitCode::from(1)
        }
        Ok(result) if args.json => match serde_json::to_string_pretty(&result) {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("corral sim run: cannot encode the result: {e}");
                ExitCode::from(1)
            }
        },
        Ok(result) => {
            for w in &result.windows {
                println!(
                    "window at job {:>5}: mean bounded slowdown {:>10.2}",
                    w.start_index, w.mean_bounded_slowdown
                );
            }
            println!(
                "rlscheduler {order} backfill={}: mean bounded slowdown {:.2}",
                args.backfill, result.mean_bounded_slowdown
            );
            ExitCode::SUCCESS
        }
    }
}
