//! The `docker` runtime: a job submitted with `--container-image` runs its batch script in a
//! container of that image on the node's Docker engine (its unix socket: `DOCKER_HOST` when that
//! is a `unix://` address, else `/var/run/docker.sock`), through the `bollard` client.
//!
//! How it fits the runs layer: `LocalRuns` puts a `ContainerLaunch` in the run's `launch.json`
//! and the process runtime starts the usual supervisor, which sees it and runs the container
//! (`crate::container`) instead of a host process: it creates it with the job's command,
//! working directory, environment, memory limit, GPUs and bind mounts, copies its output into
//! the job's files, waits for it, records its end in `exit.json` and removes it. The agent signals
//! a container run with Docker's kill on the container's name (never the process group), so the
//! SIGKILL of an escalation kills the container too.
//!
//! - Images are never pulled: an image that is not on the node is a launch failure that says so
//!   in the job's error file. An unreachable engine is a launch failure too.
//! - The image's entrypoint is replaced by the job's command, and the script runs by its
//!   shebang: the image must contain the interpreter the script names (`/bin/sh` without one).
//! - GPUs are a device request to the `nvidia` driver for exactly the allocated indices; the
//!   container sees them as 0..n (`CUDA_VISIBLE_DEVICES`). On a host without the NVIDIA
//!   container toolkit, a GPU job fails to start with Docker's own message.
//! - The container runs as the agent's uid:gid (output files keep the right owner), on the host
//!   network (multi-node rendezvous works as for processes), under Docker's init (signals reach
//!   the script; a script killed by signal N reads as signal N, as does `exit 128+N`).
//! - Only the job's directories are bound inside (working dir, submit dir, run dir): `srun` (the
//!   agent's binary, on the job's `PATH` on the host) is not available in a container.
//! - Agent restarts: the supervisor outlives the agent as for processes. A container run whose
//!   supervisor is gone is lost (nobody would record its end): the agent removes its container.

use crate::run_dir::{ContainerLaunch, LaunchFile};
use bollard::errors::Error as EngineError;
use bollard::models::{ContainerCreateBody, DeviceRequest, HostConfig, HostConfigLogConfig};
use bollard::models::{Mount, MountType};
use bollard::query_parameters::{KillContainerOptionsBuilder, RemoveContainerOptionsBuilder};
use bollard::{Docker, API_DEFAULT_VERSION};
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;
use thiserror::Error;

/// How long the engine may take to answer a request (a `wait` answers at once and then streams).
const ENGINE_TIMEOUT_SECS: u64 = 60;
/// How long the agent waits for a kill or a removal.
const AGENT_CALL_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, Error)]
pub enum DockerError {
    #[error("Docker engine not reachable at {socket}: {reason}")]
    Unreachable { socket: String, reason: String },
    #[error("image {0} is not on this node (images are never pulled: build or load it here)")]
    NoImage(String),
    #[error("Docker engine: {0}")]
    Engine(#[from] EngineError),
    #[error("the Docker engine did not answer within {0:?}")]
    Timeout(Duration),
    #[error("cannot call the Docker engine: {0}")]
    Local(String),
}

/// The engine's unix socket.
pub fn socket_path() -> String {
    std::env::var("DOCKER_HOST")
        .ok()
        .and_then(|host| host.strip_prefix("unix://").map(str::to_string))
        .unwrap_or_else(|| "/var/run/docker.sock".to_string())
}

/// A client of the local engine, speaking the engine's API version when it is older than ours.
pub async fn connect() -> Result<Docker, DockerError> {
    let socket = socket_path();
    let unreachable = |e: EngineError| DockerError::Unreachable {
        socket: socket.clone(),
        reason: e.to_string(),
    };
    let docker = Docker::connect_with_unix(&socket, ENGINE_TIMEOUT_SECS, API_DEFAULT_VERSION)
        .map_err(unreachable)?;
    docker.negotiate_version().await.map_err(unreachable)
}

/// Whether `error` is the engine's "no such object".
pub fn is_not_found(error: &EngineError) -> bool {
    matches!(
        error,
        EngineError::DockerResponseServerError {
            status_code: 404,
            ..
        }
    )
}

/// What became of a kill.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kill {
    Delivered,
    /// There is no running container of that name (not yet created or started, or ended).
    NotRunning,
}

