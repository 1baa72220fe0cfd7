//! End-to-end journeys through the real binaries on a local cluster (`corral up`): a researcher
//! submits, watches and cancels jobs and reads their output and exit codes; an admin drains and
//! resumes a node and applies policies. Each test has its own cluster, stopped on drop.

mod common;

use common::{eventually, LocalCluster};
use serde_json::Value;

const TRAIN: &str = "#!/bin/bash
#SBATCH -J train
#SBATCH -N 1 --gpus-per-node=2
echo \"gpus=$CUDA_VISIBLE_DEVICES\"
echo \"args=$*\"
echo \"node=$SLURMD_NODENAME\"
";

/// The `key=value` line of a job's output.
fn output_value(cluster: &LocalCluster, id: u64, key: &str) -> String {
    let path = cluster.dir().join(format!("slurm-{id}.out"));
    let text = std::fs::read_to_string(&path).expect("the job's output file");
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")))
        .unwrap_or_else(|| panic!("no {key}= in {}:\n{text}", path.display()))
        .to_string()
}

fn queue_ids(cluster: &LocalCluster) -> Vec<u64> {
    let queue = cluster.json(&["queue", "--json"]);
    queue["jobs"]
        .as_array()
        .expect("jobs")
        .iter()
        .map(|j| j["id"].as_u64().expect("id"))
        .collect()
}

#[test]
fn a_researcher_submits_watches_cancels_and_reads_exit_codes() {
    let cluster = LocalCluster::up("researcher", 2, "4xH100-80GB", "ada");
    std::fs::write(cluster.dir().join("train.sh"), TRAIN).expect("script");

    let out = cluster.ok(&["submit", "train.sh", "alpha", "beta"]);
    let id: u64 = out
        .trim()
        .strip_prefix("Submitted batch job ")
        .unwrap_or_else(|| panic!("sbatch's line, got {out:?}"))
        .parse()
        .expect("a job id");
    let done = cluster.wait_in_history(id);
    assert_eq!(done["state"], "COMPLETED", "{done:#}");
    assert_eq!(done["exit"]["outcome"], "success");
    assert_eq!(done["exit"]["exit_code"], 0);
    assert_eq!(done["user"], "ada");
    assert_eq!(done["name"], "train");
    assert_eq!(done["gpus"], 2);
    assert!(done["end_time"].as_u64() >= done["start_time"].as_u64());
    let gpus: Vec<u32> = output_value(&cluster, id, "gpus")
        .split(',')
        .map(|g| g.parse().expect("a GPU index"))
        .collect();
    assert_eq!(gpus.len(), 2, "two GPUs: {gpus:?}");
    assert!(
        gpus[0] != gpus[1] && gpus.iter().all(|g| *g < 4),
        "{gpus:?}"
    );
    assert_eq!(output_value(&cluster, id, "args"), "alpha beta");
    assert!(
        !queue_ids(&cluster).contains(&id),
        "an ended job leaves the queue"
    );
    let table = cluster.ok(&["history"]);
    let row = table
        .lines()
        .find(|l| l.starts_with(&format!("{id} ")))
        .expect("the job's row");
    assert!(row.contains("COMPLETED") && row.contains(" 0:0 "), "{row}");

    let failing = cluster.submit(&["--wrap", "echo failing; exit 3"]);
    let failed = cluster.wait_in_history(failing);
    assert_eq!(failed["state"], "FAILED", "{failed:#}");
    assert_eq!(failed["exit"]["exit_code"], 3);

    let sleeper = cluster.submit(&["-G", "1", "--wrap", "sleep 300"]);
    eventually("the sleeper to run", || {
        let queue = cluster.json(&["queue", "--json", "--user", "ada"]);
        let job = queue["jobs"]
            .as_array()?
            .iter()
            .find(|j| j["id"] == sleeper)?
            .clone();
        (job["state"] == "RUNNING").then_some(job)
    });
    // Nobody else may cancel ada's job (she runs this cluster, so she is its admin, bob is not).
    let bobs_try = cluster.corral_as("bob", &["cancel", &sleeper.to_string()]);
    assert_eq!(bobs_try.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bobs_try.stderr).contains(&format!(
            "user bob may not cancel job {sleeper} of user ada: only its owner or an admin may"
        )),
        "{}",
        String::from_utf8_lossy(&bobs_try.stderr)
    );
    let bobs_drain = cluster.corral_as("bob", &["drain", "node-1", "--reason", "mine"]);
    assert_eq!(bobs_drain.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bobs_drain.stderr).contains("admins only"));
    let cancelled = cluster.ok(&["cancel", &sleeper.to_string()]);
    assert_eq!(cancelled.trim(), format!("Cancelled job {sleeper}"));
    let ended = cluster.wait_in_history(sleeper);
    assert_eq!(ended["state"], "CANCELLED", "{ended:#}");

    let missing = cluster.corral(&["show", "job", "999999"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("999999"));

    // Down and up again: the same cluster, its history kept.
    let down = cluster.ok(&["down"]);
    assert!(
        down.contains("Stopped 2 agent(s) and 1 scheduler(s)"),
        "{down}"
    );
    cluster.ok(&["up"]);
    let job = cluster.job(id);
    assert_eq!(job["state"], "COMPLETED");
}

