//! Submit → process started, on an idle agent: one scheduler node in this process (sled fsyncs
//! every append, production leader-loop timings), one agent with 8 fake GPUs and the process
//! runtime (the real supervisor binary). Each round submits a 1-GPU job whose script writes a
//! marker file as its first action, waits for the marker (polled every 200 µs), then for the job
//! to end so the next one finds the agent idle again. Prints p50 and p99 of submit → marker.

use corral_agent::daemon::{Daemon, LinkConfig, NodeTemplate};
use corral_agent::gpu::fake::FakeGpus;
use corral_agent::runs::{LocalRuns, RunsConfig};
use corral_agent::runtime::process::ProcessRuntime;
use corral_agent::step::registry::StepRegistry;
use corral_model::spec::{GpuCount, NodeRange, TimeLimit};
use corral_model::{JobSpec, Launch, NodeSpec};
use corral_proto::convert::{job_from_info, submit_request};
use corral_proto::v1::client_client::ClientClient;
use corral_proto::v1::GetJobRequest;
use corral_scheduler::{Config, Scheduler};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

const JOBS: usize = 200;

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let root = std::env::temp_dir().join(format!("corral-bench-start-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root)?;
    let config = Config {
        listen: "127.0.0.1:0".into(),
        data_dir: Some(root.join("scheduler")),
        ..Config::default()
    };
    let scheduler = Scheduler::start(config.check()?).await?;
    while scheduler.node().current_leader() != Some(scheduler.node().id()) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let addr = scheduler.local_addr().to_string();
    start_agent(&root, &addr)?;
    let mut client = ClientClient::connect(format!("http://{addr}")).await?;
    let mut latencies = Vec::with_capacity(JOBS);
    for n in 0..JOBS {
        let marker = root.join(format!("started-{n}"));
        let spec = job(&root, &marker);
        let submitted = Instant::now();
        let reply = client
            .submit(submit_request("bench", None, None, &spec))
            .await?;
        wait_for_file(&marker).await;
        latencies.push(submitted.elapsed());
        let id = reply.into_inner().job_ids[0];
        wait_until_ended(&mut client, id).await?;
    }
    latencies.sort();
    println!(
        "start_latency: {JOBS} jobs, submit → process started: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} CPUs)",
        ms(latencies[JOBS / 2]),
        ms(latencies[JOBS * 99 / 100]),
        ms(latencies[JOBS - 1]),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    scheduler.shutdown().await?;
    let _ = std::fs::remove_dir_all(&root);
    Ok(())
}

fn start_agent(root: &Path, addr: &str) -> anyhow::Result<()> {
    let runs = LocalRuns::adopt(
        RunsConfig {
            jobs_root: root.join("agent/jobs"),
            bin_dir: root.join("agent/bin").display().to_string(),
            cluster_name: "bench".into(),
            kill_grace: Duration::from_secs(5),
            cgroups: None,
        },
        Arc::new(ProcessRuntime::new(PathBuf::from(env!(
            "CARGO_BIN_EXE_corral-agent"
        )))),
    )?;
    let template = NodeTemplate {
        spec: NodeSpec {
            name: "bench-node".into(),
            cpus: 64,
            mem_mib: 512 * 1024,
            gpus: Vec::new(),
            features: Default::default(),
            labels: Default::default(),
            rack: None,
            switch: None,
            addr: None,
        },
    };
    let link = LinkConfig {
        schedulers: vec![addr.to_string()],
        heartbeat_interval: Duration::from_secs(1),
        tick_interval: Duration::from_millis(20),
        health_interval: Duration::from_secs(1),
    };
    let probe = Box::new(FakeGpus::from_spec("8xH100-80GB", "bench-node")?);
    let daemon = Daemon::new(link, template, probe, runs, StepRegistry::default());
    tokio::spawn(daemon.run(std::future::pending()));
    Ok(())
}

fn job(root: &Path, marker: &Path) -> JobSpec {
    JobSpec {
        name: Some("start".into()),
        nodes: Some(NodeRange { min: 1, max: 1 }),
        gpus_per_node: Some(GpuCount {
            model: None,
            count: 1,
        }),
        time_limit: TimeLimit::Secs(60),
        launch: Some(Box::new(Launch {
            script: format!("#!/bin/sh\n: > {}\n", marker.display()),
            args: Vec::new(),
            submit_dir: root.display().to_string(),
            env: Default::default(),
        })),
        ..JobSpec::default()
    }
}

async fn wait_for_file(path: &Path) {
    while !path.exists() {
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
}

async fn wait_until_ended(
    client: &mut ClientClient<tonic::transport::Channel>,
    id: u64,
) -> anyhow::Result<()> {
    loop {
        let info = client
            .get_job(GetJobRequest { job_id: id })
            .await?
            .into_inner();
        let job = job_from_info(
            &info
                .job
                .ok_or_else(|| anyhow::anyhow!("job {id} missing"))?,
        )?;
        if job.state.is_final() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
