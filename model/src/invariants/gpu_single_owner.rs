//! Never: one GPU in two jobs. Every GPU a job's allocation names is owned by that job on its
//! node, and every owned GPU is named by its owner's allocation.

use crate::cluster::ClusterState;
use crate::ids::JobId;
use std::collections::BTreeMap;

pub fn check(state: &ClusterState) -> Result<(), String> {
    let mut claimed: BTreeMap<(crate::ids::NodeId, u32), JobId> = BTreeMap::new();
    for job in state.jobs.values() {
        let Some(allocation) = &job.allocation else {
            continue;
        };
        for part in &allocation.nodes {
            for &index in &part.gpus {
                if let Some(other) = claimed.insert((part.node, index), job.id) {
                    return Err(format!(
                        "GPU {index} of node {} is in jobs {other} and {}",
                        part.node, job.id
                    ));
                }
            }
        }
    }
    for node in state.nodes.values() {
        for (gpu, owner) in node.spec.gpus.iter().zip(&node.usage.gpu_owner) {
            let named_by = claimed.get(&(node.id, gpu.index)).copied();
            if *owner != named_by {
                return Err(format!(
                    "GPU {} of node {} is owned by {:?} but allocated to {:?}",
                    gpu.index, node.id, owner, named_by
                ));
            }
        }
        if node.usage.gpu_owner.len() != node.spec.gpus.len() {
            return Err(format!("node {} tracks the wrong number of GPUs", node.id));
        }
    }
    Ok(())
}
