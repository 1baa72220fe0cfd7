//! Limits per user, account (with its sub-accounts) and QoS on what runs at once: GPUs held and
//! running jobs. Counted once at the start of a pass and updated as the pass starts jobs.

use super::reason::{PendingReason, ReasonCode};
use crate::config::{Limits, Policy};
use corral_model::{ClusterState, Job};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Default)]
struct Use {
    gpus: u64,
    jobs: u64,
}

/// Running use by user, by account and by QoS (names borrowed from the jobs and the policy).
/// Under a policy that sets no limit on running jobs or GPUs nothing is counted.
#[derive(Default)]
pub struct LimitCounts<'a> {
    enforced: bool,
    users: BTreeMap<&'a str, Use>,
    accounts: BTreeMap<&'a str, Use>,
    qos: BTreeMap<&'a str, Use>,
}

impl<'a> LimitCounts<'a> {
    pub fn of(
        state: &'a ClusterState,
        policy: &'a Policy,
        qos_of: impl Fn(&'a Job) -> &'a str,
    ) -> Self {
        let mut counts = LimitCounts {
            enforced: sets_running_limits(policy),
            ..LimitCounts::default()
        };
        if !counts.enforced {
            return counts;
        }
        for job in state.holding_jobs() {
            counts.add(job, policy, qos_of(job));
        }
        counts
    }

    pub fn add(&mut self, job: &'a Job, policy: &'a Policy, qos: &'a str) {
        if !self.enforced {
            return;
        }
        let gpus = job.gpu_count();
        let bump = |u: &mut Use| {
            u.gpus += gpus;
            u.jobs += 1;
        };
        bump(self.users.entry(job.user.as_str()).or_default());
        for account in policy.account_chain(&job.account) {
            bump(self.accounts.entry(account).or_default());
        }
        bump(self.qos.entry(qos).or_default());
    }

    /// `Err` with the first limit that starting `job` would break.
    pub fn check(&self, job: &Job, policy: &Policy, qos: &str) -> Result<(), PendingReason> {
        if !self.enforced {
            return Ok(());
        }
        let gpus = job.shape.min_total_gpus();
        let user_limits = policy.user_limits(&job.user);
        let current = self
            .users
            .get(job.user.as_str())
            .copied()
            .unwrap_or_default();
        within(&user_limits, current, gpus, || format!("user {}", job.user))?;
        for account in policy.account_chain(&job.account) {
            if let Some(a) = policy.accounts.get(account) {
                let current = self.accounts.get(account).copied().unwrap_or_default();
                within(&a.limits, current, gpus, || format!("account {account}"))?;
            }
        }
        if let Some(q) = policy.qos.get(qos) {
            let current = self.qos.get(qos).copied().unwrap_or_default();
            within(&q.limits, current, gpus, || format!("QoS {qos}"))?;
        }
        Ok(())
    }
}

/// Whether any user, account or QoS limit caps running jobs or GPUs.
fn sets_running_limits(policy: &Policy) -> bool {
    let caps = |l: &Limits| l.max_gpus.is_some() || l.max_running_jobs.is_some();
    caps(&policy.user_defaults.limits)
        || policy.users.values().any(|u| caps(&u.limits))
        || policy.accounts.values().any(|a| caps(&a.limits))
        || policy.qos.values().any(|q| caps(&q.limits))
}

fn within(
    limits: &Limits,
    current: Use,
    gpus: u64,
    who: impl Fn() -> String,
) -> Result<(), PendingReason> {
    if let Some(max) = limits.max_gpus {
        if current.gpus + gpus > u64::from(max) {
            return Err(PendingReason::new(
                ReasonCode::Limit,
                format!(
                    "{} holds {} GPUs; {gpus} more would pass its max_gpus of {max}",
                    who(),
                    current.gpus
                ),
            ));
        }
    }
    if let Some(max) = limits.max_running_jobs {
        if current.jobs + 1 > u64::from(max) {
            return Err(PendingReason::new(
                ReasonCode::Limit,
                format!(
                    "{} runs {} jobs, its max_running_jobs is {max}",
                    who(),
                    current.jobs
                ),
            ));
        }
    }
    Ok(())
}
