//! `ClusterStatus`: who answered, its role, the leader, the members, and a few counts, from this
//! node's Raft metrics and applied state.

use crate::writer::member_addr;
use corral_model::JobState;
use corral_proto::v1::{ClusterStatusReply, Member};
use corral_raft::RaftNode;

pub fn cluster_status(node: &RaftNode) -> ClusterStatusReply {
    let (role, leader_id, term, last_applied_index, members) = {
        let metrics = node.metrics();
        let metrics = metrics.borrow();
        let members = metrics
            .membership_config
            .membership()
            .nodes()
            .map(|(id, n)| Member {
                id: *id,
                addr: n.addr.clone(),
            })
            .collect();
        (
            format!("{:?}", metrics.state),
            metrics.current_leader,
            metrics.current_term,
            metrics.last_applied.map_or(0, |log_id| log_id.index),
            members,
        )
    };
    let (next_job_id, pending_jobs, running_jobs) = node.read_state(|cluster| {
        (
            cluster.next_job_id().0,
            count(cluster.pending_jobs()),
            count(cluster.jobs_in(JobState::Running)),
        )
    });
    ClusterStatusReply {
        node_id: node.id(),
        role,
        leader_id: leader_id.unwrap_or(0),
        leader_addr: leader_id
            .and_then(|id| member_addr(node, id))
            .unwrap_or_default(),
        term,
        last_applied_index,
        members,
        next_job_id,
        pending_jobs,
        running_jobs,
    }
}

fn count<T>(items: impl Iterator<Item = T>) -> u64 {
    u64::try_from(items.count()).unwrap_or(u64::MAX)
}
