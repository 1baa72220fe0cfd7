//! Builders shared by the apply tests: nodes with GPUs, submits, starts.

#![allow(dead_code)]

use corral_model::spec::{GpuCount, JobSpec, NodeRange};
use corral_model::*;

pub fn node(name: &str, gpus: u32) -> NodeSpec {
    NodeSpec {
        name: name.to_string(),
        cpus: 64,
        mem_mib: 512 * 1024,
        gpus: (0..gpus)
            .map(|index| GpuSpec {
                index,
                uuid: format!("GPU-{name}-{index}"),
                model: "NVIDIA H100 80GB HBM3".into(),
                mem_mib: 81_559,
                nvlink_peers: (0..gpus).filter(|&p| p != index).collect(),
                health: GpuHealth::Healthy,
            })
            .collect(),
        features: ["gpu".to_string()].into(),
        labels: Default::default(),
        rack: Some("r1".into()),
        switch: None,
        addr: None,
    }
}

pub fn cluster(nodes: &[(&str, u32)]) -> ClusterState {
    let mut state = ClusterState::new();
    for (name, gpus) in nodes {
        state
            .apply(0, Command::RegisterNode(node(name, *gpus)))
            .expect("register");
    }
    state
}

pub fn gpu_job(nodes: u32, gpus_per_node: u32) -> JobSpec {
    JobSpec {
        nodes: Some(NodeRange {
            min: nodes,
            max: nodes,
        }),
        gpus_per_node: Some(GpuCount {
            model: None,
            count: gpus_per_node,
        }),
        ..JobSpec::default()
    }
}

pub fn submit(state: &mut ClusterState, now: u64, spec: JobSpec) -> Vec<JobId> {
    let applied = state
        .apply(
            now,
            Command::Submit(Submit {
                user: "alice".into(),
                account: "ml".into(),
                spec,
                client_request_id: None,
            }),
        )
        .expect("submit");
    match applied {
        Applied::Submitted { jobs, .. } => jobs,
        other => panic!("unexpected {other:?}"),
    }
}

pub fn part(node: u32, gpus: &[u32], tasks: u32) -> NodeAllocation {
    NodeAllocation {
        node: NodeId(node),
        gpus: gpus.to_vec(),
        cpus: tasks,
        mem_mib: 0,
        tasks,
    }
}

pub fn start(job: JobId, parts: Vec<NodeAllocation>) -> StartOrder {
    StartOrder {
        job,
        allocation: Allocation { nodes: parts },
    }
}

pub fn commit(state: &mut ClusterState, now: u64, plan: PlanCommit) -> PlanReport {
    match state.apply(now, Command::CommitPlan(plan)).expect("plan") {
        Applied::Plan(report) => report,
        other => panic!("unexpected {other:?}"),
    }
}

pub fn starts(orders: Vec<StartOrder>) -> PlanCommit {
    PlanCommit {
        preemptions: vec![],
        starts: orders,
    }
}

pub fn end(state: &mut ClusterState, now: u64, job: JobId, outcome: Outcome, code: i32) {
    state
        .apply(
            now,
            Command::JobEnded {
                job,
                status: ExitStatus {
                    outcome,
                    exit_code: Some(code),
                    signal: None,
                },
            },
        )
        .expect("end");
}
