//! The simulated cluster: a TOML file of node groups (count × GPUs per node × GPU model × CPUs ×
//! memory, with rack assignment) turned into the `NodeSpec`s the simulator registers at t = 0.
//!
//! ```toml
//! [[group]]
//! name = "a100"          # node names: a100-000, a100-001, ...
//! count = 32
//! gpus_per_node = 8
//! gpu_model = "a100"
//! gpu_mem_gib = 80       # optional, default 80
//! cpus = 64
//! mem_gib = 512
//! nodes_per_rack = 16    # racks a100-r0, a100-r1; or `rack = "r1"` for one rack
//! features = ["ib"]      # optional
//! ```

use crate::trace::tiresias::TiresiasClusterSpec;
use corral_model::{GpuHealth, GpuSpec, NodeSpec};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const MIB_PER_GIB: u64 = 1024;
const DEFAULT_GPU_MEM_GIB: u64 = 80;
/// Most nodes one spec may describe: far above any real cluster, low enough to catch a typo.
const MAX_NODES: u64 = 1_000_000;

/// Why a cluster spec could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ClusterSpecError {
    #[error("{origin}: cannot read: {source}")]
    Io {
        origin: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{origin}: not a cluster spec: {detail}")]
    Syntax { origin: String, detail: String },
    #[error("{origin}: group {group} ({name}): {problem}")]
    Invalid {
        origin: String,
        group: usize,
        name: String,
        problem: String,
    },
    #[error("{origin}: {problem}")]
    Empty { origin: String, problem: String },
}

/// The whole file: a list of `[[group]]` tables.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSpec {
    #[serde(rename = "group", default)]
    pub groups: Vec<NodeGroup>,
}

/// `count` identical nodes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeGroup {
    /// Node name prefix; names are `<name>-<index>`, the index zero-padded to the group's width.
    pub name: String,
    pub count: u32,
    pub gpus_per_node: u32,
    #[serde(default = "default_gpu_model")]
    pub gpu_model: String,
    #[serde(default = "default_gpu_mem_gib")]
    pub gpu_mem_gib: u64,
    pub cpus: u32,
    pub mem_gib: u64,
    /// Every node of the group in this rack.
    #[serde(default)]
    pub rack: Option<String>,
    /// Racks of this many nodes, named `<name>-r<k>` (excludes `rack`).
    #[serde(default)]
    pub nodes_per_rack: Option<u32>,
    #[serde(default)]
    pub features: Vec<String>,
}

fn default_gpu_model() -> String {
    "gpu".to_string()
}

fn default_gpu_mem_gib() -> u64 {
    DEFAULT_GPU_MEM_GIB
}

/// Reads and checks a cluster spec file; returns its nodes.
pub fn load_cluster_spec(path: &Path) -> Result<Vec<NodeSpec>, ClusterSpecError> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ClusterSpecError::Io {
        origin: origin.clone(),
        source,
    })?;
    parse_cluster_spec(&origin, &text)
}

/// Parses and checks a cluster spec text; `origin` names it in errors.
pub fn parse_cluster_spec(origin: &str, text: &str) -> Result<Vec<NodeSpec>, ClusterSpecError> {
    let spec: ClusterSpec = toml::from_str(text).map_err(|e| ClusterSpecError::Syntax {
        origin: origin.to_string(),
        detail: e.to_string().trim_end().replace('\n', " "),
    })?;
    spec.nodes(origin)
}

