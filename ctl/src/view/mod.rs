//! The stable JSON forms of jobs and nodes that `--json` prints (documented in `ctl/JSON.md`),
//! built from the model types the scheduler sends. Times are seconds since the epoch, durations
//! seconds, ids numbers, states their names. The tables are drawn from these same views.

pub mod job;
pub mod node;
pub mod pending;

use crate::exit::Failure;
use corral_model::{Job, Node, NodeId};
use corral_proto::convert::{job_from_info, node_from_info};
use corral_proto::v1::{JobInfo, NodeInfo};
use std::collections::BTreeMap;

/// Node names by id, to name a job's nodes.
pub type NodeNames = BTreeMap<NodeId, String>;

pub fn node_names(nodes: &[Node]) -> NodeNames {
    nodes.iter().map(|n| (n.id, n.name().to_string())).collect()
}

/// The jobs the scheduler sent, decoded.
pub fn jobs(infos: &[JobInfo]) -> Result<Vec<Job>, Failure> {
    infos
        .iter()
        .map(|info| {
            job_from_info(info)
                .map_err(|e| Failure::refused(format!("job {}: unreadable answer: {e}", info.id)))
        })
        .collect()
}

/// The nodes the scheduler sent, decoded.
pub fn nodes(infos: &[NodeInfo]) -> Result<Vec<Node>, Failure> {
    infos
        .iter()
        .map(|info| {
            node_from_info(info).map_err(|e| {
                Failure::refused(format!("node {}: unreadable answer: {e}", info.name))
            })
        })
        .collect()
}

/// Seconds since the epoch on this machine's clock.
pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Prints `value` as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::refused(format!("cannot write JSON: {e}")))?;
    println!("{text}");
    Ok(())
}
