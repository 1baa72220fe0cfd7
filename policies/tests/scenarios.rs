//! Named multi-pass scenarios that a single fixture cannot show.

use corral_model::spec::{GpuCount, JobSpec, NodeRange, TimeLimit};
use corral_model::*;
use corral_policies::config::Policy;
use corral_policies::schedule::{schedule, View};
use std::collections::BTreeMap;

mod common;

fn gpus(count: u32, secs: u64) -> JobSpec {
    JobSpec {
        nodes: Some(NodeRange { min: 1, max: 1 }),
        gpus_per_node: Some(GpuCount { model: None, count }),
        time_limit: TimeLimit::Secs(secs),
        ..JobSpec::default()
    }
}

fn submit(state: &mut ClusterState, now: u64, spec: JobSpec) -> JobId {
    let cmd = Command::Submit(Submit {
        user: "u".into(),
        account: "root".into(),
        spec,
        client_request_id: None,
    });
    match state.apply(now, cmd).unwrap() {
        Applied::Submitted { jobs, .. } => jobs[0],
        other => panic!("{other:?}"),
    }
}

/// A stream of small jobs must not starve a large one past its reservation: an 8-GPU job
/// waits behind 1-GPU jobs that keep arriving every 10 minutes; once it holds a reservation it
/// starts at (or before) that time, though small jobs could always have used the free GPUs.
#[test]
fn a_stream_of_small_jobs_does_not_starve_a_large_one_past_its_reservation() {
    let mut state = ClusterState::new();
    let kv = BTreeMap::new();
    state
        .apply(0, Command::RegisterNode(common::node_spec("a", 8, &kv)))
        .unwrap();
    let policy = Policy::default();
    let fairshare = BTreeMap::new();
    // Three small jobs hold GPUs first, so the large one cannot start at once.
    for _ in 0..3 {
        submit(&mut state, 0, gpus(1, 1_800));
    }
    let run_plan = |state: &mut ClusterState, now: u64| {
        let plan = schedule(
            &View {
                cluster: state,
                fairshare: &fairshare,
            },
            &policy,
            now,
        );
        state
            .apply(now, Command::CommitPlan(plan.to_commit()))
            .unwrap();
        plan
    };
    run_plan(&mut state, 0);
    let large = submit(&mut state, 1, gpus(8, 3_600));
    let mut first_reservation = None;
    let mut started_at = None;
    for tick in 1..=36u64 {
        let now = tick * 600;
        let done: Vec<JobId> = state
            .holding_jobs()
            .filter(|j| j.start_secs.unwrap() + j.spec.time_limit.secs().unwrap() <= now)
            .map(|j| j.id)
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
        submit(&mut state, now, gpus(1, 1_800));
        submit(&mut state, now, gpus(1, 900));
        let plan = run_plan(&mut state, now);
        if let Some(r) = plan.reservations.iter().find(|r| r.job == large) {
            first_reservation.get_or_insert(r.start_secs);
        }
        if plan.starts.iter().any(|s| s.job == large) {
            started_at = Some(now);
            break;
        }
    }
    let reserved = first_reservation.expect("the large job got a reservation");
    let started = started_at.expect("the large job started");
    assert!(
        started <= reserved,
        "reserved for t={reserved}, started at t={started}"
    );
}
