//! Never: a node holding more CPUs or memory than it has, usage that differs from the sum of
//! the allocations on it, or an exclusive job sharing its node.

use crate::cluster::ClusterState;
use std::collections::{BTreeMap, BTreeSet};

pub fn check(state: &ClusterState) -> Result<(), String> {
    let mut cpus: BTreeMap<_, u32> = BTreeMap::new();
    let mut mem: BTreeMap<_, u64> = BTreeMap::new();
    let mut jobs: BTreeMap<_, BTreeSet<_>> = BTreeMap::new();
    for job in state.jobs.values() {
        for part in job.allocation.iter().flat_map(|a| &a.nodes) {
            *cpus.entry(part.node).or_default() += part.cpus;
            *mem.entry(part.node).or_default() += part.mem_mib;
            jobs.entry(part.node).or_default().insert(job.id);
        }
    }
    for node in state.nodes.values() {
        let used_cpus = cpus.get(&node.id).copied().unwrap_or(0);
        let used_mem = mem.get(&node.id).copied().unwrap_or(0);
        let on_node = jobs.remove(&node.id).unwrap_or_default();
        if used_cpus != node.usage.cpus || used_mem != node.usage.mem_mib {
            return Err(format!(
                "node {}: usage differs from its allocations",
                node.id
            ));
        }
        if used_cpus > node.spec.cpus || used_mem > node.spec.mem_mib {
            return Err(format!(
                "node {}: {used_cpus}/{} CPUs, {used_mem}/{} MiB",
                node.id, node.spec.cpus, node.spec.mem_mib
            ));
        }
        if on_node != node.usage.jobs {
            return Err(format!(
                "node {}: job list differs from allocations",
                node.id
            ));
        }
        if node.usage.exclusive_owner.is_some() && on_node.len() > 1 {
            return Err(format!("node {}: an exclusive job shares it", node.id));
        }
    }
    match jobs.keys().next() {
        Some(unknown) => Err(format!("an allocation names unknown node {unknown}")),
        None => Ok(()),
    }
}
