//! The supervisor's container mode (the `docker` runtime, see `runtime::docker`): check that the
//! image is on the node, create the run's container, attach to its output and start it, copy
//! what it writes into the job's files until it ends, read its exit code and whether it was
//! killed for its memory, and remove it. The container itself is signalled by the agent.

use crate::run_dir::{ContainerLaunch, ExitRecord, LaunchFile};
use crate::runtime::docker::DockerError;
use crate::runtime::docker::{connect, container_config, is_not_found, remove_container};
use crate::supervisor::{append_to, open_output};
use bollard::container::LogOutput;
use bollard::errors::Error as EngineError;
use bollard::models::ContainerState;
use bollard::query_parameters::{AttachContainerOptionsBuilder, CreateContainerOptionsBuilder};
use bollard::Docker;
use std::fs::File;
use std::io::Write;
use std::pin::Pin;
use tokio_stream::{Stream, StreamExt};

type Output = Pin<Box<dyn Stream<Item = Result<LogOutput, EngineError>> + Send>>;

/// Runs `launch` in its container to the end and says how it ended.
pub fn run_container(launch: &LaunchFile, container: &ContainerLaunch) -> ExitRecord {
    if !launch.cwd.is_dir() {
        return launch_failed(
            launch,
            format!(
                "working directory {} does not exist on this node",
                launch.cwd.display()
            ),
        );
    }
    let files = match JobFiles::open(launch) {
        Ok(files) => files,
        Err(reason) => return launch_failed(launch, reason),
    };
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(run(launch, container, files)),
        Err(e) => launch_failed(launch, format!("cannot start an async runtime: {e}")),
    }
}

async fn run(launch: &LaunchFile, container: &ContainerLaunch, files: JobFiles) -> ExitRecord {
    let docker = match connect().await {
        Ok(docker) => docker,
        Err(e) => return launch_failed(launch, e.to_string()),
    };
    let output = match create_and_start(&docker, launch, container).await {
        Ok(output) => output,
        Err(e) => {
            let _ = remove_container(&docker, &container.name).await;
            return launch_failed(launch, e.to_string());
        }
    };
    let ended = follow(&docker, &container.name, output, files).await;
    let _ = remove_container(&docker, &container.name).await;
    match ended {
        Ok(state) => exit_record(launch, &state),
        Err(e) => {
            append_to(
                &launch.stderr,
                &format!("corral: lost track of the job's container: {e}\n"),
            );
            ExitRecord::default()
        }
    }
}

/// Creates the container, attaches to its output (before it can write any) and starts it.
async fn create_and_start(
    docker: &Docker,
    launch: &LaunchFile,
    container: &ContainerLaunch,
) -> Result<Output, DockerError> {
    match docker.inspect_image(&container.image).await {
        Err(e) if is_not_found(&e) => return Err(DockerError::NoImage(container.image.clone())),
        other => other?,
    };
    // A container of this name is a leftover of an earlier try of this run.
    remove_container(docker, &container.name).await?;
    let options = CreateContainerOptionsBuilder::new()
        .name(&container.name)
        .build();
    let config = container_config(launch, container, &agent_user());
    docker.create_container(Some(options), config).await?;
    let attach = AttachContainerOptionsBuilder::new()
        .stream(true)
        .stdout(true)
        .stderr(true)
        .build();
    let attached = docker
        .attach_container(&container.name, Some(attach))
        .await?;
    docker.start_container(&container.name, None).await?;
    Ok(attached.output)
}

/// Copies the container's output into the job's files until it ends, then reads its state.
async fn follow(
    docker: &Docker,
    name: &str,
    output: Output,
    files: JobFiles,
) -> Result<ContainerState, DockerError> {
    let (_, waited) = tokio::join!(files.copy(output), wait(docker, name));
    waited?;
    let inspected = docker.inspect_container(name, None).await?;
    Ok(inspected.state.unwrap_or_default())
}

