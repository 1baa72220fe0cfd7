//! `corral-scheduler`: runs one scheduler node until Ctrl-C / SIGINT.
//!
//! `corral-scheduler --data-dir DIR` alone starts a working single-node cluster;
//! `--config FILE` reads every setting from one TOML file (see `corral_scheduler::Config`);
//! `--data-dir` and `--listen` override the file.

use anyhow::Context;
use clap::Parser;
use corral_scheduler::{Config, Scheduler};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "corral-scheduler",
    version,
    about = "Corral's replicated scheduler daemon"
)]
struct Args {
    /// The TOML config file (every field optional; unknown fields are refused).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Where the Raft log and snapshots are kept (overrides `data_dir`).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// HOST:PORT to serve gRPC on (overrides `listen`).
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    if let Some(dir) = args.data_dir {
        config.data_dir = Some(dir);
    }
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    let checked = config.check()?;
    let scheduler = Scheduler::start(checked).await?;
    eprintln!(
        "corral-scheduler: node {} serving on {}",
        scheduler.node().id(),
        scheduler.local_addr()
    );
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    scheduler.shutdown().await?;
    Ok(())
}
