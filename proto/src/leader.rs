//! How a follower that gets a write names the leader, and how a client reads it back.
//!
//! A follower answers a write with `FAILED_PRECONDITION` carrying the leader's address in the
//! `corral-leader` metadata key and its id in `corral-leader-id`; with `UNAVAILABLE` (no keys)
//! while no leader is known. The client retries at the leader, with the same client request id.

use tonic::metadata::MetadataValue;
use tonic::{Code, Status};

/// Metadata key holding the leader's address, e.g. `10.0.0.5:7100`.
pub const LEADER_ADDR_KEY: &str = "corral-leader";
/// Metadata key holding the leader's Raft node id.
pub const LEADER_ID_KEY: &str = "corral-leader-id";

/// Where a follower said the leader is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaderHint {
    pub id: Option<u64>,
    pub addr: String,
}

/// The status a node that is not the leader answers a write with.
pub fn not_leader_status(leader_id: Option<u64>, leader_addr: Option<&str>) -> Status {
    let Some(addr) = leader_addr else {
        return Status::unavailable(
            "this node is not the leader and no leader is known (an election is under way); retry shortly",
        );
    };
    let mut status = Status::failed_precondition(format!(
        "this node is not the leader: send writes to the leader at {addr}"
    ));
    if let Ok(value) = MetadataValue::try_from(addr) {
        status.metadata_mut().insert(LEADER_ADDR_KEY, value);
    }
    if let Some(id) = leader_id {
        status
            .metadata_mut()
            .insert(LEADER_ID_KEY, MetadataValue::from(id));
    }
    status
}

/// The leader a status points at, if it is a "not the leader" answer that names one.
pub fn leader_hint(status: &Status) -> Option<LeaderHint> {
    if status.code() != Code::FailedPrecondition {
        return None;
    }
    let addr = status.metadata().get(LEADER_ADDR_KEY)?.to_str().ok()?;
    let id = status
        .metadata()
        .get(LEADER_ID_KEY)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    Some(LeaderHint {
        id,
        addr: addr.to_string(),
    })
}
