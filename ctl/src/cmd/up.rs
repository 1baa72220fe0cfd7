//! `corral up`: a local cluster in `./.corral/` — one scheduler (or three, replicated) and N
//! agents `node-1..node-N` with fake GPUs — started in the background from the binaries next to
//! `corral`. It waits until a leader answers and every node has registered, then says how to use
//! it. If it does not get there, it stops what it started and shows the log that explains why.
//! Run again after `corral down`, it resumes the same state (same addresses, same data).

use crate::client::Client;
use crate::exit::{finish, Failure};
use crate::local::launch::{start_all, Agents};
use crate::local::layout::{node_name, Daemon, Layout};
use crate::local::ports::addresses;
use crate::local::process::{alive, binary_path, log_tail};
use crate::local::stop::stop;
use crate::view;
use std::path::Path;
use std::process::{Child, ExitCode};
use std::time::{Duration, Instant};

/// Scheduler counts `up` builds: one, or a replicated 3 or 5.
const SCHEDULER_COUNTS: [u32; 3] = [1, 3, 5];
const MAX_AGENTS: u32 = 64;
const DEFAULT_AGENTS: u32 = 2;
const DEFAULT_FAKE_GPUS: &str = "8xH100-80GB";

/// Start a local cluster in ./.corral (scheduler and agents with fake GPUs)
#[derive(clap::Args)]
pub struct UpArgs {
    /// Scheduler nodes: 1, or 3 or 5 replicated through Raft [default: as last time here, else 1]
    #[arg(long, value_name = "N")]
    schedulers: Option<u32>,
    /// Node agents, named node-1 .. node-N [default: as last time here, else 2]
    #[arg(long, value_name = "N")]
    agents: Option<u32>,
    /// GPUs each agent pretends to have: COUNTxMODEL[-MEMGB][,...] [default: as last time here,
    /// else 8xH100-80GB]
    #[arg(long, value_name = "SPEC")]
    fake_gpus: Option<String>,
    /// The first scheduler's port; 0 = any free port [default: as last time here, else 7100 if
    /// free, else any]
    #[arg(long)]
    port: Option<u16>,
    /// Seconds to wait for the cluster to be ready
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    wait: u64,
}

pub fn run(args: UpArgs) -> ExitCode {
    finish("up", up(&args))
}

fn up(args: &UpArgs) -> Result<(), Failure> {
    let layout = Layout::here()?;
    if already_running(&layout)? {
        return Ok(());
    }
    let count = scheduler_count(&layout, args.schedulers)?;
    let saved = layout.saved_settings();
    let agents = Agents {
        count: args.agents.or(saved.agents).unwrap_or(DEFAULT_AGENTS),
        fake_gpus: (args.fake_gpus.clone().or(saved.fake_gpus))
            .unwrap_or_else(|| DEFAULT_FAKE_GPUS.to_string()),
    };
    if !(1..=MAX_AGENTS).contains(&agents.count) {
        return Err(Failure::usage(format!(
            "--agents {}: between 1 and {MAX_AGENTS}",
            agents.count
        )));
    }
    let scheduler_bin = binary_path("corral-scheduler")?;
    let agent_bin = binary_path("corral-agent")?;
    layout.create()?;
    let fresh_cluster = !layout.data_dir(Daemon::Scheduler(1)).is_dir();
    let mut attempt = 1;
    let addrs = loop {
        let addrs = addresses(&layout, count, args.port)?;
        let logged_before = scheduler_log_sizes(&layout, count);
        match start_and_wait(&layout, args, &agents, &addrs, &scheduler_bin, &agent_bin) {
            Ok(()) => break addrs,
            // A port picked free was taken by another program before the scheduler bound it:
            // pick again (a new cluster's half-made state goes; a one-scheduler cluster may
            // move to another port).
            Err(_) if attempt < PORT_ATTEMPTS && lost_a_port(&layout, &logged_before) => {
                if fresh_cluster {
                    for id in 1..=count {
                        let _ = std::fs::remove_dir_all(layout.data_dir(Daemon::Scheduler(id)));
                    }
                } else if count > 1 {
                    return Err(Failure::refused(
                        "a scheduler's port was taken by another program; run `corral up` again",
                    ));
                }
                attempt += 1;
            }
            Err(failure) => return Err(failure),
        }
    };
    print_welcome(&layout, &agents, &addrs);
    Ok(())
}