fn node<'a>(nodes: &'a Value, name: &str) -> &'a Value {
    nodes["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["name"] == name)
        .unwrap_or_else(|| panic!("{name} is listed: {nodes:#}"))
}

fn policy_version(cluster: &LocalCluster) -> Value {
    cluster.json(&["cluster", "status", "--json"])["policy_version"].clone()
}

#[test]
fn an_admin_drains_a_node_and_applies_policies() {
    let cluster = LocalCluster::up("admin", 2, "4xH100-80GB", "root");
    let again = cluster.ok(&["up"]);
    assert!(again.contains("already running"), "{again}");

    let drained = cluster.ok(&["drain", "node-1", "--reason", "GPU 3 Xid 79"]);
    assert!(drained.contains("node-1"), "{drained}");
    let nodes = cluster.json(&["nodes", "--json"]);
    assert_eq!(node(&nodes, "node-1")["state"], "DRAIN");
    assert_eq!(node(&nodes, "node-1")["reason"], "GPU 3 Xid 79");
    assert_eq!(node(&nodes, "node-2")["state"], "UP");
    assert_eq!(node(&nodes, "node-2")["gpus_total"], 4);
    let table = cluster.ok(&["nodes"]);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("node-1") && l.contains("DRAIN") && l.contains("GPU 3 Xid 79")),
        "{table}"
    );

    for _ in 0..2 {
        let id = cluster.submit(&["-G", "1", "--wrap", "echo node=$SLURMD_NODENAME"]);
        let done = cluster.wait_in_history(id);
        assert_eq!(done["state"], "COMPLETED", "{done:#}");
        assert_eq!(output_value(&cluster, id, "node"), "node-2");
    }

    cluster.ok(&["resume", "node-1"]);
    let nodes = cluster.json(&["nodes", "--json"]);
    assert_eq!(node(&nodes, "node-1")["state"], "UP");
    assert_eq!(node(&nodes, "node-1")["reason"], Value::Null);
    let unknown = cluster.corral(&["drain", "node-9", "--reason", "x"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("node-9"));

    let before = policy_version(&cluster);
    std::fs::write(
        cluster.dir().join("bad.toml"),
        "[qos.high]\npriority = 10\nmax_gpu = 4\n",
    )
    .expect("policy");
    let refused = cluster.corral(&["policy", "apply", "bad.toml"]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("bad.toml:3") && stderr.contains("max_gpus"),
        "{stderr}"
    );
    assert_eq!(policy_version(&cluster), before);

    std::fs::write(
        cluster.dir().join("good.toml"),
        "[partitions.main]\nnodes = [\"node-*\"]\n",
    )
    .expect("policy");
    let applied = cluster.ok(&["policy", "apply", "good.toml"]);
    if let Some(before) = before.as_u64() {
        assert!(
            applied.contains(&format!("version {}", before + 1)),
            "{applied}"
        );
        assert_eq!(policy_version(&cluster), before + 1);
    }
    let id = cluster.submit(&["-G", "4", "--wrap", "true"]);
    let done = cluster.wait_in_history(id);
    assert_eq!(done["state"], "COMPLETED", "{done:#}");
}

const GANG: &str = "#!/bin/sh
#SBATCH -J gang
#SBATCH -N 2 --gpus-per-node=2 --ntasks-per-node=1
while [ ! -e go ]; do sleep 0.05; done
srun sh -c 'echo \"rank=$SLURM_PROCID node=$SLURMD_NODENAME gpus=$CUDA_VISIBLE_DEVICES world=$WORLD_SIZE\"'
";

#[test]
fn a_researchers_two_node_gang_runs_its_ranks_on_both_nodes() {
    let cluster = LocalCluster::up("gang", 2, "4xH100-80GB", "ada");
    std::fs::write(cluster.dir().join("gang.sh"), GANG).expect("script");
    let id = cluster.submit(&["gang.sh"]);
    let running = cluster.wait_for_state(id, "RUNNING");
    let nodes: Vec<&str> = running["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n.as_str().expect("a name"))
        .collect();
    assert_eq!(nodes.len(), 2, "a gang over both nodes: {running:#}");
    assert!(
        queue_ids(&cluster).contains(&id),
        "queue shows it while it runs"
    );
    std::fs::write(cluster.dir().join("go"), "").expect("release the job");
    let done = cluster.wait_in_history(id);
    assert_eq!(done["state"], "COMPLETED", "{done:#}");
    assert_eq!(done["exit"]["exit_code"], 0);
    let text = std::fs::read_to_string(cluster.dir().join(format!("slurm-{id}.out")))
        .expect("the job's output file");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort();
    assert_eq!(lines.len(), 2, "{text}");
    for (rank, line) in lines.iter().enumerate() {
        let node = nodes[rank];
        let prefix = format!("rank={rank} node={node} gpus=");
        let rest = line
            .strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("{line:?} in {text}"));
        let (gpus, world) = rest.split_once(' ').expect("gpus then world");
        assert_eq!(gpus.split(',').count(), 2, "two GPUs per node: {line}");
        assert_eq!(world, "world=2");
    }
}
