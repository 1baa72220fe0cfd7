//! Taking and giving back a job's allocation on its nodes. The only code that writes `NodeUsage`.

use crate::cluster::ClusterState;
use crate::ids::JobId;
use crate::job::Allocation;

impl ClusterState {
    /// Records `allocation` as held by `job`. The caller has verified it (see `plan::verify_start`).
    pub(super) fn take_resources(&mut self, job: JobId, allocation: &Allocation, exclusive: bool) {
        for part in &allocation.nodes {
            let Some(node) = self.nodes.get_mut(&part.node) else {
                continue;
            };
            for &index in &part.gpus {
                if let Some(slot) = node.gpu_slot(index) {
                    node.usage.gpu_owner[slot] = Some(job);
                }
            }
            node.usage.cpus += part.cpus;
            node.usage.mem_mib += part.mem_mib;
            node.usage.jobs.insert(job);
            if exclusive {
                node.usage.exclusive_owner = Some(job);
            }
        }
    }

    /// Frees what `job` holds on every node of `allocation`.
    pub(super) fn release_resources(&mut self, job: JobId, allocation: &Allocation) {
        for part in &allocation.nodes {
            let Some(node) = self.nodes.get_mut(&part.node) else {
                continue;
            };
            for owner in node.usage.gpu_owner.iter_mut() {
                if *owner == Some(job) {
                    *owner = None;
                }
            }
            node.usage.cpus = node.usage.cpus.saturating_sub(part.cpus);
            node.usage.mem_mib = node.usage.mem_mib.saturating_sub(part.mem_mib);
            node.usage.jobs.remove(&job);
            if node.usage.exclusive_owner == Some(job) {
                node.usage.exclusive_owner = None;
            }
        }
    }
}