/// How often `up` picks ports again when one was taken between picking and binding.
const PORT_ATTEMPTS: u32 = 3;

/// Starts every daemon and waits until the cluster is ready; on failure stops what it started.
fn start_and_wait(
    layout: &Layout,
    args: &UpArgs,
    agents: &Agents,
    addrs: &[String],
    scheduler_bin: &Path,
    agent_bin: &Path,
) -> Result<(), Failure> {
    let mut started: Vec<(Daemon, Child)> = Vec::new();
    // Nodes must register after this (a resumed state still lists the nodes of the last run).
    let since_secs = view::now_secs();
    let result = start_all(
        layout,
        agents,
        addrs,
        scheduler_bin,
        agent_bin,
        &mut started,
    )
    .and_then(|()| layout.save_settings(agents.count, &agents.fake_gpus))
    .and_then(|()| wait_ready(layout, args.wait, agents, addrs, since_secs, &mut started));
    if result.is_err() {
        let pids: Vec<(Daemon, u32)> = started.iter().map(|(d, c)| (*d, c.id())).collect();
        stop(layout, &pids, Duration::from_secs(5));
    }
    result
}

/// The sizes of the schedulers' logs (they are appended to across runs), 0 for none yet.
fn scheduler_log_sizes(layout: &Layout, count: u32) -> Vec<usize> {
    (1..=count)
        .map(|id| {
            std::fs::metadata(layout.log_file(Daemon::Scheduler(id)))
                .map_or(0, |m| m.len() as usize)
        })
        .collect()
}

/// Whether a scheduler could not listen because its port was in use, by what its log gained
/// past `logged_before` (one size per scheduler, from `scheduler_log_sizes`).
fn lost_a_port(layout: &Layout, logged_before: &[usize]) -> bool {
    logged_before.iter().enumerate().any(|(i, &before)| {
        let log =
            std::fs::read(layout.log_file(Daemon::Scheduler(i as u32 + 1))).unwrap_or_default();
        String::from_utf8_lossy(log.get(before..).unwrap_or_default())
            .contains("Address already in use")
    })
}

