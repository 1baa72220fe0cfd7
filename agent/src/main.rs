//! `corral-agent`: the node agent daemon (see the library's docs). Also, under other names or
//! subcommands, the helpers it launches: `corral-agent supervise RUN_DIR` watches one job run, and
//! the binary run as `srun` (a link in every job's `PATH`) launches a job step's tasks.

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use corral_agent::cgroup::{self, CgroupRoot};
use corral_agent::daemon::{Daemon, LinkConfig, NodeTemplate};
use corral_agent::gpu::fake::FakeGpus;
use corral_agent::gpu::open_probe;
use corral_agent::host;
use corral_agent::runs::{LocalRuns, RunsConfig};
use corral_agent::runtime::process::ProcessRuntime;
use corral_agent::step::registry::StepRegistry;
use corral_agent::step::service::serve;
use corral_model::NodeSpec;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The Corral node agent: registers this host's GPUs and runs the jobs placed on it
#[derive(Parser)]
#[command(name = "corral-agent", version)]
struct Args {
    #[command(subcommand)]
    command: Option<Internal>,
    /// Scheduler addresses (HOST:PORT), comma-separated or repeated; the agent finds the leader
    #[arg(
        long = "scheduler",
        value_delimiter = ',',
        default_value = "127.0.0.1:7100"
    )]
    schedulers: Vec<String>,
    /// The node's name in the cluster [default: the host name]
    #[arg(long)]
    name: Option<String>,
    /// Where the agent keeps its runs (survives restarts)
    #[arg(long, default_value = "corral-agent-data")]
    data_dir: PathBuf,
    /// Pretend to have these GPUs: COUNTxMODEL[-MEMGB][,...] (e.g. 8xH100-80GB), or a TOML file
    /// with groups and scripted faults. Without it the agent asks NVML.
    #[arg(long)]
    fake_gpus: Option<String>,
    /// CPUs offered to jobs [default: the host's]
    #[arg(long)]
    cpus: Option<u32>,
    /// Memory offered to jobs, MiB [default: the host's]
    #[arg(long)]
    mem_mib: Option<u64>,
    #[arg(long)]
    rack: Option<String>,
    /// Node features matched by --constraint (repeatable)
    #[arg(long = "feature")]
    features: Vec<String>,
    /// Labels matched by partitions, KEY=VALUE (repeatable)
    #[arg(long = "label")]
    labels: Vec<String>,
    /// Heartbeat period, milliseconds
    #[arg(long, default_value_t = 1000)]
    heartbeat_ms: u64,
    /// Seconds between the ending signal (cancel, time limit) and SIGKILL (Slurm's KillWait)
    #[arg(long, default_value_t = 30)]
    kill_grace_secs: u64,
    /// Where to take task launches from `srun` in jobs (HOST:PORT; port 0 = any free port)
    #[arg(long, default_value = "0.0.0.0:0")]
    listen: String,
    /// The host other nodes reach this one at [default: the node name]
    #[arg(long)]
    advertise: Option<String>,
    /// The cluster's name (SLURM_CLUSTER_NAME)
    #[arg(long, default_value = "corral")]
    cluster_name: String,
    /// The cgroup v2 directory under which each job run gets its memory and CPU limits, `auto`
    /// (/sys/fs/cgroup/corral, made if the unified hierarchy is mounted there) or `none` (poll
    /// resident memory instead, no CPU limit)
    #[arg(long, default_value = "auto")]
    cgroup_root: String,
}

#[derive(Subcommand)]
enum Internal {
    /// (internal) Watch one job run: started by the agent, not by people
    #[command(hide = true)]
    Supervise { run_dir: PathBuf },
}

fn main() -> anyhow::Result<()> {
    let argv: Vec<String> = std::env::args().collect();
    if argv
        .first()
        .is_some_and(|a| Path::new(a).file_name().is_some_and(|n| n == "srun"))
    {
        std::process::exit(corral_agent::srun::main(argv));
    }
    let args = Args::parse();
    if let Some(Internal::Supervise { run_dir }) = &args.command {
        std::process::exit(corral_agent::supervisor::supervise(run_dir));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run_agent(args))
}

