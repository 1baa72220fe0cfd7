//! `sinfo`: partitions and their nodes by state, with sinfo's default columns `PARTITION AVAIL
//! TIMELIMIT NODES STATE NODELIST` (the default partition marked `*`, TIMELIMIT its maximum as
//! `D-HH:MM:SS` or `infinite`, states `idle`, `mix`, `alloc`, `drng`, `drain`, `down`; node
//! lists comma-separated). `-N` lists node by node (`NODELIST NODES PARTITION STATE`). Options:
//! `-p PARTITIONS`, `-t STATES`, `-h/--noheader`. Partitions come from the policy in force.

use crate::client::{Client, ClusterArgs};
use crate::exit::{finish, Failure};
use crate::human::slurm_duration;
use crate::in_force;
use crate::table::columns;
use crate::view::node::NodeView;
use crate::view::{self};
use clap::{ArgAction, Parser};
use corral_policies::config::Partition;
use std::process::ExitCode;

/// Corral's partitions and nodes (as sinfo)
#[derive(Parser)]
#[command(name = "sinfo", version, disable_help_flag = true)]
struct Sinfo {
    /// Node-oriented: one line per node and partition
    #[arg(short = 'N', long = "Node")]
    node: bool,
    /// Only these partitions
    #[arg(
        short = 'p',
        long = "partition",
        value_delimiter = ',',
        value_name = "PART[,PART...]"
    )]
    partitions: Vec<String>,
    /// Only nodes in these states: idle, mix, alloc, drain (drng and drained), down
    #[arg(
        short = 't',
        long = "states",
        value_delimiter = ',',
        value_name = "STATE[,STATE...]"
    )]
    states: Vec<String>,
    /// No header line
    #[arg(short = 'h', long = "noheader")]
    noheader: bool,
    /// Print help
    #[arg(long, action = ArgAction::Help)]
    help: Option<bool>,
    #[command(flatten)]
    cluster: ClusterArgs,
}

/// Node states in sinfo's words, in the order rows show them.
const STATES: [&str; 6] = ["mix", "alloc", "idle", "drng", "drain", "down"];

pub fn run() -> ExitCode {
    finish("sinfo", sinfo(&Sinfo::parse()))
}

fn sinfo(args: &Sinfo) -> Result<(), Failure> {
    let wanted_states = states(&args.states)?;
    let mut client = Client::new(&args.cluster)?;
    let mut nodes: Vec<NodeView> = view::nodes(&client.list_nodes()?)?
        .iter()
        .map(NodeView::new)
        .filter(|n| wanted_states.is_empty() || wanted_states.contains(&state(n)))
        .collect();
    nodes.sort_by(|a, b| natural_key(&a.name).cmp(&natural_key(&b.name)));
    let policy = in_force::policy(&mut client)?;
    for name in &args.partitions {
        if !policy.partitions.contains_key(name) {
            let known: Vec<&str> = policy.partitions.keys().map(String::as_str).collect();
            return Err(Failure::refused(format!(
                "partition {name:?}: no such partition (known: {})",
                known.join(", ")
            )));
        }
    }
    let partitions: Vec<&Partition> = policy
        .partitions
        .values()
        .filter(|p| args.partitions.is_empty() || args.partitions.contains(&p.name))
        .collect();
    let text = if args.node {
        node_table(&partitions, &nodes)
    } else {
        partition_table(&partitions, &nodes)
    };
    if args.noheader {
        print!(
            "{}",
            text.lines()
                .skip(1)
                .map(|l| format!("{l}\n"))
                .collect::<String>()
        );
    } else {
        print!("{text}");
    }
    Ok(())
}

/// The node states asked for, in sinfo's words (`drain` covers draining and drained).
fn states(asked: &[String]) -> Result<Vec<&'static str>, Failure> {
    let mut out = Vec::new();
    for word in asked {
        let names: &[&'static str] = match word.to_ascii_lowercase().as_str() {
            "idle" => &["idle"],
            "mix" | "mixed" => &["mix"],
            "alloc" | "allocated" => &["alloc"],
            "drain" => &["drng", "drain"],
            "drained" => &["drain"],
            "drng" | "draining" => &["drng"],
            "down" => &["down"],
            _ => {
                return Err(Failure::usage(format!(
                    "--states {word:?}: not a node state (accepted: idle, mix, alloc, drain, \
                     drained, draining, down)"
                )))
            }
        };
        out.extend_from_slice(names);
    }
    Ok(out)
}

/// A node's state in sinfo's words.
fn state(node: &NodeView) -> &'static str {
    let busy = !node.jobs.is_empty();
    match node.state {
        "DOWN" => "down",
        "DRAIN" if busy => "drng",
        "DRAIN" => "drain",
        _ if !busy => "idle",
        _ if (node.gpus_total > 0 && node.gpus_free == 0) || node.cpus_free == 0 => "alloc",
        _ => "mix",
    }
}

