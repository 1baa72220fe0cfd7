//! Property tests of `schedule` on random clusters and queues, run over several passes with jobs
//! ending in between: every start the plan proposes is accepted by `apply` (so no GPU is in two
//! jobs, no node is over capacity, gangs are whole: `apply` re-verifies all of it and its
//! invariants run in debug builds); a backfilled job never touches a reservation's GPUs unless
//! it ends by the reserved start; preempted jobs come back to the queue; identical input gives
//! an identical plan.

mod common;

use common::node_spec;
use corral_model::spec::{GpuCount, JobSpec, NodeRange, TimeLimit};
use corral_model::*;
use corral_policies::config::{parse_policy, Policy};
use corral_policies::schedule::{schedule, Plan, View};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug)]
struct RandomJob {
    nodes: u32,
    gpus_per_node: u32,
    time_secs: u64,
    qos: u8,
    run_secs: u64,
}

fn random_job() -> impl Strategy<Value = RandomJob> {
    (1u32..=3, 0u32..=8, 1u64..=8, 0u8..3, 1u64..=8).prop_map(|(nodes, g, t, qos, r)| RandomJob {
        nodes,
        gpus_per_node: g,
        time_secs: t * 600,
        qos,
        run_secs: r * 450,
    })
}

fn policy() -> Policy {
    parse_policy(
        "test",
        r#"
        [qos.scavenger]
        priority = 0
        grace_time = "30s"
        [qos.normal]
        priority = 10
        default = true
        [qos.high]
        priority = 100
        preempt = ["scavenger"]
        "#,
    )
    .unwrap()
}

fn spec(j: &RandomJob) -> JobSpec {
    JobSpec {
        nodes: Some(NodeRange {
            min: j.nodes,
            max: j.nodes,
        }),
        gpus_per_node: (j.gpus_per_node > 0).then_some(GpuCount {
            model: None,
            count: j.gpus_per_node,
        }),
        time_limit: TimeLimit::Secs(j.time_secs),
        qos: Some(["scavenger", "normal", "high"][j.qos as usize].to_string()),
        ..JobSpec::default()
    }
}

fn plan_of(state: &ClusterState, policy: &Policy, now: u64) -> Plan {
    let fairshare = BTreeMap::new();
    schedule(
        &View {
            cluster: state,
            fairshare: &fairshare,
        },
        policy,
        now,
    )
}

/// A reserved job can start at its reserved time once every job due to end by then has ended
/// (and the jobs still pending are out of the way): nothing started in this pass, backfill
/// included, delays it.
fn reservations_respected(
    state: &ClusterState,
    plan: &Plan,
    policy: &Policy,
    now: u64,
) -> Result<(), String> {
    for r in &plan.reservations {
        let mut future = state.clone();
        future.set_invariant_checks(false);
        future
            .apply(now, Command::CommitPlan(plan.to_commit()))
            .unwrap();
        let ending: Vec<JobId> = future
            .jobs()
            .filter(|j| j.state.holds_resources())
            .filter(|j| {
                let p = corral_policies::schedule::partition_of(j, policy).unwrap();
                j.start_secs.unwrap() + corral_policies::schedule::time_limit_secs(j, p)
                    <= r.start_secs
                    || j.state == JobState::Completing
            })
            .map(|j| j.id)
            .collect();
        for id in ending {
            let status = ExitStatus {
                outcome: Outcome::Success,
                exit_code: Some(0),
                signal: None,
            };
            future
                .apply(r.start_secs, Command::JobEnded { job: id, status })
                .unwrap();
        }
        let others: Vec<JobId> = future
            .jobs_in(JobState::Pending)
            .map(|j| j.id)
            .filter(|id| *id != r.job)
            .collect();
        for id in others {
            future
                .apply(
                    r.start_secs,
                    Command::Cancel {
                        job: id,
                        by: "test".into(),
                    },
                )
                .unwrap();
        }
        let later = plan_of(&future, policy, r.start_secs);
        let started = later.starts.iter().any(|s| s.job == r.job);
        let preempting = later
            .pending
            .get(&r.job)
            .is_some_and(|p| p.code.name() == "Preempting");
        if !started && !preempting {
            return Err(format!(
                "job {} was reserved for t={} but cannot start then: {:?}",
                r.job,
                r.start_secs,
                later.pending.get(&r.job)
            ));
        }
    }
    Ok(())
}

fn run_passes(node_gpus: &[u32], jobs: &[RandomJob]) -> Result<(), TestCaseError> {
    let policy = policy();
    let mut state = ClusterState::new();
    for (i, g) in node_gpus.iter().enumerate() {
        let kv: BTreeMap<&str, &str> = [("rack", if i % 2 == 0 { "r1" } else { "r2" })].into();
        state
            .apply(
                0,
                Command::RegisterNode(node_spec(&format!("n{i}"), *g, &kv)),
            )
            .unwrap();
    }
    let mut run_for: BTreeMap<JobId, u64> = BTreeMap::new();
    let mut submitted = BTreeSet::new();
    for (i, j) in jobs.iter().enumerate() {
        let now = i as u64 * 300;
        let Applied::Submitted { jobs: ids, .. } = state
            .apply(
                now,
                Command::Submit(Submit {
                    user: format!("u{}", i % 3),
                    account: "root".into(),
                    spec: spec(j),
                    client_request_id: None,
                }),
            )
            .unwrap()
        else {
            unreachable!()
        };
        run_for.insert(ids[0], j.run_secs);
        submitted.insert(ids[0]);
        // End what has run its course (or was preempted).
        let done: Vec<JobId> = state
            .jobs()
            .filter(|x| x.state.holds_resources())
            .filter(|x| {
                x.state == JobState::Completing || x.start_secs.unwrap() + run_for[&x.id] <= now
            })
            .map(|x| x.id)
            .collect();
        for id in done {
            let status = ExitStatus {
                outcome: Outcome::Success,
                exit_code: Some(0),
                signal: None,
            };
            state
                .apply(now, Command::JobEnded { job: id, status })
                .unwrap();
        }
        let plan = plan_of(&state, &policy, now);
        prop_assert_eq!(
            &plan,
            &plan_of(&state, &policy, now),
            "same input, different plan"
        );
        reservations_respected(&state, &plan, &policy, now).map_err(TestCaseError::fail)?;
        let Applied::Plan(report) = state
            .apply(now, Command::CommitPlan(plan.to_commit()))
            .unwrap()
        else {
            unreachable!()
        };
        prop_assert!(
            report.refused.is_empty(),
            "apply refused part of a fresh plan: {:?}",
            report.refused
        );
        prop_assert_eq!(report.started.len(), plan.starts.len());
        for id in &submitted {
            prop_assert!(state.job(*id).is_some(), "job {} lost", id);
        }
        corral_model::invariants::check_all(&state).map_err(TestCaseError::fail)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn plans_are_valid_deterministic_and_keep_reservations(
        node_gpus in prop::collection::vec(prop::sample::select(vec![2u32, 4, 8]), 1..6),
        jobs in prop::collection::vec(random_job(), 1..40),
    ) {
        run_passes(&node_gpus, &jobs)?;
    }
}
