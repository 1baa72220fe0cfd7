//! One full scheduling pass (priority, placement, backfill) over N pending jobs on 10,000 nodes ×
//! 8 GPUs, at N = 1k, 10k and 100k, on a cluster that is (a) 90 % busy (the steady state of a
//! deep queue) and (b) idle (the pass places thousands of jobs). Prints the median of the runs.
//! Run: `cargo bench -p corral-policies --bench schedule_pass`.

use corral_model::spec::{GpuCount, JobSpec, NodeRange, TimeLimit};
use corral_model::*;
use corral_policies::config::Policy;
use corral_policies::schedule::{schedule, View};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

const NODES: u32 = 10_000;
const GPUS_PER_NODE: u32 = 8;

fn node(i: u32) -> NodeSpec {
    NodeSpec {
        name: format!("gpu{i:05}"),
        cpus: 128,
        mem_mib: 1024 * 1024,
        gpus: (0..GPUS_PER_NODE)
            .map(|g| GpuSpec {
                index: g,
                uuid: format!("GPU-{i}-{g}"),
                model: "NVIDIA H100 80GB HBM3".into(),
                mem_mib: 81_920,
                nvlink_peers: (0..GPUS_PER_NODE).filter(|&p| p != g).collect(),
                health: GpuHealth::Healthy,
            })
            .collect(),
        features: BTreeSet::new(),
        labels: BTreeMap::new(),
        rack: Some(format!("r{}", i / 32)),
        switch: None,
        addr: None,
    }
}

/// A Philly-like mix: mostly 1 GPU, some 2/4/8, a few 2- and 4-node gangs.
fn spec(i: u64) -> JobSpec {
    let (nodes, gpus) = match i % 20 {
        0..=11 => (1, 1),
        12..=14 => (1, 2),
        15..=16 => (1, 4),
        17..=18 => (1, 8),
        _ => (2 + (i % 3) as u32 % 2 * 2, 8),
    };
    JobSpec {
        nodes: Some(NodeRange {
            min: nodes,
            max: nodes,
        }),
        gpus_per_node: Some(GpuCount {
            model: None,
            count: gpus,
        }),
        time_limit: TimeLimit::Secs(600 * (1 + i % 12)),
        ..JobSpec::default()
    }
}

fn submit(state: &mut ClusterState, i: u64) -> JobId {
    let cmd = Command::Submit(Submit {
        user: format!("user{}", i % 50),
        account: "root".into(),
        spec: spec(i),
        client_request_id: None,
    });
    match state.apply(i / 100, cmd) {
        Ok(Applied::Submitted { jobs, .. }) => jobs[0],
        other => panic!("{other:?}"),
    }
}

fn cluster(busy_fraction: f64) -> ClusterState {
    let mut state = ClusterState::new();
    state.set_invariant_checks(false);
    for i in 0..NODES {
        state.apply(0, Command::RegisterNode(node(i))).unwrap();
    }
    // Fill nodes with whole-node running jobs up to the busy fraction.
    let busy_nodes = (f64::from(NODES) * busy_fraction) as u32;
    let mut starts = Vec::new();
    for n in 0..busy_nodes {
        let mut s = spec(18);
        s.time_limit = TimeLimit::Secs(3600 + u64::from(n % 7) * 600);
        let id = match state.apply(
            0,
            Command::Submit(Submit {
                user: "filler".into(),
                account: "root".into(),
                spec: s,
                client_request_id: None,
            }),
        ) {
            Ok(Applied::Submitted { jobs, .. }) => jobs[0],
            other => panic!("{other:?}"),
        };
        starts.push(StartOrder {
            job: id,
            allocation: Allocation {
                nodes: vec![NodeAllocation {
                    node: NodeId(n),
                    gpus: (0..8).collect(),
                    cpus: 1,
                    mem_mib: 0,
                    tasks: 1,
                }],
            },
        });
    }
    state
        .apply(
            0,
            Command::CommitPlan(PlanCommit {
                preemptions: vec![],
                starts,
            }),
        )
        .unwrap();
    state
}

fn median_ms(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() {
    let policy = Policy {
        scheduler: corral_policies::config::SchedulerConfig {
            max_jobs_considered: 1_000_000,
        },
        ..Policy::default()
    };
    let fairshare = BTreeMap::new();
    println!("nodes={NODES} gpus/node={GPUS_PER_NODE}");
    // `-- busy` or `-- idle` runs one of the two cluster states only.
    let only: Option<String> = std::env::args()
        .skip(1)
        .find(|a| a == "busy" || a == "idle");
    for (label, busy) in [("90% busy", 0.9), ("idle", 0.0)] {
        if only
            .as_deref()
            .is_some_and(|o| (o == "busy") != (busy > 0.0))
        {
            continue;
        }
        let base = cluster(busy);
        for pending in [1_000u64, 10_000, 100_000] {
            let mut state = base.clone();
            for i in 0..pending {
                submit(&mut state, i);
            }
            let runs = if pending >= 100_000 { 5 } else { 9 };
            let mut samples = Vec::new();
            let mut starts = 0;
            for _ in 0..runs {
                let t = Instant::now();
                let plan = schedule(
                    &View {
                        cluster: &state,
                        fairshare: &fairshare,
                    },
                    &policy,
                    2_000,
                );
                samples.push(t.elapsed().as_secs_f64() * 1e3);
                starts = plan.starts.len();
            }
            println!(
                "{label:>8} cluster, {pending:>6} pending: median {:>9.1} ms over {runs} passes ({starts} starts)",
                median_ms(samples)
            );
        }
    }
}
