//! When resources come free: every running job releases its allocation at its start plus its
//! time limit (COMPLETING jobs: now). From that, the earliest start of a blocked job, for its
//! backfill reservation.

use super::capacity::Capacity;
use super::placement::place;
use corral_model::{Allocation, JobId, NodeId};

#[derive(Clone, Debug)]
pub struct Release {
    pub at_secs: u64,
    pub job: JobId,
    pub allocation: Allocation,
    pub exclusive: bool,
}

/// Sorts releases by time, then job id, so the walk is deterministic.
pub fn sort_releases(releases: &mut [Release]) {
    releases.sort_by_key(|r| (r.at_secs, r.job));
}

/// The earliest time within `[now, horizon]` at which `job` fits, walking the releases in
/// order, and the allocation it would get then.
pub fn earliest_start(
    capacity: &Capacity,
    releases: &[Release],
    job: &corral_model::Job,
    candidates: &[NodeId],
    limit_secs: u64,
    horizon_secs: u64,
) -> Option<(u64, Allocation)> {
    let mut future = capacity.clone();
    let mut i = 0;
    while i < releases.len() {
        let at = releases[i].at_secs;
        if at > horizon_secs {
            return None;
        }
        while i < releases.len() && releases[i].at_secs == at {
            future.give_back(&releases[i].allocation, releases[i].exclusive);
            i += 1;
        }
        if let Ok(allocation) = place(&future, job, candidates, at.saturating_add(limit_secs)) {
            return Some((at, allocation));
        }
    }
    None
}
