//! `corral sim run --compat rlscheduler`: the RLScheduler replay of the Lublin-1 windows, printed
//! as one JSON object or one line per window.

use anyhow::Context;
use clap::ValueEnum;
use corral_simulations::compat::rlscheduler::{run_rlscheduler_file, Order};
use std::path::Path;

#[derive(Clone, Copy, ValueEnum)]
pub enum Compat {
    /// RLScheduler (SC'20): 10 windows of 1,024 Lublin jobs, mean bounded slowdown.
    Rlscheduler,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OrderArg {
    Fcfs,
    Sjf,
}

/// Runs the compatibility replay and prints its result.
pub fn run(trace: &Path, order: OrderArg, backfill: bool, json: bool) -> anyhow::Result<()> {
    let order = match order {
        OrderArg::Fcfs => Order::Fcfs,
        OrderArg::Sjf => Order::Sjf,
    };
    let result = run_rlscheduler_file(trace, order, backfill)
        .with_context(|| trace.display().to_string())?;
    if json {
        let text = serde_json::to_string_pretty(&result).context("cannot encode the result")?;
        println!("{text}");
        return Ok(());
    }
    for w in &result.windows {
        println!(
            "window at job {:>5}: mean bounded slowdown {:>10.2}",
            w.start_index, w.mean_bounded_slowdown
        );
    }
    println!(
        "rlscheduler {order} backfill={backfill}: mean bounded slowdown {:.2}",
        result.mean_bounded_slowdown
    );
    Ok(())
}
