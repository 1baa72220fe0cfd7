//! The `process` runtime: each run gets a supervisor (`corral-agent supervise RUN_DIR`) in a
//! session of its own, which starts the command in a new process group. The agent signals that
//! group; the supervisor survives an agent restart and records the end in `exit.json`.
//! A launch with a container runs the same way, except that the supervisor runs a container
//! and the agent signals it through Docker (`docker`).

use super::docker::{self, Kill};
use super::{Runtime, RuntimeError};
use crate::process_group::{process_alive, signal_group};
use crate::run_dir::{LaunchFile, RunDir};
use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

pub struct ProcessRuntime {
    /// The `corral-agent` binary (run as `corral-agent supervise DIR`).
    supervisor_exe: PathBuf,
}

impl ProcessRuntime {
    pub fn new(supervisor_exe: PathBuf) -> ProcessRuntime {
        ProcessRuntime { supervisor_exe }
    }
}

impl Runtime for ProcessRuntime {
    fn name(&self) -> &'static str {
        "process"
    }

    fn start(&self, run: &RunDir, launch: &LaunchFile) -> Result<(), RuntimeError> {
        let dir_error = |e: std::io::Error| RuntimeError::RunDir {
            dir: run.path().display().to_string(),
            reason: e.to_string(),
        };
        run.write_launch(launch).map_err(dir_error)?;
        if let Some(container) = &launch.container {
            run.write_container_name(&container.name)
                .map_err(dir_error)?;
        }
        let log = File::create(run.path().join("supervisor.log")).map_err(dir_error)?;
        let log_err = log.try_clone().map_err(dir_error)?;
        let mut child = Command::new(&self.supervisor_exe)
            .arg("supervise")
            .arg(run.path())
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .process_group(0)
            .spawn()
            .map_err(|e| RuntimeError::Supervisor {
                exe: self.supervisor_exe.display().to_string(),
                reason: e.to_string(),
            })?;
        run.write_supervisor_pid(child.id()).map_err(dir_error)?;
        // Reap it when it ends; after an agent restart, init does.
        std::thread::spawn(move || child.wait());
        Ok(())
    }

    fn signal(&self, run: &RunDir, signal: i32) -> bool {
        if let Some(name) = run.read_container_name() {
            return signal_container(run, &name, signal);
        }
        match run.read_pgid() {
            Some(pgid) => {
                signal_group(pgid, signal);
                true
            }
            None => run.read_exit().is_some(),
        }
    }

    fn is_alive(&self, run: &RunDir) -> bool {
        let alive = run.read_supervisor_pid().is_some_and(process_alive);
        if !alive && run.read_exit().is_none() {
            if let Some(name) = run.read_container_name() {
                // Lost with its supervisor: nobody would record its end.
                if let Err(e) = docker::remove(&name) {
                    eprintln!("corral-agent: cannot remove the lost container {name}: {e}");
                }
            }
        }
        alive
    }
}

/// Signals a container run through Docker; false while its container is not running yet.
fn signal_container(run: &RunDir, name: &str, signal: i32) -> bool {
    match docker::kill(name, signal) {
        Ok(Kill::Delivered) => true,
        Ok(Kill::NotRunning) => run.read_exit().is_some(),
        Err(e) => {
            eprintln!("corral-agent: cannot signal container {name}: {e}");
            false
        }
    }
}
