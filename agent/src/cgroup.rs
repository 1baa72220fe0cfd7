//! cgroup v2 limits for process runs, where the host delegates them. The agent probes a cgroup v2
//! directory once at start (`CgroupRoot::probe`: the `memory` and `cpu` controllers available and
//! enabled for its children); each run then gets `<root>/<job>.<run>` with `memory.max` (the
//! job's memory on this node) and `cpu.max` (its CPUs), the job's first process joins it before
//! it executes, an OOM kill is read from `memory.events`, and the whole cgroup is killed when the
//! main process ends. Where no such directory is usable the agent says so once and the supervisor
//! falls back to polling resident memory (`supervisor.rs`), with no CPU limit.

use serde::{Deserialize, Serialize};
use std::io;
use std::path::{Path, PathBuf};

/// Where systemd and most distributions mount the unified hierarchy.
pub const DEFAULT_MOUNT: &str = "/sys/fs/cgroup";
/// `cpu.max`'s period: the job may use `cpus × PERIOD` µs of CPU per `PERIOD` µs.
const CPU_PERIOD_USECS: u64 = 100_000;

/// A cgroup v2 directory whose children get memory and CPU limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CgroupRoot {
    path: PathBuf,
}

/// One run's cgroup, as the launch file carries it to the supervisor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunCgroup {
    pub dir: PathBuf,
    /// CPUs the run may use (`cpu.max`); `None` = no CPU limit.
    pub cpus: Option<u32>,
}

impl CgroupRoot {
    /// Checks that `path` is a cgroup v2 directory with the `memory` and `cpu` controllers, and
    /// enables them for its children (`+memory +cpu` in `cgroup.subtree_control`). `Err` says
    /// what is missing, for the agent's one log line.
    pub fn probe(path: &Path) -> Result<CgroupRoot, String> {
        let controllers_file = path.join("cgroup.controllers");
        let controllers = std::fs::read_to_string(&controllers_file).map_err(|e| {
            format!(
                "{}: {e} (not a cgroup v2 directory)",
                controllers_file.display()
            )
        })?;
        let available: Vec<&str> = controllers.split_whitespace().collect();
        let missing: Vec<&str> = ["memory", "cpu"]
            .into_iter()
            .filter(|c| !available.contains(c))
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "{}: no {} controller (available: {})",
                path.display(),
                missing.join(" or "),
                if available.is_empty() {
                    "none".to_string()
                } else {
                    available.join(" ")
                }
            ));
        }
        let subtree = path.join("cgroup.subtree_control");
        let enabled = std::fs::read_to_string(&subtree).unwrap_or_default();
        let is_enabled = |c: &str| enabled.split_whitespace().any(|e| e == c);
        if !(is_enabled("memory") && is_enabled("cpu")) {
            std::fs::write(&subtree, "+memory +cpu").map_err(|e| {
                format!(
                    "{}: cannot enable memory and cpu for its children: {e}",
                    subtree.display()
                )
            })?;
        }
        Ok(CgroupRoot {
            path: path.to_path_buf(),
        })
    }

    /// The cgroup for the run in run directory `run_name` (`<job>.<run>`).
    pub fn for_run(&self, run_name: &str, cpus: u32) -> RunCgroup {
        RunCgroup {
            dir: self.path.join(run_name),
            cpus: (cpus > 0).then_some(cpus),
        }
    }
}

impl RunCgroup {
    /// Creates the cgroup and writes its limits.
    pub fn create(&self, mem_limit_mib: Option<u64>) -> io::Result<()> {
        match std::fs::create_dir(&self.dir) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        if let Some(mib) = mem_limit_mib {
            std::fs::write(self.dir.join("memory.max"), (mib * 1024 * 1024).to_string())?;
            // No swapping past the limit: the job is OOM-killed as it would be without swap.
            let _ = std::fs::write(self.dir.join("memory.swap.max"), "0");
        }
        if let Some(cpus) = self.cpus {
            let quota = u64::from(cpus) * CPU_PERIOD_USECS;
            std::fs::write(
                self.dir.join("cpu.max"),
                format!("{quota} {CPU_PERIOD_USECS}"),
            )?;
        }
        Ok(())
    }

