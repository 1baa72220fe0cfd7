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
/// Counts GPUs of the right model per node and CPUs; a coarse but safe "never" test. Stops as
/// soon as enough nodes have been seen, so a job small beside its partition costs a few nodes.
pub fn could_ever_fit(state: &ClusterState, job: &Job, nodes: &[NodeId]) -> bool {
    let shape = &job.shape;
    let per_node_gpus = match shape.gpus {
        GpuDemand::PerNode(need) | GpuDemand::PerTask(need) => need,
        _ => 0,
    };
    let min_tasks_per_node = shape.tasks_per_node.unwrap_or(1);
    let (need_gpus, need_tasks) = (shape.min_total_gpus(), u64::from(shape.tasks));
    let (mut count, mut gpus_seen, mut tasks_seen) = (0u32, 0u64, 0u64);
    for node in nodes.iter().filter_map(|id| state.node(*id)) {
        let features_ok = job
            .spec
            .constraint
            .as_ref()
            .is_none_or(|c| c.matches(&|f| node.spec.features.contains(f)));
        if !features_ok {
            continue;
        }
        let gpus = node
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
        let tasks = node.spec.cpus / shape.cpus_per_task;
        if tasks < min_tasks_per_node || gpus < per_node_gpus {
            continue;
        }
        count += 1;
        gpus_seen += u64::from(gpus);
        tasks_seen += u64::from(tasks);
        if count >= shape.nodes.min && gpus_seen >= need_gpus && tasks_seen >= need_tasks {
            return true;
        }
    }
    false
}
