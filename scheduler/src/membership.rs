//! Adding and removing scheduler nodes through Raft (`AddMember`, `RemoveMember`): a new node
//! joins as a learner, catches up, then becomes a voter; a removed node drops out of the voters.
//! A node that finds itself outside the membership stops serving (`Writer::check_member`).

use crate::writer::{write_status, Writer};
use corral_proto::v1::Member;
use corral_raft::RaftNode;
use std::collections::BTreeSet;
use tonic::Status;

pub async fn add_member(
    writer: &Writer,
    user: &str,
    id: u64,
    addr: &str,
) -> Result<Vec<Member>, Status> {
    crate::admin_writes::require_user(user)?;
    writer.redirect_unless_leader()?;
    if id == 0 {
        return Err(Status::invalid_argument(
            "id: 0 is not a node id (ids start at 1)",
        ));
    }
    if addr.trim().is_empty() || !addr.contains(':') {
        return Err(Status::invalid_argument(format!(
            "addr {addr:?}: not HOST:PORT"
        )));
    }
    let node = writer.node();
    let mut voters = voters(node);
    if voters.contains(&id) {
        return Err(Status::already_exists(format!(
            "node {id} is already a voting member"
        )));
    }
    node.add_learner(id, addr.to_string())
        .await
        .map_err(|e| write_status(&e))?;
    voters.insert(id);
    node.change_membership(voters)
        .await
        .map_err(|e| write_status(&e))?;
    Ok(members(node))
}

pub async fn remove_member(writer: &Writer, user: &str, id: u64) -> Result<Vec<Member>, Status> {
    crate::admin_writes::require_user(user)?;
    writer.redirect_unless_leader()?;
    let node = writer.node();
    let mut voters = voters(node);
    if !voters.remove(&id) {
        return Err(Status::not_found(format!(
            "node {id} is not a voting member (voters: {:?})",
            voters
        )));
    }
    if voters.is_empty() {
        return Err(Status::failed_precondition(
            "cannot remove the last voting member",
        ));
    }
    node.change_membership(voters)
        .await
        .map_err(|e| write_status(&e))?;
    Ok(members(node))
}

fn voters(node: &RaftNode) -> BTreeSet<u64> {
    let metrics = node.metrics();
    let metrics = metrics.borrow();
    metrics.membership_config.membership().voter_ids().collect()
}

/// The voters and their addresses, as this node's membership config has them.
pub fn members(node: &RaftNode) -> Vec<Member> {
    let metrics = node.metrics();
    let metrics = metrics.borrow();
    let membership = metrics.membership_config.membership();
    membership
        .voter_ids()
        .map(|id| Member {
            id,
            addr: membership
                .get_node(&id)
                .map(|n| n.addr.clone())
                .unwrap_or_default(),
        })
        .collect()
}

/// `false` once `node` is being or was removed: its membership config names other nodes but not
/// it, or (seen in the joint config of the change) it is a voter of the old config and not of the
/// new one. The leader stops replicating to a removed node once the change is committed, so the
/// joint config may be the last it ever sees. A node that has not joined a cluster yet has an
/// empty config, and a learner is in no voter set: both still answer.
pub fn is_member(node: &RaftNode) -> bool {
    let metrics = node.metrics();
    let metrics = metrics.borrow();
    let membership = metrics.membership_config.membership();
    let id = node.id();
    if membership.nodes().next().is_none() {
        return true;
    }
    if membership.get_node(&id).is_none() {
        return false;
    }
    let configs = membership.get_joint_config();
    let was_voter = configs.iter().any(|voters| voters.contains(&id));
    let stays_voter = configs.last().is_some_and(|voters| voters.contains(&id));
    !was_voter || stays_voter
}
