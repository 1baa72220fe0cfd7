//! The replay loop: at each distinct event time, apply that time's ends, time limits,
//! cancellations and arrivals to the `ClusterState`, then run one scheduling pass (only if
//! something changed) and commit its plan. Job ends are queued as their runs start.

use super::events::{Event, EventKind, EventQueue};
use super::fairshare::SimFairShare;
use super::job::SimJob;
use super::record::{Counters, JobRecord, Sample};
use super::{SimError, SimOptions};
use corral_model::{
    Applied, ClusterState, Command, ExitStatus, JobId, JobState, NodeSpec, Outcome, PlanReport,
};
use corral_policies::config::Policy;
use corral_policies::schedule::{partition_of, schedule, time_limit_secs, Plan, View};
use std::collections::{BTreeMap, BTreeSet};

/// A replay in progress.
pub(crate) struct Replay<'a> {
    jobs: &'a [SimJob],
    /// Job indices in arrival order: (submit time, index).
    arrivals: Vec<usize>,
    next_arrival: usize,
    policy: &'a Policy,
    options: &'a SimOptions,
    state: ClusterState,
    shares: SimFairShare,
    events: EventQueue,
    pub(crate) records: Vec<JobRecord>,
    /// `JobId(first_id + k)` is the job at `index_of_id[k]` (ids are handed out in submit order).
    index_of_id: Vec<usize>,
    first_id: u64,
    /// The job id of each job index, once submitted.
    id_of_index: Vec<Option<JobId>>,
    pending: u64,
    running: u64,
    busy_gpus: u64,
    finished: usize,
    pub(crate) samples: Vec<Sample>,
    pub(crate) counters: Counters,
    last_pending_reasons: BTreeMap<JobId, String>,
}

