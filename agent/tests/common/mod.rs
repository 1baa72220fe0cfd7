//! Test support: a one-node scheduler on loopback, agents running in this process with fake GPUs
//! and the process runtime (the supervisor is the built `corral-agent` binary), job submission
//! with a script, and polling waits with a deadline.

#![allow(dead_code)]

use corral_agent::cgroup::CgroupRoot;
use corral_agent::daemon::{Daemon, LinkConfig, NodeTemplate};
use corral_agent::gpu::fake::FakeGpus;
use corral_agent::gpu::GpuProbe;
use corral_agent::runs::{LocalRuns, RunsConfig};
use corral_agent::runtime::process::ProcessRuntime;
use corral_agent::step::registry::StepRegistry;
use corral_agent::step::service::serve;
use corral_model::spec::{GpuCount, NodeRange, TimeLimit};
use corral_model::{Job, JobSpec, Launch, Node, NodeSpec};
use corral_proto::convert::{job_from_info, node_from_info, submit_request};
use corral_proto::v1::client_client::ClientClient;
use corral_proto::v1::{CancelRequest, GetJobRequest, ListNodesRequest};
use corral_scheduler::{Config, Scheduler};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::Channel;

pub const DEADLINE: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(20);

/// Polls `check` until it yields a value, or panics naming `what` after `DEADLINE`.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "timed out after {DEADLINE:?} waiting for {what}"
        );
        tokio::time::sleep(POLL).await;
    }
}

static NEXT_DIR: AtomicU64 = AtomicU64::new(0);

/// A directory under cargo's test scratch area, removed when dropped.
pub struct ScratchDir(PathBuf);

