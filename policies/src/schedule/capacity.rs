//! `Capacity`: the working picture of free resources during one pass. It starts from the cluster
//! state, then takes each start the pass makes and marks the GPUs that reservations hold from
//! their planned start. Indexed by `NodeId` (ids are dense: registration order).

use corral_model::{Allocation, ClusterState, GpuHealth, Node, NodeId};
use std::collections::BTreeSet;

/// Sentinel for "no reservation on this GPU".
pub const NOT_RESERVED: u64 = u64::MAX;

#[derive(Clone, Debug)]
pub struct NodeCap<'s> {
    pub node: &'s Node,
    pub up: bool,
    pub free_cpus: u32,
    pub free_mem_mib: u64,
    /// Per GPU slot (order of `node.spec.gpus`): healthy and held by nobody.
    pub gpu_free: Vec<bool>,
    /// Per GPU slot: the earliest planned start of a reservation that holds it.
    pub reserved_from: Vec<u64>,
    pub free_gpus: u32,
    /// Something runs on it (or was started on it in this pass).
    pub busy: bool,
    /// An exclusive job holds it.
    pub exclusive_held: bool,
}

#[derive(Clone, Debug)]
pub struct Capacity<'s> {
    pub nodes: Vec<NodeCap<'s>>,
    /// Free GPUs over all up nodes: a quick "cannot fit" test.
    pub free_gpus_total: u64,
    /// Up nodes ordered for best fit: fewest free GPUs, then busy before idle, then id.
    pub by_free: BTreeSet<FitKey>,
}

/// `(free GPUs, idle, node)`: the order in which single-node placement tries nodes.
pub type FitKey = (u32, bool, NodeId);

impl NodeCap<'_> {
    fn fit_key(&self) -> FitKey {
        (self.free_gpus, !self.busy, self.node.id)
    }
}

impl<'s> Capacity<'s> {
    pub fn of(state: &'s ClusterState) -> Capacity<'s> {
        let mut nodes: Vec<NodeCap<'s>> = Vec::new();
        for node in state.nodes() {
            debug_assert_eq!(node.id.0 as usize, nodes.len(), "node ids are dense");
            let gpu_free: Vec<bool> = node
                .spec
                .gpus
                .iter()
                .zip(&node.usage.gpu_owner)
                .map(|(g, owner)| owner.is_none() && g.health == GpuHealth::Healthy)
                .collect();
            let free_gpus = gpu_free.iter().filter(|f| **f).count() as u32;
            nodes.push(NodeCap {
                node,
                up: node.is_up(),
                free_cpus: node.free_cpus(),
                free_mem_mib: node.free_mem_mib(),
                reserved_from: vec![NOT_RESERVED; gpu_free.len()],
                gpu_free,
                free_gpus,
                busy: !node.is_idle(),
                exclusive_held: node.usage.exclusive_owner.is_some(),
            });
        }
        let free_gpus_total = nodes
            .iter()
            .filter(|n| n.up)
            .map(|n| u64::from(n.free_gpus))
            .sum();
        let by_free = nodes
            .iter()
            .filter(|n| n.up)
            .map(NodeCap::fit_key)
            .collect();
        Capacity {
            nodes,
            free_gpus_total,
            by_free,
        }
    }

    pub fn node(&self, id: NodeId) -> &NodeCap<'s> {
        &self.nodes[id.0 as usize]
    }

    /// Takes an allocation made in this pass.
    pub fn take(&mut self, allocation: &Allocation, exclusive: bool) {
        for part in &allocation.nodes {
            let cap = &mut self.nodes[part.node.0 as usize];
            let old_key = cap.fit_key();
            for &index in &part.gpus {
                if let Some(slot) = cap.node.gpu_slot(index) {
                    if cap.gpu_free[slot] {
                        cap.gpu_free[slot] = false;
                        cap.free_gpus -= 1;
                        self.free_gpus_total -= 1;
                    }
                }
            }
            cap.free_cpus = cap.free_cpus.saturating_sub(part.cpus);
            cap.free_mem_mib = cap.free_mem_mib.saturating_sub(part.mem_mib);
            cap.busy = true;
            cap.exclusive_held |= exclusive;
            if self.by_free.remove(&old_key) {
                self.by_free.insert(cap.fit_key());
            }
        }
    }

    /// Gives back an allocation (a running job that will have ended by the time considered).
    pub fn give_back(&mut self, allocation: &Allocation, exclusive: bool) {
        for part in &allocation.nodes {
            let cap = &mut self.nodes[part.node.0 as usize];
            let old_key = cap.fit_key();
            for &index in &part.gpus {
                if let Some(slot) = cap.node.gpu_slot(index) {
                    let healthy = cap.node.spec.gpus[slot].health == GpuHealth::Healthy;
                    if !cap.gpu_free[slot] && healthy {
                        cap.gpu_free[slot] = true;
                        cap.free_gpus += 1;
                        if cap.up {
                            self.free_gpus_total += 1;
                        }
                    }
                }
            }
            cap.free_cpus = (cap.free_cpus + part.cpus).min(cap.node.spec.cpus);
            cap.free_mem_mib = (cap.free_mem_mib + part.mem_mib).min(cap.node.spec.mem_mib);
            if exclusive {
                cap.exclusive_held = false;
            }
            cap.busy = cap.free_cpus < cap.node.spec.cpus
                || cap.free_gpus < cap.gpu_free.len() as u32
                || cap.exclusive_held;
            if self.by_free.remove(&old_key) {
                self.by_free.insert(cap.fit_key());
            }
        }
    }

    /// Holds the allocation's GPUs for a reservation starting at `start_secs`.
    pub fn reserve(&mut self, allocation: &Allocation, start_secs: u64) {
        for part in &allocation.nodes {
            let cap = &mut self.nodes[part.node.0 as usize];
            for &index in &part.gpus {
                if let Some(slot) = cap.node.gpu_slot(index) {
                    cap.reserved_from[slot] = cap.reserved_from[slot].min(start_secs);
                }
            }
        }
    }
}