impl<'a> Replay<'a> {
    pub fn new(
        jobs: &'a [SimJob],
        nodes: Vec<NodeSpec>,
        policy: &'a Policy,
        options: &'a SimOptions,
    ) -> Result<Replay<'a>, SimError> {
        let state = register_nodes(nodes, options.invariant_checks)?;
        let mut arrivals: Vec<usize> = (0..jobs.len()).collect();
        arrivals.sort_by_key(|&i| (jobs[i].submit_secs, i));
        let first_id = state.next_job_id().0;
        Ok(Replay {
            jobs,
            arrivals,
            next_arrival: 0,
            policy,
            options,
            state,
            shares: SimFairShare::new(policy),
            events: EventQueue::default(),
            records: Vec::with_capacity(jobs.len()),
            index_of_id: Vec::with_capacity(jobs.len()),
            first_id,
            id_of_index: vec![None; jobs.len()],
            pending: 0,
            running: 0,
            busy_gpus: 0,
            finished: 0,
            samples: Vec::new(),
            counters: Counters::default(),
            last_pending_reasons: BTreeMap::new(),
        })
        .map(|mut replay| {
            replay.records = jobs.iter().map(initial_record).collect();
            replay
        })
    }

    /// Total GPUs of the cluster.
    pub fn cluster_gpus(&self) -> u64 {
        self.state.nodes().map(|n| n.spec.gpus.len() as u64).sum()
    }

    pub fn cluster_nodes(&self) -> usize {
        self.state.nodes().count()
    }

    /// Replays every event; `progress(done, total)` after batches that finish jobs.
    pub fn run(&mut self, progress: &mut dyn FnMut(usize, usize)) -> Result<(), SimError> {
        let total = self.jobs.len();
        let step = (total / 1000).max(1);
        let mut reported = 0;
        while let Some(now) = self.next_time() {
            let ended = self.apply_events(now)?;
            let arrived = self.apply_arrivals(now)?;
            // With nothing pending a pass could only start nothing: skip it.
            if (ended || arrived) && self.pending > 0 {
                self.pass(now)?;
            }
            self.sample(now);
            if self.finished >= reported + step {
                reported = self.finished;
                progress(self.finished, total);
            }
        }
        self.note_never_started();
        progress(self.finished, total);
        Ok(())
    }

    fn next_time(&self) -> Option<u64> {
        let arrival = self
            .arrivals
            .get(self.next_arrival)
            .map(|&i| self.jobs[i].submit_secs);
        match (arrival, self.events.next_time()) {
            (Some(a), Some(e)) => Some(a.min(e)),
            (a, e) => a.or(e),
        }
    }

    fn apply_events(&mut self, now: u64) -> Result<bool, SimError> {
        let mut changed = false;
        while let Some(event) = self.events.pop_at(now) {
            let stale = event.kind != EventKind::Cancel && self.records[event.job].run != event.run;
            if stale {
                continue;
            }
            changed |= match event.kind {
                EventKind::RunEnds => {
                    let outcome = self.records[event.job]
                        .run_end
                        .map_or(Outcome::Success, |(_, o)| o);
                    self.end_run(now, event, outcome)?
                }
                EventKind::TimeLimit => {
                    self.apply(
                        now,
                        event.job,
                        Command::TimeLimitReached {
                            job: self.id_of(event.job),
                        },
                    )?;
                    self.end_run(now, event, Outcome::Timeout)?
                }
                EventKind::Cancel => self.cancel(now, event)?,
            };
        }
        Ok(changed)
    }

    /// Ends the job's current run with `outcome`; the job ends or (preempted) is requeued.
    fn end_run(&mut self, now: u64, event: Event, outcome: Outcome) -> Result<bool, SimError> {
        let id = self.id_of(event.job);
        let gpus = match self.state.job(id) {
            Some(job) if job.state.holds_resources() => job.gpu_count(),
            _ => return Ok(false),
        };
        let status = ExitStatus {
            outcome,
            exit_code: (outcome == Outcome::Success).then_some(0),
            signal: None,
        };
        if let Some(job) = self.state.job(id) {
            self.shares.charge(&self.state, job, now, self.policy);
        }
        self.apply(now, event.job, Command::JobEnded { job: id, status })?;
        self.running -= 1;
        self.busy_gpus -= gpus;
        let record = &mut self.records[event.job];
        record.run += 1;
        record.run_end = None;
        record.end_secs = Some(now);
        if let Some(start) = record.start_secs {
            record.gpu_secs += gpus * now.saturating_sub(start);
        }
        let state = self.state.job(id).map_or(JobState::Failed, |j| j.state);
        record.state = state;
        if state == JobState::Pending {
            self.pending += 1;
        } else {
            self.finished += 1;
        }
        Ok(true)
    }

    fn cancel(&mut self, now: u64, event: Event) -> Result<bool, SimError> {
        let id = self.id_of(event.job);
        let before = match self.state.job(id) {
            Some(job) => job.state,
            None => return Ok(false),
        };
        let by = self.records[event.job].user.clone();
        match before {
            JobState::Pending => {
                self.apply(now, event.job, Command::Cancel { job: id, by })?;
                let record = &mut self.records[event.job];
                record.state = JobState::Cancelled;
                record.end_secs = Some(now);
                self.pending -= 1;
                self.finished += 1;
                Ok(true)
            }
            JobState::Running | JobState::Completing => {
                self.apply(now, event.job, Command::Cancel { job: id, by })?;
                self.end_run(now, event, Outcome::Killed)
            }
            _ => Ok(false),
        }
    }

    fn apply_arrivals(&mut self, now: u64) -> Result<bool, SimError> {
        let mut changed = false;
        while let Some(&index) = self.arrivals.get(self.next_arrival) {
            let job = &self.jobs[index];
            if job.submit_secs != now {
                break;
            }
            self.next_arrival += 1;
            let submit = job.to_submit(
                self.policy,
                self.options.gpu_mapping,
                self.options.missing_time_limit,
                self.options.trace_fields,
            );
            let submit_account = submit.account.clone();
            self.shares.saw_user(&submit.user);
            let applied = self.apply(now, index, Command::Submit(submit))?;
            let Applied::Submitted { jobs, .. } = applied else {
                return Err(SimError::Engine(format!(
                    "trace job {}: submit answered {applied:?}",
                    job.trace_id
                )));
            };
            for id in jobs {
                let expected = self.first_id + self.index_of_id.len() as u64;
                if id.0 != expected {
                    return Err(SimError::Engine(format!(
                        "trace job {}: got job id {id}, expected {expected}",
                        job.trace_id
                    )));
                }
                self.index_of_id.push(index);
                self.id_of_index[index] = Some(id);
            }
            self.records[index].account = submit_account;
            self.pending += 1;
            if let Some(at) = job.cancel_secs {
                self.events
                    .push(at.max(now + 1), EventKind::Cancel, index, 0);
            }
            changed = true;
        }
        Ok(changed)
    }

    /// One scheduling pass at `now`, its plan committed and its consequences queued.
    fn pass(&mut self, now: u64) -> Result<(), SimError> {
        let plan = {
            let fairshare = self.shares.factors(now, self.policy);
            let view = View {
                cluster: &self.state,
                fairshare,
            };
            schedule(&view, self.policy, now)
        };
        self.counters.passes += 1;
        self.queue_policy_timeouts(now, &plan);
        let commit = plan.to_commit();
        let grace: BTreeMap<JobId, u64> = plan
            .preemptions
            .iter()
            .map(|p| (p.victim, p.grace_secs))
            .collect();
        let report = match self.state.apply(now, Command::CommitPlan(commit)) {
            Ok(Applied::Plan(report)) => report,
            Ok(other) => {
                return Err(SimError::Engine(format!(
                    "at {now}s: commit answered {other:?}"
                )))
            }
            Err(e) => return Err(SimError::Engine(format!("at {now}s: commit refused: {e}"))),
        };
        self.record_plan(now, &report, &grace)?;
        self.last_pending_reasons = plan
            .pending
            .into_iter()
            .map(|(id, reason)| (id, format!("{:?}: {}", reason.code, reason.detail)))
            .collect();
        Ok(())
    }

    /// Running jobs the policy says are past their limit (the engine ends jobs at their limit,
    /// so this is a safety net): they end TIMEOUT one second later.
    fn queue_policy_timeouts(&mut self, now: u64, plan: &Plan) {
        for id in &plan.timed_out {
            let Some(index) = self.index_of(*id) else {
                continue;
            };
            self.counters.policy_timeouts += 1;
            let record = &mut self.records[index];
            record.run += 1;
            self.events
                .push(now + 1, EventKind::TimeLimit, index, record.run);
        }
    }

    fn record_plan(
        &mut self,
        now: u64,
        report: &PlanReport,
        grace: &BTreeMap<JobId, u64>,
    ) -> Result<(), SimError> {
        self.counters.refused_starts += report.refused.len() as u64;
        for victim in &report.preempted {
            self.counters.preemptions += 1;
            let Some(index) = self.index_of(*victim) else {
                continue;
            };
            let kill_at = now + grace.get(victim).copied().unwrap_or(0).max(1);
            let record = &mut self.records[index];
            let at = record.run_end.map_or(kill_at, |(end, _)| end.min(kill_at));
            record.run += 1;
            record.run_end = Some((at, Outcome::Killed));
            self.events.push(at, EventKind::RunEnds, index, record.run);
        }
        for id in &report.started {
            self.record_start(now, *id)?;
        }
        Ok(())
    }

    fn record_start(&mut self, now: u64, id: JobId) -> Result<(), SimError> {
        let index = self
            .index_of(id)
            .ok_or_else(|| SimError::Engine(format!("started job {id} was never submitted")))?;
        let job = self
            .state
            .job(id)
            .ok_or_else(|| SimError::Engine(format!("started job {id} is unknown")))?;
        let limit = partition_of(job, self.policy)
            .map(|p| time_limit_secs(job, p))
            .unwrap_or(u64::MAX);
        let gpus = job.gpu_count();
        // A run of 0 s holds its GPUs for 1 s: one second is the engine's resolution.
        let run = self.jobs[index].run_secs.max(1);
        let record = &mut self.records[index];
        record.run += 1;
        record.runs += 1;
        record.first_start_secs.get_or_insert(now);
        record.start_secs = Some(now);
        record.end_secs = None;
        record.gpus = gpus;
        record.state = JobState::Running;
        if run > limit {
            let at = now.saturating_add(limit.max(1));
            record.run_end = Some((at, Outcome::Timeout));
            self.events
                .push(at, EventKind::TimeLimit, index, record.run);
        } else {
            record.run_end = Some((now + run, Outcome::Success));
            self.events
                .push(now + run, EventKind::RunEnds, index, record.run);
        }
        self.pending -= 1;
        self.running += 1;
        self.busy_gpus += gpus;
        Ok(())
    }

    fn sample(&mut self, now: u64) {
        let sample = Sample {
            at_secs: now,
            pending: self.pending,
            running: self.running,
            busy_gpus: self.busy_gpus,
        };
        let same = self.samples.last().is_some_and(|last| {
            (last.pending, last.running, last.busy_gpus)
                == (sample.pending, sample.running, sample.busy_gpus)
        });
        if !same {
            self.samples.push(sample);
        }
    }

    /// Jobs still pending when nothing is left to happen: they can never start here.
    fn note_never_started(&mut self) {
        let waiting: BTreeSet<JobId> = self
            .state
            .jobs_in(JobState::Pending)
            .map(|j| j.id)
            .collect();
        for id in waiting {
            if let Some(index) = self.index_of(id) {
                let reason = self
                    .last_pending_reasons
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| "no pass considered it".to_string());
                let record = &mut self.records[index];
                record.state = JobState::Pending;
                record.pending_reason = Some(reason);
            }
        }
    }

    fn apply(&mut self, now: u64, index: usize, command: Command) -> Result<Applied, SimError> {
        self.state
            .apply(now, command)
            .map_err(|source| SimError::Apply {
                at_secs: now,
                trace_id: self.jobs[index].trace_id,
                source,
            })
    }

    /// The id of a submitted job (events exist only for submitted jobs).
    fn id_of(&self, index: usize) -> JobId {
        self.id_of_index[index].unwrap_or(JobId(0))
    }

    fn index_of(&self, id: JobId) -> Option<usize> {
        let k = id.0.checked_sub(self.first_id)?;
        self.index_of_id.get(usize::try_from(k).ok()?).copied()
    }
}

