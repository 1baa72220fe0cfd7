//! Whether a pending job may be considered at all this pass: its `--begin` time, its
//! dependencies, its array throttle. Each "no" is a `PendingReason` with the numbers.

use super::reason::{job_list, PendingReason, ReasonCode};
use corral_model::spec::{DependencyCombine, DependencyCondition};
use corral_model::{ClusterState, Job, JobId, JobState};
use std::collections::BTreeMap;

/// Running members per array, counted once per pass and updated as the pass starts members.
#[derive(Default)]
pub struct ArrayCounts {
    running: BTreeMap<JobId, u32>,
}

impl ArrayCounts {
    pub fn of(state: &ClusterState) -> ArrayCounts {
        let mut running = BTreeMap::new();
        for job in state.holding_jobs() {
            if let Some(a) = job.array {
                *running.entry(a.array_job_id).or_insert(0) += 1;
            }
        }
        ArrayCounts { running }
    }

    pub fn started(&mut self, job: &Job) {
        if let Some(a) = job.array {
            *self.running.entry(a.array_job_id).or_insert(0) += 1;
        }
    }

    fn running(&self, array: JobId) -> u32 {
        self.running.get(&array).copied().unwrap_or(0)
    }
}

/// `Ok(())` when nothing but resources and priority hold the job back.
pub fn check(
    job: &Job,
    state: &ClusterState,
    arrays: &ArrayCounts,
    now_secs: u64,
) -> Result<(), PendingReason> {
    if job.eligible_secs > now_secs {
        return Err(PendingReason::new(
            ReasonCode::BeginTime,
            format!(
                "may not start before t={}s ({}s from now)",
                job.eligible_secs,
                job.eligible_secs - now_secs
            ),
        ));
    }
    if let Some(a) = job.array {
        if let Some(limit) = a.throttle {
            let running = arrays.running(a.array_job_id);
            if running >= limit {
                return Err(PendingReason::new(
                    ReasonCode::ArrayTaskLimit,
                    format!(
                        "array {} runs {running} of its %{limit} tasks at once",
                        a.array_job_id
                    ),
                ));
            }
        }
    }
    check_dependency(job, state, now_secs)
}

enum DepStatus {
    Met,
    Waiting(String),
    Never(String),
}

fn check_dependency(job: &Job, state: &ClusterState, now_secs: u64) -> Result<(), PendingReason> {
    let Some(dep) = &job.spec.dependency else {
        return Ok(());
    };
    let statuses: Vec<DepStatus> = dep
        .conditions
        .iter()
        .map(|c| condition(job, c, state, now_secs))
        .collect();
    let met = |s: &DepStatus| matches!(s, DepStatus::Met);
    let satisfied = match dep.combine {
        DependencyCombine::All => statuses.iter().all(met),
        DependencyCombine::Any => statuses.iter().any(met),
    };
    if satisfied {
        return Ok(());
    }
    let never: Vec<&String> = statuses
        .iter()
        .filter_map(|s| match s {
            DepStatus::Never(why) => Some(why),
            _ => None,
        })
        .collect();
    let hopeless = match dep.combine {
        DependencyCombine::All => !never.is_empty(),
        DependencyCombine::Any => never.len() == statuses.len(),
    };
    if hopeless {
        let text: Vec<&str> = never.iter().map(|s| s.as_str()).collect();
        return Err(PendingReason::new(
            ReasonCode::DependencyNeverSatisfied,
            text.join("; "),
        ));
    }
    let waiting: Vec<&str> = statuses
        .iter()
        .filter_map(|s| match s {
            DepStatus::Waiting(why) => Some(why.as_str()),
            _ => None,
        })
        .collect();
    Err(PendingReason::new(
        ReasonCode::Dependency,
        waiting.join("; "),
    ))
}

fn condition(job: &Job, c: &DependencyCondition, state: &ClusterState, now_secs: u64) -> DepStatus {
    let target = |id: u64| state.job(JobId(id));
    match c {
        DependencyCondition::Singleton => singleton(job, state),
        DependencyCondition::After {
            job: id,
            delay_secs,
        } => match target(*id) {
            None => DepStatus::Never(format!("job {id} is unknown")),
            Some(t) if t.state == JobState::Cancelled && t.start_secs.is_none() => DepStatus::Met,
            Some(t) => match t.start_secs {
                Some(s) if s + delay_secs <= now_secs => DepStatus::Met,
                Some(s) => DepStatus::Waiting(format!(
                    "after job {id} started + {delay_secs}s (in {}s)",
                    s + delay_secs - now_secs
                )),
                None => DepStatus::Waiting(format!("job {id} has not started")),
            },
        },
        DependencyCondition::AfterAny { job: id } => ended(*id, target(*id), |_| true, "any end"),
        DependencyCondition::AfterOk { job: id } => {
            ended(*id, target(*id), |s| s == JobState::Completed, "success")
        }
        DependencyCondition::AfterNotOk { job: id } => {
            ended(*id, target(*id), |s| s != JobState::Completed, "failure")
        }
    }
}

/// For `afterok`/`afternotok`/`afterany`: met once the target has ended as `wanted` says.
fn ended(
    id: u64,
    target: Option<&Job>,
    wanted: impl Fn(JobState) -> bool,
    what: &str,
) -> DepStatus {
    match target {
        None => DepStatus::Never(format!("job {id} is unknown")),
        Some(t) if !t.state.is_final() || t.state == JobState::Pending => {
            DepStatus::Waiting(format!("job {id} is {} (waiting for {what})", t.state))
        }
        Some(t) if wanted(t.state) => DepStatus::Met,
        Some(t) => DepStatus::Never(format!("job {id} ended {} (needed {what})", t.state)),
    }
}

/// `singleton`: no other job of the same name and user runs, or waits ahead of this one.
fn singleton(job: &Job, state: &ClusterState) -> DepStatus {
    let blockers: Vec<JobId> = state
        .active_jobs()
        .filter(|o| o.id != job.id && o.user == job.user && o.name() == job.name())
        .filter(|o| o.state.holds_resources() || (o.state == JobState::Pending && o.id < job.id))
        .map(|o| o.id)
        .collect();
    if blockers.is_empty() {
        DepStatus::Met
    } else {
        DepStatus::Waiting(format!(
            "singleton: job(s) {} named {:?} of {} come first",
            job_list(&blockers),
            job.name(),
            job.user
        ))
    }
}