/// The cgroup v2 root for job runs, or `None` with one log line saying why and what instead.
fn job_cgroups(choice: &str) -> Option<CgroupRoot> {
    let fallback = "memory limits are enforced by polling resident memory, CPUs are not limited";
    let path = match choice {
        "none" => {
            eprintln!("corral-agent: cgroups: off (--cgroup-root none): {fallback}");
            return None;
        }
        "auto" => {
            let mount = Path::new(cgroup::DEFAULT_MOUNT);
            if !mount.join("cgroup.controllers").is_file() {
                eprintln!(
                    "corral-agent: cgroups: {} is not a cgroup v2 (unified) hierarchy: {fallback}",
                    mount.display()
                );
                return None;
            }
            let path = mount.join("corral");
            if let Err(e) = std::fs::create_dir_all(&path) {
                eprintln!("corral-agent: cgroups: {}: {e}: {fallback}", path.display());
                return None;
            }
            path
        }
        dir => PathBuf::from(dir),
    };
    match CgroupRoot::probe(&path) {
        Ok(root) => {
            eprintln!(
                "corral-agent: cgroups: job runs get memory and CPU limits under {}",
                path.display()
            );
            Some(root)
        }
        Err(why) => {
            eprintln!("corral-agent: cgroups: {why}: {fallback}");
            None
        }
    }
}

async fn run_agent(args: Args) -> anyhow::Result<()> {
    let name = args.name.clone().unwrap_or_else(host::hostname);
    let fake = match &args.fake_gpus {
        None => None,
        Some(spec) if Path::new(spec).is_file() => {
            Some(FakeGpus::from_file(Path::new(spec), &name)?)
        }
        Some(spec) => Some(FakeGpus::from_spec(spec, &name)?),
    };
    let probe = open_probe(fake);
    eprintln!("corral-agent: GPUs: {}", probe.describe());
    let data_dir = absolute(&args.data_dir)?;
    let bin_dir = prepare_bin_dir(&data_dir)?;
    let exe = std::env::current_exe().context("cannot find the corral-agent binary")?;
    let runs = LocalRuns::adopt(
        RunsConfig {
            jobs_root: data_dir.join("jobs"),
            bin_dir: bin_dir.display().to_string(),
            cluster_name: args.cluster_name.clone(),
            kill_grace: Duration::from_secs(args.kill_grace_secs),
            cgroups: job_cgroups(&args.cgroup_root),
        },
        Arc::new(ProcessRuntime::new(exe)),
    )
    .with_context(|| format!("data directory {}", data_dir.display()))?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("--listen {}: cannot listen", args.listen))?;
    let port = listener.local_addr()?.port();
    let advertised = format!(
        "{}:{port}",
        args.advertise.clone().unwrap_or_else(|| name.clone())
    );
    let steps = StepRegistry::default();
    serve(listener, steps.clone(), name.clone());
    eprintln!("corral-agent: taking task launches at {advertised}");
    let template = NodeTemplate {
        spec: NodeSpec {
            name,
            cpus: args.cpus.unwrap_or_else(host::cpu_count),
            mem_mib: args.mem_mib.unwrap_or_else(host::mem_total_mib),
            gpus: Vec::new(),
            features: args.features.iter().cloned().collect::<BTreeSet<_>>(),
            labels: parse_labels(&args.labels)?,
            rack: args.rack.clone(),
            switch: None,
            addr: Some(advertised),
        },
    };
    let link = LinkConfig {
        schedulers: args.schedulers.clone(),
        heartbeat_interval: Duration::from_millis(args.heartbeat_ms.max(10)),
        tick_interval: Duration::from_millis(20),
        health_interval: Duration::from_secs(1),
    };
    let daemon = Daemon::new(link, template, probe, runs, steps);
    daemon.run(shutdown_signal()).await;
    eprintln!("corral-agent: stopping; job runs keep going and are re-adopted at the next start");
    Ok(())
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(std::fs::canonicalize(path)?)
}

/// `DATA/bin/srun`, a link to this binary, put first on every job's `PATH`.
fn prepare_bin_dir(data_dir: &Path) -> anyhow::Result<PathBuf> {
    let bin = data_dir.join("bin");
    std::fs::create_dir_all(&bin)?;
    let exe = std::env::current_exe()?;
    let link = bin.join("srun");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&exe, &link)
        .with_context(|| format!("cannot link {}", link.display()))?;
    Ok(bin)
}

fn parse_labels(labels: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    for label in labels {
        let Some((key, value)) = label.split_once('=') else {
            bail!("--label {label:?}: not KEY=VALUE (e.g. --label pool=train)");
        };
        map.insert(key.to_string(), value.to_string());
    }
    Ok(map)
}