impl ClusterSpec {
    /// The nodes of every group, in file order; checks counts, sizes and unique names.
    pub fn nodes(&self, origin: &str) -> Result<Vec<NodeSpec>, ClusterSpecError> {
        if self.groups.is_empty() {
            return Err(ClusterSpecError::Empty {
                origin: origin.to_string(),
                problem: "no [[group]] table (accepted: one or more [[group]] tables with name, \
                          count, gpus_per_node, cpus, mem_gib)"
                    .to_string(),
            });
        }
        let total: u64 = self.groups.iter().map(|g| u64::from(g.count)).sum();
        if total > MAX_NODES {
            return Err(ClusterSpecError::Empty {
                origin: origin.to_string(),
                problem: format!("{total} nodes in all (accepted: at most {MAX_NODES})"),
            });
        }
        let mut names = BTreeSet::new();
        let mut nodes = Vec::new();
        for (index, group) in self.groups.iter().enumerate() {
            let invalid = |problem: String| ClusterSpecError::Invalid {
                origin: origin.to_string(),
                group: index + 1,
                name: group.name.clone(),
                problem,
            };
            group.check().map_err(invalid)?;
            for node in group.node_specs() {
                if !names.insert(node.name.clone()) {
                    return Err(invalid(format!(
                        "node name {} is used twice (give each group its own name)",
                        node.name
                    )));
                }
                nodes.push(node);
            }
        }
        Ok(nodes)
    }
}

impl NodeGroup {
    /// A group of `count` nodes with `gpus_per_node` GPUs each and CPUs and memory enough for one
    /// task per GPU; every node in rack `r0`. For traces without a cluster (SWF: one GPU slot per
    /// processor).
    pub fn uniform(name: &str, count: u32, gpus_per_node: u32) -> NodeGroup {
        NodeGroup {
            name: name.to_string(),
            count,
            gpus_per_node,
            gpu_model: default_gpu_model(),
            gpu_mem_gib: DEFAULT_GPU_MEM_GIB,
            cpus: gpus_per_node.max(1),
            mem_gib: u64::from(gpus_per_node.max(1)) * 16,
            rack: Some("r0".to_string()),
            nodes_per_rack: None,
            features: Vec::new(),
        }
    }

    /// Whether the group's numbers and names make sense; the message says what would.
    fn check(&self) -> Result<(), String> {
        let name_ok = !self.name.is_empty()
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !name_ok {
            return Err(format!(
                "name {:?} (accepted: letters, digits, - _ .; not empty)",
                self.name
            ));
        }
        let positive = [
            ("count", u64::from(self.count)),
            ("cpus", u64::from(self.cpus)),
            ("mem_gib", self.mem_gib),
        ];
        for (key, value) in positive {
            if value == 0 {
                return Err(format!("{key} = 0 (accepted: a whole number >= 1)"));
            }
        }
        if self.rack.is_some() && self.nodes_per_rack.is_some() {
            return Err("both rack and nodes_per_rack given (accepted: one of them)".to_string());
        }
        if self.nodes_per_rack == Some(0) {
            return Err("nodes_per_rack = 0 (accepted: a whole number >= 1)".to_string());
        }
        Ok(())
    }

    /// The group's nodes, named `<name>-<index>`.
    pub fn node_specs(&self) -> Vec<NodeSpec> {
        let width = (self.count.saturating_sub(1)).to_string().len().max(3);
        (0..self.count)
            .map(|i| {
                let name = format!("{}-{:0width$}", self.name, i);
                self.node_spec(name, self.rack_of(i))
            })
            .collect()
    }

    fn rack_of(&self, index: u32) -> Option<String> {
        match (&self.rack, self.nodes_per_rack) {
            (Some(rack), _) => Some(rack.clone()),
            (None, Some(per)) => Some(format!("{}-r{}", self.name, index / per.max(1))),
            (None, None) => None,
        }
    }

    fn node_spec(&self, name: String, rack: Option<String>) -> NodeSpec {
        let gpus = (0..self.gpus_per_node)
            .map(|index| GpuSpec {
                index,
                uuid: format!("GPU-{name}-{index}"),
                model: self.gpu_model.clone(),
                mem_mib: self.gpu_mem_gib * MIB_PER_GIB,
                nvlink_peers: Vec::new(),
                health: GpuHealth::Healthy,
            })
            .collect();
        let mut labels = BTreeMap::new();
        labels.insert("group".to_string(), self.name.clone());
        if let Some(rack) = &rack {
            labels.insert("rack".to_string(), rack.clone());
        }
        NodeSpec {
            name,
            cpus: self.cpus,
            mem_mib: self.mem_gib * MIB_PER_GIB,
            gpus,
            features: self.features.iter().cloned().collect(),
            labels,
            rack,
            switch: None,
            addr: None,
        }
    }
}

