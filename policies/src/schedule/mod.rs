//! `schedule(view, policy, now) -> Plan`: one pure scheduling pass. The live leader and the
//! simulator both call it; nothing here reads a clock, does I/O or logs.
//!
//! The pass: (1) running jobs past their limit are marked timed out; (2) each pending job is
//! checked for eligibility (begin time, dependencies, array throttle) and given its priority;
//! (3) in priority order, bounded by `max_jobs_considered`, each job is checked against limits and
//! placed now if it fits without touching a reservation; (4) otherwise it may preempt lower QoS
//! tiers, or, if it is among the top `backfill.reservations` blocked jobs, gets a reserved start
//! whose GPUs later jobs may use only if they end before it (EASY backfill); (5) every job left
//! pending gets a `PendingReason` with its numbers.

mod capacity;
mod eligibility;
mod gpu_pick;
mod limits;
mod order;
mod pass;
mod placement;
mod plan;
mod preempt;
mod reason;
mod resolve;
mod selector;
mod timeline;

pub use placement::describe_need;
pub use plan::{Plan, Preemption, Reservation, Warning};
pub use reason::{PendingReason, ReasonCode};
pub use resolve::{partition_of, qos_of, time_limit_secs, UNLIMITED_SECS};

use crate::config::Policy;
use corral_model::ClusterState;
use std::collections::BTreeMap;

/// What a pass looks at: the cluster as `apply` left it, and the fair-share factor of each
/// `(account, user)` (computed by `fairshare` from decayed usage; a missing entry counts as 1.0,
/// i.e. an association with no usage yet).
pub struct View<'a> {
    pub cluster: &'a ClusterState,
    pub fairshare: &'a BTreeMap<(String, String), f64>,
}

/// One scheduling pass. Same input, same plan.
pub fn schedule(view: &View, policy: &Policy, now_secs: u64) -> Plan {
    pass::Pass::new(view, policy, now_secs).run()
}
