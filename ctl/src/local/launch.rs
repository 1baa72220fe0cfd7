//! Starting the local daemons: each scheduler (a replicated one with a config file naming every
//! peer), then each agent `node-N` with its fake GPUs, detached, with its pid file written at once
//! so that a failure part-way leaves nothing untracked.

use super::layout::{node_name, write, Daemon, Layout};
use super::process::spawn;
use crate::exit::Failure;
use std::path::Path;
use std::process::Child;

/// The agents to start and their GPUs.
pub struct Agents {
    pub count: u32,
    pub fake_gpus: String,
}

pub fn start_all(
    layout: &Layout,
    agents: &Agents,
    addrs: &[String],
    scheduler_bin: &Path,
    agent_bin: &Path,
    started: &mut Vec<(Daemon, Child)>,
) -> Result<(), Failure> {
    for (i, addr) in addrs.iter().enumerate() {
        let daemon = Daemon::Scheduler(i as u32 + 1);
        let argv = scheduler_argv(layout, daemon, addr, addrs)?;
        start(layout, daemon, scheduler_bin, &argv, started)?;
    }
    write(&layout.schedulers_file(), &(addrs.join("\n") + "\n"))?;
    for n in 1..=agents.count {
        let daemon = Daemon::Agent(n);
        let argv: Vec<String> = [
            "--scheduler",
            &addrs.join(","),
            "--name",
            &node_name(n),
            "--data-dir",
            &layout.data_dir(daemon).display().to_string(),
            "--fake-gpus",
            &agents.fake_gpus,
            "--listen",
            "127.0.0.1:0",
            "--advertise",
            "127.0.0.1",
        ]
        .map(String::from)
        .to_vec();
        start(layout, daemon, agent_bin, &argv, started)?;
    }
    Ok(())
}

/// The arguments of scheduler `daemon`: data dir and address, or (replicated) a config file
/// naming every peer.
fn scheduler_argv(
    layout: &Layout,
    daemon: Daemon,
    addr: &str,
    all: &[String],
) -> Result<Vec<String>, Failure> {
    let data = layout.data_dir(daemon).display().to_string();
    if all.len() == 1 {
        return Ok(vec![
            "--data-dir".into(),
            data,
            "--listen".into(),
            addr.to_string(),
        ]);
    }
    let Daemon::Scheduler(id) = daemon else {
        unreachable!("schedulers only")
    };
    let mut config = format!(
        "# Written by `corral up`.\nnode_id = {id}\nlisten = {}\ndata_dir = {}\n",
        toml_string(addr),
        toml_string(&data)
    );
    for (i, peer) in all.iter().enumerate() {
        config.push_str(&format!(
            "\n[[peers]]\nid = {}\naddr = {}\n",
            i + 1,
            toml_string(peer)
        ));
    }
    let file = layout.config_file(daemon);
    write(&file, &config)?;
    Ok(vec!["--config".into(), file.display().to_string()])
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn start(
    layout: &Layout,
    daemon: Daemon,
    binary: &Path,
    argv: &[String],
    started: &mut Vec<(Daemon, Child)>,
) -> Result<(), Failure> {
    let child = spawn(binary, argv, &layout.log_file(daemon))?;
    let pid = child.id();
    started.push((daemon, child));
    write(&layout.pid_file(daemon), &format!("{pid}\n"))
}
