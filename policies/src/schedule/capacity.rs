//! `Capacity`: the working picture of free resources during one pass. It starts from the cluster
//! state, then takes each start the pass makes and marks the GPUs that reservations hold from
//! their planned start. Indexed by `NodeId` (ids are dense: registration order). Per node it is
//! a few words (GPU slots as a bit mask), so building it for every pass stays cheap.

use corral_model::{Allocation, ClusterState, GpuHealth, Node, NodeId};
use std::collections::{BTreeMap, BTreeSet};

/// Most GPUs a node can have for the scheduler (bit mask width). `register` refuses more.
pub const MAX_GPUS_PER_NODE: usize = corral_model::node::MAX_GPUS_PER_NODE;

/// Sentinel for "no reservation on this GPU".
pub const NOT_RESERVED: u64 = u64::MAX;

#[derive(Clone, Debug)]
pub struct NodeCap<'s> {
    pub node: &'s Node,
    pub up: bool,
    pub free_cpus: u32,
    pub free_mem_mib: u64,
    /// Bit `slot` set: the GPU in that slot of `node.spec.gpus` is healthy and held by nobody.
    pub gpu_free: u128,
    pub free_gpus: u32,
    /// Some GPU of this node is held by a reservation (see `Capacity::reserved`).
    pub has_reservation: bool,
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
    /// `(node, slot)` → the earliest planned start of a reservation holding that GPU.
    reserved: BTreeMap<(NodeId, usize), u64>,
}

/// `(free GPUs, idle, node)`: the order in which single-node placement tries nodes.
pub type FitKey = (u32, bool, NodeId);

impl NodeCap<'_> {
    fn fit_key(&self) -> FitKey {
        (self.free_gpus, !self.busy, self.node.id)
    }

    pub fn is_free(&self, slot: usize) -> bool {
        slot < MAX_GPUS_PER_NODE && self.gpu_free & (1 << slot) != 0
    }
}

impl<'s> Capacity<'s> {
    pub fn of(state: &'s ClusterState) -> Capacity<'s> {
        let mut nodes: Vec<NodeCap<'s>> = Vec::with_capacity(state.nodes().count());
        for node in state.nodes() {
            debug_assert_eq!(node.id.0 as usize, nodes.len(), "node ids are dense");
            let mut gpu_free = 0u128;
            for (slot, (gpu, owner)) in node.spec.gpus.iter().zip(&node.usage.gpu_owner).enumerate()
            {
                if slot < MAX_GPUS_PER_NODE && owner.is_none() && gpu.health == GpuHealth::Healthy {
                    gpu_free |= 1 << slot;
                }
            }
            nodes.push(NodeCap {
                node,
                up: node.is_up(),
                free_cpus: node.free_cpus(),
                free_mem_mib: node.free_mem_mib(),
                gpu_free,
                free_gpus: gpu_free.count_ones(),
                has_reservation: false,
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
            reserved: BTreeMap::new(),
        }
    }

    pub fn node(&self, id: NodeId) -> &NodeCap<'s> {
        &self.nodes[id.0 as usize]
    }

    /// The earliest reservation start holding this GPU, or `NOT_RESERVED`.
    pub fn reserved_from(&self, node: NodeId, slot: usize) -> u64 {
        if !self.nodes[node.0 as usize].has_reservation {
            return NOT_RESERVED;
        }
        self.reserved
            .get(&(node, slot))
            .copied()
            .unwrap_or(NOT_RESERVED)
    }

    /// Takes an allocation made in this pass.
    pub fn take(&mut self, allocation: &Allocation, exclusive: bool) {
        for part in &allocation.nodes {
            let cap = &mut self.nodes[part.node.0 as usize];
            let old_key = cap.fit_key();
            for &index in &part.gpus {
                if let Some(slot) = cap.node.gpu_slot(index) {
                    if cap.is_free(slot) {
                        cap.gpu_free &= !(1 << slot);
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
                    if slot < MAX_GPUS_PER_NODE && !cap.is_free(slot) && healthy {
                        cap.gpu_free |= 1 << slot;
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
                || cap.free_gpus < cap.node.spec.gpus.len() as u32
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
                    cap.has_reservation = true;
                    let at = self
                        .reserved
                        .entry((part.node, slot))
                        .or_insert(NOT_RESERVED);
                    *at = (*at).min(start_secs);
                }
            }
        }
    }
}
