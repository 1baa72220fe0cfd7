//! `apply` against deliberately bad plans: each is refused whole, with a reason, and the state
//! stays as it was for that job. Also the lifecycle commands around a plan.

mod common;

use common::*;
use corral_model::*;

#[test]
fn a_valid_gang_starts_on_all_its_nodes() {
    let mut state = cluster(&[("a", 8), ("b", 8)]);
    let job = submit(&mut state, 10, gpu_job(2, 4))[0];
    let report = commit(
        &mut state,
        11,
        starts(vec![start(
            job,
            vec![part(0, &[0, 1, 2, 3], 1), part(1, &[4, 5, 6, 7], 1)],
        )]),
    );
    assert_eq!(report.started, vec![job]);
    let j = state.job(job).unwrap();
    assert_eq!(j.state, JobState::Running);
    assert_eq!(j.start_secs, Some(11));
    assert_eq!(state.node(NodeId(0)).unwrap().free_gpus().count(), 4);
}

#[test]
fn half_a_gang_is_refused_whole() {
    let mut state = cluster(&[("a", 8), ("b", 8)]);
    let job = submit(&mut state, 0, gpu_job(2, 4))[0];
    let report = commit(
        &mut state,
        1,
        starts(vec![start(job, vec![part(0, &[0, 1, 2, 3], 1)])]),
    );
    assert!(report.started.is_empty());
    assert!(
        report.refused[0].reason.contains("needs 2..=2 nodes"),
        "{report:?}"
    );
    assert_eq!(state.job(job).unwrap().state, JobState::Pending);
    assert_eq!(state.node(NodeId(0)).unwrap().free_gpus().count(), 8);
}

#[test]
fn a_gpu_held_by_another_job_refuses_the_second_plan() {
    let mut state = cluster(&[("a", 8)]);
    let first = submit(&mut state, 0, gpu_job(1, 2))[0];
    let second = submit(&mut state, 0, gpu_job(1, 2))[0];
    commit(
        &mut state,
        1,
        starts(vec![start(first, vec![part(0, &[0, 1], 1)])]),
    );
    let report = commit(
        &mut state,
        2,
        starts(vec![start(second, vec![part(0, &[1, 2], 1)])]),
    );
    assert!(
        report.refused[0].reason.contains("GPU 1 is held by job 1"),
        "{report:?}"
    );
    assert_eq!(state.job(second).unwrap().state, JobState::Pending);
}

#[test]
fn two_starts_in_one_plan_cannot_share_a_gpu() {
    let mut state = cluster(&[("a", 8)]);
    let a = submit(&mut state, 0, gpu_job(1, 1))[0];
    let b = submit(&mut state, 0, gpu_job(1, 1))[0];
    let report = commit(
        &mut state,
        1,
        starts(vec![
            start(a, vec![part(0, &[3], 1)]),
            start(b, vec![part(0, &[3], 1)]),
        ]),
    );
    assert_eq!(report.started, vec![a]);
    assert_eq!(report.refused.len(), 1);
    assert_eq!(report.refused[0].job, b);
}

#[test]
fn wrong_counts_missing_gpus_and_down_nodes_are_refused() {
    let mut state = cluster(&[("a", 8), ("b", 8)]);
    let job = submit(&mut state, 0, gpu_job(1, 2))[0];
    let cases = [
        (vec![part(0, &[0], 1)], "needs 2 GPUs"),
        (vec![part(0, &[0, 9], 1)], "has no GPU 9"),
        (vec![part(0, &[0, 0], 1)], "listed twice"),
        (vec![part(7, &[0, 1], 1)], "does not exist"),
        (vec![part(0, &[0, 1], 0)], "tasks"),
    ];
    for (parts, expected) in cases {
        let report = commit(&mut state, 1, starts(vec![start(job, parts.clone())]));
        assert!(
            report
                .refused
                .first()
                .is_some_and(|r| r.reason.contains(expected)),
            "{parts:?}: {report:?}"
        );
    }
    state
        .apply(
            2,
            Command::NodeLost {
                node: NodeId(1),
                reason: "no heartbeat".into(),
            },
        )
        .unwrap();
    let report = commit(
        &mut state,
        3,
        starts(vec![start(job, vec![part(1, &[0, 1], 1)])]),
    );
    assert!(report.refused[0].reason.contains("is DOWN"), "{report:?}");
    assert_eq!(state.job(job).unwrap().state, JobState::Pending);
}

