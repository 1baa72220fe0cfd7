//! The openraft type configuration: what a log entry carries (`StampedCommand`), what applying one
//! answers (`ApplyResponse`), and the node id / address types.

use corral_model::{Applied, Command};
use serde::{Deserialize, Serialize};
use std::io::Cursor;

/// A Raft node id. Scheduler nodes are numbered by the operator (1, 2, 3, ...).
pub type RaftNodeId = u64;

/// What a node is reachable at: its Raft/gRPC address, e.g. `10.0.0.5:7100`.
pub type RaftNodeAddr = openraft::BasicNode;

/// The application data of one Raft entry: a command and the leader's clock when it was proposed.
/// Replicas never read a clock: they apply `command` at `now_secs`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StampedCommand {
    pub now_secs: u64,
    pub command: Command,
}

/// What applying one entry answered: `apply`'s result, its error as text (a refused command changes
/// nothing). Blank and membership entries answer `Ok(Applied::NoChange)`.
pub type ApplyResponse = Result<Applied, String>;

openraft::declare_raft_types!(
    /// Corral's openraft type configuration.
    pub TypeConfig:
        D = StampedCommand,
        R = ApplyResponse,
        NodeId = RaftNodeId,
        Node = RaftNodeAddr,
        Entry = openraft::Entry<TypeConfig>,
        SnapshotData = Cursor<Vec<u8>>,
        AsyncRuntime = openraft::TokioRuntime,
);

/// A Raft log entry of this cluster.
pub type LogEntry = openraft::Entry<TypeConfig>;
/// A log id (leader term and node, index).
pub type LogId = openraft::LogId<RaftNodeId>;
/// A vote (term, candidate, committed).
pub type Vote = openraft::Vote<RaftNodeId>;
/// A membership config as stored with the log id of the entry that set it.
pub type StoredMembership = openraft::StoredMembership<RaftNodeId, RaftNodeAddr>;
/// A snapshot's metadata.
pub type SnapshotMeta = openraft::SnapshotMeta<RaftNodeId, RaftNodeAddr>;
/// A snapshot: metadata and the encoded bytes (see `encoding`).
pub type Snapshot = openraft::Snapshot<TypeConfig>;
/// A storage error as openraft wants it.
pub type StorageError = openraft::StorageError<RaftNodeId>;
/// The openraft handle of one node.
pub type Raft = openraft::Raft<TypeConfig>;
