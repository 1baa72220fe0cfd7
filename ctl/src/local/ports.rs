//! Where the local schedulers listen: the addresses of the last `up` here when it can have them
//! again (a replicated cluster must: they are in its Raft membership), else 7100 and up when
//! free, else ports the system picks, or the `--port` asked for.

use super::layout::{Daemon, Layout};
use super::process::{any_free_port, port_free};
use crate::exit::Failure;

/// The port a first scheduler takes when it is free.
const PREFERRED_PORT: u16 = 7100;

/// The schedulers' addresses: those of last time (multi-scheduler clusters must keep theirs:
/// they are in the Raft membership), else fresh ports.
pub fn addresses(layout: &Layout, count: u32, port: Option<u16>) -> Result<Vec<String>, Failure> {
    let saved = layout.saved_addresses();
    let resume = layout.data_dir(Daemon::Scheduler(1)).is_dir() && saved.len() == count as usize;
    if resume && (count > 1 || port.is_none()) {
        let busy: Vec<&String> = saved
            .iter()
            .filter(|a| !port_of(a).is_some_and(port_free))
            .collect();
        if busy.is_empty() {
            return Ok(saved);
        }
        if count > 1 {
            return Err(Failure::refused(format!(
                "cannot resume the cluster here: {} already in use (by another program?)",
                busy.iter()
                    .map(|a| a.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let ports = fresh_ports(count, port)?;
    Ok(ports.iter().map(|p| format!("127.0.0.1:{p}")).collect())
}

fn port_of(addr: &str) -> Option<u16> {
    addr.rsplit_once(':')?.1.parse().ok()
}

fn fresh_ports(count: u32, first: Option<u16>) -> Result<Vec<u16>, Failure> {
    let run = |start: u16| -> Option<Vec<u16>> {
        let ports: Vec<u16> = (0..count as u16)
            .map(|i| start.checked_add(i))
            .collect::<Option<_>>()?;
        ports.iter().all(|p| port_free(*p)).then_some(ports)
    };
    match first {
        Some(0) => (0..count).map(|_| any_free_port()).collect(),
        Some(port) => run(port).ok_or_else(|| {
            Failure::refused(format!(
                "--port {port}: not free (needs {count} free port(s) from {port})"
            ))
        }),
        None => match run(PREFERRED_PORT) {
            Some(ports) => Ok(ports),
            None => (0..count).map(|_| any_free_port()).collect(),
        },
    }
}
