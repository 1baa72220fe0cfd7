//! `LocalRuns`: the job runs this node is responsible for (it runs their batch scripts) and the
//! rules that keep them in line with the scheduler's assignments: start what is assigned and not
//! running, signal then kill what the scheduler asked to end, deliver the signals sent to a job
//! (`corral cancel --signal`, `--signal` warnings), kill what is no longer assigned (it was ended
//! elsewhere), and report every end until the scheduler acknowledges it.
//! A run is keyed by (job id, requeue count), so a finished run is never started again while a
//! requeued job's next run is. A job with a container image gets a container launch (its image,
//! GPUs and mounts); the one runtime runs either kind.

use crate::cgroup::CgroupRoot;
use crate::job_env::{batch_env, AgentSide};
use crate::outcome::{exit_status, lost_status};
use crate::output_path::output_files;
use crate::placement::{Placement, RunKey};
use crate::run_dir::{list_runs, ContainerLaunch, LaunchFile, RunDir};
use crate::runtime::Runtime;
use corral_model::{Ending, ExitStatus, Outcome, SignalTarget};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct RunsConfig {
    pub jobs_root: PathBuf,
    pub bin_dir: String,
    pub cluster_name: String,
    /// Time between the ending signal and SIGKILL (Slurm's `KillWait`).
    pub kill_grace: Duration,
    /// Where process runs get their cgroup v2 (memory and CPU limits), if the host allows it.
    pub cgroups: Option<CgroupRoot>,
}

struct LocalRun {
    dir: RunDir,
    /// The latest assignment; `None` for a run adopted after a restart until the scheduler
    /// lists it again.
    placement: Option<Placement>,
    signalled_at: Option<Instant>,
    killed: bool,
    /// No longer assigned here: killed, and its end is not reported.
    orphan: bool,
    /// The `seq` of the last `corral cancel --signal` request delivered (`Job::signals`).
    signals_delivered: u32,
}

pub struct LocalRuns {
    config: RunsConfig,
    runtime: Arc<dyn Runtime>,
    runs: BTreeMap<RunKey, LocalRun>,
    /// Ends waiting for the scheduler's acknowledgement.
    unreported: BTreeMap<RunKey, ExitStatus>,
    /// Runs whose end the scheduler acknowledged (never started again).
    finished: BTreeSet<RunKey>,
}

impl LocalRuns {
    /// Picks up the runs a previous agent process left in `jobs_root`: the acknowledged ones are
    /// cleaned up, the others are watched again (their supervisors kept running).
    pub fn adopt(config: RunsConfig, runtime: Arc<dyn Runtime>) -> std::io::Result<LocalRuns> {
        std::fs::create_dir_all(&config.jobs_root)?;
        let mut runs = BTreeMap::new();
        let mut finished = BTreeSet::new();
        for (key, dir) in list_runs(&config.jobs_root)? {
            if dir.is_reported() {
                finished.insert(key);
                let _ = dir.remove();
                continue;
            }
            eprintln!(
                "corral-agent: re-adopting job {} run {} from {}",
                key.job,
                key.run,
                dir.path().display()
            );
            let signals_delivered = dir.read_signals_delivered();
            runs.insert(
                key,
                LocalRun {
                    dir,
                    placement: None,
                    signalled_at: None,
                    killed: false,
                    orphan: false,
                    signals_delivered,
                },
            );
        }
        Ok(LocalRuns {
            config,
            runtime,
            runs,
            unreported: BTreeMap::new(),
            finished,
        })
    }

    /// Whether a process of `key` may still run here (it has not been seen to end).
    pub fn is_running(&self, key: RunKey) -> bool {
        self.runs.contains_key(&key)
    }

    pub fn running_count(&self) -> usize {
        self.runs.len()
    }

    /// Brings the local runs in line with `placements` (this node's whole assignment set).
    pub fn apply_assignments(&mut self, placements: Vec<Placement>, now: Instant) {
        let mut assigned = BTreeSet::new();
        for placement in placements.into_iter().filter(Placement::runs_batch_script) {
            let key = placement.run_key();
            assigned.insert(key);
            if self.finished.contains(&key) || self.unreported.contains_key(&key) {
                continue;
            }
            match self.runs.get_mut(&key) {
                Some(run) => run.placement = Some(placement),
                None if placement.job.ending.is_some() => {
                    // Asked to end before it started here: it ends without running.
                    self.unreported
                        .insert(key, lost_status(placement.job.ending.as_ref()));
                }
                None => self.start(key, placement),
            }
        }
        // An end not yet reported of a run the scheduler no longer lists was already recorded
        // another way (the node was declared lost): reporting it could end a later run.
        self.unreported.retain(|key, _| assigned.contains(key));
        for (key, run) in self.runs.iter_mut() {
            if !assigned.contains(key) && !run.orphan && !self.unreported.contains_key(key) {
                run.orphan = true;
                run.killed = true;
                self.runtime.signal(&run.dir, libc::SIGKILL);
            }
        }
        self.signal_endings(now);
        self.deliver_signals();
    }

