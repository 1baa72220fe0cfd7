//! Node commands: register (or re-register), drain/resume, loss, GPU health.

use super::ApplyError;
use crate::cluster::ClusterState;
use crate::command::Applied;
use crate::ids::NodeId;
use crate::node::{GpuHealth, Node, NodeSpec, NodeState};
use crate::state_machine::JobState;

impl ClusterState {
    /// A new name gets the next node id. A known name keeps its id: its description is refreshed
    /// and a DOWN node comes back UP (a drained one stays drained). Its GPUs may change only while
    /// nothing runs on it.
    pub(super) fn apply_register(&mut self, spec: NodeSpec) -> Result<Applied, ApplyError> {
        if spec.name.is_empty() {
            return Err(ApplyError::Invalid("node name is empty".into()));
        }
        if spec.gpus.len() > crate::node::MAX_GPUS_PER_NODE {
            return Err(ApplyError::Invalid(format!(
                "node {}: {} GPUs (accepted: at most {})",
                spec.name,
                spec.gpus.len(),
                crate::node::MAX_GPUS_PER_NODE
            )));
        }
        let now = self.now_secs;
        if let Some(&id) = self.node_by_name.get(&spec.name) {
            let node = self.nodes.get_mut(&id).ok_or(ApplyError::UnknownNode(id))?;
            let same_gpus = node.spec.gpus.len() == spec.gpus.len()
                && node
                    .spec
                    .gpus
                    .iter()
                    .zip(&spec.gpus)
                    .all(|(a, b)| a.index == b.index && a.uuid == b.uuid);
            if !same_gpus && !node.is_idle() {
                return Err(ApplyError::Invalid(format!(
                    "node {}: its GPUs changed while jobs run on it",
                    spec.name
                )));
            }
            if !same_gpus {
                node.usage.gpu_owner = vec![None; spec.gpus.len()];
            }
            node.spec = spec;
            node.last_seen_secs = now;
            if matches!(node.state, NodeState::Down(_)) {
                node.state = NodeState::Up;
            }
            return Ok(Applied::NodeRegistered { node: id });
        }
        let id = NodeId(self.nodes.len() as u32);
        self.node_by_name.insert(spec.name.clone(), id);
        self.nodes.insert(id, Node::new(id, spec, now));
        Ok(Applied::NodeRegistered { node: id })
    }

    pub(super) fn apply_node_state(
        &mut self,
        id: NodeId,
        state: NodeState,
    ) -> Result<Applied, ApplyError> {
        let node = self.nodes.get_mut(&id).ok_or(ApplyError::UnknownNode(id))?;
        if let NodeState::Down(_) = state {
            return Err(ApplyError::Invalid(
                "a node goes DOWN through NodeLost, which also ends its jobs".into(),
            ));
        }
        if node.state == state {
            return Ok(Applied::NoChange);
        }
        node.state = state;
        Ok(Applied::Done)
    }

    /// Marks the node DOWN and ends every job on it NODE_FAIL, whole gangs included, requeueing
    /// those that allow it. A second report for a node already DOWN changes nothing.
    pub(super) fn apply_node_lost(
        &mut self,
        id: NodeId,
        reason: String,
    ) -> Result<Applied, ApplyError> {
        let node = self.nodes.get_mut(&id).ok_or(ApplyError::UnknownNode(id))?;
        if matches!(node.state, NodeState::Down(_)) {
            return Ok(Applied::NoChange);
        }
        node.state = NodeState::Down(reason);
        let victims: Vec<_> = node.usage.jobs.iter().copied().collect();
        for job in victims {
            let holds = self
                .jobs
                .get(&job)
                .is_some_and(|j| j.state.holds_resources());
            if holds {
                self.finish_run(job, JobState::NodeFail, None);
            }
        }
        Ok(Applied::Done)
    }

    /// Records a GPU's health. An unhealthy GPU is never given to a new job, and its node is
    /// drained with the reason so that an admin looks at it.
    pub(super) fn apply_gpu_health(
        &mut self,
        id: NodeId,
        index: u32,
        health: GpuHealth,
    ) -> Result<Applied, ApplyError> {
        let node = self.nodes.get_mut(&id).ok_or(ApplyError::UnknownNode(id))?;
        let slot = node.gpu_slot(index).ok_or_else(|| {
            ApplyError::Invalid(format!("node {} has no GPU {index}", node.name()))
        })?;
        if node.spec.gpus[slot].health == health {
            return Ok(Applied::NoChange);
        }
        if let GpuHealth::Unhealthy(reason) = &health {
            if node.state == NodeState::Up {
                node.state = NodeState::Drain(format!("gpu {index}: {reason}"));
            }
        }
        node.spec.gpus[slot].health = health;
        Ok(Applied::Done)
    }
}
