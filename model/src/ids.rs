//! Identifiers: jobs, nodes and concrete GPUs. Ids are small, `Copy`, totally ordered, so that
//! every map keyed by them iterates the same way on every replica and in every simulation.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A job's id. Allocated by `ClusterState::apply` from a counter that only grows: an id is never
/// reused, not even after a restart of the whole cluster (the counter is part of the state).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct JobId(pub u64);

/// A node's id: its position in registration order. The node's name is held by `Node`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NodeId(pub u32);

/// One concrete GPU: the node it sits in and its index on that node (the NVML index).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct GpuId {
    pub node: NodeId,
    pub index: u32,
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}", self.0)
    }
}

impl fmt::Display for GpuId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:gpu{}", self.node, self.index)
    }
}
