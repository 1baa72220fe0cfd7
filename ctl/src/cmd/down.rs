//! `corral down`: stops the local cluster `corral up` started here — agents first, then the
//! schedulers — and keeps `./.corral/` so that `corral up` resumes the same state. Jobs still
//! running are left running (their supervisors outlive the agents, which adopt them again at the
//! next `up`); the output says how many there were.

use crate::client::Client;
use crate::exit::{finish, Failure};
use crate::local::layout::{Daemon, Layout};
use crate::local::process::alive;
use crate::local::stop::stop;
use std::process::ExitCode;
use std::time::Duration;

/// Stop the local cluster started here (its state is kept for the next `corral up`)
#[derive(clap::Args)]
pub struct DownArgs {
    /// Seconds to wait for the daemons to stop before killing them
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    wait: u64,
}

pub fn run(args: DownArgs) -> ExitCode {
    finish("down", down(&args))
}

fn down(args: &DownArgs) -> Result<(), Failure> {
    let layout = Layout::here()?;
    let daemons = layout.pid_files();
    let live: Vec<(Daemon, u32)> = daemons
        .iter()
        .copied()
        .filter(|(d, pid)| alive(*pid, d.binary()))
        .collect();
    if live.is_empty() {
        for (daemon, _) in &daemons {
            let _ = std::fs::remove_file(layout.pid_file(*daemon));
        }
        println!("No local cluster is running here.");
        return Ok(());
    }
    let running_jobs = running_jobs(&layout, &live);
    let stopped = stop(&layout, &daemons, Duration::from_secs(args.wait));
    println!(
        "Stopped {} agent(s) and {} scheduler(s){}.",
        stopped.agents,
        stopped.schedulers,
        if stopped.killed.is_empty() {
            String::new()
        } else {
            format!(" ({} needed SIGKILL)", stopped.killed.join(", "))
        }
    );
    match running_jobs {
        Some(0) => {}
        Some(n) => println!(
            "{n} job(s) were running: their processes keep running, and the agents adopt them \
             again at the next `corral up`."
        ),
        None => println!("(The scheduler did not say how many jobs were running.)"),
    }
    println!(
        "State is kept in {}; `corral up` resumes it.",
        layout.root().display()
    );
    if stopped.left.is_empty() {
        Ok(())
    } else {
        Err(Failure::refused(format!(
            "still running after SIGKILL: {}",
            stopped.left.join(", ")
        )))
    }
}

/// Jobs RUNNING or COMPLETING, by the scheduler's count, when a scheduler is up to say.
fn running_jobs(layout: &Layout, live: &[(Daemon, u32)]) -> Option<u64> {
    if !live.iter().any(|(d, _)| matches!(d, Daemon::Scheduler(_))) {
        return None;
    }
    let addrs = layout.saved_addresses();
    if addrs.is_empty() {
        return None;
    }
    let mut client = Client::to(addrs, Duration::from_secs(2)).ok()?;
    client.cluster_status().ok().map(|s| s.running_jobs)
}