    /// Delivers the signal requests of the batch script (`SignalTarget::All` and `BatchScript`)
    /// not delivered yet, in order, each once; steps' tasks get theirs from the `StepRegistry`.
    fn deliver_signals(&mut self) {
        for run in self.runs.values_mut() {
            let Some(placement) = &run.placement else {
                continue;
            };
            let Some(last) = placement.job.signals.last().map(|s| s.seq) else {
                continue;
            };
            if last <= run.signals_delivered {
                continue;
            }
            let from = run.signals_delivered;
            let mut done = from;
            for request in placement.job.signals.iter().filter(|s| s.seq > from) {
                let for_script = matches!(
                    request.target,
                    SignalTarget::All | SignalTarget::BatchScript
                );
                // Not deliverable yet (the run is still starting): the next tick tries again.
                if for_script && !self.runtime.signal(&run.dir, request.signal) {
                    break;
                }
                done = request.seq;
            }
            if done == from {
                continue;
            }
            run.signals_delivered = done;
            if let Err(e) = run.dir.write_signals_delivered(done) {
                eprintln!(
                    "corral-agent: {}: cannot record the signals delivered: {e}",
                    run.dir.path().display()
                );
            }
        }
    }

    fn start(&mut self, key: RunKey, placement: Placement) {
        let dir = match RunDir::create(&self.config.jobs_root, key) {
            Ok(dir) => dir,
            Err(e) => {
                eprintln!(
                    "corral-agent: job {}: cannot create its run directory: {e}",
                    key.job
                );
                self.unreported.insert(key, failed_to_start());
                return;
            }
        };
        let launch = match self.launch_file(&dir, &placement) {
            Ok(launch) => launch,
            Err(reason) => {
                eprintln!("corral-agent: job {}: cannot start: {reason}", key.job);
                self.unreported.insert(key, failed_to_start());
                let _ = dir.remove();
                return;
            }
        };
        if let Err(e) = self.runtime.start(&dir, &launch) {
            eprintln!("corral-agent: job {}: {e}", key.job);
            self.unreported.insert(key, failed_to_start());
            return;
        }
        self.runs.insert(
            key,
            LocalRun {
                dir,
                placement: Some(placement),
                signalled_at: None,
                killed: false,
                orphan: false,
                signals_delivered: 0,
            },
        );
    }

    fn launch_file(&self, dir: &RunDir, placement: &Placement) -> Result<LaunchFile, String> {
        let job = &placement.job;
        let launch = job
            .spec
            .launch
            .as_ref()
            .ok_or("the job carries no batch script")?;
        let script_path = dir.path().join("script");
        write_script(&script_path, &launch.script)
            .map_err(|e| format!("{}: {e}", script_path.display()))?;
        let mut argv = if launch.script.starts_with("#!") {
            vec![script_path.display().to_string()]
        } else {
            vec!["/bin/sh".to_string(), script_path.display().to_string()]
        };
        argv.extend(launch.args.iter().cloned());
        let cwd = PathBuf::from(
            job.spec
                .extras()
                .chdir
                .clone()
                .unwrap_or_else(|| launch.submit_dir.clone()),
        );
        let side = AgentSide {
            bin_dir: &self.config.bin_dir,
            cluster_name: &self.config.cluster_name,
        };
        let files = output_files(job, &placement.this_node().name, &cwd);
        let mem_mib = placement.this_node().mem_mib;
        let mut env = batch_env(placement, &side);
        // Where `srun` sends its tasks' output: the job's own files.
        env.insert("CORRAL_STDOUT".into(), files.stdout.display().to_string());
        env.insert("CORRAL_STDERR".into(), files.stderr.display().to_string());
        // Where `srun` marks a step killed for memory (`run_dir::STEP_OOM`).
        env.insert("CORRAL_RUN_DIR".into(), dir.path().display().to_string());
        let container = job.spec.extras().container_image.as_ref().map(|image| {
            let submit_dir = Path::new(&launch.submit_dir);
            self.container_launch(image, placement, dir, &cwd, submit_dir)
        });
        Ok(LaunchFile {
            argv,
            cwd,
            env,
            stdout: files.stdout,
            stderr: files.stderr,
            mem_limit_mib: (mem_mib > 0).then_some(mem_mib),
            // A requeued job's next run adds to its output rather than wiping the first's.
            append: job.requeue_count > 0,
            cgroup: match (&container, &self.config.cgroups) {
                (None, Some(cgroups)) => {
                    let key = placement.run_key();
                    Some(cgroups.for_run(
                        &format!("{}.{}", key.job, key.run),
                        placement.this_node().cpus,
                    ))
                }
                // A container gets its limits from Docker.
                _ => None,
            },
            container,
        })
    }

