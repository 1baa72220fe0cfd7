//! Property tests: random sequences of commands, good and bad, against `apply`. Whatever arrives,
//! the invariants hold (checked inside `apply` in debug builds and again here), no acknowledged
//! job disappears, ids are never reused, and the same sequence gives the same state.

mod common;

use common::*;
use corral_model::invariants::check_all;
use corral_model::*;
use proptest::prelude::*;
use std::collections::BTreeSet;

#[derive(Clone, Debug)]
enum Step {
    Submit {
        nodes: u32,
        gpus: u32,
    },
    /// Start job `job % count` on GPUs chosen from `gpus` (maybe conflicting, maybe bogus).
    Start {
        job: u64,
        node: u32,
        gpus: Vec<u32>,
        second_node: Option<u32>,
    },
    End {
        job: u64,
        outcome: u8,
    },
    Cancel {
        job: u64,
    },
    Signal {
        job: u64,
        signal: i32,
    },
    Lose {
        node: u32,
    },
    Back {
        node: u32,
    },
    Preempt {
        job: u64,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1u32..=2, 0u32..=4).prop_map(|(nodes, gpus)| Step::Submit { nodes, gpus }),
        (
            any::<u64>(),
            0u32..4,
            prop::collection::vec(0u32..9, 0..5),
            prop::option::of(0u32..4)
        )
            .prop_map(|(job, node, gpus, second_node)| Step::Start {
                job,
                node,
                gpus,
                second_node
            }),
        (any::<u64>(), 0u8..4).prop_map(|(job, outcome)| Step::End { job, outcome }),
        any::<u64>().prop_map(|job| Step::Cancel { job }),
        (any::<u64>(), -1i32..70).prop_map(|(job, signal)| Step::Signal { job, signal }),
        (0u32..4).prop_map(|node| Step::Lose { node }),
        (0u32..4).prop_map(|node| Step::Back { node }),
        any::<u64>().prop_map(|job| Step::Preempt { job }),
    ]
}

fn pick(state: &ClusterState, raw: u64) -> Option<JobId> {
    let n = state.next_job_id().0 - 1;
    (n > 0).then(|| JobId(raw % n + 1))
}

fn command(state: &ClusterState, step: &Step) -> Option<Command> {
    Some(match step {
        Step::Submit { nodes, gpus } => Command::Submit(Submit {
            user: "u".into(),
            account: "a".into(),
            spec: gpu_job(*nodes, *gpus),
            client_request_id: None,
        }),
        Step::Start {
            job,
            node,
            gpus,
            second_node,
        } => {
            let job = pick(state, *job)?;
            let mut parts = vec![part(*node, gpus, 1)];
            if let Some(second) = second_node {
                parts.push(part(*second, gpus, 1));
            }
            Command::CommitPlan(starts(vec![start(job, parts)]))
        }
        Step::End { job, outcome } => Command::JobEnded {
            job: pick(state, *job)?,
            status: ExitStatus {
                outcome: [
                    Outcome::Success,
                    Outcome::Failure,
                    Outcome::OutOfMemory,
                    Outcome::Killed,
                ][*outcome as usize],
                exit_code: Some(i32::from(*outcome)),
                signal: None,
            },
        },
        Step::Cancel { job } => Command::Cancel {
            job: pick(state, *job)?,
            by: "u".into(),
        },
        Step::Signal { job, signal } => Command::Signal {
            job: pick(state, *job)?,
            signal: *signal,
            by: "u".into(),
            target: SignalTarget::All,
        },
        Step::Lose { node } => Command::NodeLost {
            node: NodeId(*node),
            reason: "lost".into(),
        },
        Step::Back { node } => Command::RegisterNode(common::node(&format!("n{node}"), 4)),
        Step::Preempt { job } => {
            let victim = pick(state, *job)?;
            Command::CommitPlan(PlanCommit {
                preemptions: vec![PreemptOrder {
                    victim,
                    by: victim,
                    requeue: true,
                }],
                starts: vec![],
            })
        }
    })
}

fn run(steps: &[Step]) -> (ClusterState, BTreeSet<JobId>) {
    let mut state = cluster(&[("n0", 4), ("n1", 4), ("n2", 4), ("n3", 4)]);
    let mut acknowledged = BTreeSet::new();
    for (t, step) in steps.iter().enumerate() {
        let Some(cmd) = command(&state, step) else {
            continue;
        };
        let before = state.clone();
        match state.apply(t as u64, cmd) {
            Ok(Applied::Submitted { jobs, .. }) => {
                for id in jobs {
                    assert!(acknowledged.insert(id), "id {id} handed out twice");
                }
            }
            Ok(_) => {}
            Err(_) => {
                let mut expected = before;
                expected
                    .apply(
                        t as u64,
                        Command::SetPolicy {
                            source: String::new(),
                        },
                    )
                    .ok();
                // A refused command changes nothing but the clock.
                assert_eq!(
                    state.jobs().collect::<Vec<_>>(),
                    expected.jobs().collect::<Vec<_>>()
                );
            }
        }
        check_all(&state).unwrap();
        for id in &acknowledged {
            assert!(state.job(*id).is_some(), "acknowledged job {id} lost");
        }
    }
    (state, acknowledged)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn any_command_sequence_keeps_every_invariant(steps in prop::collection::vec(step(), 1..80)) {
        let (state, acknowledged) = run(&steps);
        prop_assert!(acknowledged.iter().all(|id| id.0 < state.next_job_id().0));
    }

    #[test]
    fn a_stored_state_loads_back_with_its_indexes(steps in prop::collection::vec(step(), 1..60)) {
        let (state, _) = run(&steps);
        let stored = serde_json::to_string(&state).unwrap();
        let loaded: ClusterState = serde_json::from_str(&stored).unwrap();
        prop_assert_eq!(&loaded, &state);
        check_all(&loaded).unwrap();
    }

    #[test]
    fn the_same_commands_give_the_same_state(steps in prop::collection::vec(step(), 1..60)) {
        let (a, _) = run(&steps);
        let (b, _) = run(&steps);
        prop_assert_eq!(a, b);
    }
}
