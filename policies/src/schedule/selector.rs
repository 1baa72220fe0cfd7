//! Which nodes belong to which partition, and whether a job could ever fit a node of its
//! candidate set (the "never" of a pending reason, as opposed to "not now").

use crate::config::Policy;
use corral_model::gpu_model::gpu_model_matches;
use corral_model::{ClusterState, GpuDemand, GpuHealth, Job, NodeId};
use std::collections::BTreeMap;

/// Partition name → its nodes, ascending ids.
pub fn partition_nodes(state: &ClusterState, policy: &Policy) -> BTreeMap<String, Vec<NodeId>> {
    policy
        .partitions
        .values()
        .map(|p| {
            let everything =
                p.nodes.labels.is_empty() && p.nodes.name_patterns.iter().any(|g| g == "*");
            let nodes = state
                .nodes()
                .filter(|n| everything || p.nodes.matches(n.name(), &n.spec.labels))
                .map(|n| n.id)
                .collect();
            (p.name.clone(), nodes)
        })
        .collect()
}

/// Whether, with every job gone and every healthy GPU free, the job would fit the candidates.
/// Counts GPUs of the right model per node and CPUs; a coarse but safe "never" test.
pub fn could_ever_fit(state: &ClusterState, job: &Job, nodes: &[NodeId]) -> bool {
    let shape = &job.shape;
    let per_node: Vec<(u32, u32)> = nodes
        .iter()
        .filter_map(|id| state.node(*id))
        .filter(|n| {
            job.spec
                .constraint
                .as_ref()
                .is_none_or(|c| c.matches(&|f| n.spec.features.contains(f)))
        })
        .map(|n| {
            let gpus = n
                .spec
                .gpus
                .iter()
                .filter(|g| g.health == GpuHealth::Healthy)
                .filter(|g| {
                    shape
                        .gpu_model
                        .as_deref()
                        .is_none_or(|m| gpu_model_matches(m, &g.model))
                })
                .count() as u32;
            (gpus, n.spec.cpus / shape.cpus_per_task)
        })
        .collect();
    let usable_nodes = per_node.iter().filter(|(g, t)| {
        *t >= shape.tasks_per_node.unwrap_or(1)
            && match shape.gpus {
                GpuDemand::PerNode(need) => *g >= need,
                GpuDemand::PerTask(need) => *g >= need,
                _ => true,
            }
    });
    let count = usable_nodes.clone().count() as u32;
    if count < shape.nodes.min {
        return false;
    }
    let total_gpus: u64 = usable_nodes.clone().map(|(g, _)| u64::from(*g)).sum();
    let total_tasks: u64 = usable_nodes.map(|(_, t)| u64::from(*t)).sum();
    total_gpus >= shape.min_total_gpus() && total_tasks >= u64::from(shape.tasks)
}
