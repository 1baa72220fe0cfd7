//! Node specs for tests that register nodes through the Agent API.

use corral_model::{GpuHealth, GpuSpec, NodeSpec};

/// A node named `name` with `gpus` healthy H100s, 64 CPUs and 512 GiB.
pub fn gpu_node(name: &str, gpus: u32) -> NodeSpec {
    NodeSpec {
        name: name.to_string(),
        cpus: 64,
        mem_mib: 512 * 1024,
        gpus: (0..gpus)
            .map(|index| GpuSpec {
                index,
                uuid: format!("{name}-GPU-{index}"),
                model: "NVIDIA H100 80GB HBM3".to_string(),
                mem_mib: 81_559,
                nvlink_peers: Vec::new(),
                health: GpuHealth::Healthy,
            })
            .collect(),
        features: Default::default(),
        labels: Default::default(),
        rack: None,
        switch: None,
        addr: None,
    }
}
