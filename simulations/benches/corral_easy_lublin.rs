//! Corral's own policies on RLScheduler's Lublin-1 windows: the same 10 windows of 1,024 jobs
//! (loaded by the compatibility mode's rules), each replayed from an empty 256-node cluster
//! (one GPU slot per node, as one processor per node) through `policies::schedule` with EASY
//! backfill (shadow recomputed every pass, the extra-nodes rule), priority by queue age only so
//! that the order is FCFS. Prints the mean bounded slowdown per window and over the windows,
//! beside RLScheduler's published FCFS + backfill figure (235.82).
//! Run: `cargo bench -p corral-simulations --bench corral_easy_lublin`.

use corral_policies::config::parse_policy;
use corral_simulations::cluster_spec::NodeGroup;
use corral_simulations::compat::rlscheduler::{
    load_rlscheduler_workload, PUBLISHED_WINDOW_JOBS, PUBLISHED_WINDOW_STARTS,
};
use corral_simulations::trace::TraceJob;
use corral_simulations::{simulate_trace, SimOptions};
use std::path::Path;

const FCFS_EASY_POLICY: &str = r#"
[priority]
max_age = "365d"
[priority.weights]
age = 1000
fairshare = 0
job_size = 0
partition = 0
qos = 0
nice = 0
[partitions.all]
nodes = ["*"]
max_time = "unlimited"
"#;

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("traces/lublin_256.swf");
    let workload = load_rlscheduler_workload(&path).expect("Lublin-1 loads");
    let policy = parse_policy("fcfs-easy", FCFS_EASY_POLICY).expect("policy");
    let nodes: Vec<_> = NodeGroup::uniform("n", workload.cluster.nodes as u32, 1).node_specs();
    let mut means = Vec::new();
    for start in PUBLISHED_WINDOW_STARTS {
        let jobs: Vec<TraceJob> = workload.jobs[start..start + PUBLISHED_WINDOW_JOBS]
            .iter()
            .map(|j| {
                let procs = workload.cluster.nodes_for(j.procs) as u32;
                let mut t = TraceJob::new(
                    j.id as u64,
                    j.submit_secs.max(0) as u64,
                    j.run_secs.max(1) as u64,
                    procs,
                );
                t.requested_secs = Some(j.requested_secs.max(j.run_secs).max(1) as u64);
                t
            })
            .collect();
        let report = simulate_trace(&jobs, nodes.clone(), &policy, &SimOptions::default(), None)
            .expect("replay");
        println!(
            "window at job {start:>5}: mean bounded slowdown {:>10.2}",
            report.mean_bounded_slowdown
        );
        means.push(report.mean_bounded_slowdown);
    }
    let mean = means.iter().sum::<f64>() / means.len() as f64;
    println!("Corral EASY (FCFS order): {mean:.2}   RLScheduler FCFS+backfill (published): 235.82");
}
