//! Choosing which GPUs of a node a job gets: the set best connected by NVLink, so that a 2- or
//! 4-GPU job lands inside one NVLink island when the node has several. Ties go to lower indices.

use corral_model::GpuSpec;

/// Picks `count` GPUs among the usable slots. Returns NVML indices, ascending.
pub fn pick_gpus(gpus: &[GpuSpec], usable: &[bool], count: usize) -> Option<Vec<u32>> {
    let candidates: Vec<usize> = (0..gpus.len()).filter(|&s| usable[s]).collect();
    if candidates.len() < count {
        return None;
    }
    if count == 0 {
        return Some(vec![]);
    }
    if candidates.len() == count || !has_islands(gpus) {
        return Some(indices(gpus, &candidates[..count]));
    }
    let mut best: Option<(usize, Vec<usize>)> = None;
    for &seed in &candidates {
        let group = grow_group(gpus, &candidates, seed, count);
        let links = internal_links(gpus, &group);
        if best.as_ref().is_none_or(|(l, _)| links > *l) {
            best = Some((links, group));
        }
    }
    best.map(|(_, group)| indices(gpus, &group))
}

/// Whether NVLink connectivity differs between GPUs (otherwise any choice is as good).
fn has_islands(gpus: &[GpuSpec]) -> bool {
    let n = gpus.len();
    gpus.iter().any(|g| g.nvlink_peers.len() + 1 != n)
        && gpus.iter().any(|g| !g.nvlink_peers.is_empty())
}

fn linked(gpus: &[GpuSpec], a: usize, b: usize) -> bool {
    gpus[a].nvlink_peers.contains(&gpus[b].index)
}

/// Greedy: from `seed`, add the candidate with most links into the group (lowest slot on ties).
fn grow_group(gpus: &[GpuSpec], candidates: &[usize], seed: usize, count: usize) -> Vec<usize> {
    let mut group = vec![seed];
    while group.len() < count {
        let next = candidates
            .iter()
            .copied()
            .filter(|c| !group.contains(c))
            .max_by_key(|&c| {
                let links = group.iter().filter(|&&g| linked(gpus, g, c)).count();
                (links, std::cmp::Reverse(c))
            });
        match next {
            Some(c) => group.push(c),
            None => break,
        }
    }
    group.sort_unstable();
    group
}

fn internal_links(gpus: &[GpuSpec], group: &[usize]) -> usize {
    group
        .iter()
        .enumerate()
        .map(|(i, &a)| {
            group[i + 1..]
                .iter()
                .filter(|&&b| linked(gpus, a, b))
                .count()
        })
        .sum()
}

fn indices(gpus: &[GpuSpec], slots: &[usize]) -> Vec<u32> {
    let mut out: Vec<u32> = slots.iter().map(|&s| gpus[s].index).collect();
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use corral_model::GpuHealth;

    /// Four GPUs in two NVLink pairs: 0-1 and 2-3.
    fn paired() -> Vec<GpuSpec> {
        let peers = [vec![1], vec![0], vec![3], vec![2]];
        peers
            .iter()
            .enumerate()
            .map(|(i, p)| GpuSpec {
                index: i as u32,
                uuid: format!("GPU-{i}"),
                model: "A100".into(),
                mem_mib: 40_000,
                nvlink_peers: p.clone(),
                health: GpuHealth::Healthy,
            })
            .collect()
    }

    #[test]
    fn a_two_gpu_job_gets_a_linked_pair() {
        let gpus = paired();
        // GPU 0 is taken: the pair 2-3 is whole, 1 alone is not linked to anything free.
        assert_eq!(
            pick_gpus(&gpus, &[false, true, true, true], 2),
            Some(vec![2, 3])
        );
    }

    #[test]
    fn too_few_usable_gpus_is_none() {
        assert_eq!(pick_gpus(&paired(), &[false, true, false, false], 2), None);
    }

    #[test]
    fn zero_gpus_is_an_empty_pick() {
        assert_eq!(pick_gpus(&paired(), &[true; 4], 0), Some(vec![]));
    }
}
