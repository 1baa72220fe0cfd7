//! Answers to "why": the leader's record of its last scheduling pass (`LastPass`: every pending
//! job's reason), and the priority breakdown and fair-share tree computed on demand from the
//! applied state and the policy in force. Served by `Explain`, `PendingReasons`, `FairShare`.

use crate::policy_source::PolicySource;
use corral_model::{ClusterState, Job, JobId, JobState};
use corral_policies::fairshare::{replicated_report, FairShareReport, RowKind};
use corral_policies::priority::{JobFacts, Prioritizer, PriorityBreakdown};
use corral_policies::schedule::{partition_of, qos_of, PendingReason};
use corral_policies::Policy;
use corral_proto::v1::{PendingInfo, Priority, PriorityFactor, ShareRow};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// What the leader's last pass said about each pending job.
#[derive(Clone, Debug, Default)]
pub struct PassRecord {
    pub at_secs: u64,
    pub pending: BTreeMap<JobId, PendingReason>,
}

/// Shared between the leader loop (writer) and the client service (reader).
#[derive(Clone, Default)]
pub struct LastPass(Arc<Mutex<Option<Arc<PassRecord>>>>);

impl LastPass {
    pub fn set(&self, record: PassRecord) {
        *self.lock() = Some(Arc::new(record));
    }

    pub fn get(&self) -> Option<Arc<PassRecord>> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Arc<PassRecord>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The policy in force for the client service's reads, parsed once per version.
pub struct PolicyView {
    source: Mutex<PolicySource>,
}

impl PolicyView {
    pub fn new(configured: Policy) -> PolicyView {
        PolicyView {
            source: Mutex::new(PolicySource::new(configured)),
        }
    }

    pub fn current(&self, cluster: &ClusterState) -> Arc<Policy> {
        self.source
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .current(cluster)
    }
}

/// The Fair Tree report for the state: the policy's accounts plus every user seen on a job,
/// with the replicated usage (finished runs, plus running jobs so far) decayed to `now_secs`.
pub fn fairshare_report(cluster: &ClusterState, policy: &Policy, now_secs: u64) -> FairShareReport {
    replicated_report(cluster, policy, now_secs)
}

pub fn share_rows(report: &FairShareReport) -> Vec<ShareRow> {
    report
        .rows()
        .iter()
        .map(|row| ShareRow {
            depth: row.depth as u32,
            kind: match row.kind {
                RowKind::Account => "account",
                RowKind::User => "user",
            }
            .to_string(),
            name: row.name.clone(),
            account: row.account.clone(),
            raw_shares: row.raw_shares,
            norm_shares: row.norm_shares,
            raw_usage: row.raw_usage,
            effective_usage: row.effective_usage,
            level_fairshare: row.level_fairshare.filter(|v| v.is_finite()),
            factor: row.factor,
        })
        .collect()
}

/// Prices pending jobs as the leader's pass would.
pub struct Pricer<'a> {
    prioritizer: Prioritizer<'a>,
    policy: &'a Policy,
    now_secs: u64,
}

impl<'a> Pricer<'a> {
    pub fn new(
        policy: &'a Policy,
        report: &'a FairShareReport,
        cluster: &ClusterState,
        now_secs: u64,
    ) -> Self {
        let cluster_gpus = cluster.nodes().map(|n| n.spec.gpus.len() as u64).sum();
        Pricer {
            prioritizer: Prioritizer::new(policy, report, cluster_gpus),
            policy,
            now_secs,
        }
    }

    pub fn priority(&self, job: &Job) -> PriorityBreakdown {
        let partition = partition_of(job, self.policy)
            .map(|p| p.name.as_str())
            .unwrap_or("");
        let qos = qos_of(job, self.policy)
            .map(|q| q.name.as_str())
            .unwrap_or("");
        let facts = JobFacts {
            submit_secs: job.eligible_secs.max(job.submit_secs),
            gpus: job.gpu_count(),
            partition,
            qos,
            nice: job.spec.nice,
            account: &job.account,
            user: &job.user,
        };
        self.prioritizer.priority(&facts, self.now_secs)
    }
}

pub fn priority_message(breakdown: &PriorityBreakdown) -> Priority {
    let factor = |name: &str, f: &corral_policies::priority::Factor| PriorityFactor {
        name: name.to_string(),
        value: f.value,
        weighted: f.weighted,
    };
    Priority {
        total: breakdown.total,
        factors: vec![
            factor("age", &breakdown.age),
            factor("fairshare", &breakdown.fairshare),
            factor("job_size", &breakdown.job_size),
            factor("partition", &breakdown.partition),
            factor("qos", &breakdown.qos),
            factor("nice", &breakdown.nice),
        ],
    }
}

/// A pending job's reason (if the last pass gave one) and its priority.
pub fn pending_info(job: &Job, record: Option<&PassRecord>, pricer: &Pricer) -> PendingInfo {
    let reason = record.and_then(|r| r.pending.get(&job.id));
    PendingInfo {
        job_id: job.id.0,
        reason: reason
            .map(|r| r.code.name().to_string())
            .unwrap_or_else(|| "NotYetConsidered".into()),
        detail: reason
            .map(|r| r.detail.to_string())
            .unwrap_or_else(|| "no scheduling pass has looked at it since it was submitted".into()),
        ahead: reason.map_or(0, |r| r.ahead),
        reserved_start_secs: reason.and_then(|r| r.reserved_start_secs),
        priority: Some(priority_message(&pricer.priority(job))),
    }
}

/// Every pending job (of `user`, when given), highest priority first.
pub fn pending_infos(
    cluster: &ClusterState,
    user: &str,
    record: Option<&PassRecord>,
    pricer: &Pricer,
) -> Vec<PendingInfo> {
    let mut infos: Vec<PendingInfo> = cluster
        .jobs_in(JobState::Pending)
        .filter(|job| user.is_empty() || job.user == user)
        .map(|job| pending_info(job, record, pricer))
        .collect();
    infos.sort_by(|a, b| {
        let total = |i: &PendingInfo| i.priority.as_ref().map_or(0.0, |p| p.total);
        total(b).total_cmp(&total(a)).then(a.job_id.cmp(&b.job_id))
    });
    infos
}
