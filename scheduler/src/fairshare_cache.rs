//! `FairShareCache`: the leader loop's fair-share factors, recomputed from the replicated usage
//! (`corral_policies::fairshare::replicated_report`) at most once per configured period (Slurm's
//! `PriorityCalcPeriod`, 5 minutes by default) and whenever the policy in force changes.

use corral_model::ClusterState;
use corral_policies::config::Policy;
use corral_policies::fairshare::replicated_report;
use std::collections::BTreeMap;
use std::sync::Arc;

pub type Factors = BTreeMap<(String, String), f64>;

pub struct FairShareCache {
    period_secs: u64,
    computed: Option<Computed>,
}

struct Computed {
    at_secs: u64,
    policy: Arc<Policy>,
    factors: Factors,
}

impl FairShareCache {
    /// `period_secs` = 0 recomputes at every pass.
    pub fn new(period_secs: u64) -> FairShareCache {
        FairShareCache {
            period_secs,
            computed: None,
        }
    }

    /// The factors for a pass at `now_secs` under `policy`.
    pub fn factors(
        &mut self,
        cluster: &ClusterState,
        policy: &Arc<Policy>,
        now_secs: u64,
    ) -> &Factors {
        let fresh = self.computed.as_ref().is_some_and(|c| {
            Arc::ptr_eq(&c.policy, policy) && now_secs < c.at_secs.saturating_add(self.period_secs)
        });
        if !fresh {
            self.computed = Some(Computed {
                at_secs: now_secs,
                policy: Arc::clone(policy),
                factors: replicated_report(cluster, policy, now_secs).factor_map(),
            });
        }
        &self.computed.as_ref().expect("computed above").factors
    }
}
