//! `NodeView`: one node as `nodes` and `show node` print it in JSON (and draw it in tables).

use corral_model::node::GpuHealth;
use corral_model::Node;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Serialize)]
pub struct NodeView {
    pub id: u32,
    pub name: String,
    /// UP, DRAIN or DOWN.
    pub state: &'static str,
    /// Why it is drained or down.
    pub reason: Option<String>,
    /// Where its agent takes task launches.
    pub addr: Option<String>,
    pub cpus_total: u32,
    pub cpus_free: u32,
    pub mem_mib_total: u64,
    pub mem_mib_free: u64,
    pub gpus_total: u32,
    /// Healthy GPUs no job holds.
    pub gpus_free: u32,
    /// Per GPU model, in model order.
    pub gpu_models: Vec<GpuModelView>,
    pub gpus: Vec<GpuView>,
    /// Jobs holding resources here.
    pub jobs: Vec<u64>,
    /// The last time the scheduler heard from its agent.
    pub last_seen_time: u64,
    pub rack: Option<String>,
    pub features: Vec<String>,
    pub labels: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct GpuModelView {
    pub model: String,
    pub total: u32,
    pub free: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct GpuView {
    pub index: u32,
    pub uuid: String,
    pub model: String,
    pub mem_mib: u64,
    pub healthy: bool,
    /// Why it is unhealthy.
    pub health_reason: Option<String>,
    /// The job holding it.
    pub job: Option<u64>,
}

impl NodeView {
    pub fn new(node: &Node) -> NodeView {
        let gpus: Vec<GpuView> = node
            .spec
            .gpus
            .iter()
            .zip(&node.usage.gpu_owner)
            .map(|(gpu, owner)| GpuView {
                index: gpu.index,
                uuid: gpu.uuid.clone(),
                model: gpu.model.clone(),
                mem_mib: gpu.mem_mib,
                healthy: gpu.health == GpuHealth::Healthy,
                health_reason: match &gpu.health {
                    GpuHealth::Healthy => None,
                    GpuHealth::Unhealthy(reason) => Some(reason.clone()),
                },
                job: owner.map(|j| j.0),
            })
            .collect();
        let mut models: BTreeMap<String, (u32, u32)> = BTreeMap::new();
        for gpu in &gpus {
            let entry = models.entry(gpu.model.clone()).or_default();
            entry.0 += 1;
            if gpu.healthy && gpu.job.is_none() {
                entry.1 += 1;
            }
        }
        NodeView {
            id: node.id.0,
            name: node.name().to_string(),
            state: node.state.name(),
            reason: node.state.reason().map(str::to_string),
            addr: node.spec.addr.clone(),
            cpus_total: node.spec.cpus,
            cpus_free: node.free_cpus(),
            mem_mib_total: node.spec.mem_mib,
            mem_mib_free: node.free_mem_mib(),
            gpus_total: count(gpus.len()),
            gpus_free: count(node.free_gpus().count()),
            gpu_models: models
                .into_iter()
                .map(|(model, (total, free))| GpuModelView { model, total, free })
                .collect(),
            gpus,
            jobs: node.usage.jobs.iter().map(|j| j.0).collect(),
            last_seen_time: node.last_seen_secs,
            rack: node.spec.rack.clone(),
            features: node.spec.features.iter().cloned().collect(),
            labels: node.spec.labels.clone(),
        }
    }

    /// `2/4 H100` per model, comma-separated; `0` for a node without GPUs.
    pub fn gpus_text(&self) -> String {
        if self.gpu_models.is_empty() {
            return "0".into();
        }
        self.gpu_models
            .iter()
            .map(|m| format!("{}/{} {}", m.free, m.total, m.model))
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
