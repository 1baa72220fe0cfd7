//! The agents' `Assignments` stream: what a node should be running, computed from the applied
//! state, sent once at the start and again whenever it differs from what was last sent. It is
//! level-triggered — each update is the whole set — so an agent that reconnects loses nothing.
//! Updates never come from a state older than what was committed when the stream opened.

use corral_model::{ClusterState, NodeId};
use corral_proto::v1::{AllocatedNode, Assignment, AssignmentsUpdate};
use corral_raft::RaftNode;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::Status;

/// Updates waiting for a slow agent; older ones are superseded anyway.
const STREAM_BUFFER: usize = 4;

pub type AssignmentStream = ReceiverStream<Result<AssignmentsUpdate, Status>>;

/// The node's assignments in `cluster`, or `None` when there is no such node.
pub fn assignments_for(cluster: &ClusterState, id: NodeId) -> Option<AssignmentsUpdate> {
    let node = cluster.node(id)?;
    let jobs = node
        .usage
        .jobs
        .iter()
        .filter_map(|job_id| cluster.job(*job_id))
        .map(|job| {
            let nodes = job
                .allocation
                .iter()
                .flat_map(|a| a.nodes.iter())
                .map(|placed| {
                    let spec = cluster.node(placed.node).map(|n| &n.spec);
                    AllocatedNode {
                        node_id: u64::from(placed.node.0),
                        name: spec.map(|s| s.name.clone()).unwrap_or_default(),
                        addr: spec.and_then(|s| s.addr.clone()).unwrap_or_default(),
                    }
                })
                .collect();
            Assignment {
                job_id: job.id.0,
                job_json: serde_json::to_vec(job).expect("a Job always serialises to JSON"),
                nodes,
            }
        })
        .collect();
    Some(AssignmentsUpdate {
        node_state: node.state.name().to_string(),
        jobs,
    })
}

/// Streams `id`'s assignments until the agent hangs up, the node disappears, or this node stops
/// leading (the agent then looks for the new leader).
pub fn stream_assignments(raft: Arc<RaftNode>, id: NodeId) -> AssignmentStream {
    let (sender, receiver) = mpsc::channel(STREAM_BUFFER);
    tokio::spawn(async move {
        // A new leader may not have applied everything committed yet: an update from such a
        // state would miss jobs the agent runs, and the agent would kill them. The first update
        // waits until this leader has applied all that was committed before it.
        if let Err(e) = raft.read_state_linearizable(|_| ()).await {
            let status = Status::unavailable(format!("not ready to serve assignments: {e}"));
            let _ = sender.send(Err(status)).await;
            return;
        }
        let mut metrics = raft.metrics();
        let mut last_sent: Option<AssignmentsUpdate> = None;
        loop {
            if raft.current_leader() != Some(raft.id()) {
                let _ = sender
                    .send(Err(Status::unavailable(
                        "this scheduler is no longer the leader",
                    )))
                    .await;
                return;
            }
            let Some(update) = raft.read_state(|cluster| assignments_for(cluster, id)) else {
                let status = Status::not_found(format!("node_id = {}: no such node", id.0));
                let _ = sender.send(Err(status)).await;
                return;
            };
            if last_sent.as_ref() != Some(&update) {
                if sender.send(Ok(update.clone())).await.is_err() {
                    return;
                }
                last_sent = Some(update);
            }
            tokio::select! {
                changed = metrics.changed() => if changed.is_err() { return },
                _ = sender.closed() => return,
            }
        }
    });
    ReceiverStream::new(receiver)
}
