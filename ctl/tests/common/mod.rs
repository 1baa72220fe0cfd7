//! Test support for driving the real binaries: `corral` (built for this test), and
//! `corral-scheduler` / `corral-agent` found next to it (built once per test binary when absent).
//! `LocalCluster` runs `corral up` in its own scratch directory and `corral down` when dropped,
//! so a failing test leaves no daemon behind. Waits poll with a deadline; nothing sleeps blindly.

#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const DEADLINE: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(100);

/// Builds the daemons next to `corral` unless they are there already (once per test binary).
pub fn daemons_built() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_corral"))
            .parent()
            .expect("corral has a directory");
        let present = ["corral-scheduler", "corral-agent"]
            .iter()
            .all(|b| bin_dir.join(b).is_file());
        if present {
            return;
        }
        let mut build = Command::new(env!("CARGO"));
        build
            .args(["build", "-p", "corral-scheduler", "-p", "corral-agent"])
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
        if bin_dir.ends_with("release") {
            build.arg("--release");
        }
        let status = build.status().expect("cargo runs");
        assert!(
            status.success(),
            "building corral-scheduler and corral-agent failed"
        );
    });
}

/// Polls `check` until it yields a value; panics naming `what` after [`DEADLINE`].
pub fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "timed out after {DEADLINE:?} waiting for {what}"
        );
        std::thread::sleep(POLL);
    }
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A local cluster (`corral up`) in a scratch directory of its own; `corral down` on drop.
pub struct LocalCluster {
    dir: PathBuf,
    user: String,
}

impl LocalCluster {
    /// Starts `agents` agents with `gpus` each; `user` is the `$USER` every command runs as.
    pub fn up(label: &str, agents: u32, gpus: &str, user: &str) -> LocalCluster {
        LocalCluster::up_replicated(label, 1, agents, gpus, user)
    }

    /// As [`LocalCluster::up`], with `schedulers` scheduler nodes (1, 3 or 5).
    pub fn up_replicated(
        label: &str,
        schedulers: u32,
        agents: u32,
        gpus: &str,
        user: &str,
    ) -> LocalCluster {
        daemons_built();
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("corral-ctl-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        let cluster = LocalCluster {
            dir,
            user: user.to_string(),
        };
        let agents = agents.to_string();
        let schedulers = schedulers.to_string();
        let up = cluster.corral(&[
            "up",
            "--schedulers",
            &schedulers,
            "--agents",
            &agents,
            "--fake-gpus",
            gpus,
            "--port",
            "0",
            "--wait",
            "60",
        ]);
        assert_success(&up, "corral up");
        cluster
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The schedulers' addresses, as `corral up` wrote them.
    pub fn scheduler_addrs(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.join(".corral/schedulers"))
            .expect("the schedulers file")
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// The pid of a daemon this cluster started (`scheduler-1`, `agent-2`, ...).
    pub fn pid(&self, daemon: &str) -> u32 {
        let file = self.dir.join(format!(".corral/pids/{daemon}.pid"));
        std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
            .trim()
            .parse()
            .expect("a pid")
    }

    /// Runs `corral ARGS` in the cluster's directory.
    pub fn corral(&self, args: &[&str]) -> Output {
        self.run(Path::new(env!("CARGO_BIN_EXE_corral")), &self.user, args)
    }

    /// Runs `corral ARGS` in the cluster's directory as `user`.
    pub fn corral_as(&self, user: &str, args: &[&str]) -> Output {
        self.run(Path::new(env!("CARGO_BIN_EXE_corral")), user, args)
    }

    /// Runs `program ARGS` (e.g. a link to corral) in the cluster's directory as `user`.
    pub fn run(&self, program: &Path, user: &str, args: &[&str]) -> Output {
        Command::new(program)
            .args(args)
            .current_dir(&self.dir)
            .env_remove("CORRAL_SCHEDULERS")
            .env("USER", user)
            .output()
            .unwrap_or_else(|e| panic!("{} runs: {e}", program.display()))
    }

    /// Runs `corral ARGS`, asserts it succeeded, returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.corral(args);
        assert_success(&out, &format!("corral {}", args.join(" ")));
        String::from_utf8(out.stdout).expect("UTF-8 stdout")
    }

    /// Runs `corral ARGS` (with `--json`) and parses its stdout.
    pub fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).expect("stdout is JSON")
    }

    /// Submits with `--parsable`; the job id.
    pub fn submit(&self, args: &[&str]) -> u64 {
        let mut all = vec!["submit", "--parsable"];
        all.extend_from_slice(args);
        self.ok(&all)
            .trim()
            .parse()
            .expect("--parsable prints the id")
    }

    /// The job as `corral show job ID --json` prints it.
    pub fn job(&self, id: u64) -> Value {
        self.json(&["show", "job", &id.to_string(), "--json"])
    }

    /// Waits until job `id` is in `state`; panics early if it ends in another state.
    pub fn wait_for_state(&self, id: u64, state: &str) -> Value {
        eventually(&format!("job {id} to be {state}"), || {
            let job = self.job(id);
            let now = job["state"].as_str().expect("state").to_string();
            if now == state {
                return Some(job);
            }
            let ended = !["PENDING", "RUNNING", "COMPLETING"].contains(&now.as_str());
            assert!(!ended, "job {id} ended {now}, not {state}: {job:#}");
            None
        })
    }

    /// Waits for job `id` to show in `history --json`; answers its entry.
    pub fn wait_in_history(&self, id: u64) -> Value {
        eventually(&format!("job {id} in history"), || {
            let history = self.json(&["history", "--json"]);
            history["jobs"]
                .as_array()
                .expect("jobs")
                .iter()
                .find(|j| j["id"] == id)
                .cloned()
        })
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        let down = self.corral(&["down", "--wait", "5"]);
        if !down.status.success() {
            eprintln!(
                "corral down failed: {}",
                String::from_utf8_lossy(&down.stderr)
            );
        }
        if std::thread::panicking() {
            eprintln!("kept {} (logs in .corral/logs)", self.dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

pub fn assert_success(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} exited {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