/// The nodes of a Tiresias cluster shape: one rack (and switch) per Tiresias switch.
pub fn nodes_from_tiresias(spec: &TiresiasClusterSpec) -> Vec<NodeSpec> {
    let per_switch = spec.nodes_per_switch.max(1);
    let group = NodeGroup {
        name: "tiresias".to_string(),
        count: spec.switches.saturating_mul(per_switch),
        gpus_per_node: spec.gpus_per_node,
        gpu_model: default_gpu_model(),
        gpu_mem_gib: DEFAULT_GPU_MEM_GIB,
        cpus: spec.cpus_per_node.max(1),
        mem_gib: u64::from(spec.mem_per_node_gib.max(1)),
        rack: None,
        nodes_per_rack: Some(per_switch),
        features: Vec::new(),
    };
    let mut nodes = group.node_specs();
    for node in &mut nodes {
        node.switch = node.rack.clone();
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_GROUPS: &str = r#"
[[group]]
name = "a100"
count = 4
gpus_per_node = 8
gpu_model = "a100"
cpus = 64
mem_gib = 512
nodes_per_rack = 2

[[group]]
name = "t4"
count = 2
gpus_per_node = 4
cpus = 16
mem_gib = 64
rack = "edge"
features = ["inference"]
"#;

    #[test]
    fn groups_become_named_nodes_in_racks() {
        let nodes = parse_cluster_spec("c.toml", TWO_GROUPS).expect("valid spec");
        assert_eq!(nodes.len(), 6);
        assert_eq!(nodes[0].name, "a100-000");
        assert_eq!(nodes[0].gpus.len(), 8);
        assert_eq!(nodes[0].gpus[7].model, "a100");
        assert_eq!(nodes[0].mem_mib, 512 * 1024);
        assert_eq!(nodes[1].rack.as_deref(), Some("a100-r0"));
        assert_eq!(nodes[2].rack.as_deref(), Some("a100-r1"));
        assert_eq!(nodes[5].name, "t4-001");
        assert_eq!(nodes[5].rack.as_deref(), Some("edge"));
        assert!(nodes[5].features.contains("inference"));
    }

    #[test]
    fn a_zero_count_names_the_group_and_the_accepted_values() {
        let text = TWO_GROUPS.replace("count = 2", "count = 0");
        let err = parse_cluster_spec("c.toml", &text).unwrap_err().to_string();
        assert_eq!(
            err,
            "c.toml: group 2 (t4): count = 0 (accepted: a whole number >= 1)"
        );
    }

    #[test]
    fn unknown_keys_and_duplicate_names_are_refused() {
        let err = parse_cluster_spec("c.toml", &TWO_GROUPS.replace("cpus = 16", "cpu = 16"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("c.toml: not a cluster spec:"), "{err}");
        assert!(err.contains("unknown field `cpu`"), "{err}");
        let err = parse_cluster_spec("c.toml", &TWO_GROUPS.replace("\"t4\"", "\"a100\""))
            .unwrap_err()
            .to_string();
        assert!(err.contains("node name a100-000 is used twice"), "{err}");
    }

    #[test]
    fn an_empty_file_is_refused() {
        let err = parse_cluster_spec("c.toml", "").unwrap_err().to_string();
        assert!(err.contains("no [[group]] table"), "{err}");
    }

    #[test]
    fn tiresias_switches_become_racks() {
        let spec = TiresiasClusterSpec {
            switches: 2,
            nodes_per_switch: 3,
            gpus_per_node: 4,
            cpus_per_node: 40,
            mem_per_node_gib: 256,
        };
        let nodes = nodes_from_tiresias(&spec);
        assert_eq!(nodes.len(), 6);
        assert_eq!(nodes[3].rack.as_deref(), Some("tiresias-r1"));
        assert_eq!(nodes[3].gpus.len(), 4);
    }
}
