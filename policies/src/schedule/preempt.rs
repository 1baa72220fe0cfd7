//! Preemption by QoS tier: the smallest set of running jobs whose removal lets a blocked job of
//! a QoS that may preempt them fit. Victims must have run their QoS's minimum runtime, so jobs
//! don't thrash. The set is found greedily (lowest QoS priority, then fewest GPUs, then most
//! recently started, then id), then pruned of every victim not needed: minimal, not always
//! minimum.

use super::capacity::Capacity;
use super::placement::place;
use super::timeline::Release;
use crate::config::{PreemptMode, Qos};
use corral_model::{Allocation, Job, JobId, NodeId};

#[derive(Clone, Debug)]
pub struct Victim<'s> {
    pub job: &'s Job,
    pub qos: &'s Qos,
}

pub struct PreemptChoice {
    pub victims: Vec<(JobId, bool, u64)>,
    pub allocation: Allocation,
}

/// Victims this QoS may preempt now, in the order they are tried.
pub fn candidates<'s>(preemptor: &Qos, running: &[Victim<'s>], now_secs: u64) -> Vec<Victim<'s>> {
    let mut out: Vec<Victim<'s>> = running
        .iter()
        .filter(|v| preemptor.preempt.contains(&v.qos.name))
        .filter(|v| {
            v.job
                .start_secs
                .is_some_and(|s| s + v.qos.min_runtime_secs <= now_secs)
        })
        .cloned()
        .collect();
    out.sort_by_key(|v| {
        (
            v.qos.priority,
            v.job.gpu_count(),
            std::cmp::Reverse(v.job.start_secs),
            v.job.id,
        )
    });
    out
}

/// Finds victims whose GPUs let `job` fit; `None` if even all of them are not enough.
pub fn choose(
    capacity: &Capacity,
    job: &Job,
    nodes: &[NodeId],
    end_secs: u64,
    victims: &[Victim],
) -> Option<PreemptChoice> {
    let mut freed = capacity.clone();
    let mut taken: Vec<&Victim> = Vec::new();
    for v in victims {
        let Some(allocation) = &v.job.allocation else {
            continue;
        };
        freed.give_back(allocation, v.job.shape.exclusive);
        taken.push(v);
        if place(&freed, job, nodes, end_secs).is_ok() {
            break;
        }
    }
    place(&freed, job, nodes, end_secs).ok()?;
    // Prune: drop each victim (latest added first) whose release is not needed.
    let mut keep: Vec<&Victim> = taken.clone();
    for i in (0..taken.len()).rev() {
        let trial: Vec<&Victim> = keep
            .iter()
            .copied()
            .filter(|v| v.job.id != taken[i].job.id)
            .collect();
        if fits_with(capacity, job, nodes, end_secs, &trial) {
            keep = trial;
        }
    }
    let mut with_kept = capacity.clone();
    release_all(&mut with_kept, &keep);
    let allocation = place(&with_kept, job, nodes, end_secs).ok()?;
    Some(PreemptChoice {
        victims: keep
            .iter()
            .map(|v| {
                let requeue =
                    v.qos.preempt_mode == PreemptMode::Requeue && v.job.spec.requeue != Some(false);
                (v.job.id, requeue, v.qos.grace_time_secs)
            })
            .collect(),
        allocation,
    })
}

fn fits_with(
    capacity: &Capacity,
    job: &Job,
    nodes: &[NodeId],
    end: u64,
    victims: &[&Victim],
) -> bool {
    let mut trial = capacity.clone();
    release_all(&mut trial, victims);
    place(&trial, job, nodes, end).is_ok()
}

fn release_all(capacity: &mut Capacity, victims: &[&Victim]) {
    for v in victims {
        if let Some(a) = &v.job.allocation {
            capacity.give_back(a, v.job.shape.exclusive);
        }
    }
}

/// Whether `job` would fit once the jobs already ending (COMPLETING) have gone: then it waits
/// for them instead of preempting more.
pub fn fits_after_ending(
    capacity: &Capacity,
    ending: &[Release<'_>],
    job: &Job,
    nodes: &[NodeId],
    end_secs: u64,
) -> bool {
    if ending.is_empty() {
        return false;
    }
    let mut after = capacity.clone();
    for r in ending {
        after.give_back(&r.allocation, r.exclusive);
    }
    place(&after, job, nodes, end_secs).is_ok()
}
