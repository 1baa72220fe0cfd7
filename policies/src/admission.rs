//! Admission: whether a submit may enter the queue at all, decided before it is proposed. It
//! resolves the account (the job's own, or the user's default) and refuses, with the numbers,
//! what could never run: an unknown user, account, partition or QoS; an account the user may
//! not charge; a time limit over a user, account, QoS or partition maximum; a submission past a
//! `max_submitted_jobs` limit. Nothing here changes state: a refused submit changes nothing.

use crate::config::{Limits, Policy};
use crate::schedule::{partition_of, qos_of};
use corral_model::spec::TimeLimit;
use corral_model::{ClusterState, Job, JobSpec, Shape};
use thiserror::Error;

/// Why a submit is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct Refusal(pub String);

/// Checks a submit of `spec` by `user`; returns the account to charge.
pub fn admit(
    state: &ClusterState,
    policy: &Policy,
    user: &str,
    spec: &JobSpec,
) -> Result<String, Refusal> {
    let account = account_for(policy, user, spec)?;
    // A probe job with the resolved account, so the schedule's resolvers answer as they will.
    let probe = probe_job(user, &account, spec);
    let partition = partition_of(&probe, policy).map_err(Refusal)?;
    let qos = qos_of(&probe, policy).map_err(Refusal)?;
    if !policy.partition_allows_account(&partition.name, &account) {
        return Err(Refusal(format!(
            "partition {} does not admit account {account}",
            partition.name
        )));
    }
    if !partition.allows_qos(&qos.name) || !policy.account_allows_qos(&account, &qos.name) {
        return Err(Refusal(format!(
            "QoS {} is not allowed for account {account} in partition {}",
            qos.name, partition.name
        )));
    }
    check_time(
        spec,
        partition.max_time_secs,
        &format!("partition {}", partition.name),
    )?;
    let user_limits = policy.user_limits(user);
    check_time(spec, user_limits.max_time_secs, &format!("user {user}"))?;
    check_time(spec, qos.limits.max_time_secs, &format!("QoS {}", qos.name))?;
    for name in policy.account_chain(&account) {
        if let Some(a) = policy.accounts.get(name) {
            check_time(spec, a.limits.max_time_secs, &format!("account {name}"))?;
        }
    }
    check_submitted(state, policy, user, &account, &qos.name, spec, &user_limits)?;
    Ok(account)
}

/// The job's own account if the user may charge it, else the user's default. A policy that
/// lists no accounts and no users keeps no associations (as Slurm without
/// `AccountingStorageEnforce`): any account a job names is taken as it is.
fn account_for(policy: &Policy, user: &str, spec: &JobSpec) -> Result<String, Refusal> {
    let keeps_associations = !policy.accounts.is_empty() || !policy.users.is_empty();
    match &spec.account {
        Some(account) if !keeps_associations || policy.may_charge(user, account) => {
            Ok(account.clone())
        }
        Some(account) => Err(Refusal(format!(
            "user {user} may not charge account {account}"
        ))),
        None => policy
            .account_of_user(user)
            .map(str::to_string)
            .ok_or_else(|| {
                Refusal(format!(
                    "user {user} is not in the policy and [user_defaults] admits no unlisted users"
                ))
            }),
    }
}

fn probe_job(user: &str, account: &str, spec: &JobSpec) -> Job {
    Job {
        id: corral_model::JobId(0),
        spec: spec.clone(),
        shape: Shape::of(spec),
        user: user.into(),
        account: account.into(),
        submit_secs: 0,
        eligible_secs: 0,
        array: None,
        state: corral_model::JobState::Pending,
        allocation: None,
        start_secs: None,
        end_secs: None,
        ending: None,
        exit: None,
        requeue_count: 0,
        signals: Vec::new(),
    }
}

/// A time limit the job sets itself may not pass a maximum. A job that sets none (or asks for
/// no limit) runs under its partition's default (or maximum), as `schedule` applies it.
fn check_time(spec: &JobSpec, max_secs: Option<u64>, whose: &str) -> Result<(), Refusal> {
    match (spec.time_limit, max_secs) {
        (TimeLimit::Secs(asked), Some(max)) if asked > max => Err(Refusal(format!(
            "--time of {asked}s is over the {max}s max_time of {whose}"
        ))),
        _ => Ok(()),
    }
}

/// `max_submitted_jobs`: jobs pending or running, counting every array task, plus this submit.
fn check_submitted(
    state: &ClusterState,
    policy: &Policy,
    user: &str,
    account: &str,
    qos: &str,
    spec: &JobSpec,
    user_limits: &Limits,
) -> Result<(), Refusal> {
    let adding = spec.array.as_ref().map_or(1, |a| a.task_ids.len() as u64);
    // Counting walks every active job: only done for a limit that is set.
    let count = |pred: &dyn Fn(&Job) -> bool| {
        state
            .pending_jobs()
            .chain(state.holding_jobs())
            .filter(|j| pred(j))
            .count() as u64
    };
    let over = |max: Option<u32>, have: &dyn Fn() -> u64, whose: String| {
        let Some(max) = max else {
            return Ok(());
        };
        let have = have();
        if have + adding > u64::from(max) {
            return Err(Refusal(format!(
                "{whose} has {have} jobs pending or running; {adding} more would pass its max_submitted_jobs of {max}"
            )));
        }
        Ok(())
    };
    over(
        user_limits.max_submitted_jobs,
        &|| count(&|j| j.user == user),
        format!("user {user}"),
    )?;
    if let Some(q) = policy.qos.get(qos) {
        let in_qos = || {
            count(&|j| {
                j.spec.qos.as_deref() == Some(qos)
                    || (j.spec.qos.is_none()
                        && policy.default_qos_for(&j.user, &j.account) == Some(qos))
            })
        };
        over(q.limits.max_submitted_jobs, &in_qos, format!("QoS {qos}"))?;
    }
    for name in policy.account_chain(account) {
        if let Some(a) = policy.accounts.get(name) {
            let under = || count(&|j| policy.account_chain(&j.account).contains(&name));
            over(
                a.limits.max_submitted_jobs,
                &under,
                format!("account {name}"),
            )?;
        }
    }
    Ok(())
}
