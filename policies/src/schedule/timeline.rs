//! When resources come free: every running job releases its allocation at its start plus its
//! time limit (COMPLETING jobs: now). From that, the earliest start of a blocked job, for its
//! backfill reservation.

use super::capacity::Capacity;
use super::placement::place;
use corral_model::{Allocation, JobId, NodeId};
use std::borrow::Cow;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub struct Release<'a> {
    pub at_secs: u64,
    pub job: JobId,
    /// Borrowed from the cluster state for running jobs; owned for starts made in this pass.
    pub allocation: Cow<'a, Allocation>,
    pub exclusive: bool,
}

/// Releases keyed by (time, job id), so the walk is in time order and deterministic.
pub type Releases<'a> = BTreeMap<(u64, JobId), Release<'a>>;

/// The earliest time within `[now, horizon]` at which `job` fits, walking the releases in
/// order, and the allocation it would get then.
pub fn earliest_start(
    capacity: &Capacity,
    releases: &Releases<'_>,
    job: &corral_model::Job,
    candidates: &[NodeId],
    limit_secs: u64,
    horizon_secs: u64,
) -> Option<(u64, Allocation)> {
    let mut future = capacity.clone();
    let mut walk = releases.values().peekable();
    while let Some(first) = walk.next() {
        let at = first.at_secs;
        if at > horizon_secs {
            return None;
        }
        future.give_back(&first.allocation, first.exclusive);
        while let Some(next) = walk.next_if(|r| r.at_secs == at) {
            future.give_back(&next.allocation, next.exclusive);
        }
        // Placement is tried only once enough GPUs are free in all (a cheap necessary condition).
        if future.free_gpus_total < job.shape.min_total_gpus() {
            continue;
        }
        if let Ok(allocation) = place(&future, job, candidates, at.saturating_add(limit_secs)) {
            return Some((at, allocation));
        }
    }
    None
}