    /// The container a job with `--container-image` runs in: its GPUs on this node, and the
    /// working directory, the submit directory (when it is on this node) and the run directory
    /// (the script) bound inside.
    fn container_launch(
        &self,
        image: &str,
        placement: &Placement,
        dir: &RunDir,
        cwd: &Path,
        submit_dir: &Path,
    ) -> ContainerLaunch {
        let key = placement.run_key();
        let mut mounts = vec![cwd.to_path_buf()];
        if submit_dir != cwd && submit_dir.is_dir() {
            mounts.push(submit_dir.to_path_buf());
        }
        mounts.push(dir.path().to_path_buf());
        ContainerLaunch {
            image: image.to_string(),
            name: container_name(key, &self.config.jobs_root),
            gpus: placement.this_node().gpus.clone(),
            mounts,
            labels: [
                ("corral.job".to_string(), key.job.to_string()),
                ("corral.run".to_string(), key.run.to_string()),
            ]
            .into(),
        }
    }

    /// Sends the first signal to runs the scheduler asked to end, and SIGKILL once their grace
    /// is over.
    fn signal_endings(&mut self, now: Instant) {
        for run in self.runs.values_mut() {
            let Some(ending) = run.placement.as_ref().and_then(|p| p.job.ending.as_ref()) else {
                continue;
            };
            match run.signalled_at {
                None => {
                    let signal = ending_signal(ending, run.placement.as_ref());
                    if self.runtime.signal(&run.dir, signal) {
                        run.signalled_at = Some(now);
                    }
                }
                Some(at) if !run.killed && now.duration_since(at) >= self.config.kill_grace => {
                    self.runtime.signal(&run.dir, libc::SIGKILL);
                    run.killed = true;
                }
                Some(_) => {}
            }
        }
    }

    /// Escalates endings, collects runs that ended, and returns every end not yet acknowledged.
    pub fn tick(&mut self, now: Instant) -> Vec<(RunKey, ExitStatus)> {
        self.signal_endings(now);
        self.deliver_signals();
        let mut ended = Vec::new();
        for (key, run) in &self.runs {
            let alive = self.runtime.is_alive(&run.dir);
            let record = run.dir.read_exit();
            let ending = run.placement.as_ref().and_then(|p| p.job.ending.as_ref());
            let status = match (record, alive) {
                (Some(record), _) => exit_status(&record, ending),
                (None, true) => continue,
                // Re-read: the supervisor may have written its record and exited just now.
                (None, false) => match run.dir.read_exit() {
                    Some(record) => exit_status(&record, ending),
                    None => lost_status(ending),
                },
            };
            ended.push((*key, run.orphan, status));
        }
        for (key, orphan, status) in ended {
            let run = self.runs.remove(&key).expect("collected from runs");
            if orphan {
                let _ = run.dir.remove();
                self.finished.insert(key);
            } else {
                self.unreported.insert(key, status);
            }
        }
        self.unreported
            .iter()
            .map(|(k, s)| (*k, s.clone()))
            .collect()
    }

    /// The scheduler has recorded the end of `key`: forget it for good.
    pub fn acknowledged(&mut self, key: RunKey) {
        self.unreported.remove(&key);
        self.finished.insert(key);
        let dir = RunDir::at(RunDir::path_for(&self.config.jobs_root, key));
        let _ = dir.mark_reported();
        let _ = dir.remove();
    }

    /// Kills every run (the agent is told to stop with `--kill-on-exit`, or in tests).
    pub fn kill_all(&mut self) {
        for run in self.runs.values() {
            self.runtime.signal(&run.dir, libc::SIGKILL);
        }
    }

    pub fn jobs_root(&self) -> &Path {
        &self.config.jobs_root
    }
}

/// The job's `--signal` when it gave one, else SIGTERM (time limit: always SIGTERM, as Slurm).
fn ending_signal(ending: &Ending, placement: Option<&Placement>) -> i32 {
    match ending {
        Ending::TimeLimit => libc::SIGTERM,
        _ => placement
            .and_then(|p| p.job.spec.signal.as_ref())
            .map(|s| s.signal)
            .unwrap_or(libc::SIGTERM),
    }
}

/// `corral-<job>-<run>-<agent>`: the same for the run's whole life (the agent signals it by
/// name after a restart), and distinct between agents sharing an engine (`<agent>` is a hash of
/// the agent's jobs directory).
fn container_name(key: RunKey, jobs_root: &Path) -> String {
    // FNV-1a: stable across builds and platforms, unlike `DefaultHasher`.
    let hash = jobs_root
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("corral-{}-{}-{:08x}", key.job, key.run, hash as u32)
}

fn failed_to_start() -> ExitStatus {
    ExitStatus {
        outcome: Outcome::Failure,
        exit_code: None,
        signal: None,
    }
}

fn write_script(path: &Path, text: &str) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}