fn in_partition(partition: &Partition, node: &NodeView) -> bool {
    partition.nodes.matches(&node.name, &node.labels)
}

fn partition_name(partition: &Partition) -> String {
    if partition.is_default {
        format!("{}*", partition.name)
    } else {
        partition.name.clone()
    }
}

fn partition_table(partitions: &[&Partition], nodes: &[NodeView]) -> String {
    let mut rows = Vec::new();
    for partition in partitions {
        let members: Vec<&NodeView> = nodes
            .iter()
            .filter(|n| in_partition(partition, n))
            .collect();
        let limit = partition
            .max_time_secs
            .map_or_else(|| "infinite".into(), slurm_duration);
        let row = |count: usize, state: &str, list: String| {
            vec![
                partition_name(partition),
                "up".to_string(),
                limit.clone(),
                count.to_string(),
                state.to_string(),
                list,
            ]
        };
        if members.is_empty() {
            rows.push(row(0, "n/a", String::new()));
        }
        for state_name in STATES {
            let names: Vec<&str> = members
                .iter()
                .filter(|n| state(n) == state_name)
                .map(|n| n.name.as_str())
                .collect();
            if !names.is_empty() {
                rows.push(row(names.len(), state_name, names.join(",")));
            }
        }
    }
    let headers = [
        "PARTITION",
        "AVAIL",
        "TIMELIMIT",
        "NODES",
        "STATE",
        "NODELIST",
    ];
    columns(&headers, &rows, &[5, 0])
}

fn node_table(partitions: &[&Partition], nodes: &[NodeView]) -> String {
    let mut rows = Vec::new();
    for node in nodes {
        for partition in partitions.iter().filter(|p| in_partition(p, node)) {
            rows.push(vec![
                node.name.clone(),
                "1".to_string(),
                partition_name(partition),
                state(node).to_string(),
            ]);
        }
    }
    columns(&["NODELIST", "NODES", "PARTITION", "STATE"], &rows, &[0, 2])
}

/// Sorts `node-2` before `node-10`: the name with its trailing number as a number.
fn natural_key(name: &str) -> (&str, u64, &str) {
    let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (stem, number) = name.split_at(name.len() - digits);
    (stem, number.parse().unwrap_or(0), name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use corral_policies::Policy;

    fn node(name: &str, state: &'static str, jobs: Vec<u64>, gpus_free: u32) -> NodeView {
        NodeView {
            id: 1,
            name: name.into(),
            state,
            reason: None,
            addr: None,
            cpus_total: 8,
            cpus_free: 4,
            mem_mib_total: 1024,
            mem_mib_free: 1024,
            gpus_total: 4,
            gpus_free,
            gpu_models: Vec::new(),
            gpus: Vec::new(),
            jobs,
            last_seen_time: 0,
            rack: None,
            features: Vec::new(),
            labels: Default::default(),
        }
    }

    #[test]
    fn partitions_group_their_nodes_by_state() {
        let policy = Policy::default();
        let partitions: Vec<&Partition> = policy.partitions.values().collect();
        let nodes = vec![
            node("node-1", "UP", vec![], 4),
            node("node-2", "UP", vec![3], 0),
            node("node-3", "DRAIN", vec![], 4),
            node("node-10", "UP", vec![], 4),
        ];
        let text = partition_table(&partitions, &nodes);
        let lines: Vec<Vec<&str>> = text
            .lines()
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(
            lines[0],
            [
                "PARTITION",
                "AVAIL",
                "TIMELIMIT",
                "NODES",
                "STATE",
                "NODELIST"
            ]
        );
        assert_eq!(
            lines[1],
            ["gpu*", "up", "7-00:00:00", "1", "alloc", "node-2"]
        );
        assert_eq!(
            lines[2],
            ["gpu*", "up", "7-00:00:00", "2", "idle", "node-1,node-10"]
        );
        assert_eq!(
            lines[3],
            ["gpu*", "up", "7-00:00:00", "1", "drain", "node-3"]
        );
        let by_node = node_table(&partitions, &nodes);
        assert_eq!(
            by_node
                .lines()
                .next()
                .unwrap()
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["NODELIST", "NODES", "PARTITION", "STATE"]
        );
    }

    #[test]
    fn names_sort_by_their_number() {
        let mut names = vec!["node-10", "node-2", "node-1"];
        names.sort_by_key(|n| natural_key(n));
        assert_eq!(names, ["node-1", "node-2", "node-10"]);
    }

    #[test]
    fn drain_covers_draining_and_drained() {
        assert_eq!(states(&["drain".into()]).unwrap(), ["drng", "drain"]);
        assert_eq!(states(&["bogus".into()]).unwrap_err().code(), 2);
    }
}
