//! `corral-agent`: the node agent. It finds the host's GPUs (`gpu`: NVML or a fake spec),
//! registers the node with the scheduler cluster and follows its assignments (`daemon`), runs
//! each job's batch script through a `runtime` under a `supervisor` that outlives agent restarts,
//! as a process or, for a job with a container image, in a Docker container (`container`)
//! (`run_dir` is the on-disk record of every run, `runs` the rules that keep runs in line with
//! the assignments), and gives each job its environment (`job_env`), output files
//! (`output_path`) and, where the host delegates cgroup v2, memory and CPU limits (`cgroup`).

// gRPC handlers answer with tonic's `Status`, which is large; boxing it everywhere buys nothing.
#![allow(clippy::result_large_err)]

pub mod cgroup;
pub mod container;
pub mod daemon;
pub mod gpu;
pub mod holdings;
pub mod host;
pub mod job_env;
pub mod launch_log;
pub mod outcome;
pub mod output_path;
pub mod placement;
pub mod process_group;
pub mod run_dir;
pub mod runs;
pub mod runtime;
pub mod srun;
pub mod step;
pub mod supervisor;

#[cfg(test)]
mod test_support;