    /// The file a process writes `0` to in order to join the cgroup.
    pub fn procs_file(&self) -> PathBuf {
        self.dir.join("cgroup.procs")
    }

    /// Whether the kernel OOM-killed a process of the cgroup (`memory.events`: `oom_kill N`).
    pub fn oom_killed(&self) -> bool {
        std::fs::read_to_string(self.dir.join("memory.events"))
            .map(|events| oom_kills(&events) > 0)
            .unwrap_or(false)
    }

    /// Kills every process left in the cgroup (`cgroup.kill`, Linux 5.14+), then removes it once
    /// it is empty; best effort, as the run's end is recorded either way.
    pub fn kill_and_remove(&self) {
        let _ = std::fs::write(self.dir.join("cgroup.kill"), "1");
        for _ in 0..100 {
            if std::fs::remove_dir(&self.dir).is_ok() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
}

/// The `oom_kill` count of a `memory.events` file.
fn oom_kills(events: &str) -> u64 {
    events
        .lines()
        .filter_map(|line| line.split_once(' '))
        .find(|(key, _)| *key == "oom_kill")
        .and_then(|(_, n)| n.trim().parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_root(controllers: &str) -> tempdir::Dir {
        let dir = tempdir::Dir::new();
        std::fs::write(dir.path().join("cgroup.controllers"), controllers).unwrap();
        std::fs::write(dir.path().join("cgroup.subtree_control"), "").unwrap();
        dir
    }

    mod tempdir {
        use std::path::{Path, PathBuf};
        pub struct Dir(PathBuf);
        impl Dir {
            pub fn new() -> Dir {
                use std::sync::atomic::{AtomicU32, Ordering};
                static NEXT: AtomicU32 = AtomicU32::new(0);
                let path = std::env::temp_dir().join(format!(
                    "corral-cgroup-test-{}-{}",
                    std::process::id(),
                    NEXT.fetch_add(1, Ordering::Relaxed)
                ));
                std::fs::create_dir_all(&path).unwrap();
                Dir(path)
            }
            pub fn path(&self) -> &Path {
                &self.0
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    #[test]
    fn a_root_without_memory_or_cpu_is_refused_with_what_it_has() {
        let root = fake_root("hugetlb\n");
        let error = CgroupRoot::probe(root.path()).unwrap_err();
        assert!(
            error.ends_with(": no memory or cpu controller (available: hugetlb)"),
            "{error}"
        );
        let missing = tempdir::Dir::new();
        assert!(CgroupRoot::probe(missing.path())
            .unwrap_err()
            .contains("not a cgroup v2 directory"));
    }

    #[test]
    fn a_usable_root_enables_its_controllers_and_writes_each_runs_limits() {
        let root = fake_root("cpuset cpu io memory pids\n");
        let cgroups = CgroupRoot::probe(root.path()).expect("usable");
        let subtree = std::fs::read_to_string(root.path().join("cgroup.subtree_control"));
        assert_eq!(subtree.unwrap(), "+memory +cpu");
        let run = cgroups.for_run("42.0", 4);
        run.create(Some(512)).unwrap();
        let read = |name: &str| std::fs::read_to_string(run.dir.join(name)).unwrap();
        assert_eq!(read("memory.max"), "536870912");
        assert_eq!(read("memory.swap.max"), "0");
        assert_eq!(read("cpu.max"), "400000 100000");
        assert_eq!(run.procs_file(), root.path().join("42.0/cgroup.procs"));
        assert!(!run.oom_killed());
        std::fs::write(
            run.dir.join("memory.events"),
            "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n",
        )
        .unwrap();
        assert!(run.oom_killed());
    }

    #[test]
    fn no_cpus_means_no_cpu_limit() {
        let root = fake_root("cpu memory");
        let run = CgroupRoot::probe(root.path()).unwrap().for_run("1.0", 0);
        run.create(None).unwrap();
        assert!(!run.dir.join("cpu.max").exists());
        assert!(!run.dir.join("memory.max").exists());
    }

    #[test]
    fn oom_kill_counts_are_read_from_memory_events() {
        assert_eq!(oom_kills("oom 2\noom_kill 2\noom_group_kill 0\n"), 2);
        assert_eq!(oom_kills("oom 0\n"), 0);
        assert_eq!(oom_kills(""), 0);
    }
}