#[test]
fn an_unhealthy_gpu_is_never_given_and_drains_its_node() {
    let mut state = cluster(&[("a", 8)]);
    state
        .apply(
            1,
            Command::SetGpuHealth {
                node: NodeId(0),
                index: 3,
                health: GpuHealth::Unhealthy("Xid 79: GPU has fallen off the bus".into()),
            },
        )
        .unwrap();
    let node = state.node(NodeId(0)).unwrap();
    assert_eq!(
        node.state,
        NodeState::Drain("gpu 3: Xid 79: GPU has fallen off the bus".into())
    );
    assert!(node.free_gpus().all(|g| g.index != 3));
    state
        .apply(
            2,
            Command::SetNodeState {
                node: NodeId(0),
                state: NodeState::Up,
            },
        )
        .unwrap();
    let job = submit(&mut state, 3, gpu_job(1, 1))[0];
    let report = commit(
        &mut state,
        4,
        starts(vec![start(job, vec![part(0, &[3], 1)])]),
    );
    assert!(report.refused[0].reason.contains("unhealthy"), "{report:?}");
}

#[test]
fn exclusive_jobs_share_no_node() {
    let mut state = cluster(&[("a", 8)]);
    let small = submit(&mut state, 0, gpu_job(1, 1))[0];
    let mut spec = gpu_job(1, 4);
    spec.exclusive = true;
    let whole = submit(&mut state, 0, spec)[0];
    commit(
        &mut state,
        1,
        starts(vec![start(small, vec![part(0, &[0], 1)])]),
    );
    let report = commit(
        &mut state,
        2,
        starts(vec![start(whole, vec![part(0, &[4, 5, 6, 7], 1)])]),
    );
    assert!(report.refused[0].reason.contains("exclusive"), "{report:?}");
}

#[test]
fn a_job_ends_in_the_state_its_outcome_and_ending_say() {
    let mut state = cluster(&[("a", 8)]);
    let ids = submit(&mut state, 0, gpu_job(1, 1));
    let (ok, bad, oom) = (
        ids[0],
        submit(&mut state, 0, gpu_job(1, 1))[0],
        submit(&mut state, 0, gpu_job(1, 1))[0],
    );
    commit(
        &mut state,
        1,
        starts(vec![
            start(ok, vec![part(0, &[0], 1)]),
            start(bad, vec![part(0, &[1], 1)]),
            start(oom, vec![part(0, &[2], 1)]),
        ]),
    );
    end(&mut state, 5, ok, Outcome::Success, 0);
    end(&mut state, 5, bad, Outcome::Failure, 3);
    end(&mut state, 5, oom, Outcome::OutOfMemory, 137);
    assert_eq!(state.job(ok).unwrap().state, JobState::Completed);
    assert_eq!(state.job(bad).unwrap().state, JobState::Failed);
    assert_eq!(
        state.job(bad).unwrap().exit.as_ref().unwrap().exit_code,
        Some(3)
    );
    assert_eq!(state.job(oom).unwrap().state, JobState::OutOfMemory);
    assert_eq!(state.node(NodeId(0)).unwrap().free_gpus().count(), 8);
    // A repeated report changes nothing.
    assert_eq!(
        state
            .apply(
                6,
                Command::JobEnded {
                    job: ok,
                    status: ExitStatus {
                        outcome: Outcome::Failure,
                        exit_code: Some(1),
                        signal: None
                    }
                }
            )
            .unwrap(),
        Applied::NoChange
    );
    assert_eq!(state.job(ok).unwrap().state, JobState::Completed);
}

#[test]
fn cancel_pending_is_immediate_and_running_waits_for_the_end() {
    let mut state = cluster(&[("a", 8)]);
    let pending = submit(&mut state, 0, gpu_job(1, 1))[0];
    let running = submit(&mut state, 0, gpu_job(1, 1))[0];
    commit(
        &mut state,
        1,
        starts(vec![start(running, vec![part(0, &[0], 1)])]),
    );
    state
        .apply(
            2,
            Command::Cancel {
                job: pending,
                by: "alice".into(),
            },
        )
        .unwrap();
    state
        .apply(
            2,
            Command::Cancel {
                job: running,
                by: "alice".into(),
            },
        )
        .unwrap();
    assert_eq!(state.job(pending).unwrap().state, JobState::Cancelled);
    assert_eq!(state.job(running).unwrap().state, JobState::Completing);
    assert_eq!(state.node(NodeId(0)).unwrap().free_gpus().count(), 7);
    end(&mut state, 3, running, Outcome::Killed, 143);
    assert_eq!(state.job(running).unwrap().state, JobState::Cancelled);
    let again = state
        .apply(
            4,
            Command::Cancel {
                job: pending,
                by: "alice".into(),
            },
        )
        .expect("cancelling an ended job is not an error");
    assert_eq!(again, Applied::NoChange, "it changes nothing");
    assert_eq!(state.job(pending).unwrap().state, JobState::Cancelled);
}

