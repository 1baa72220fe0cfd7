//! The agent's `Step` gRPC service: starts a step's tasks on this node, each in its own process
//! group with its ranks and GPUs in the environment and its output appended to the job's files,
//! and answers with every task's exit once all have ended. Dropping the call kills them.

use super::registry::{StepRegistry, TaskGroupGuard};
use crate::process_group::signal_group;
use corral_proto::v1::step_server::Step;
use corral_proto::v1::{RunTasksReply, RunTasksRequest, TaskExit};
use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Stdio;
use tokio::process::Command;
use tonic::{Request, Response, Status};

/// Serves the Step service on `listener` until the task is aborted.
pub fn serve(
    listener: tokio::net::TcpListener,
    registry: StepRegistry,
    node_name: String,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let incoming =
            tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
        let result = tonic::transport::Server::builder()
            .add_service(corral_proto::v1::step_server::StepServer::new(
                StepService::new(registry, node_name),
            ))
            .serve_with_incoming(incoming)
            .await;
        if let Err(e) = result {
            eprintln!("corral-agent: the task launch service stopped: {e}");
        }
    })
}

pub struct StepService {
    registry: StepRegistry,
    node_name: String,
}

impl StepService {
    pub fn new(registry: StepRegistry, node_name: String) -> StepService {
        StepService {
            registry,
            node_name,
        }
    }
}

/// One task's own variables on top of the step's: its ranks and GPUs.
pub fn task_env(request: &RunTasksRequest, local_index: usize) -> BTreeMap<String, String> {
    let rank = request.ranks[local_index];
    let mut env: BTreeMap<String, String> = request.env.clone().into_iter().collect();
    let node = request.node_index.to_string();
    let mut set = |k: &str, v: String| {
        env.insert(k.to_string(), v);
    };
    set("SLURM_PROCID", rank.to_string());
    set("SLURM_LOCALID", local_index.to_string());
    set("SLURM_NODEID", node.clone());
    if env_has(&request.env, "WORLD_SIZE") {
        set("RANK", rank.to_string());
        set("LOCAL_RANK", local_index.to_string());
        set("NODE_RANK", node);
    }
    if let Some(gpus) = request.task_gpus.get(local_index) {
        let list = gpus
            .indices
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        env.insert("CUDA_VISIBLE_DEVICES".into(), list.clone());
        env.insert("NVIDIA_VISIBLE_DEVICES".into(), list);
    }
    env
}

fn env_has(env: &std::collections::HashMap<String, String>, key: &str) -> bool {
    env.contains_key(key)
}

fn check(request: &RunTasksRequest) -> Result<(), Status> {
    if request.argv.is_empty() {
        return Err(Status::invalid_argument(
            "argv: empty (give the command to run)",
        ));
    }
    if request.ranks.is_empty() {
        return Err(Status::invalid_argument(
            "ranks: empty (no task to start here)",
        ));
    }
    if !request.task_gpus.is_empty() && request.task_gpus.len() != request.ranks.len() {
        return Err(Status::invalid_argument(format!(
            "task_gpus: {} lists for {} tasks (give one per task, or none)",
            request.task_gpus.len(),
            request.ranks.len()
        )));
    }
    if !Path::new(&request.cwd).is_dir() {
        return Err(Status::failed_precondition(format!(
            "cwd {}: no such directory on this node",
            request.cwd
        )));
    }
    Ok(())
}

fn open_append(path: &str) -> Result<Stdio, Status> {
    if path.is_empty() {
        return Ok(Stdio::null());
    }
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map(Stdio::from)
        .map_err(|e| Status::failed_precondition(format!("output file {path}: {e}")))
}

/// How often a step's tasks are checked against their job's memory on this node (as the
/// supervisor checks a batch script's).
const MEMORY_CHECK_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// Kills a step's tasks here whose job passed its memory, saying so in the step's error file.
fn kill_for_memory(request: &RunTasksRequest, node: &str, pgids: &[i32], used: u64, limit: u64) {
    for &pgid in pgids {
        signal_group(pgid, libc::SIGKILL);
    }
    if !request.stderr_path.is_empty() {
        crate::supervisor::append_to(
            std::path::Path::new(&request.stderr_path),
            &format!(
                "corral: tasks on {node} killed: the job's processes there used {used} MiB, more \
                 than its {limit} MiB\n"
            ),
        );
    }
}

