//! The state of one scheduling pass and its walk over the queue. See `schedule` for the steps.

use super::capacity::Capacity;
use super::eligibility::{self, ArrayCounts};
use super::limits::LimitCounts;
use super::order::{ordered_queue, Candidate};
use super::placement::{describe_need, place};
use super::plan::{Plan, Preemption, Reservation, Warning};
use super::preempt::{self, Victim};
use super::reason::{PendingReason, ReasonCode};
use super::resolve::{partition_of, qos_of, time_limit_secs, UNLIMITED_SECS};
use super::selector::{could_ever_fit, partition_nodes};
use super::timeline::{earliest_start, Release, Releases};
use super::View;
use crate::config::Policy;
use corral_model::spec::Constraint;
use corral_model::{
    Allocation, Job, JobId, JobState, NodeId, Shape, SignalTarget, StartOrder,
    TIME_LIMIT_WARNING_BY,
};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

pub struct Pass<'a> {
    view: &'a View<'a>,
    policy: &'a Policy,
    now: u64,
    capacity: Capacity<'a>,
    arrays: ArrayCounts,
    limits: LimitCounts<'a>,
    nodes_of: Rc<BTreeMap<String, Vec<NodeId>>>,
    /// When running jobs (and jobs started in this pass) release their GPUs.
    releases: Releases<'a>,
    /// COMPLETING jobs: about to release.
    ending: Vec<Release<'a>>,
    victims: Vec<Victim<'a>>,
    /// Shapes that failed to fit now, with the earliest end that failed: an identical job that
    /// would end no earlier fails too (resources only shrink during a pass).
    failed: BTreeMap<FailKey<'a>, (u64, String)>,
    /// Per shape: could it fit its candidate nodes if they were idle? (Static within a pass.)
    ever_fits: BTreeMap<FailKey<'a>, bool>,
    reservations_made: u32,
    /// Reasons of jobs left pending, in queue order; sorted into `plan.pending` at the end.
    pending: Vec<(JobId, PendingReason)>,
    /// The reason of every job past `backfill.max_jobs_tested`, built once.
    past_backfill_limit: Arc<str>,
    blocked_seen: bool,
    tested_after_block: u32,
    plan: Plan,
}

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct FailKey<'a> {
    partition: &'a str,
    shape: &'a Shape,
    constraint: &'a Option<Box<Constraint>>,
    nodelist: &'a [String],
    exclude: &'a [String],
}

