//! `srun` inside a job: the `corral-agent` binary run under the name `srun` (the agent links it
//! into every job's `PATH`). It reads the job's layout from the environment the agent gave the
//! batch script, plans the step (`plan`), asks the agent of every node in the step to run its
//! tasks, and ends all of them as soon as one fails. Its exit code is the highest of its tasks'
//! (128 + signal for a task killed by a signal), as Slurm's.

pub mod args;
pub mod layout;
pub mod plan;

use corral_proto::v1::step_client::StepClient;
use corral_proto::v1::RunTasksReply;
use plan::NodeStep;
use std::collections::HashMap;
use tokio::task::JoinSet;

/// Exit code for a usage or environment error (as Slurm's srun, which exits 1 for most of them).
const USAGE_EXIT: i32 = 1;

pub fn main(argv: Vec<String>) -> i32 {
    let args = match args::parse(&argv[1..]) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("srun: {message}");
            return USAGE_EXIT;
        }
    };
    let env: HashMap<String, String> = std::env::vars().collect();
    let layout = match layout::JobLayout::from_env(&env) {
        Ok(layout) => layout,
        Err(message) => {
            eprintln!("srun: {message}");
            return USAGE_EXIT;
        }
    };
    let steps = match plan::plan(&args, &layout) {
        Ok(steps) => steps,
        Err(message) => {
            eprintln!("srun: {message}");
            return USAGE_EXIT;
        }
    };
    let requests = plan::requests(&args, &layout, &steps, &env, std::process::id());
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("srun: cannot start: {e}");
            return USAGE_EXIT;
        }
    };
    runtime.block_on(run_step(steps, requests))
}

async fn run_step(steps: Vec<NodeStep>, requests: Vec<corral_proto::v1::RunTasksRequest>) -> i32 {
    let mut calls = JoinSet::new();
    for (step, request) in steps.into_iter().zip(requests) {
        calls.spawn(async move {
            let result = call_node(&step.addr, request).await;
            (step.name, result)
        });
    }
    // The first node whose tasks failed sets the exit code; the calls to the others are
    // dropped, which ends their tasks.
    let mut first_failure = 0;
    while let Some(joined) = calls.join_next().await {
        let Ok((node, result)) = joined else { continue };
        let code = match result {
            Ok(reply) => {
                if reply.out_of_memory {
                    eprintln!(
                        "srun: node {node}: the job's processes there passed its memory; its \
                         tasks were killed"
                    );
                    mark_out_of_memory();
                }
                highest_exit(&reply)
            }
            Err(message) => {
                eprintln!("srun: node {node}: {message}");
                1
            }
        };
        if code != 0 && first_failure == 0 {
            eprintln!(
                "srun: node {node}: a task failed (exit {code}); ending the step's other tasks"
            );
            first_failure = code;
            calls.abort_all();
        }
    }
    first_failure
}

/// Tells the batch script's supervisor (through its run directory) that a step ran out of
/// memory, so that the job ends OUT_OF_MEMORY whatever the script does next.
fn mark_out_of_memory() {
    if let Ok(dir) = std::env::var("CORRAL_RUN_DIR") {
        let marker = std::path::Path::new(&dir).join(crate::run_dir::STEP_OOM);
        if let Err(e) = std::fs::write(&marker, b"") {
            eprintln!(
                "srun: cannot record the step's OOM in {}: {e}",
                marker.display()
            );
        }
    }
}

async fn call_node(
    addr: &str,
    request: corral_proto::v1::RunTasksRequest,
) -> Result<RunTasksReply, String> {
    let mut client = StepClient::connect(format!("http://{addr}"))
        .await
        .map_err(|e| format!("cannot reach its agent at {addr}: {e}"))?;
    client
        .run_tasks(request)
        .await
        .map(|r| r.into_inner())
        .map_err(|status| status.message().to_string())
}

/// The step's exit code: the highest exit code of a task that exited by itself; when every
/// failed task was killed by a signal, 128 + the highest signal. (Once one task fails the others
/// are killed, so their SIGKILL says nothing about why the step failed.)
pub fn highest_exit(reply: &RunTasksReply) -> i32 {
    let exited = reply.tasks.iter().filter_map(|t| t.exit_code).max();
    let signalled = reply
        .tasks
        .iter()
        .filter_map(|t| t.signal)
        .max()
        .map(|s| 128 + s);
    match (exited, signalled) {
        (Some(code), _) if code != 0 => code,
        (_, Some(code)) => code,
        (Some(code), None) => code,
        (None, None) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use corral_proto::v1::TaskExit;

    fn reply(tasks: &[(Option<i32>, Option<i32>)]) -> RunTasksReply {
        RunTasksReply {
            tasks: tasks
                .iter()
                .enumerate()
                .map(|(rank, &(exit_code, signal))| TaskExit {
                    rank: rank as u32,
                    exit_code,
                    signal,
                })
                .collect(),
            out_of_memory: false,
        }
    }

    #[test]
    fn a_failed_task_outranks_the_ones_killed_after_it() {
        assert_eq!(highest_exit(&reply(&[(Some(5), None), (None, Some(9))])), 5);
        assert_eq!(
            highest_exit(&reply(&[(Some(0), None), (None, Some(11))])),
            139
        );
        assert_eq!(highest_exit(&reply(&[(Some(0), None), (Some(0), None)])), 0);
        assert_eq!(highest_exit(&reply(&[(Some(2), None), (Some(7), None)])), 7);
    }
}
