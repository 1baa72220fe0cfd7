//! Errors of `RaftNode`: starting a node, and writing through it.

use crate::engine::EngineError;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StartError {
    #[error("raft config: {0}")]
    Config(String),
    #[error("opening the raft store in {dir}: {source}")]
    Engine { dir: String, source: EngineError },
    #[error("reading the raft store: {0}")]
    Storage(String),
    #[error("starting raft node {id}: {reason}")]
    Raft { id: u64, reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WriteError {
    /// Writes go through the leader; this node is not it. The leader is unknown while an election
    /// runs (retry shortly).
    #[error("this node is not the leader: send the request to the leader ({})", leader_text(.leader_id, .addr))]
    ForwardToLeader {
        leader_id: Option<u64>,
        addr: Option<String>,
    },
    /// The entry was committed and applied, and `apply` refused the command (it changed nothing).
    #[error("command refused: {reason}")]
    Refused { reason: String },
    /// The leader could not confirm its leadership with a majority (partitioned?); retry.
    #[error("the leader cannot reach a majority of the cluster: {reason}")]
    NoQuorum { reason: String },
    #[error("membership change refused: {reason}")]
    Membership { reason: String },
    /// The node stopped (shut down, or its storage failed).
    #[error("raft node stopped: {reason}")]
    Stopped { reason: String },
}

fn leader_text(leader_id: &Option<u64>, addr: &Option<String>) -> String {
    match (leader_id, addr) {
        (Some(id), Some(addr)) => format!("node {id} at {addr}"),
        (Some(id), None) => format!("node {id}, address unknown"),
        (None, _) => "unknown: an election is under way".to_string(),
    }
}