/// Says so and answers `true` when every daemon of a pid file here is alive; clears stale pid
/// files; refuses a cluster that is only partly running.
fn already_running(layout: &Layout) -> Result<bool, Failure> {
    let daemons = layout.pid_files();
    let (live, dead): (Vec<(Daemon, u32)>, Vec<_>) =
        daemons.iter().partition(|(d, pid)| alive(*pid, d.binary()));
    if live.is_empty() {
        for (daemon, _) in &dead {
            let _ = std::fs::remove_file(layout.pid_file(*daemon));
        }
        return Ok(false);
    }
    let names = |list: &[(Daemon, u32)]| {
        list.iter()
            .map(|(d, pid)| format!("{} (pid {pid})", d.name()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if dead.is_empty() {
        println!(
            "A local cluster is already running here: {}; schedulers at {}.\n\
             `corral down` stops it.",
            names(&live),
            layout.saved_addresses().join(",")
        );
        return Ok(true);
    }
    Err(Failure::refused(format!(
        "the local cluster here is only partly running (alive: {}; gone: {}); \
         run `corral down`, then `corral up`",
        names(&live),
        names(&dead)
    )))
}

/// The number of schedulers: as asked (1, 3 or 5), and as before if this directory has one.
fn scheduler_count(layout: &Layout, asked: Option<u32>) -> Result<u32, Failure> {
    let previous = layout
        .data_dir(Daemon::Scheduler(1))
        .is_dir()
        .then(|| layout.saved_addresses().len() as u32)
        .filter(|n| *n > 0);
    let count = asked.or(previous).unwrap_or(1);
    if !SCHEDULER_COUNTS.contains(&count) {
        return Err(Failure::usage(format!(
            "--schedulers {count}: only 1, 3 or 5 (an odd number, for a Raft majority)"
        )));
    }
    if let Some(before) = previous.filter(|before| *before != count) {
        return Err(Failure::usage(format!(
            "the cluster in {} was made with {before} scheduler(s); run `corral up --schedulers \
             {before}`, or remove that directory to start afresh",
            layout.root().display()
        )));
    }
    Ok(count)
}

/// Polls until a leader answers and every agent's node has registered since `since_secs` (and
/// is UP, or DRAIN from an earlier run); fails early when a daemon exits, with its log's end.
fn wait_ready(
    layout: &Layout,
    wait_secs: u64,
    agents: &Agents,
    addrs: &[String],
    since_secs: u64,
    started: &mut [(Daemon, Child)],
) -> Result<(), Failure> {
    let deadline = Instant::now() + Duration::from_secs(wait_secs);
    let mut client = Client::to(addrs.to_vec(), Duration::from_secs(1))?;
    let wanted: Vec<String> = (1..=agents.count).map(node_name).collect();
    loop {
        for (daemon, child) in started.iter_mut() {
            if let Ok(Some(status)) = child.try_wait() {
                let log = layout.log_file(*daemon);
                return Err(Failure::refused(format!(
                    "{} exited ({status}) before the cluster was ready; the end of {}:\n{}\
                     Everything `corral up` started has been stopped.",
                    daemon.name(),
                    log.display(),
                    log_tail(&log, 12)
                )));
            }
        }
        let missing = match not_ready(&mut client, &wanted, since_secs) {
            None => return Ok(()),
            Some(missing) => missing,
        };
        if Instant::now() >= deadline {
            return Err(Failure::refused(format!(
                "the cluster was not ready within {wait_secs} s ({missing}); logs are in {}.\n\
                 The last lines of each log:\n{}\
                 Everything `corral up` started has been stopped; `corral up --wait SECS` \
                 waits longer",
                layout.logs_dir().display(),
                last_lines(layout, started)
            )));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// What is still missing, or `None` when the cluster is ready: a leader, and every wanted node
/// registered (by its agent, at or after `since_secs`) and not DOWN.
fn not_ready(client: &mut Client, wanted: &[String], since_secs: u64) -> Option<String> {
    let status = match client.cluster_status() {
        Ok(status) => status,
        Err(failure) => return Some(format!("no scheduler answering: {failure}")),
    };
    if status.leader_id == 0 {
        return Some("no leader elected yet".into());
    }
    let nodes = match client.list_nodes().and_then(|infos| view::nodes(&infos)) {
        Ok(nodes) => nodes,
        Err(failure) => return Some(format!("cannot list nodes: {failure}")),
    };
    let absent: Vec<String> = wanted
        .iter()
        .filter_map(|name| match nodes.iter().find(|n| n.name() == name) {
            None => Some(format!("{name} not registered")),
            Some(n) if n.last_seen_secs < since_secs => Some(format!("{name} not registered")),
            Some(n) if n.state.name() == "DOWN" => Some(format!("{name} DOWN")),
            Some(_) => None,
        })
        .collect();
    (!absent.is_empty()).then(|| absent.join(", "))
}

/// Each started daemon's last log line, to show why it is not ready.
fn last_lines(layout: &Layout, started: &[(Daemon, Child)]) -> String {
    started
        .iter()
        .map(|(daemon, _)| {
            let tail = log_tail(&layout.log_file(*daemon), 1);
            format!("  {}:\n{tail}", daemon.name())
        })
        .collect()
}

fn print_welcome(layout: &Layout, agents: &Agents, addrs: &[String]) {
    let scheduler = if addrs.len() == 1 {
        format!("1 scheduler at {}", addrs[0])
    } else {
        format!("{} schedulers at {}", addrs.len(), addrs.join(", "))
    };
    let nodes = if agents.count == 1 {
        "node-1".to_string()
    } else {
        format!("node-1 .. {}", node_name(agents.count))
    };
    println!(
        "Corral is up: {scheduler}; {} agent(s) ({nodes}) with {} each.\n\
         Commands run in this directory find it through .corral/schedulers (elsewhere: \
         --scheduler {}):\n\
         \x20 corral submit --gpus-per-node=1 --wrap 'echo $CUDA_VISIBLE_DEVICES'\n\
         \x20 corral queue\n\
         \x20 corral nodes\n\
         \x20 corral history\n\
         \x20 corral down      # stops it; `corral up` again resumes the same state\n\
         Data and logs: {}",
        agents.count,
        agents.fake_gpus,
        addrs.join(","),
        layout.root().display()
    );
}