#[tonic::async_trait]
impl Step for StepService {
    async fn run_tasks(
        &self,
        request: Request<RunTasksRequest>,
    ) -> Result<Response<RunTasksReply>, Status> {
        let request = request.into_inner();
        check(&request)?;
        let mut guard = TaskGroupGuard {
            registry: self.registry.clone(),
            job: request.job_id,
            pgids: Vec::new(),
        };
        let mut children = tokio::task::JoinSet::new();
        for (local, &rank) in request.ranks.iter().enumerate() {
            let mut child = Command::new(&request.argv[0])
                .args(&request.argv[1..])
                .current_dir(&request.cwd)
                .env_clear()
                .envs(task_env(&request, local))
                .env("SLURMD_NODENAME", &self.node_name)
                .stdin(Stdio::null())
                .stdout(open_append(&request.stdout_path)?)
                .stderr(open_append(&request.stderr_path)?)
                .process_group(0)
                .spawn()
                .map_err(|e| {
                    Status::failed_precondition(format!("task {rank}: {}: {e}", request.argv[0]))
                })?;
            let pgid = child.id().map(|p| p as i32).unwrap_or(0);
            self.registry.add(request.job_id, pgid);
            guard.pgids.push(pgid);
            children.spawn(async move { (rank, child.wait().await) });
        }
        let mut exits = Vec::with_capacity(request.ranks.len());
        let mut out_of_memory = false;
        let mut memory_check = tokio::time::interval(MEMORY_CHECK_EVERY);
        while !children.is_empty() {
            let joined = tokio::select! {
                joined = children.join_next() => joined,
                _ = memory_check.tick() => {
                    if !out_of_memory {
                        if let Some((used, limit)) = self.registry.over_memory(request.job_id) {
                            out_of_memory = true;
                            kill_for_memory(&request, &self.node_name, &guard.pgids, used, limit);
                        }
                    }
                    continue;
                }
            };
            let Some(joined) = joined else { break };
            let (rank, status) = joined.map_err(|e| Status::internal(format!("task wait: {e}")))?;
            let status = status.map_err(|e| Status::internal(format!("task {rank}: {e}")))?;
            if !status.success() {
                // One task failed: the others of the step end too.
                for &pgid in &guard.pgids {
                    signal_group(pgid, libc::SIGKILL);
                }
            }
            exits.push(TaskExit {
                rank,
                exit_code: status.code(),
                signal: status.signal(),
            });
        }
        exits.sort_by_key(|e| e.rank);
        // Leftovers of the tasks' groups go with them (the guard kills and forgets the groups).
        drop(guard);
        Ok(Response::new(RunTasksReply {
            tasks: exits,
            out_of_memory,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use corral_proto::v1::TaskGpus;

    #[test]
    fn each_task_gets_its_ranks_and_gpus() {
        let request = RunTasksRequest {
            job_id: 5,
            argv: vec!["true".into()],
            env: [("WORLD_SIZE".to_string(), "4".to_string())].into(),
            ranks: vec![2, 3],
            node_index: 1,
            task_gpus: vec![
                TaskGpus { indices: vec![4] },
                TaskGpus {
                    indices: vec![6, 7],
                },
            ],
            ..RunTasksRequest::default()
        };
        let env = task_env(&request, 1);
        assert_eq!(env["SLURM_PROCID"], "3");
        assert_eq!(env["RANK"], "3");
        assert_eq!(env["SLURM_LOCALID"], "1");
        assert_eq!(env["LOCAL_RANK"], "1");
        assert_eq!(env["NODE_RANK"], "1");
        assert_eq!(env["CUDA_VISIBLE_DEVICES"], "6,7");
    }

    #[test]
    fn single_node_steps_get_no_torch_variables() {
        let request = RunTasksRequest {
            argv: vec!["true".into()],
            ranks: vec![0],
            ..RunTasksRequest::default()
        };
        let env = task_env(&request, 0);
        assert_eq!(env["SLURM_PROCID"], "0");
        assert!(!env.contains_key("RANK"));
    }
}
