//! The supervisor: `corral-agent supervise RUN_DIR`, one per job run (or task), started by the
//! process runtime in its own session so that it outlives an agent restart. It starts the job's
//! command in a new process group with the job's files and environment, in the run's cgroup v2
//! where the agent has one (`cgroup`: the kernel enforces memory and CPUs, and reports OOM
//! kills) or else enforcing the memory limit by watching the group's resident memory (the way
//! Slurm's `OverMemoryKill` does where no cgroup v2 is delegated), kills whatever is left of the
//! group (and cgroup) when the main process ends, and
//! writes how it ended to `exit.json` — which is how the agent learns it, now or after a restart.
//! A launch with a container runs in Docker instead (`container`).

use crate::cgroup::RunCgroup;
use crate::process_group::{group_rss_mib, signal_group};
use crate::run_dir::{ExitRecord, LaunchFile, RunDir};
use std::fs::{File, OpenOptions};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const POLL: Duration = Duration::from_millis(10);
/// Memory is checked every this many polls (100 ms).
const MEMORY_EVERY_POLLS: u32 = 10;

/// Runs the launch in `dir` to its end and records it; the process exit code is 0 once
/// `exit.json` is written.
pub fn supervise(dir: &Path) -> i32 {
    // The runtime that started this process recorded its pid before returning.
    let run = RunDir::at(dir.to_path_buf());
    let record = match run.read_launch() {
        Ok(launch) => run_to_end(&run, &launch),
        Err(e) => ExitRecord {
            launch_error: Some(format!("{}: {e}", dir.join("launch.json").display())),
            ..ExitRecord::default()
        },
    };
    match run.write_exit(&record) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!(
                "corral-agent supervise: cannot write {}/exit.json: {e}",
                dir.display()
            );
            1
        }
    }
}

fn run_to_end(run: &RunDir, launch: &LaunchFile) -> ExitRecord {
    if let Some(container) = &launch.container {
        let mut record = crate::container::run_container(launch, container);
        record.oom |= run.step_ran_out_of_memory();
        return record;
    }
    let cgroup =
        launch
            .cgroup
            .as_ref()
            .filter(|cgroup| match cgroup.create(launch.mem_limit_mib) {
                Ok(()) => true,
                Err(e) => {
                    eprintln!(
                        "corral-agent supervise: cgroup {}: {e}; polling resident memory instead",
                        cgroup.dir.display()
                    );
                    false
                }
            });
    let mut child = match spawn(launch, cgroup) {
        Ok(child) => child,
        Err(reason) => {
            append_to(
                &launch.stderr,
                &format!("corral: cannot start the job: {reason}\n"),
            );
            if let Some(cgroup) = cgroup {
                cgroup.kill_and_remove();
            }
            return ExitRecord {
                launch_error: Some(reason),
                ..ExitRecord::default()
            };
        }
    };
    let pgid = child.id() as i32;
    let _ = run.write_pgid(pgid);
    // The kernel enforces the limit in a cgroup; otherwise it is polled.
    let polled_limit = launch.mem_limit_mib.filter(|_| cgroup.is_none());
    let mut oom = false;
    let mut polls = 0u32;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(_) => break None,
        }
        polls += 1;
        if let Some(limit) = polled_limit {
            if !oom && polls.is_multiple_of(MEMORY_EVERY_POLLS) && group_rss_mib(pgid) > limit {
                oom = true;
                append_to(
                    &launch.stderr,
                    &format!("corral: job killed: its processes used more than its {limit} MiB of memory\n"),
                );
                signal_group(pgid, libc::SIGKILL);
            }
        }
        std::thread::sleep(POLL);
    };
    // Nothing of the job outlives its main process.
    signal_group(pgid, libc::SIGKILL);
    // A step's tasks killed for memory on some node make the whole run an OOM.
    oom |= run.step_ran_out_of_memory();
    if let Some(cgroup) = cgroup {
        if cgroup.oom_killed() {
            oom = true;
            let limit = launch.mem_limit_mib.unwrap_or(0);
            append_to(
                &launch.stderr,
                &format!("corral: job killed: its processes used more than its {limit} MiB of memory (cgroup OOM kill)\n"),
            );
        }
        cgroup.kill_and_remove();
    }
    ExitRecord {
        exit_code: status.and_then(|s| s.code()),
        signal: status.and_then(|s| s.signal()),
        oom,
        launch_error: None,
    }
}

fn spawn(launch: &LaunchFile, cgroup: Option<&RunCgroup>) -> Result<Child, String> {
    let (program, args) = launch
        .argv
        .split_first()
        .ok_or_else(|| "empty command".to_string())?;
    if !launch.cwd.is_dir() {
        return Err(format!(
            "working directory {} does not exist on this node",
            launch.cwd.display()
        ));
    }
    let stdout = open_output(&launch.stdout, launch.append)?;
    let stderr = if launch.stderr == launch.stdout {
        stdout.try_clone().map_err(|e| e.to_string())?
    } else {
        open_output(&launch.stderr, launch.append)?
    };
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(&launch.cwd)
        .env_clear()
        .envs(&launch.env)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .process_group(0);
    if let Some(cgroup) = cgroup {
        join_cgroup_before_exec(&mut command, &cgroup.procs_file())?;
    }
    command.spawn().map_err(|e| format!("{program}: {e}"))
}

/// Makes the child write `0` to the cgroup's `cgroup.procs` (moving itself in) between fork and
/// exec, so that everything the job runs is limited from its first instruction.
fn join_cgroup_before_exec(command: &mut Command, procs_file: &Path) -> Result<(), String> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(procs_file.as_os_str().as_bytes())
        .map_err(|_| format!("{}: a path with a NUL byte", procs_file.display()))?;
    // SAFETY: the closure runs in the forked child before exec and only calls open(2), write(2)
    // and close(2), which are async-signal-safe; it allocates nothing.
    unsafe {
        command.pre_exec(move || {
            // O_CREAT changes nothing on cgroupfs, where the file always exists.
            let fd = libc::open(
                path.as_ptr(),
                libc::O_WRONLY | libc::O_CREAT | libc::O_CLOEXEC,
                0o644,
            );
            if fd < 0 {
                return Err(std::io::Error::last_os_error());
            }
            let written = libc::write(fd, b"0".as_ptr().cast(), 1);
            let error = std::io::Error::last_os_error();
            libc::close(fd);
            if written == 1 {
                Ok(())
            } else {
                Err(error)
            }
        });
    }
    Ok(())
}

/// Opens an output file for appending (truncated first unless `append`): the batch script and
/// the step tasks `srun` starts write to the same file, each at its end.
pub(crate) fn open_output(path: &Path, append: bool) -> Result<File, String> {
    let error = |e: std::io::Error| format!("output file {}: {e}", path.display());
    if !append {
        File::create(path).map_err(error)?;
    }
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(error)
}

pub(crate) fn append_to(path: &Path, text: &str) {
    use std::io::Write;
    if let Ok(mut file) = OpenOptions::new().create(true).append(true).open(path) {
        let _ = file.write_all(text.as_bytes());
    }
}
