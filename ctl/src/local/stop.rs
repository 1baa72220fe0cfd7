//! Stopping local daemons: SIGINT (on which `corral-scheduler` and `corral-agent` shut down
//! cleanly; they do not handle SIGTERM), then SIGKILL for any still alive after the wait. Agents
//! go first, so that none is left talking to a scheduler that is gone. Job processes are left
//! alone: their supervisors outlive the agent, which adopts them again when it restarts.

use super::layout::{Daemon, Layout};
use super::process::{alive, signal, wait_gone};
use std::time::Duration;

/// What stopping did.
#[derive(Debug, Default)]
pub struct Stopped {
    pub schedulers: usize,
    pub agents: usize,
    /// Daemons that needed SIGKILL.
    pub killed: Vec<String>,
    /// Daemons still alive even after SIGKILL (their pid files are kept).
    pub left: Vec<String>,
}

/// Stops `daemons` (agents, then schedulers) and removes the pid files of those gone.
pub fn stop(layout: &Layout, daemons: &[(Daemon, u32)], wait: Duration) -> Stopped {
    let mut stopped = Stopped::default();
    let agents: Vec<(Daemon, u32)> = daemons
        .iter()
        .copied()
        .filter(|(d, _)| matches!(d, Daemon::Agent(_)))
        .collect();
    let schedulers: Vec<(Daemon, u32)> = daemons
        .iter()
        .copied()
        .filter(|(d, _)| matches!(d, Daemon::Scheduler(_)))
        .collect();
    for group in [agents, schedulers] {
        stop_group(layout, &group, wait, &mut stopped);
    }
    stopped
}

fn stop_group(layout: &Layout, group: &[(Daemon, u32)], wait: Duration, out: &mut Stopped) {
    let live: Vec<(Daemon, u32)> = group
        .iter()
        .copied()
        .filter(|(d, pid)| alive(*pid, d.binary()))
        .collect();
    for (_, pid) in &live {
        signal(*pid, libc::SIGINT);
    }
    let procs: Vec<(u32, &str)> = live.iter().map(|(d, pid)| (*pid, d.binary())).collect();
    let mut left = wait_gone(&procs, wait);
    if !left.is_empty() {
        for (daemon, pid) in live.iter().filter(|(_, pid)| left.contains(pid)) {
            signal(*pid, libc::SIGKILL);
            out.killed.push(daemon.name());
        }
        left = wait_gone(&procs, Duration::from_secs(2));
    }
    for (daemon, pid) in group {
        if left.contains(pid) {
            out.left.push(daemon.name());
            continue;
        }
        let _ = std::fs::remove_file(layout.pid_file(*daemon));
        if live.iter().any(|(_, p)| p == pid) {
            match daemon {
                Daemon::Scheduler(_) => out.schedulers += 1,
                Daemon::Agent(_) => out.agents += 1,
            }
        }
    }
}
