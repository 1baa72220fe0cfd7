//! `RunDir`: one run of a job on this node, on disk under the agent's data directory
//! (`jobs/<job>.<run>/`). It is the agent's memory across restarts: what was launched
//! (`launch.json`), the supervisor's pid and the job's process group (or its container's name),
//! how it ended (`exit.json`, written by the supervisor), the last signal request delivered
//! (`signals_delivered`) and whether the scheduler has acknowledged that end (`reported`).

use crate::cgroup::RunCgroup;
use crate::placement::RunKey;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// What the supervisor runs: argv, working directory, environment, output files, memory limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchFile {
    pub argv: Vec<String>,
    pub cwd: PathBuf,
    pub env: BTreeMap<String, String>,
    pub stdout: PathBuf,
    pub stderr: PathBuf,
    /// Kill the job (and report OUT_OF_MEMORY) when its processes' resident memory passes this.
    pub mem_limit_mib: Option<u64>,
    /// Append to the output files instead of truncating them (task launches of a step).
    #[serde(default)]
    pub append: bool,
    /// Run it in a container of this image instead of as a host process.
    #[serde(default)]
    pub container: Option<ContainerLaunch>,
    /// The cgroup v2 that limits its memory and CPUs, where the host delegates one; without it
    /// the supervisor polls the run's resident memory against `mem_limit_mib`.
    #[serde(default)]
    pub cgroup: Option<RunCgroup>,
}

/// A launch that runs in a container (`--container-image`): the supervisor has the local Docker
/// engine run `argv` in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerLaunch {
    /// A local image (images are never pulled).
    pub image: String,
    /// The container's name, the same for the run's whole life: `corral-<job>-<run>-<agent>`.
    pub name: String,
    /// The node's GPUs (NVML indices) given to the job: the only ones the container sees.
    #[serde(default)]
    pub gpus: Vec<u32>,
    /// Host directories bound read-write at the same path inside (working dir, run dir).
    #[serde(default)]
    pub mounts: Vec<PathBuf>,
    /// Labels of the container (`corral.job`, `corral.run`), for people listing containers.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// How the job's main process ended, as its supervisor saw it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitRecord {
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    /// The supervisor killed it for passing its memory limit.
    pub oom: bool,
    /// It could not be started (the reason), e.g. a missing working directory.
    pub launch_error: Option<String>,
}

#[derive(Clone, Debug)]
pub struct RunDir {
    path: PathBuf,
}

const LAUNCH: &str = "launch.json";
const EXIT: &str = "exit.json";
const PGID: &str = "pgid";
const SUPERVISOR_PID: &str = "supervisor.pid";
const CONTAINER: &str = "container";
const REPORTED: &str = "reported";
const SIGNALS_DELIVERED: &str = "signals_delivered";
/// Written by `srun` in the batch script's run directory when a step's tasks were killed for
/// passing the job's memory on some node: the run then ends OUT_OF_MEMORY.
pub const STEP_OOM: &str = "step_oom";

impl RunDir {
    pub fn path_for(jobs_root: &Path, key: RunKey) -> PathBuf {
        jobs_root.join(key.dir_name())
    }

    pub fn create(jobs_root: &Path, key: RunKey) -> io::Result<RunDir> {
        let path = RunDir::path_for(jobs_root, key);
        std::fs::create_dir_all(&path)?;
        Ok(RunDir { path })
    }

    pub fn at(path: PathBuf) -> RunDir {
        RunDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn write_launch(&self, launch: &LaunchFile) -> io::Result<()> {
        write_json_atomically(&self.path.join(LAUNCH), launch)
    }

    pub fn read_launch(&self) -> io::Result<LaunchFile> {
        read_json(&self.path.join(LAUNCH))
    }

    pub fn write_exit(&self, exit: &ExitRecord) -> io::Result<()> {
        write_json_atomically(&self.path.join(EXIT), exit)
    }

    /// `None` while the job runs (or its supervisor died before writing it).
    pub fn read_exit(&self) -> Option<ExitRecord> {
        read_json(&self.path.join(EXIT)).ok()
    }

    pub fn write_pgid(&self, pgid: i32) -> io::Result<()> {
        write_atomically(&self.path.join(PGID), pgid.to_string().as_bytes())
    }

    pub fn read_pgid(&self) -> Option<i32> {
        read_number(&self.path.join(PGID))
    }

    pub fn write_supervisor_pid(&self, pid: u32) -> io::Result<()> {
        write_atomically(&self.path.join(SUPERVISOR_PID), pid.to_string().as_bytes())
    }

    pub fn read_supervisor_pid(&self) -> Option<i32> {
        read_number(&self.path.join(SUPERVISOR_PID))
    }

    /// Whether a step of this run was killed for passing the job's memory (`STEP_OOM`).
    pub fn step_ran_out_of_memory(&self) -> bool {
        self.path.join(STEP_OOM).exists()
    }

    /// Records the `seq` of the last signal request delivered to this run (`Job::signals`), so
    /// that a restarted agent does not deliver it again.
    pub fn write_signals_delivered(&self, seq: u32) -> io::Result<()> {
        write_atomically(
            &self.path.join(SIGNALS_DELIVERED),
            seq.to_string().as_bytes(),
        )
    }

    /// 0 when none was delivered yet.
    pub fn read_signals_delivered(&self) -> u32 {
        read_number(&self.path.join(SIGNALS_DELIVERED)).map_or(0, |n| n.max(0) as u32)
    }

    /// Records that the run is a container of this name (the runtime signals it through Docker).
    pub fn write_container_name(&self, name: &str) -> io::Result<()> {
        write_atomically(&self.path.join(CONTAINER), name.as_bytes())
    }

    /// The run's container, `None` for a process run.
    pub fn read_container_name(&self) -> Option<String> {
        let name = std::fs::read_to_string(self.path.join(CONTAINER)).ok()?;
        Some(name.trim().to_string()).filter(|n| !n.is_empty())
    }

    pub fn mark_reported(&self) -> io::Result<()> {
        write_atomically(&self.path.join(REPORTED), b"")
    }

    pub fn is_reported(&self) -> bool {
        self.path.join(REPORTED).exists()
    }

    pub fn remove(&self) -> io::Result<()> {
        std::fs::remove_dir_all(&self.path)
    }
}

/// The run directories under `jobs_root`, by key (names that are not `<job>.<run>` are skipped).
pub fn list_runs(jobs_root: &Path) -> io::Result<Vec<(RunKey, RunDir)>> {
    let mut runs = Vec::new();
    let entries = match std::fs::read_dir(jobs_root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(runs),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        if let Some(key) = entry.file_name().to_str().and_then(RunKey::from_dir_name) {
            runs.push((key, RunDir::at(entry.path())));
        }
    }
    runs.sort_by_key(|(key, _)| *key);
    Ok(runs)
}

fn write_json_atomically<T: Serialize>(path: &Path, value: &T) -> io::Result<()> {
    let bytes = serde_json::to_vec_pretty(value).map_err(io::Error::other)?;
    write_atomically(path, &bytes)
}

/// Writes to a temporary file named after this process and renames it, so a reader never sees
/// half a file and two writers never share a temporary file.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

fn read_json<T: DeserializeOwned>(path: &Path) -> io::Result<T> {
    let bytes = std::fs::read(path)?;
    serde_json::from_slice(&bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

fn read_number(path: &Path) -> Option<i32> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}
