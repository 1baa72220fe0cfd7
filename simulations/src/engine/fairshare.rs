//! Fair-share in the replay, as production will have it: every run that ends charges its
//! GPU-seconds (billed per GPU model) to its account and user in a decaying `UsageLedger`, and
//! the Fair Tree factors are recomputed from it at most every `RECOMPUTE_SECS` of virtual time
//! (Slurm recomputes priorities every `PriorityCalcPeriod`, 5 minutes by default).

use corral_model::{ClusterState, Job};
use corral_policies::config::Policy;
use corral_policies::fairshare::{fair_tree, Charge, ShareTree, UsageLedger};
use std::collections::{BTreeMap, BTreeSet};

/// Virtual seconds between two fair-share computations.
pub const RECOMPUTE_SECS: u64 = 300;

pub struct SimFairShare {
    ledger: UsageLedger,
    users: BTreeSet<String>,
    computed_at: Option<u64>,
    changed: bool,
    factors: BTreeMap<(String, String), f64>,
}

impl SimFairShare {
    pub fn new(policy: &Policy) -> SimFairShare {
        SimFairShare {
            ledger: UsageLedger::new(policy.fairshare.half_life_secs),
            users: BTreeSet::new(),
            computed_at: None,
            changed: true,
            factors: BTreeMap::new(),
        }
    }

    /// A user the tree must know (users not in the policy get `[user_defaults]` shares).
    pub fn saw_user(&mut self, user: &str) {
        if !self.users.contains(user) {
            self.users.insert(user.to_string());
            self.changed = true;
        }
    }

    /// Charges the run of `job` that ends at `now_secs` (call before it ends in the state).
    pub fn charge(&mut self, state: &ClusterState, job: &Job, now_secs: u64, policy: &Policy) {
        let (Some(allocation), Some(start)) = (&job.allocation, job.start_secs) else {
            return;
        };
        let run_secs = now_secs.saturating_sub(start);
        for part in &allocation.nodes {
            let Some(node) = state.node(part.node) else {
                continue;
            };
            for &index in &part.gpus {
                let model = node
                    .gpu_slot(index)
                    .map_or("", |slot| node.spec.gpus[slot].model.as_str());
                let charge = Charge {
                    account: &job.account,
                    user: &job.user,
                    gpu_model: model,
                    gpu_secs: run_secs,
                    at_secs: now_secs,
                };
                self.ledger.record(&policy.billing, &charge);
            }
        }
        self.changed = true;
    }

    /// The factors for a pass at `now_secs`, recomputed when stale.
    pub fn factors(&mut self, now_secs: u64, policy: &Policy) -> &BTreeMap<(String, String), f64> {
        let stale = self
            .computed_at
            .is_none_or(|at| now_secs >= at + RECOMPUTE_SECS);
        if stale && self.changed {
            let mut tree = ShareTree::from_policy(policy);
            tree.add_unlisted_users(policy, self.users.iter().map(String::as_str));
            let usage = self.ledger.decayed_usage(now_secs);
            self.factors = fair_tree(&tree, &usage).factor_map();
            self.computed_at = Some(now_secs);
            self.changed = false;
        }
        &self.factors
    }
}
