//! The agent end to end against an in-process scheduler, with fake GPUs and the process runtime:
//! submit → running → exit code and output; a cancel that must escalate to SIGKILL; an OOM; a
//! time limit; signals sent to a running job, and the `--signal=B:SIG@SECS` warning before its
//! time limit; an agent restart while a job runs; a scripted GPU loss draining its node, whose
//! lost GPU is never given out again.

mod common;

use common::{eventually, gpu_job, AgentSetup, TestCluster};
use corral_agent::cgroup::CgroupRoot;
use corral_agent::gpu::fake::FakeGpus;
use corral_model::spec::MemRequest;
use corral_model::{GpuHealth, NodeState, Outcome};
use corral_proto::v1::ResumeRequest;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_runs_with_its_gpus_and_its_exit_code_is_reported() {
    let mut cluster = TestCluster::start("exit-code").await;
    cluster.start_agent(AgentSetup::new("gpu-1", "4xH100-80GB"));
    let script = "#!/bin/sh\necho \"job $SLURM_JOB_ID on $SLURMD_NODENAME gpus=$CUDA_VISIBLE_DEVICES n=$SLURM_GPUS_ON_NODE\"\necho oops >&2\nexit 3\n";
    let id = cluster.submit(gpu_job("exit3", 2, 60), script).await;
    let job = cluster.wait_for_state(id, "FAILED").await;
    let exit = job.exit.expect("exit recorded");
    assert_eq!(
        (exit.outcome, exit.exit_code, exit.signal),
        (Outcome::Failure, Some(3), None)
    );
    let output = cluster.read(&format!("slurm-{id}.out"));
    let (line, rest) = output.split_once('\n').expect("two lines");
    assert_eq!(rest, "oops\n");
    let gpus = line
        .strip_prefix(&format!("job {id} on gpu-1 gpus="))
        .and_then(|l| l.strip_suffix(" n=2"))
        .unwrap_or_else(|| panic!("unexpected output {output:?}"));
    let gpus: Vec<u32> = gpus
        .split(',')
        .map(|g| g.parse().expect("an index"))
        .collect();
    assert!(
        gpus.len() == 2 && gpus[0] != gpus[1] && gpus.iter().all(|&g| g < 4),
        "{gpus:?}"
    );

    let ok = cluster
        .submit(gpu_job("ok", 1, 60), "#!/bin/sh\nexit 0\n")
        .await;
    let job = cluster.wait_for_state(ok, "COMPLETED").await;
    assert_eq!(job.exit.expect("exit").exit_code, Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_job_that_ignores_sigterm_is_killed_after_the_grace() {
    let mut cluster = TestCluster::start("cancel").await;
    cluster.start_agent(AgentSetup::new("gpu-1", "2xA100-40GB"));
    let script =
        "#!/bin/sh\ntrap 'echo got TERM' TERM\necho started\nwhile true; do sleep 0.05; done\n";
    let id = cluster.submit(gpu_job("stubborn", 1, 600), script).await;
    cluster.wait_for_state(id, "RUNNING").await;
    let out = format!("slurm-{id}.out");
    eventually("the job to start", || async {
        cluster.read(&out).contains("started").then_some(())
    })
    .await;
    cluster.cancel(id).await;
    let job = cluster.wait_for_state(id, "CANCELLED").await;
    let exit = job.exit.expect("exit");
    assert_eq!((exit.outcome, exit.signal), (Outcome::Killed, Some(9)));
    assert!(
        cluster.read(&out).contains("got TERM"),
        "SIGTERM came first: {}",
        cluster.read(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signals_reach_a_running_job_in_order_and_it_keeps_running() {
    let mut cluster = TestCluster::start("signal").await;
    cluster.start_agent(AgentSetup::new("gpu-1", "2xA100-40GB"));
    let script = "#!/bin/sh\ntrap 'echo got USR1' USR1\ntrap 'echo got USR2; exit 5' USR2\n\
                  echo started\nwhile true; do sleep 0.05; done\n";
    let id = cluster.submit(gpu_job("trapper", 1, 600), script).await;
    let out = format!("slurm-{id}.out");
    eventually("the job to start", || async {
        cluster.read(&out).contains("started").then_some(())
    })
    .await;
    cluster.signal(id, libc::SIGUSR1).await;
    eventually("USR1 to arrive", || async {
        cluster.read(&out).contains("got USR1").then_some(())
    })
    .await;
    assert_eq!(cluster.job(id).await.state.to_string(), "RUNNING");
    cluster.signal(id, libc::SIGUSR2).await;
    let job = cluster.wait_for_state(id, "FAILED").await;
    assert_eq!(job.exit.expect("exit").exit_code, Some(5));
    // The whole process group is signalled, so the shell also reports its `sleep` child's death.
    let output = cluster.read(&out);
    let script_lines: Vec<&str> = output.lines().filter(|l| !l.contains("signal")).collect();
    assert_eq!(
        script_lines,
        ["started", "got USR1", "got USR2"],
        "each signal once, in order: {output}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_time_limit_warning_lets_a_job_finish_before_its_limit() {
    let mut cluster = TestCluster::start("warning").await;
    cluster.start_agent(AgentSetup::new("gpu-1", "1xL4-24GB"));
    let mut spec = gpu_job("checkpointer", 1, 4);
    spec.signal = Some(Box::new(
        corral_model::script::parse_signal("B:USR1@3").unwrap(),
    ));
    let script =
        "#!/bin/sh\ntrap 'echo checkpoint; exit 0' USR1\nwhile true; do sleep 0.05; done\n";
    let id = cluster.submit(spec, script).await;
    let job = cluster.wait_for_state(id, "COMPLETED").await;
    assert_eq!(job.exit.expect("exit").exit_code, Some(0));
    let output = cluster.read(&format!("slurm-{id}.out"));
    assert_eq!(
        output
            .lines()
            .filter(|l| !l.contains("signal"))
            .collect::<Vec<_>>(),
        ["checkpoint"],
        "{output}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_over_its_memory_ends_out_of_memory() {
    let mut cluster = TestCluster::start("oom").await;
    cluster.start_agent(AgentSetup::new("gpu-1", "1xL4-24GB"));
    let mut spec = gpu_job("hog", 0, 60);
    spec.mem = Some(MemRequest::Node(32));
    // Holds about 200 MiB in the shell's memory.
    let script = "#!/bin/sh\nx=$(head -c 200000000 /dev/zero | tr '\\0' a)\nsleep 30\n";
    let id = cluster.submit(spec, script).await;
    let job = cluster.wait_for_state(id, "OUT_OF_MEMORY").await;
    assert_eq!(job.exit.expect("exit").outcome, Outcome::OutOfMemory);
    assert!(cluster
        .read(&format!("slurm-{id}.out"))
        .contains("more than its 32 MiB"));
}

/// Where the agent has a cgroup v2 root, a run gets its own cgroup with its memory and CPUs, and
/// its process joins it before it executes. The root here is a plain directory laid out like
/// cgroupfs (this machine delegates no cgroup v2 controllers), so the limits are written but
/// not enforced; the kernel's side is `cgroup.rs`'s file protocol.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_gets_a_cgroup_with_its_memory_and_cpus_where_the_host_has_one() {
    let mut cluster = TestCluster::start("cgroup").await;
    let root = cluster.dir.path().join("fake-cgroup");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("cgroup.controllers"),
        "cpuset cpu io memory pids\n",
    )
    .unwrap();
    std::fs::write(root.join("cgroup.subtree_control"), "").unwrap();
    let mut setup = AgentSetup::new("gpu-1", "1xL4-24GB");
    setup.cgroups = Some(CgroupRoot::probe(&root).expect("a usable fake root"));
    cluster.start_agent(setup);
    let mut spec = gpu_job("limited", 1, 60);
    spec.mem = Some(MemRequest::Node(300));
    spec.cpus_per_task = Some(2);
    let id = cluster.submit(spec, "#!/bin/sh\necho inside\n").await;
    let job = cluster.wait_for_state(id, "COMPLETED").await;
    assert_eq!(job.exit.expect("exit").exit_code, Some(0));
    let run = root.join(format!("{id}.0"));
    let read = |name: &str| std::fs::read_to_string(run.join(name)).unwrap_or_default();
    assert_eq!(read("memory.max"), (300u64 << 20).to_string());
    assert_eq!(read("cpu.max"), "200000 100000");
    assert_eq!(
        read("cgroup.procs"),
        "0",
        "the job's process moved itself in"
    );
    assert_eq!(read("cgroup.kill"), "1", "whatever was left was killed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_past_its_time_limit_ends_timeout() {
    let mut cluster = TestCluster::start("timeout").await;
    cluster.start_agent(AgentSetup::new("gpu-1", "1xL4-24GB"));
    let id = cluster
        .submit(gpu_job("slow", 1, 1), "#!/bin/sh\nsleep 600\n")
        .await;
    let job = cluster.wait_for_state(id, "TIMEOUT").await;
    assert_eq!(job.exit.expect("exit").outcome, Outcome::Timeout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_agent_re_adopts_its_running_job() {
    let mut cluster = TestCluster::start("restart").await;
    let agent = cluster.start_agent(AgentSetup::new("gpu-1", "2xH100-80GB"));
    let script =
        "#!/bin/sh\necho begin\nwhile [ ! -e release ]; do sleep 0.05; done\necho end\nexit 7\n";
    let id = cluster.submit(gpu_job("survivor", 1, 600), script).await;
    let out = format!("slurm-{id}.out");
    eventually("the job to start", || async {
        cluster.read(&out).contains("begin").then_some(())
    })
    .await;
    cluster.stop_agent(agent).await;
    std::fs::write(cluster.dir.path().join("release"), "").expect("release");
    eventually("the job to end while no agent runs", || async {
        cluster.read(&out).contains("end").then_some(())
    })
    .await;
    assert_eq!(
        cluster.job(id).await.state.name(),
        "RUNNING",
        "nobody reported it yet"
    );
    cluster.start_agent(AgentSetup::new("gpu-1", "2xH100-80GB"));
    let job = cluster.wait_for_state(id, "FAILED").await;
    assert_eq!(job.exit.expect("exit").exit_code, Some(7));
    assert_eq!(cluster.read(&out), "begin\nend\n", "ran once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scripted_gpu_loss_drains_that_gpu() {
    let mut cluster = TestCluster::start("gpu-loss").await;
    let file = cluster.dir.path().join("gpus.toml");
    std::fs::write(
        &file,
        "[[group]]\ncount = 2\nmodel = \"H100\"\nmem_gib = 80\n\
         [[fault]]\ngpu = 1\nafter_ms = 300\nreason = \"Xid 79: GPU has fallen off the bus\"\n",
    )
    .expect("write spec");
    let mut setup = AgentSetup::new("gpu-1", "1xH100");
    setup.gpus = FakeGpus::from_file(&file, "gpu-1").expect("fake file");
    cluster.start_agent(setup);
    let node = eventually("GPU 1 to be unhealthy", || async {
        let node = cluster.node("gpu-1").await?;
        (node.spec.gpus[1].health != GpuHealth::Healthy).then_some(node)
    })
    .await;
    assert_eq!(
        node.spec.gpus[1].health,
        GpuHealth::Unhealthy("Xid 79: GPU has fallen off the bus".into())
    );
    assert_eq!(node.spec.gpus[0].health, GpuHealth::Healthy);
    // The node is drained with the GPU's reason, for an admin to look at.
    assert_eq!(
        node.state,
        NodeState::Drain("gpu 1: Xid 79: GPU has fallen off the bus".into())
    );
    // Resumed, the node runs jobs again, but never on the lost GPU: a 2-GPU job stays pending
    // while a 1-GPU job submitted after it gets GPU 0.
    cluster
        .client
        .resume(ResumeRequest {
            user: "root".into(),
            node: "gpu-1".into(),
        })
        .await
        .expect("resume");
    let two = cluster
        .submit(gpu_job("two", 2, 60), "#!/bin/sh\nexit 0\n")
        .await;
    let script = "#!/bin/sh\necho \"$CUDA_VISIBLE_DEVICES\"\n";
    let one = cluster.submit(gpu_job("one", 1, 60), script).await;
    cluster.wait_for_state(one, "COMPLETED").await;
    assert_eq!(cluster.read(&format!("slurm-{one}.out")), "0\n");
    assert_eq!(cluster.job(two).await.state.name(), "PENDING");
}
