//! The simulated cluster of `corral sim run`: a cluster spec file, a Tiresias cluster shape, or
//! N uniform nodes.

use anyhow::{bail, Context};
use clap::Args;
use corral_model::NodeSpec;
use corral_simulations::cluster_spec::{load_cluster_spec, nodes_from_tiresias};
use corral_simulations::sweep::uniform_nodes;
use corral_simulations::trace::tiresias::load_tiresias_cluster_spec;
use std::path::PathBuf;

#[derive(Args)]
pub struct ClusterArgs {
    /// Cluster spec file (TOML, [[group]] tables; see simulations/examples/cluster.toml).
    #[arg(long, value_name = "SPEC.toml", conflicts_with_all = ["tiresias_cluster", "nodes"])]
    cluster: Option<PathBuf>,
    /// Tiresias cluster-shape CSV (e.g. n32g4.csv).
    #[arg(long, value_name = "CSV", conflicts_with = "nodes")]
    tiresias_cluster: Option<PathBuf>,
    /// A uniform cluster of N nodes (see --gpus-per-node, --gpu-model).
    #[arg(long, value_name = "N")]
    nodes: Option<u32>,
    /// GPUs per node of a --nodes cluster.
    #[arg(long, value_name = "G", default_value_t = 8)]
    gpus_per_node: u32,
    /// GPU model of a --nodes cluster.
    #[arg(long, value_name = "M")]
    gpu_model: Option<String>,
}

impl ClusterArgs {
    /// Whether any cluster option was given.
    pub fn given(&self) -> bool {
        self.cluster.is_some() || self.tiresias_cluster.is_some() || self.nodes.is_some()
    }

    /// The nodes the options describe, and a one-line description of where they came from.
    pub fn nodes(&self) -> anyhow::Result<(Vec<NodeSpec>, String)> {
        if let Some(path) = &self.cluster {
            let nodes = load_cluster_spec(path)?;
            return Ok((nodes, path.display().to_string()));
        }
        if let Some(path) = &self.tiresias_cluster {
            let spec = load_tiresias_cluster_spec(path)
                .with_context(|| format!("Tiresias cluster shape {}", path.display()))?;
            return Ok((nodes_from_tiresias(&spec), path.display().to_string()));
        }
        match self.nodes {
            Some(0) => bail!("--nodes 0 (accepted: a whole number >= 1)"),
            Some(_) if self.gpus_per_node == 0 => {
                bail!("--gpus-per-node 0 (accepted: a whole number >= 1)")
            }
            Some(count) => Ok((
                uniform_nodes(count, self.gpus_per_node, self.gpu_model.as_deref()),
                format!("--nodes {count} --gpus-per-node {}", self.gpus_per_node),
            )),
            None => bail!(
                "no cluster given (accepted: --cluster SPEC.toml, --tiresias-cluster CSV, or \
                 --nodes N [--gpus-per-node G] [--gpu-model M])"
            ),
        }
    }
}
