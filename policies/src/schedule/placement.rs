//! Placement: filter → score → select, over the `Capacity` of this pass.
//!
//! - Filter: node up, in the job's candidate set (partition, `--nodelist`, `--exclude`), features
//!   match `--constraint`, GPUs healthy, free, of the model asked for, and not reserved by a
//!   higher-priority job before this one would end; exclusivity both ways.
//! - Score: a job that fits one node goes to one node, the one it fills best (partly used nodes
//!   first, so idle 8-GPU nodes stay whole for big jobs); a gang prefers one rack, then the
//!   fewest nodes, then the fullest ones. Ties go to the lowest node id.
//! - Select: tasks and GPUs per node; GPUs inside one NVLink island where possible.

use super::capacity::{Capacity, NodeCap};
use super::gpu_pick::pick_gpus;
use corral_model::gpu_model::gpu_model_matches;
use corral_model::spec::MemRequest;
use corral_model::{Allocation, GpuDemand, Job, NodeAllocation, NodeId, Shape};
use std::collections::BTreeMap;

/// What a node can offer the job.
struct Offer {
    node: NodeId,
    usable: Vec<bool>,
    usable_gpus: u32,
    /// Most tasks of the job this node can hold (`u32::MAX`: not limited by this node).
    max_tasks: u32,
    rack: String,
}

/// Places `job` on nodes of `candidates` for the interval ending at `end_secs`, or says why not.
pub fn place(
    capacity: &Capacity,
    job: &Job,
    candidates: &[NodeId],
    end_secs: u64,
) -> Result<Allocation, String> {
    let shape = &job.shape;
    if shape.min_total_gpus() > capacity.free_gpus_total {
        return Err(format!(
            "needs {} ({} GPUs); {} are free in the whole cluster",
            describe_need(shape),
            shape.min_total_gpus(),
            capacity.free_gpus_total
        ));
    }
    if shape.nodes.min <= 1 {
        if let Some(alloc) = single_node(capacity, job, candidates, end_secs) {
            return Ok(alloc);
        }
    }
    let least_gpus = match shape.gpus {
        GpuDemand::PerNode(g) | GpuDemand::PerTask(g) => g,
        GpuDemand::None | GpuDemand::Total(_) => 0,
    };
    let offers = gang_offers(capacity, job, candidates, end_secs, least_gpus);
    if shape.nodes.max > 1 {
        if let Some(alloc) = gang(capacity, shape, &offers) {
            return Ok(alloc);
        }
    }
    Err(shortfall(shape, &offers))
}

/// The nodes a gang chooses from: at most `GANG_CHOICE` valid offers (but enough for the whole
/// gang), taken in best-fit order from the free-GPU index (most free first for `-G` jobs, which
/// want few nodes). Bounding the choice keeps a gang's cost independent of the cluster's size.
fn gang_offers(
    capacity: &Capacity,
    job: &Job,
    candidates: &[NodeId],
    end_secs: u64,
    least_gpus: u32,
) -> Vec<Offer> {
    let shape = &job.shape;
    let limit = GANG_CHOICE.max(shape.nodes.max.min(shape.tasks) as usize * 4);
    let from: super::capacity::FitKey = (least_gpus, false, NodeId(0));
    let keys = capacity.by_free.range(from..);
    let ids: Box<dyn Iterator<Item = NodeId>> = match shape.gpus {
        GpuDemand::Total(_) => Box::new(keys.rev().map(|k| k.2)),
        _ => Box::new(keys.map(|k| k.2)),
    };
    ids.filter(|id| candidates.binary_search(id).is_ok())
        .filter_map(|id| offer(capacity, id, job, end_secs))
        .take(limit)
        .collect()
}

/// How many candidate nodes a gang placement weighs (see `gang_offers`).
const GANG_CHOICE: usize = 64;

fn offer(capacity: &Capacity, id: NodeId, job: &Job, end_secs: u64) -> Option<Offer> {
    let cap = capacity.node(id);
    let shape = &job.shape;
    if !cap.up || cap.exclusive_held || (shape.exclusive && cap.busy) {
        return None;
    }
    let node = cap.node;
    if let Some(constraint) = &job.spec.constraint {
        if !constraint.matches(&|f| node.spec.features.contains(f)) {
            return None;
        }
    }
    let usable: Vec<bool> = node
        .spec
        .gpus
        .iter()
        .enumerate()
        .map(|(slot, gpu)| {
            cap.is_free(slot)
                && capacity.reserved_from(id, slot) >= end_secs
                && shape
                    .gpu_model
                    .as_deref()
                    .is_none_or(|m| gpu_model_matches(m, &gpu.model))
        })
        .collect();
    let usable_gpus = usable.iter().filter(|u| **u).count() as u32;
    let max_tasks = max_tasks(cap, shape, usable_gpus);
    let enough = match shape.tasks_per_node {
        Some(p) => max_tasks >= p,
        None => max_tasks >= 1,
    };
    enough.then(|| Offer {
        node: node.id,
        usable,
        usable_gpus,
        max_tasks,
        rack: node.spec.rack.clone().unwrap_or_default(),
    })
}

