//! `srun` inside a batch job: a 2-node job whose script calls `srun` runs its tasks across both
//! nodes with their ranks and GPUs; one failing task ends the others and sets the exit code; a
//! `--signal=SIG@SECS` warning reaches the tasks on both nodes and not the batch script; tasks
//! that pass the job's memory on their node are killed and the job ends OUT_OF_MEMORY.

mod common;

use common::{AgentSetup, TestCluster};
use corral_model::spec::{GpuCount, MemRequest, NodeRange, TimeLimit};
use corral_model::JobSpec;

fn two_node_job(name: &str) -> JobSpec {
    JobSpec {
        name: Some(name.to_string()),
        nodes: Some(NodeRange { min: 2, max: 2 }),
        ntasks_per_node: Some(2),
        gpus_per_node: Some(GpuCount {
            model: None,
            count: 2,
        }),
        time_limit: TimeLimit::Secs(120),
        ..JobSpec::default()
    }
}

async fn two_node_cluster(label: &str) -> TestCluster {
    let mut cluster = TestCluster::start(label).await;
    cluster.start_agent(AgentSetup::new("n1", "4xH100-80GB"));
    cluster.start_agent(AgentSetup::new("n2", "4xH100-80GB"));
    cluster
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn srun_runs_every_task_across_the_allocation_with_its_rank_and_gpus() {
    let mut cluster = two_node_cluster("srun-ranks").await;
    let script = "#!/bin/sh\n\
        srun --gpus-per-task=1 sh -c 'echo \"rank=$SLURM_PROCID local=$SLURM_LOCALID node=$SLURM_NODEID \
        world=$WORLD_SIZE rank_t=$RANK gpus=$CUDA_VISIBLE_DEVICES host=$SLURMD_NODENAME\"'\n\
        echo \"srun exit $?\"\n";
    let id = cluster.submit(two_node_job("ranks"), script).await;
    let job = cluster.wait_for_state(id, "COMPLETED").await;
    assert_eq!(job.exit.expect("exit").exit_code, Some(0));
    let output = cluster.read(&format!("slurm-{id}.out"));
    let mut lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.pop(), Some("srun exit 0"), "{output}");
    lines.sort();
    assert_eq!(lines.len(), 4, "{output}");
    let mut gpus_by_node: [Vec<String>; 2] = Default::default();
    let mut hosts: [std::collections::BTreeSet<String>; 2] = Default::default();
    for (rank, line) in lines.iter().enumerate() {
        let node = rank / 2;
        let prefix = format!(
            "rank={rank} local={} node={node} world=4 rank_t={rank} gpus=",
            rank % 2
        );
        let gpus = line
            .strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("{line:?} in {output}"));
        let (gpu, host) = gpus.split_once(' ').expect("gpus then host");
        hosts[node].insert(host.to_string());
        assert!(!gpu.contains(','), "one GPU per task: {line}");
        gpus_by_node[node].push(gpu.to_string());
    }
    assert!(
        hosts.iter().all(|h| h.len() == 1),
        "one host per node index: {output}"
    );
    assert_ne!(hosts[0], hosts[1], "two different nodes: {output}");
    for gpus in &gpus_by_node {
        assert_ne!(
            gpus[0], gpus[1],
            "tasks on a node get different GPUs: {output}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_task_ends_the_others_and_sets_the_exit_code() {
    let mut cluster = two_node_cluster("srun-fail").await;
    let script = "#!/bin/sh\n\
        srun sh -c 'if [ \"$SLURM_PROCID\" = 3 ]; then exit 5; fi; sleep 600'\n\
        code=$?\necho \"srun exit $code\"\nexit $code\n";
    let id = cluster.submit(two_node_job("fails"), script).await;
    let job = cluster.wait_for_state(id, "FAILED").await;
    assert_eq!(job.exit.expect("exit").exit_code, Some(5));
    let output = cluster.read(&format!("slurm-{id}.out"));
    assert_eq!(output.lines().last(), Some("srun exit 5"), "{output}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_warning_without_b_reaches_every_task_and_not_the_script() {
    let mut cluster = two_node_cluster("srun-warning").await;
    let mut spec = two_node_job("warned");
    spec.time_limit = TimeLimit::Secs(5);
    spec.signal = Some(Box::new(
        corral_model::script::parse_signal("USR1@4").unwrap(),
    ));
    // An untrapped USR1 would kill the script's shell; only the tasks trap it.
    let script = "#!/bin/sh\n\
        srun sh -c 'trap \"echo task $SLURM_PROCID warned; exit 0\" USR1; \
        while true; do sleep 0.05; done'\n\
        echo \"srun exit $?\"\n";
    let id = cluster.submit(spec, script).await;
    let job = cluster.wait_for_state(id, "COMPLETED").await;
    assert_eq!(job.exit.expect("exit").exit_code, Some(0));
    let output = cluster.read(&format!("slurm-{id}.out"));
    // A task's shell also reports the death of its signalled `sleep`.
    let mut lines: Vec<&str> = output.lines().filter(|l| !l.contains("signal")).collect();
    assert_eq!(lines.pop(), Some("srun exit 0"), "{output}");
    lines.sort();
    assert_eq!(
        lines,
        [
            "task 0 warned",
            "task 1 warned",
            "task 2 warned",
            "task 3 warned"
        ],
        "{output}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_over_the_jobs_memory_on_their_node_end_the_job_out_of_memory() {
    let mut cluster = two_node_cluster("srun-oom").await;
    let mut spec = two_node_job("hog");
    spec.ntasks_per_node = Some(1);
    spec.mem = Some(MemRequest::Node(32));
    // Each task holds about 200 MiB in its shell; the batch script itself stays small, and
    // carries on after srun fails, as scripts do.
    let script = "#!/bin/sh\n\
        srun sh -c 'x=$(head -c 200000000 /dev/zero | tr \"\\\\0\" a); sleep 30'\n\
        echo \"srun exit $?\"\n";
    let id = cluster.submit(spec, script).await;
    let job = cluster.wait_for_state(id, "OUT_OF_MEMORY").await;
    assert_eq!(
        job.exit.expect("exit").outcome,
        corral_model::Outcome::OutOfMemory
    );
    let output = cluster.read(&format!("slurm-{id}.out"));
    assert!(
        output.contains("corral: tasks on n") && output.contains("more than its 32 MiB"),
        "the step service killed them: {output}"
    );
    assert!(
        output.contains("srun exit "),
        "the script went on after srun: {output}"
    );
}