impl ScratchDir {
    pub fn new(label: &str) -> ScratchDir {
        let n = NEXT_DIR.fetch_add(1, Ordering::Relaxed);
        let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("corral-agent-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create scratch dir");
        ScratchDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub struct TestCluster {
    pub dir: ScratchDir,
    pub scheduler: Scheduler,
    pub client: ClientClient<Channel>,
    pub agents: Vec<Option<RunningAgent>>,
}

pub struct RunningAgent {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
    server: JoinHandle<()>,
}

/// How an agent of a test is set up.
pub struct AgentSetup {
    pub name: String,
    pub gpus: FakeGpus,
    pub kill_grace: Duration,
    /// cgroup v2 limits for its runs (a fake cgroup directory in tests).
    pub cgroups: Option<CgroupRoot>,
}

impl AgentSetup {
    pub fn new(name: &str, spec: &str) -> AgentSetup {
        AgentSetup {
            name: name.to_string(),
            gpus: FakeGpus::from_spec(spec, name).expect("fake spec"),
            kill_grace: Duration::from_secs(1),
            cgroups: None,
        }
    }
}

impl TestCluster {
    pub async fn start(label: &str) -> TestCluster {
        TestCluster::start_with_node_timeout(label, Config::default().node_timeout_ms).await
    }

    /// A cluster whose scheduler declares a silent node lost after `node_timeout_ms`.
    pub async fn start_with_node_timeout(label: &str, node_timeout_ms: u64) -> TestCluster {
        let dir = ScratchDir::new(label);
        let config = Config {
            listen: "127.0.0.1:0".to_string(),
            data_dir: Some(dir.path().join("scheduler")),
            leader_loop_min_interval_ms: 5,
            leader_loop_idle_interval_ms: 100,
            node_timeout_ms,
            ..Config::default()
        };
        let scheduler = Scheduler::start(config.check().expect("valid config"))
            .await
            .expect("start");
        eventually("the scheduler to lead", || async {
            (scheduler.node().current_leader() == Some(scheduler.node().id())).then_some(())
        })
        .await;
        let addr = scheduler.local_addr().to_string();
        let client = ClientClient::connect(format!("http://{addr}"))
            .await
            .expect("connect");
        TestCluster {
            dir,
            scheduler,
            client,
            agents: Vec::new(),
        }
    }

    pub fn addr(&self) -> String {
        self.scheduler.local_addr().to_string()
    }

    /// Starts an agent in this process; returns its index in `agents`.
    pub fn start_agent(&mut self, setup: AgentSetup) -> usize {
        let data = self.dir.path().join(format!("agent-{}", setup.name));
        let bin = data.join("bin");
        std::fs::create_dir_all(&bin).expect("bin dir");
        let _ = std::fs::remove_file(bin.join("srun"));
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_corral-agent"), bin.join("srun"))
            .expect("srun link");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let step_addr = listener.local_addr().expect("addr").to_string();
        let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
        let steps = StepRegistry::default();
        let server = serve(listener, steps.clone(), setup.name.clone());
        let runs = LocalRuns::adopt(
            RunsConfig {
                jobs_root: data.join("jobs"),
                bin_dir: bin.display().to_string(),
                cluster_name: "test".into(),
                kill_grace: setup.kill_grace,
                cgroups: setup.cgroups.clone(),
            },
            Arc::new(ProcessRuntime::new(PathBuf::from(env!(
                "CARGO_BIN_EXE_corral-agent"
            )))),
        )
        .expect("agent data dir");
        let template = NodeTemplate {
            spec: NodeSpec {
                name: setup.name.clone(),
                cpus: 16,
                mem_mib: 64 * 1024,
                gpus: Vec::new(),
                features: Default::default(),
                labels: Default::default(),
                rack: None,
                switch: None,
                addr: Some(step_addr),
            },
        };
        let link = LinkConfig {
            schedulers: vec![self.addr()],
            heartbeat_interval: Duration::from_millis(200),
            tick_interval: Duration::from_millis(20),
            health_interval: Duration::from_millis(50),
        };
        let probe: Box<dyn GpuProbe> = Box::new(setup.gpus);
        let daemon = Daemon::new(link, template, probe, runs, steps);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(daemon.run(async move {
            let _ = stopped.await;
        }));
        self.agents.push(Some(RunningAgent { stop, task, server }));
        self.agents.len() - 1
    }

    /// The run directories agent `name` holds (one per job run it is responsible for).
    pub fn agent_runs(&self, name: &str) -> Vec<String> {
        let jobs = self.dir.path().join(format!("agent-{name}")).join("jobs");
        let Ok(entries) = std::fs::read_dir(jobs) else {
            return Vec::new();
        };
        entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    }

    /// Stops agent `index` (its job runs keep going under their supervisors).
    pub async fn stop_agent(&mut self, index: usize) {
        let agent = self.agents[index].take().expect("agent running");
        let _ = agent.stop.send(());
        agent.task.await.expect("agent task");
        agent.server.abort();
    }

    /// Submits `script` (run in the scratch dir) with `spec`; returns the job id.
    pub async fn submit(&mut self, mut spec: JobSpec, script: &str) -> u64 {
        spec.launch = Some(Box::new(Launch {
            script: script.to_string(),
            args: Vec::new(),
            submit_dir: self.dir.path().display().to_string(),
            env: [(
                "PATH".to_string(),
                std::env::var("PATH").unwrap_or_default(),
            )]
            .into(),
        }));
        let request = submit_request("ada", None, None, &spec);
        self.client
            .submit(request)
            .await
            .expect("submit")
            .into_inner()
            .job_ids[0]
    }

    pub async fn job(&self, id: u64) -> Job {
        let mut client = self.client.clone();
        let info = client
            .get_job(GetJobRequest { job_id: id })
            .await
            .expect("get job")
            .into_inner();
        job_from_info(&info.job.expect("job")).expect("job json")
    }

    /// Waits until job `id` is in state `state` (a name such as `COMPLETED`).
    pub async fn wait_for_state(&self, id: u64, state: &str) -> Job {
        let start = Instant::now();
        loop {
            let job = self.job(id).await;
            if job.state.name() == state {
                return job;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "timed out after {DEADLINE:?} waiting for job {id} to be {state}; it is {}: {job:?}",
                job.state.name()
            );
            tokio::time::sleep(POLL).await;
        }
    }

    pub async fn cancel(&mut self, id: u64) {
        self.client
            .cancel(CancelRequest {
                user: "ada".into(),
                job_id: id,
                signal: 0,
            })
            .await
            .expect("cancel");
    }

    /// `corral cancel --signal SIGNAL ID`.
    pub async fn signal(&mut self, id: u64, signal: i32) {
        self.client
            .cancel(CancelRequest {
                user: "ada".into(),
                job_id: id,
                signal,
            })
            .await
            .expect("signal");
    }

    pub async fn node(&self, name: &str) -> Option<Node> {
        let mut client = self.client.clone();
        let nodes = client
            .list_nodes(ListNodesRequest {})
            .await
            .ok()?
            .into_inner()
            .nodes;
        let info = nodes.into_iter().find(|n| n.name == name)?;
        Some(node_from_info(&info).expect("node json"))
    }

    /// The text of a file in the scratch dir (empty when absent).
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }
}

/// A job on one node with `gpus` GPUs and a time limit.
pub fn gpu_job(name: &str, gpus: u32, limit_secs: u64) -> JobSpec {
    JobSpec {
        name: Some(name.to_string()),
        nodes: Some(NodeRange { min: 1, max: 1 }),
        gpus_per_node: (gpus > 0).then_some(GpuCount {
            model: None,
            count: gpus,
        }),
        time_limit: TimeLimit::Secs(limit_secs),
        ..JobSpec::default()
    }
}
