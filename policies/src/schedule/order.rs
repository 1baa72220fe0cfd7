//! The queue of one pass: every pending job resolved against the policy (partition, QoS, time
//! limit), given its priority, and sorted: priority descending, then job id ascending.

use super::reason::{PendingReason, ReasonCode};
use super::resolve::{partition_of, qos_of, time_limit_secs};
use super::View;
use crate::config::{Partition, Policy, Qos};
use crate::priority::{job_priority_scaled, PriorityInputs, PriorityScale};
use corral_model::{Job, JobId};
use std::collections::BTreeMap;

pub struct Candidate<'a> {
    pub job: &'a Job,
    pub partition: &'a Partition,
    pub qos: &'a Qos,
    pub limit_secs: u64,
    pub priority: f64,
}

/// Pending jobs in the order a pass considers them. Jobs that the policy cannot take (unknown
/// partition or QoS, an account the partition refuses) get their reason in `pending` instead.
pub fn ordered_queue<'a>(
    view: &View<'a>,
    policy: &'a Policy,
    now_secs: u64,
    pending: &mut Vec<(JobId, PendingReason)>,
) -> Vec<Candidate<'a>> {
    let cluster_gpus: u64 = view.cluster.nodes().map(|n| n.spec.gpus.len() as u64).sum();
    let fairshare_of: BTreeMap<(&str, &str), f64> = view
        .fairshare
        .iter()
        .map(|((account, user), f)| ((account.as_str(), user.as_str()), *f))
        .collect();
    // Jobs of one user, account, partition and QoS resolve alike: resolve each combination once.
    type ResolveKey<'j> = (Option<&'j str>, Option<&'j str>, &'j str, &'j str);
    let mut resolved: BTreeMap<ResolveKey<'a>, Result<(&'a Partition, &'a Qos), String>> =
        BTreeMap::new();
    let scale = PriorityScale::of(policy);
    let mut queue = Vec::new();
    for job in view.cluster.pending_jobs() {
        let key = (
            job.spec.partition.as_deref(),
            job.spec.qos.as_deref(),
            job.user.as_str(),
            job.account.as_str(),
        );
        let resolution = resolved.entry(key).or_insert_with(|| resolve(job, policy));
        match resolution {
            Err(why) => {
                let reason = PendingReason::new(ReasonCode::NeverPolicy, why.clone());
                pending.push((job.id, reason));
            }
            Ok((partition, qos)) => {
                let (partition, qos) = (*partition, *qos);
                let fairshare = fairshare_of
                    .get(&(job.account.as_str(), job.user.as_str()))
                    .copied()
                    .unwrap_or(1.0);
                let inputs = PriorityInputs {
                    age_secs: now_secs.saturating_sub(job.eligible_secs.max(job.submit_secs)),
                    fairshare,
                    job_gpus: job.shape.min_total_gpus(),
                    cluster_gpus,
                    partition_tier: partition.priority_tier,
                    qos_priority: qos.priority,
                    nice: job.spec.nice,
                };
                queue.push(Candidate {
                    job,
                    partition,
                    qos,
                    limit_secs: time_limit_secs(job, partition),
                    priority: job_priority_scaled(&inputs, policy, &scale).total,
                });
            }
        }
    }
    // Unstable is deterministic here: the id breaks every tie.
    queue.sort_unstable_by(|a, b| {
        b.priority
            .total_cmp(&a.priority)
            .then(a.job.id.cmp(&b.job.id))
    });
    queue
}

fn resolve<'p>(job: &Job, policy: &'p Policy) -> Result<(&'p Partition, &'p Qos), String> {
    let partition = partition_of(job, policy)?;
    let qos = qos_of(job, policy)?;
    if !policy.partition_allows_account(&partition.name, &job.account) {
        return Err(format!(
            "partition {} does not admit account {}",
            partition.name, job.account
        ));
    }
    if !partition.allows_qos(&qos.name) {
        return Err(format!(
            "partition {} does not allow QoS {}",
            partition.name, qos.name
        ));
    }
    Ok((partition, qos))
}