async fn wait(docker: &Docker, name: &str) -> Result<(), DockerError> {
    let mut answers = docker.wait_container(name, None);
    while let Some(answer) = answers.next().await {
        match answer {
            // A non-zero exit code comes as this error; inspect reads it.
            Ok(_) | Err(EngineError::DockerContainerWaitError { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// The container's end as the supervisor records it: exit codes past 128 are the signal that
/// killed the command (Docker's init reports a signalled child so).
fn exit_record(launch: &LaunchFile, state: &ContainerState) -> ExitRecord {
    let oom = state.oom_killed.unwrap_or(false);
    if oom {
        let limit = launch
            .mem_limit_mib
            .map(|mib| format!("its {mib} MiB of"))
            .unwrap_or_else(|| "the node's".into());
        append_to(
            &launch.stderr,
            &format!("corral: job killed: its processes used more than {limit} memory\n"),
        );
    }
    let code = state.exit_code.and_then(|c| i32::try_from(c).ok());
    let (exit_code, signal) = match code {
        Some(c) if (129..=128 + 64).contains(&c) => (None, Some(c - 128)),
        c => (c, None),
    };
    ExitRecord {
        exit_code,
        signal,
        oom,
        launch_error: None,
    }
}

fn launch_failed(launch: &LaunchFile, reason: String) -> ExitRecord {
    append_to(
        &launch.stderr,
        &format!("corral: cannot start the job: {reason}\n"),
    );
    ExitRecord {
        launch_error: Some(reason),
        ..ExitRecord::default()
    }
}

/// `uid:gid` of this process: the container writes files as the agent does.
fn agent_user() -> String {
    // SAFETY: getuid(2) and getgid(2) cannot fail and touch no memory.
    let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
    format!("{uid}:{gid}")
}

/// The job's output files, opened as for a process (truncated unless appending).
struct JobFiles {
    stdout: File,
    stderr: File,
}

impl JobFiles {
    fn open(launch: &LaunchFile) -> Result<JobFiles, String> {
        let stdout = open_output(&launch.stdout, launch.append)?;
        let stderr = if launch.stderr == launch.stdout {
            stdout.try_clone().map_err(|e| e.to_string())?
        } else {
            open_output(&launch.stderr, launch.append)?
        };
        Ok(JobFiles { stdout, stderr })
    }

    async fn copy(mut self, mut output: Output) {
        while let Some(Ok(frame)) = output.next().await {
            let file = match frame {
                LogOutput::StdErr { .. } => &mut self.stderr,
                _ => &mut self.stdout,
            };
            // A full disk loses output, as it would for a process.
            let _ = file.write_all(frame.as_ref());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(code: i64, oom: bool) -> ContainerState {
        ContainerState {
            exit_code: Some(code),
            oom_killed: Some(oom),
            ..ContainerState::default()
        }
    }

    fn launch(dir: &std::path::Path) -> LaunchFile {
        LaunchFile {
            argv: vec!["x".into()],
            cwd: dir.to_path_buf(),
            env: Default::default(),
            stdout: dir.join("out"),
            stderr: dir.join("out"),
            mem_limit_mib: Some(64),
            cgroup: None,
            append: false,
            container: None,
        }
    }

    #[test]
    fn exit_codes_signals_and_oom_are_read_from_the_container_state() {
        let dir = std::env::temp_dir().join(format!("corral-container-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let launch = launch(&dir);
        assert_eq!(exit_record(&launch, &state(4, false)).exit_code, Some(4));
        let killed = exit_record(&launch, &state(137, false));
        assert_eq!((killed.exit_code, killed.signal), (None, Some(9)));
        let oom = exit_record(&launch, &state(137, true));
        assert!(oom.oom);
        let text = std::fs::read_to_string(dir.join("out")).expect("out");
        assert!(text.contains("more than its 64 MiB of memory"), "{text}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