/// Sends `signal` to the container `name` (from the agent: blocks until the engine answers).
pub fn kill(name: &str, signal: i32) -> Result<Kill, DockerError> {
    let name = name.to_string();
    blocking(move || async move {
        let docker = connect().await?;
        let options = KillContainerOptionsBuilder::new()
            .signal(&signal.to_string())
            .build();
        match docker.kill_container(&name, Some(options)).await {
            Ok(()) => Ok(Kill::Delivered),
            Err(EngineError::DockerResponseServerError {
                status_code: 404 | 409,
                ..
            }) => Ok(Kill::NotRunning),
            Err(e) => Err(e.into()),
        }
    })
}

/// Kills and removes the container `name` if there is one (from the agent: blocks).
pub fn remove(name: &str) -> Result<(), DockerError> {
    let name = name.to_string();
    blocking(move || async move { remove_container(&connect().await?, &name).await })
}

/// Kills and removes the container `name`; one that does not exist is not an error.
pub async fn remove_container(docker: &Docker, name: &str) -> Result<(), DockerError> {
    let options = RemoveContainerOptionsBuilder::new().force(true).build();
    match docker.remove_container(name, Some(options)).await {
        Err(e) if !is_not_found(&e) => Err(e.into()),
        _ => Ok(()),
    }
}

/// Runs an engine call to its end on a thread of its own (the `Runtime` trait is synchronous
/// and may be called on an async worker), waiting at most `AGENT_CALL_TIMEOUT`.
fn blocking<T, F, Fut>(call: F) -> Result<T, DockerError>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, DockerError>>,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("corral-docker".into())
        .spawn(move || {
            let result = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime.block_on(call()),
                Err(e) => Err(DockerError::Local(e.to_string())),
            };
            let _ = tx.send(result);
        })
        .map_err(|e| DockerError::Local(e.to_string()))?;
    rx.recv_timeout(AGENT_CALL_TIMEOUT)
        .unwrap_or(Err(DockerError::Timeout(AGENT_CALL_TIMEOUT)))
}

/// The container for `launch`: its command in place of the image's entrypoint, the job's
/// environment, working directory and memory limit, the GPUs, the mounts; run as `user`.
pub fn container_config(
    launch: &LaunchFile,
    container: &ContainerLaunch,
    user: &str,
) -> ContainerCreateBody {
    let (entrypoint, cmd) = match launch.argv.split_first() {
        Some((program, args)) => (vec![program.clone()], args.to_vec()),
        None => (Vec::new(), Vec::new()),
    };
    ContainerCreateBody {
        image: Some(container.image.clone()),
        entrypoint: Some(entrypoint),
        cmd: Some(cmd),
        env: Some(container_env(&launch.env, &container.gpus)),
        working_dir: Some(launch.cwd.display().to_string()),
        user: Some(user.to_string()),
        labels: Some(
            container
                .labels
                .clone()
                .into_iter()
                .collect::<HashMap<_, _>>(),
        ),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        tty: Some(false),
        open_stdin: Some(false),
        host_config: Some(host_config(launch, container)),
        ..Default::default()
    }
}

fn host_config(launch: &LaunchFile, container: &ContainerLaunch) -> HostConfig {
    let memory = launch
        .mem_limit_mib
        .map(|mib| i64::try_from(mib.saturating_mul(1024 * 1024)).unwrap_or(i64::MAX));
    HostConfig {
        mounts: Some(bind_mounts(&container.mounts)),
        memory,
        // No swap beyond the limit: past it, the job is killed as out of memory.
        memory_swap: memory,
        device_requests: (!container.gpus.is_empty()).then(|| vec![gpu_request(&container.gpus)]),
        network_mode: Some("host".into()),
        init: Some(true),
        auto_remove: Some(false),
        // The output is read from the attached streams; the engine keeps no copy.
        log_config: Some(HostConfigLogConfig {
            typ: Some("none".into()),
            config: None,
        }),
        ..Default::default()
    }
}

