//! `Writer`: how the services change the cluster. A write is accepted only on the leader, which
//! batches it with concurrent writes (`Proposer`), stamps the entry with its clock and answers
//! once the entry is committed and applied; elsewhere the
//! caller is told where the leader is (`corral_proto::leader`). Each write wakes the leader loop.

use crate::proposer::Proposer;
use corral_model::{Applied, Command};
use corral_proto::leader::not_leader_status;
use corral_raft::{RaftNode, RaftNodeId, WriteError};
use std::sync::Arc;
use tokio::sync::Notify;
use tonic::Status;

#[derive(Clone)]
pub struct Writer {
    node: Arc<RaftNode>,
    wake_leader_loop: Arc<Notify>,
    proposer: Proposer,
}

impl Writer {
    pub fn new(node: Arc<RaftNode>, wake_leader_loop: Arc<Notify>) -> Writer {
        let proposer = Proposer::start(Arc::clone(&node));
        Writer {
            node,
            wake_leader_loop,
            proposer,
        }
    }

    pub fn node(&self) -> &RaftNode {
        &self.node
    }

    pub fn shared_node(&self) -> Arc<RaftNode> {
        Arc::clone(&self.node)
    }

    /// Proposes `command` if this node leads; the status says why not otherwise.
    pub async fn write(&self, command: Command) -> Result<Applied, Status> {
        self.redirect_unless_leader()?;
        let result = self.proposer.propose(command).await;
        self.wake_leader_loop.notify_one();
        result.map_err(|e| write_status(&e))
    }

    /// `Ok` on the leader; on any other node the "not the leader" status, without reading a clock.
    pub fn redirect_unless_leader(&self) -> Result<(), Status> {
        self.check_member()?;
        let leader = self.node.current_leader();
        if leader == Some(self.node.id()) {
            return Ok(());
        }
        let addr = leader.and_then(|id| member_addr(&self.node, id));
        Err(not_leader_status(leader, addr.as_deref()))
    }
}

impl Writer {
    /// A node removed from the cluster answers nothing but this.
    pub fn check_member(&self) -> Result<(), Status> {
        if crate::membership::is_member(&self.node) {
            return Ok(());
        }
        Err(Status::failed_precondition(format!(
            "scheduler node {} was removed from the cluster; use another address",
            self.node.id()
        )))
    }
}

/// The address of member `id` in this node's membership config.
pub fn member_addr(node: &RaftNode, id: RaftNodeId) -> Option<String> {
    let metrics = node.metrics();
    let metrics = metrics.borrow();
    metrics
        .membership_config
        .membership()
        .get_node(&id)
        .map(|n| n.addr.clone())
}

/// The gRPC status for a failed write.
pub fn write_status(error: &WriteError) -> Status {
    match error {
        WriteError::ForwardToLeader { leader_id, addr } => {
            not_leader_status(*leader_id, addr.as_deref())
        }
        WriteError::Refused { .. } => Status::invalid_argument(error.to_string()),
        WriteError::NoQuorum { .. } | WriteError::Stopped { .. } => {
            Status::unavailable(error.to_string())
        }
        WriteError::Membership { .. } => Status::internal(error.to_string()),
    }
}