/// How many tasks of this shape fit on the node, given its usable GPUs.
fn max_tasks(cap: &NodeCap, shape: &Shape, usable_gpus: u32) -> u32 {
    let mut limit = cap.free_cpus / shape.cpus_per_task;
    let per_task_gpus = match shape.gpus {
        GpuDemand::PerTask(g) if g > 0 => {
            limit = limit.min(usable_gpus / g);
            g
        }
        GpuDemand::PerNode(g) if usable_gpus < g => return 0,
        _ => 0,
    };
    match shape.mem {
        Some(MemRequest::Cpu(m)) if m > 0 => {
            let per_task = m.saturating_mul(u64::from(shape.cpus_per_task));
            limit = limit.min(u32::try_from(cap.free_mem_mib / per_task).unwrap_or(u32::MAX));
        }
        Some(MemRequest::Gpu(m)) if m > 0 && per_task_gpus > 0 => {
            let per_task = m.saturating_mul(u64::from(per_task_gpus));
            limit = limit.min(u32::try_from(cap.free_mem_mib / per_task).unwrap_or(u32::MAX));
        }
        Some(MemRequest::Gpu(m)) => {
            if let GpuDemand::PerNode(g) = shape.gpus {
                if m.saturating_mul(u64::from(g)) > cap.free_mem_mib {
                    return 0;
                }
            }
        }
        Some(MemRequest::Node(0)) if cap.busy => return 0,
        Some(MemRequest::Node(m)) if m > cap.free_mem_mib => return 0,
        _ => {}
    }
    limit
}

/// GPUs the job takes on a node holding `tasks` of its tasks (for `Total`, decided elsewhere).
fn gpus_for(shape: &Shape, tasks: u32) -> u32 {
    match shape.gpus {
        GpuDemand::None | GpuDemand::Total(_) => 0,
        GpuDemand::PerNode(g) => g,
        GpuDemand::PerTask(g) => g.saturating_mul(tasks),
    }
}

/// The whole job on one node: the first node, in best-fit order (fewest free GPUs, busy before
/// idle, lowest id), of the candidate set that can hold it.
fn single_node(
    capacity: &Capacity,
    job: &Job,
    candidates: &[NodeId],
    end_secs: u64,
) -> Option<Allocation> {
    let shape = &job.shape;
    if shape.tasks_per_node.is_some_and(|p| p != shape.tasks) {
        return None;
    }
    let gpus_needed = match shape.gpus {
        GpuDemand::Total(g) => g,
        _ => gpus_for(shape, shape.tasks),
    };
    let from: super::capacity::FitKey = (gpus_needed, false, NodeId(0));
    for &(_, _, id) in capacity.by_free.range(from..) {
        if candidates.binary_search(&id).is_err() {
            continue;
        }
        let Some(o) = offer(capacity, id, job, end_secs) else {
            continue;
        };
        if o.max_tasks >= shape.tasks && o.usable_gpus >= gpus_needed {
            if let Some(part) = build_part(capacity, shape, &o, shape.tasks, gpus_needed) {
                return Some(Allocation { nodes: vec![part] });
            }
        }
    }
    None
}

/// A multi-node placement: one rack if any rack can hold the whole gang, else across racks.
fn gang(capacity: &Capacity, shape: &Shape, offers: &[Offer]) -> Option<Allocation> {
    let mut by_rack: BTreeMap<&str, Vec<&Offer>> = BTreeMap::new();
    for o in offers {
        by_rack.entry(o.rack.as_str()).or_default().push(o);
    }
    let in_one_rack = by_rack
        .values()
        .filter_map(|rack_offers| fill(shape, rack_offers))
        .min_by_key(|chosen| (chosen.len(), leftover(chosen), chosen[0].0.node));
    let chosen = match in_one_rack {
        Some(c) => c,
        None => fill(shape, &offers.iter().collect::<Vec<_>>())?,
    };
    let nodes = chosen
        .iter()
        .map(|(o, tasks, gpus)| build_part(capacity, shape, o, *tasks, *gpus))
        .collect::<Option<Vec<_>>>()?;
    Some(Allocation { nodes })
}

fn leftover(chosen: &[(&Offer, u32, u32)]) -> u32 {
    chosen.iter().map(|(o, _, g)| o.usable_gpus - g).sum()
}

