//! Commands the tests write: submits by a named user, node registrations.

use corral_model::spec::{GpuCount, NodeRange};
use corral_model::*;

pub fn submit_by(user: &str) -> Command {
    Command::Submit(Submit {
        user: user.to_string(),
        account: "ml".to_string(),
        spec: JobSpec {
            name: Some(format!("{user}-job")),
            nodes: Some(NodeRange { min: 1, max: 1 }),
            gpus_per_node: Some(GpuCount {
                model: None,
                count: 1,
            }),
            ..JobSpec::default()
        },
        client_request_id: None,
    })
}

pub fn submit_with_request_id(user: &str, request_id: &str) -> Command {
    match submit_by(user) {
        Command::Submit(mut submit) => {
            submit.client_request_id = Some(request_id.to_string());
            Command::Submit(submit)
        }
        other => other,
    }
}

pub fn register_node(name: &str, gpus: u32) -> Command {
    Command::RegisterNode(NodeSpec {
        name: name.to_string(),
        cpus: 64,
        mem_mib: 512 * 1024,
        gpus: (0..gpus)
            .map(|index| GpuSpec {
                index,
                uuid: format!("GPU-{name}-{index}"),
                model: "NVIDIA H100 80GB HBM3".to_string(),
                mem_mib: 81_559,
                nvlink_peers: (0..gpus).filter(|&p| p != index).collect(),
                health: GpuHealth::Healthy,
            })
            .collect(),
        features: ["gpu".to_string()].into(),
        labels: Default::default(),
        rack: Some("r1".to_string()),
        switch: None,
        addr: None,
    })
}

/// The job ids a submit made.
pub fn submitted_jobs(applied: &Applied) -> Vec<JobId> {
    match applied {
        Applied::Submitted { jobs, .. } => jobs.clone(),
        other => panic!("expected a submit's answer, got {other:?}"),
    }
}