/// Each directory bound read-write at the same path inside, once.
fn bind_mounts(paths: &[PathBuf]) -> Vec<Mount> {
    let mut seen = Vec::new();
    for path in paths {
        if !seen.contains(path) {
            seen.push(path.clone());
        }
    }
    seen.iter()
        .map(|path| Mount {
            target: Some(path.display().to_string()),
            source: Some(path.display().to_string()),
            typ: Some(MountType::BIND),
            read_only: Some(false),
            ..Default::default()
        })
        .collect()
}

fn gpu_request(gpus: &[u32]) -> DeviceRequest {
    DeviceRequest {
        driver: Some("nvidia".into()),
        device_ids: Some(gpus.iter().map(u32::to_string).collect()),
        capabilities: Some(vec![vec!["gpu".into()]]),
        ..Default::default()
    }
}

/// The job's environment as `KEY=VALUE`, with the GPU variables as the container sees them:
/// only its GPUs, numbered from 0.
pub fn container_env(env: &BTreeMap<String, String>, gpus: &[u32]) -> Vec<String> {
    let mut env = env.clone();
    if !gpus.is_empty() {
        let join = |items: Vec<String>| items.join(",");
        env.insert(
            "NVIDIA_VISIBLE_DEVICES".into(),
            join(gpus.iter().map(u32::to_string).collect()),
        );
        env.insert(
            "CUDA_VISIBLE_DEVICES".into(),
            join((0..gpus.len()).map(|i| i.to_string()).collect()),
        );
    }
    env.into_iter().map(|(k, v)| format!("{k}={v}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn launch(gpus: Vec<u32>) -> (LaunchFile, ContainerLaunch) {
        let container = ContainerLaunch {
            image: "img:1".into(),
            name: "corral-7-0-abc".into(),
            gpus,
            mounts: vec!["/work".into(), "/data/jobs/7.0".into(), "/work".into()],
            labels: [("corral.job".to_string(), "7".to_string())].into(),
        };
        let launch = LaunchFile {
            argv: vec!["/data/jobs/7.0/script".into(), "a".into()],
            cwd: "/work".into(),
            env: [
                ("CUDA_VISIBLE_DEVICES".to_string(), "2,5".to_string()),
                ("X".to_string(), "1".to_string()),
            ]
            .into(),
            stdout: "/work/out".into(),
            stderr: "/work/out".into(),
            mem_limit_mib: Some(2),
            cgroup: None,
            append: false,
            container: Some(container.clone()),
        };
        (launch, container)
    }

    #[test]
    fn the_container_runs_the_command_with_the_jobs_gpus_mounts_and_memory() {
        let (launch, container) = launch(vec![2, 5]);
        let body = container_config(&launch, &container, "1000:1000");
        assert_eq!(body.entrypoint, Some(vec!["/data/jobs/7.0/script".into()]));
        assert_eq!(body.cmd, Some(vec!["a".into()]));
        assert_eq!(body.working_dir.as_deref(), Some("/work"));
        assert_eq!(body.user.as_deref(), Some("1000:1000"));
        let env = body.env.expect("env");
        assert!(env.contains(&"CUDA_VISIBLE_DEVICES=0,1".to_string()));
        assert!(env.contains(&"NVIDIA_VISIBLE_DEVICES=2,5".to_string()));
        assert!(env.contains(&"X=1".to_string()));
        let host = body.host_config.expect("host config");
        assert_eq!(host.memory, Some(2 * 1024 * 1024));
        assert_eq!(host.network_mode.as_deref(), Some("host"));
        let mounts: Vec<_> = host
            .mounts
            .expect("mounts")
            .into_iter()
            .map(|m| (m.source, m.target))
            .collect();
        assert_eq!(mounts.len(), 2, "{mounts:?}");
        assert!(mounts
            .iter()
            .all(|(source, target)| source == target && source.is_some()));
        let request = &host.device_requests.expect("a GPU request")[0];
        assert_eq!(request.driver.as_deref(), Some("nvidia"));
        assert_eq!(request.device_ids, Some(vec!["2".into(), "5".into()]));
    }

    #[test]
    fn a_job_without_gpus_asks_for_no_device() {
        let (launch, container) = launch(Vec::new());
        let body = container_config(&launch, &container, "0:0");
        let host = body.host_config.expect("host config");
        assert_eq!(host.device_requests, None);
    }
}
