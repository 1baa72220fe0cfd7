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

/// `--signal=B:USR1@300` on a one-hour job: no warning before 55 minutes, one at 55 minutes (to
/// the batch script, because of `B:`), none again once sent, and TIMEOUT at the hour.
#[test]
fn a_time_limit_warning_is_due_secs_before_the_limit_and_sent_once() {
    let mut state = ClusterState::new();
    let kv = BTreeMap::new();
    state
        .apply(0, Command::RegisterNode(common::node_spec("a", 8, &kv)))
        .unwrap();
    let policy = Policy::default();
    let fairshare = BTreeMap::new();
    let mut spec = gpus(1, 3_600);
    spec.signal = Some(Box::new(script::parse_signal("B:USR1@300").unwrap()));
    let job = submit(&mut state, 0, spec);
    let pass = |state: &ClusterState, now: u64| {
        let view = View {
            cluster: state,
            fairshare: &fairshare,
        };
        schedule(&view, &policy, now)
    };
    let plan = pass(&state, 10);
    state
        .apply(10, Command::CommitPlan(plan.to_commit()))
        .unwrap();
    assert!(pass(&state, 10 + 3_299).warnings.is_empty(), "too early");
    let warnings = pass(&state, 10 + 3_300).warnings;
    assert_eq!(
        warnings,
        vec![corral_policies::schedule::Warning {
            job,
            signal: 10,
            target: SignalTarget::BatchScript,
        }]
    );
    let sent = Command::Signal {
        job,
        signal: 10,
        by: TIME_LIMIT_WARNING_BY.into(),
        target: SignalTarget::BatchScript,
    };
    state.apply(10 + 3_300, sent).unwrap();
    let later = pass(&state, 10 + 3_500);
    assert!(later.warnings.is_empty(), "sent once per run");
    assert!(later.timed_out.is_empty());
    assert_eq!(pass(&state, 10 + 3_600).timed_out, vec![job]);
}

/// Without `B:` the warning is for the job's steps, as Slurm sends it.
#[test]
fn a_warning_without_b_goes_to_the_steps() {
    let mut state = ClusterState::new();
    let kv = BTreeMap::new();
    state
        .apply(0, Command::RegisterNode(common::node_spec("a", 8, &kv)))
        .unwrap();
    let mut spec = gpus(1, 600);
    spec.signal = Some(Box::new(script::parse_signal("USR2").unwrap()));
    submit(&mut state, 0, spec);
    let fairshare = BTreeMap::new();
    let view = |state: &ClusterState, now: u64| {
        schedule(
            &View {
                cluster: state,
                fairshare: &fairshare,
            },
            &Policy::default(),
            now,
        )
    };
    let plan = view(&state, 0);
    state
        .apply(0, Command::CommitPlan(plan.to_commit()))
        .unwrap();
    let warnings = view(&state, 540).warnings;
    assert_eq!(warnings.len(), 1, "60 s before by default");
    assert_eq!(
        (warnings[0].signal, warnings[0].target),
        (12, SignalTarget::Steps)
    );
}