fn initial_record(job: &SimJob) -> JobRecord {
    JobRecord {
        trace_id: job.trace_id,
        submit_secs: job.submit_secs,
        user: job
            .user
            .clone()
            .unwrap_or_else(|| super::job::UNKNOWN_USER.to_string()),
        account: job.account.clone().unwrap_or_default(),
        gpus: u64::from(job.gpus),
        first_start_secs: None,
        start_secs: None,
        end_secs: None,
        state: JobState::Pending,
        runs: 0,
        gpu_secs: 0,
        pending_reason: None,
        run: 0,
        run_end: None,
    }
}

/// A fresh cluster with every node registered at t = 0.
fn register_nodes(nodes: Vec<NodeSpec>, invariant_checks: bool) -> Result<ClusterState, SimError> {
    if nodes.is_empty() {
        return Err(SimError::NoNodes);
    }
    let mut seen = BTreeSet::new();
    let mut state = ClusterState::new();
    state.set_invariant_checks(invariant_checks);
    for node in nodes {
        if !seen.insert(node.name.clone()) {
            return Err(SimError::DuplicateNode(node.name));
        }
        let name = node.name.clone();
        state
            .apply(0, Command::RegisterNode(node))
            .map_err(|source| SimError::Node { name, source })?;
    }
    Ok(state)
}