impl<'a> Pass<'a> {
    pub fn new(view: &'a View<'a>, policy: &'a Policy, now: u64) -> Pass<'a> {
        let cluster = view.cluster;
        let qos_name =
            |j: &'a Job| -> &'a str { qos_of(j, policy).map(|q| q.name.as_str()).unwrap_or("") };
        let mut releases = Releases::new();
        let mut ending = Vec::new();
        let mut victims = Vec::new();
        let anyone_preempts = policy.qos.values().any(|q| !q.preempt.is_empty());
        for job in cluster.holding_jobs() {
            let Some(allocation) = job.allocation.as_ref() else {
                continue;
            };
            let limit = partition_of(job, policy)
                .map(|p| time_limit_secs(job, p))
                .unwrap_or(super::UNLIMITED_SECS);
            let expected_end = job.start_secs.unwrap_or(now).saturating_add(limit).max(now);
            let release = Release {
                at_secs: if job.state == JobState::Completing {
                    now
                } else {
                    expected_end
                },
                job: job.id,
                allocation: Cow::Borrowed(allocation),
                exclusive: job.shape.exclusive,
            };
            if job.state == JobState::Completing {
                ending.push(release);
            } else {
                releases.insert((release.at_secs, release.job), release);
                if anyone_preempts {
                    if let Ok(qos) = qos_of(job, policy) {
                        victims.push(Victim { job, qos });
                    }
                }
            }
        }
        Pass {
            view,
            policy,
            now,
            capacity: Capacity::of(cluster),
            arrays: ArrayCounts::of(cluster),
            limits: LimitCounts::of(cluster, policy, qos_name),
            nodes_of: Rc::new(partition_nodes(cluster, policy)),
            releases,
            ending,
            victims,
            failed: BTreeMap::new(),
            ever_fits: BTreeMap::new(),
            reservations_made: 0,
            pending: Vec::new(),
            past_backfill_limit: format!(
                "backfill tests {} jobs behind the first blocked one per pass",
                policy.backfill.max_jobs_tested
            )
            .into(),
            blocked_seen: false,
            tested_after_block: 0,
            plan: Plan::default(),
        }
    }

    pub fn run(mut self) -> Plan {
        self.mark_timeouts();
        let queue = ordered_queue(self.view, self.policy, self.now, &mut self.pending);
        let max_considered = self.policy.scheduler.max_jobs_considered as usize;
        let not_considered =
            format!("a pass considers the first {max_considered} jobs in priority order");
        for (position, candidate) in queue.iter().enumerate() {
            if position >= max_considered {
                let reason = PendingReason::new(ReasonCode::NotConsidered, not_considered.clone());
                self.pend(candidate.job, reason, position);
                continue;
            }
            if let Err(reason) = self.consider(candidate) {
                self.pend(candidate.job, reason, position);
            }
        }
        self.plan.pending = std::mem::take(&mut self.pending).into_iter().collect();
        self.plan
    }

    fn pend(&mut self, job: &Job, mut reason: PendingReason, ahead: usize) {
        reason.ahead = ahead as u32;
        self.pending.push((job.id, reason));
    }

    fn mark_timeouts(&mut self) {
        for job in self.view.cluster.jobs_in(JobState::Running) {
            let Ok(partition) = partition_of(job, self.policy) else {
                continue;
            };
            let limit = time_limit_secs(job, partition);
            let Some(start) = job.start_secs else {
                continue;
            };
            if start.saturating_add(limit) <= self.now {
                self.plan.timed_out.push(job.id);
            } else if let Some(warning) = warning_due(job, start, limit, self.now) {
                self.plan.warnings.push(warning);
            }
        }
    }

    /// Starts, preempts for, or reserves for one job; `Err` says why it stays pending.
    fn consider(&mut self, c: &Candidate<'a>) -> Result<(), PendingReason> {
        let job = c.job;
        eligibility::check(job, self.view.cluster, &self.arrays, self.now)?;
        self.limits.check(job, self.policy, &c.qos.name)?;
        let backfill = &self.policy.backfill;
        if self.blocked_seen {
            if !backfill.enabled {
                return Err(PendingReason::new(
                    ReasonCode::Priority,
                    "a job of higher priority is waiting for resources and backfill is off",
                ));
            }
            self.tested_after_block += 1;
            if self.tested_after_block > backfill.max_jobs_tested {
                return Err(PendingReason::new(
                    ReasonCode::Priority,
                    self.past_backfill_limit.clone(),
                ));
            }
        }
        let nodes_of = Rc::clone(&self.nodes_of);
        let nodes = candidate_nodes(&nodes_of, self.view.cluster, c);
        if nodes.is_empty() {
            return Err(PendingReason::new(
                ReasonCode::NeverFits,
                format!(
                    "no node of partition {} matches its node list and exclusions",
                    c.partition.name
                ),
            ));
        }
        let end = self.now.saturating_add(c.limit_secs);
        let key = fail_key(job, &c.partition.name);
        let known_failure = self
            .failed
            .get(&key)
            .filter(|(failed_end, _)| end >= *failed_end)
            .map(|(_, d)| d.clone());
        let attempt = match known_failure {
            Some(detail) => Err(detail),
            None => place(&self.capacity, job, &nodes, end),
        };
        match attempt {
            Ok(allocation) => {
                self.start(c, allocation);
                Ok(())
            }
            Err(detail) => {
                let cluster = self.view.cluster;
                let ever = *self
                    .ever_fits
                    .entry(key.clone())
                    .or_insert_with(|| could_ever_fit(cluster, job, &nodes));
                let entry = self.failed.entry(key).or_insert((end, detail.clone()));
                entry.0 = entry.0.min(end);
                self.blocked(c, &nodes, end, detail, ever)
            }
        }
    }

    fn start(&mut self, c: &Candidate<'a>, allocation: Allocation) {
        let job = c.job;
        self.capacity.take(&allocation, job.shape.exclusive);
        self.limits.add(job, self.policy, c.qos.name.as_str());
        self.arrays.started(job);
        let release = Release {
            at_secs: self.now.saturating_add(c.limit_secs),
            job: job.id,
            allocation: Cow::Owned(allocation.clone()),
            exclusive: job.shape.exclusive,
        };
        self.releases
            .insert((release.at_secs, release.job), release);
        self.plan.starts.push(StartOrder {
            job: job.id,
            allocation,
        });
    }

    /// The job does not fit now: wait for ending jobs, preempt, or reserve.
    fn blocked(
        &mut self,
        c: &Candidate<'a>,
        nodes: &[NodeId],
        end: u64,
        detail: String,
        ever_fits: bool,
    ) -> Result<(), PendingReason> {
        let job = c.job;
        if !ever_fits {
            return Err(PendingReason::new(
                ReasonCode::NeverFits,
                format!(
                    "needs {}; no node of partition {} has that much even when idle",
                    describe_need(&job.shape),
                    c.partition.name
                ),
            ));
        }
        if !c.qos.preempt.is_empty() {
            if preempt::fits_after_ending(&self.capacity, &self.ending, job, nodes, end) {
                return Err(PendingReason::new(
                    ReasonCode::Preempting,
                    "waiting for jobs that are ending to release their GPUs",
                ));
            }
            let victims = preempt::candidates(c.qos, &self.victims, self.now);
            if let Some(choice) = preempt::choose(&self.capacity, job, nodes, end, &victims) {
                let ids: Vec<_> = choice.victims.iter().map(|v| v.0).collect();
                for (victim, requeue, grace_secs) in choice.victims {
                    self.plan.preemptions.push(Preemption {
                        victim,
                        by: job.id,
                        requeue,
                        grace_secs,
                    });
                }
                self.victims.retain(|v| !ids.contains(&v.job.id));
                self.capacity.reserve(&choice.allocation, self.now);
                return Err(PendingReason::new(
                    ReasonCode::Preempting,
                    format!("preempting job(s) {}", super::reason::job_list(&ids)),
                ));
            }
        }
        let first_block = !self.blocked_seen;
        self.blocked_seen = true;
        let backfill = &self.policy.backfill;
        if backfill.enabled && self.reservations_made < backfill.reservations {
            let horizon = self.now.saturating_add(backfill.window_secs);
            if let Some((at, allocation)) = earliest_start(
                &self.capacity,
                &self.releases,
                job,
                nodes,
                c.limit_secs,
                horizon,
            ) {
                self.reservations_made += 1;
                self.capacity.reserve(&allocation, at);
                self.plan.reservations.push(Reservation {
                    job: job.id,
                    start_secs: at,
                    nodes: allocation.nodes.iter().map(|p| p.node).collect(),
                });
                let mut reason = PendingReason::new(
                    ReasonCode::Resources,
                    format!("{detail}; reserved to start in {}s", at - self.now),
                );
                reason.reserved_start_secs = Some(at);
                return Err(reason);
            }
        }
        let code = if first_block {
            ReasonCode::Resources
        } else {
            ReasonCode::Priority
        };
        Err(PendingReason::new(code, detail))
    }
}

/// The partition's nodes, narrowed by `--nodelist` and `--exclude`; ascending ids.
fn candidate_nodes<'n>(
    nodes_of: &'n BTreeMap<String, Vec<NodeId>>,
    cluster: &corral_model::ClusterState,
    c: &Candidate,
) -> Cow<'n, [NodeId]> {
    let all = nodes_of
        .get(&c.partition.name)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let spec = &c.job.spec;
    if spec.extras().nodelist.is_empty() && spec.extras().exclude.is_empty() {
        return Cow::Borrowed(all);
    }
    all.iter()
        .copied()
        .filter(|id| {
            let name = cluster.node(*id).map(|n| n.name()).unwrap_or("");
            (spec.extras().nodelist.is_empty() || spec.extras().nodelist.iter().any(|n| n == name))
                && !spec.extras().exclude.iter().any(|n| n == name)
        })
        .collect::<Vec<_>>()
        .into()
}

fn fail_key<'a>(job: &'a Job, partition: &'a str) -> FailKey<'a> {
    FailKey {
        partition,
        shape: &job.shape,
        constraint: &job.spec.constraint,
        nodelist: &job.spec.extras().nodelist,
        exclude: &job.spec.extras().exclude,
    }
}

/// The `--signal=[B:]SIG@SECS` warning of a job running since `start` with `limit_secs`, when
/// SECS before the limit has come and this run has not had it yet. Without `B:` it goes to the
/// job's steps only, as in Slurm.
fn warning_due(job: &Job, start: u64, limit_secs: u64, now: u64) -> Option<Warning> {
    let spec = job.spec.signal.as_ref()?;
    let due = start
        .saturating_add(limit_secs)
        .saturating_sub(u64::from(spec.secs_before));
    let sent = job.signals.iter().any(|s| s.by == TIME_LIMIT_WARNING_BY);
    (due <= now && !sent && limit_secs < UNLIMITED_SECS).then_some(Warning {
        job: job.id,
        signal: spec.signal,
        target: if spec.batch_only {
            SignalTarget::BatchScript
        } else {
            SignalTarget::Steps
        },
    })
}