#[test]
fn a_lost_node_ends_the_whole_gang_and_requeues_it_once() {
    let mut state = cluster(&[("a", 8), ("b", 8)]);
    let job = submit(&mut state, 0, gpu_job(2, 8))[0];
    commit(
        &mut state,
        1,
        starts(vec![start(
            job,
            vec![
                part(0, &[0, 1, 2, 3, 4, 5, 6, 7], 1),
                part(1, &[0, 1, 2, 3, 4, 5, 6, 7], 1),
            ],
        )]),
    );
    state
        .apply(
            9,
            Command::NodeLost {
                node: NodeId(1),
                reason: "no heartbeat for 30s".into(),
            },
        )
        .unwrap();
    let j = state.job(job).unwrap();
    assert_eq!((j.state, j.requeue_count), (JobState::Pending, 1));
    assert_eq!(
        state.node(NodeId(0)).unwrap().free_gpus().count(),
        8,
        "the surviving half is freed too"
    );
    let again = state
        .apply(
            10,
            Command::NodeLost {
                node: NodeId(1),
                reason: "again".into(),
            },
        )
        .unwrap();
    assert_eq!(again, Applied::NoChange);
    assert_eq!(state.job(job).unwrap().requeue_count, 1);
}

#[test]
fn a_no_requeue_job_on_a_lost_node_ends_node_fail() {
    let mut state = cluster(&[("a", 8)]);
    let mut spec = gpu_job(1, 1);
    spec.requeue = Some(false);
    let job = submit(&mut state, 0, spec)[0];
    commit(
        &mut state,
        1,
        starts(vec![start(job, vec![part(0, &[0], 1)])]),
    );
    state
        .apply(
            2,
            Command::NodeLost {
                node: NodeId(0),
                reason: "gone".into(),
            },
        )
        .unwrap();
    assert_eq!(state.job(job).unwrap().state, JobState::NodeFail);
}

#[test]
fn preemption_requeues_the_victim_after_it_ends() {
    let mut state = cluster(&[("a", 8)]);
    let victim = submit(&mut state, 0, gpu_job(1, 8))[0];
    let urgent = submit(&mut state, 0, gpu_job(1, 8))[0];
    commit(
        &mut state,
        1,
        starts(vec![start(
            victim,
            vec![part(0, &[0, 1, 2, 3, 4, 5, 6, 7], 1)],
        )]),
    );
    let report = commit(
        &mut state,
        2,
        PlanCommit {
            preemptions: vec![PreemptOrder {
                victim,
                by: urgent,
                requeue: true,
            }],
            starts: vec![start(urgent, vec![part(0, &[0, 1, 2, 3, 4, 5, 6, 7], 1)])],
        },
    );
    assert_eq!(report.preempted, vec![victim]);
    assert!(
        report.started.is_empty(),
        "the victim still holds its GPUs during its grace time"
    );
    end(&mut state, 3, victim, Outcome::Killed, 143);
    let v = state.job(victim).unwrap();
    assert_eq!((v.state, v.requeue_count), (JobState::Pending, 1));
    let report = commit(
        &mut state,
        4,
        starts(vec![start(
            urgent,
            vec![part(0, &[0, 1, 2, 3, 4, 5, 6, 7], 1)],
        )]),
    );
    assert_eq!(report.started, vec![urgent]);
}

#[test]
fn a_retried_submit_makes_one_job_and_arrays_get_consecutive_ids() {
    let mut state = cluster(&[("a", 8)]);
    let make = |request: &str| {
        Command::Submit(Submit {
            user: "bob".into(),
            account: "ml".into(),
            spec: JobSpec {
                array: Some(Box::new(corral_model::spec::ArraySpec {
                    task_ids: vec![1, 2, 5],
                    throttle: Some(1),
                })),
                ..JobSpec::default()
            },
            client_request_id: Some(request.into()),
        })
    };
    let first = state.apply(1, make("r-1")).unwrap();
    let retry = state.apply(2, make("r-1")).unwrap();
    let Applied::Submitted {
        jobs,
        duplicate: false,
    } = first
    else {
        panic!("{first:?}")
    };
    assert_eq!(
        retry,
        Applied::Submitted {
            jobs: jobs.clone(),
            duplicate: true
        }
    );
    assert_eq!(jobs, vec![JobId(1), JobId(2), JobId(3)]);
    let member = state.job(JobId(3)).unwrap();
    assert_eq!(member.display_id(), "1_5");
    assert_eq!(state.jobs().count(), 3);
    assert_eq!(state.next_job_id(), JobId(4));
}