/// Greedy fill: the nodes that can hold most first (fewest nodes), fullest first on ties.
/// Returns (offer, tasks, GPUs) per chosen node, or `None` when the gang does not fit.
fn fill<'o>(shape: &Shape, offers: &[&'o Offer]) -> Option<Vec<(&'o Offer, u32, u32)>> {
    let mut sorted: Vec<&Offer> = offers.to_vec();
    let total_gpus = match shape.gpus {
        GpuDemand::Total(g) => Some(g),
        _ => None,
    };
    sorted.sort_by_key(|o| {
        let size = match total_gpus {
            Some(_) => o.usable_gpus,
            None => o.max_tasks.min(shape.tasks),
        };
        (std::cmp::Reverse(size), o.usable_gpus, o.node)
    });
    let max_nodes = shape.nodes.max.min(shape.tasks) as usize;
    let min_nodes = shape.nodes.min as usize;
    if sorted.len() < min_nodes {
        return None;
    }
    let mut chosen: Vec<(&Offer, u32)> = Vec::new();
    let mut covered: u64 = 0;
    let target = u64::from(total_gpus.unwrap_or(shape.tasks));
    for o in sorted {
        if chosen.len() >= max_nodes || (covered >= target && chosen.len() >= min_nodes) {
            break;
        }
        let size = match total_gpus {
            Some(_) => o.usable_gpus,
            None => match shape.tasks_per_node {
                Some(p) => p,
                None => o.max_tasks.min(shape.tasks),
            },
        };
        if size == 0 {
            continue;
        }
        chosen.push((o, size));
        covered += u64::from(size);
    }
    if covered < target || chosen.len() < min_nodes {
        return None;
    }
    distribute(shape, chosen, total_gpus)
}

/// Splits tasks (at least one per node) and, for `-G`, GPUs over the chosen nodes.
fn distribute<'o>(
    shape: &Shape,
    chosen: Vec<(&'o Offer, u32)>,
    total_gpus: Option<u32>,
) -> Option<Vec<(&'o Offer, u32, u32)>> {
    let n = chosen.len() as u32;
    if shape.tasks < n {
        return None;
    }
    let mut out = Vec::with_capacity(chosen.len());
    if let Some(mut gpus_left) = total_gpus {
        let mut tasks_left = shape.tasks;
        for (i, (o, size)) in chosen.into_iter().enumerate() {
            let nodes_after = n - i as u32 - 1;
            let gpus = size.min(gpus_left);
            gpus_left -= gpus;
            let tasks = if nodes_after == 0 {
                tasks_left
            } else {
                (tasks_left - nodes_after).min(o.max_tasks).max(1)
            };
            if tasks > o.max_tasks {
                return None;
            }
            tasks_left -= tasks;
            out.push((o, tasks, gpus));
        }
        return (gpus_left == 0 && tasks_left == 0).then_some(out);
    }
    let mut tasks_left = shape.tasks;
    for (i, (o, size)) in chosen.into_iter().enumerate() {
        let nodes_after = n - i as u32 - 1;
        let tasks = size.min(tasks_left - nodes_after).max(1);
        tasks_left -= tasks;
        out.push((o, tasks, gpus_for(shape, tasks)));
    }
    (tasks_left == 0).then_some(out)
}

fn build_part(
    capacity: &Capacity,
    shape: &Shape,
    offer: &Offer,
    tasks: u32,
    gpus: u32,
) -> Option<NodeAllocation> {
    let cap = capacity.node(offer.node);
    let picked = pick_gpus(&cap.node.spec.gpus, &offer.usable, gpus as usize)?;
    let cpus = tasks.saturating_mul(shape.cpus_per_task);
    let mem_mib = match shape.mem {
        None => 0,
        Some(MemRequest::Node(0)) => cap.node.spec.mem_mib,
        Some(MemRequest::Node(m)) => m,
        Some(MemRequest::Cpu(m)) => m.saturating_mul(u64::from(cpus)),
        Some(MemRequest::Gpu(m)) => m.saturating_mul(picked.len() as u64),
    };
    (mem_mib <= cap.free_mem_mib).then_some(NodeAllocation {
        node: offer.node,
        gpus: picked,
        cpus,
        mem_mib,
        tasks,
    })
}

/// "needs 2 nodes × 8 GPUs; best free: 1 node with 8 usable GPUs (n3), 4 nodes with 2".
fn shortfall(shape: &Shape, offers: &[Offer]) -> String {
    let need = describe_need(shape);
    let best = offers
        .iter()
        .max_by_key(|o| (o.usable_gpus, std::cmp::Reverse(o.node)));
    match best {
        None => format!("needs {need}; no node of its partition can take any part of it now"),
        Some(b) => {
            let with_most = offers
                .iter()
                .filter(|o| o.usable_gpus == b.usable_gpus)
                .count();
            format!(
                "needs {need}; the largest free block is {with_most} node(s) with {} usable GPUs ({})",
                b.usable_gpus, b.node
            )
        }
    }
}

/// "2 nodes × 8 GPUs (h100)", "16 GPUs on 1-16 nodes", "1 node, 4 CPUs".
pub fn describe_need(shape: &Shape) -> String {
    let nodes = if shape.nodes.min == shape.nodes.max {
        format!("{} node(s)", shape.nodes.min)
    } else {
        format!("{}-{} nodes", shape.nodes.min, shape.nodes.max)
    };
    let model = shape
        .gpu_model
        .as_deref()
        .map(|m| format!(" ({m})"))
        .unwrap_or_default();
    match shape.gpus {
        GpuDemand::None => format!("{nodes}, {} CPUs", shape.total_cpus()),
        GpuDemand::PerNode(g) => format!("{nodes} × {g} GPUs{model}"),
        GpuDemand::PerTask(g) => format!("{} tasks × {g} GPUs{model} on {nodes}", shape.tasks),
        GpuDemand::Total(g) => format!("{g} GPUs{model} on {nodes}"),
    }
}
