//! `Node` and `Gpu`: a host with concrete GPUs (index, UUID, model, memory, NVLink peers, health),
//! CPUs, memory, features, labels and topology, and its UP / DRAIN / DOWN state with a reason.

use crate::ids::{JobId, NodeId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The most GPUs one node may have (the scheduler keeps a node's GPUs in a 128-bit mask).
pub const MAX_GPUS_PER_NODE: usize = 128;

/// What an agent says about its host when it registers. `ClusterState` turns it into a `Node`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeSpec {
    /// Unique host name, e.g. `gpu-r1-07`.
    pub name: String,
    pub cpus: u32,
    pub mem_mib: u64,
    pub gpus: Vec<GpuSpec>,
    /// Features matched by `--constraint` (`gpu`, `a100`, `ib`).
    pub features: BTreeSet<String>,
    /// Free-form labels matched by partitions (`rack=r1`, `pool=train`).
    pub labels: BTreeMap<String, String>,
    pub rack: Option<String>,
    pub switch: Option<String>,
    /// Where the node's agent takes task launches (`host:port`); also the job's `MASTER_ADDR`
    /// host. Absent for simulated nodes and agents that take none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addr: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GpuSpec {
    /// NVML index on the host.
    pub index: u32,
    pub uuid: String,
    /// Model name as NVML reports it, e.g. `NVIDIA H100 80GB HBM3`, or a short name (`h100`).
    pub model: String,
    pub mem_mib: u64,
    /// Indices of the GPUs on this host reachable through NVLink.
    pub nvlink_peers: Vec<u32>,
    pub health: GpuHealth,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "reason", rename_all = "snake_case")]
pub enum GpuHealth {
    #[default]
    Healthy,
    /// Lost, fatal Xid, uncorrectable ECC: never given to a new job.
    Unhealthy(String),
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", content = "reason", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NodeState {
    #[default]
    Up,
    /// Runs what it runs, takes nothing new.
    Drain(String),
    /// Unreachable or dead.
    Down(String),
}

/// A registered node and what is allocated on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    pub id: NodeId,
    pub spec: NodeSpec,
    pub state: NodeState,
    /// Last heartbeat, leader's clock, seconds.
    pub last_seen_secs: u64,
    pub usage: NodeUsage,
}

/// What jobs hold on a node. Written only by `ClusterState::apply`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeUsage {
    pub cpus: u32,
    pub mem_mib: u64,
    /// `gpu_owner[i]` is the job holding the i-th GPU of `spec.gpus` (in spec order).
    pub gpu_owner: Vec<Option<JobId>>,
    /// Jobs with any allocation on this node.
    pub jobs: BTreeSet<JobId>,
    /// Set while an `--exclusive` job holds the node.
    pub exclusive_owner: Option<JobId>,
}

impl Node {
    pub fn new(id: NodeId, spec: NodeSpec, now_secs: u64) -> Node {
        let usage = NodeUsage {
            gpu_owner: vec![None; spec.gpus.len()],
            ..NodeUsage::default()
        };
        Node {
            id,
            spec,
            state: NodeState::Up,
            last_seen_secs: now_secs,
            usage,
        }
    }

    pub fn name(&self) -> &str {
        &self.spec.name
    }

    pub fn is_up(&self) -> bool {
        self.state == NodeState::Up
    }

    /// Position in `spec.gpus` of the GPU with this NVML index.
    pub fn gpu_slot(&self, index: u32) -> Option<usize> {
        self.spec.gpus.iter().position(|g| g.index == index)
    }

    /// Healthy GPUs nobody holds.
    pub fn free_gpus(&self) -> impl Iterator<Item = &GpuSpec> + '_ {
        self.spec
            .gpus
            .iter()
            .zip(&self.usage.gpu_owner)
            .filter(|(g, owner)| owner.is_none() && g.health == GpuHealth::Healthy)
            .map(|(g, _)| g)
    }

    pub fn free_cpus(&self) -> u32 {
        self.spec.cpus.saturating_sub(self.usage.cpus)
    }

    pub fn free_mem_mib(&self) -> u64 {
        self.spec.mem_mib.saturating_sub(self.usage.mem_mib)
    }

    pub fn is_idle(&self) -> bool {
        self.usage.jobs.is_empty()
    }
}

impl NodeState {
    pub fn name(&self) -> &'static str {
        match self {
            NodeState::Up => "UP",
            NodeState::Drain(_) => "DRAIN",
            NodeState::Down(_) => "DOWN",
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            NodeState::Up => None,
            NodeState::Drain(r) | NodeState::Down(r) => Some(r),
        }
    }
}
