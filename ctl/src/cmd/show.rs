//! `corral show job ID` and `corral show node NAME`: everything about one job or node as
//! `Key=Value` lines (like `scontrol show`), or with `--json` one JobView / NodeView object
//! (`ctl/JSON.md`). A job or node that does not exist exits 1.

use crate::client::{Client, ClusterArgs};
use crate::cmd::queue::job_views;
use crate::exit::{finish, Failure};
use crate::human::{duration, mib, timestamp};
use crate::job_ref::JobRef;
use crate::table::key_equals_value;
use crate::view::job::JobView;
use crate::view::node::NodeView;
use crate::view::{self, print_json};
use clap::Subcommand;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ShowArgs {
    #[command(subcommand)]
    what: What,
}

#[derive(Subcommand)]
enum What {
    /// One job: `42`, or `42_3` for an array element
    Job {
        id: String,
        /// Print the job as JSON (see ctl/JSON.md)
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// One node, by name
    Node {
        name: String,
        /// Print the node as JSON (see ctl/JSON.md)
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
}

pub fn run(args: ShowArgs) -> ExitCode {
    match args.what {
        What::Job { id, json, cluster } => finish("show job", show_job(&id, json, &cluster)),
        What::Node {
            name,
            json,
            cluster,
        } => finish("show node", show_node(&name, json, &cluster)),
    }
}

fn show_job(id: &str, json: bool, cluster: &ClusterArgs) -> Result<(), Failure> {
    let wanted = JobRef::parse(id)?;
    let mut client = Client::new(cluster)?;
    let job = match wanted {
        JobRef::Id(id) => view::jobs(&[client.get_job(id)?])?.remove(0),
        JobRef::Element { .. } => view::jobs(&client.list_jobs("", &[])?)?
            .into_iter()
            .find(|job| wanted.is(job))
            .ok_or_else(|| Failure::refused(format!("job {wanted}: no such job")))?,
    };
    let view = job_views(&mut client, std::slice::from_ref(&job))?.remove(0);
    if json {
        return print_json(&view);
    }
    print!("{}", job_lines(&view));
    Ok(())
}

fn show_node(name: &str, json: bool, cluster: &ClusterArgs) -> Result<(), Failure> {
    let mut client = Client::new(cluster)?;
    let nodes = view::nodes(&client.list_nodes()?)?;
    let Some(node) = nodes.iter().find(|n| n.name() == name) else {
        let known: Vec<&str> = nodes.iter().map(|n| n.name()).collect();
        return Err(Failure::refused(format!(
            "node {name:?}: no such node (known: {})",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )));
    };
    let view = NodeView::new(node);
    if json {
        return print_json(&view);
    }
    print!("{}", node_lines(&view));
    Ok(())
}

fn or_dash<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".into(), |v| v.to_string())
}

fn job_lines(v: &JobView) -> String {
    let mut groups = vec![
        vec![
            ("JobId", v.id.to_string()),
            ("ArrayJobId", or_dash(v.array_job_id)),
            ("ArrayTaskId", or_dash(v.array_task_id)),
            ("JobName", v.name.clone()),
        ],
        vec![
            ("UserId", v.user.clone()),
            ("Account", v.account.clone()),
            ("Partition", or_dash(v.partition.as_ref())),
            ("QOS", or_dash(v.qos.as_ref())),
        ],
        vec![
            ("JobState", v.state.to_string()),
            ("Reason", or_dash(v.reason.as_ref())),
            ("Ending", or_dash(v.ending)),
            ("Requeues", v.requeue_count.to_string()),
            ("ExitCode", v.exit_text()),
            ("Outcome", or_dash(v.exit.as_ref().map(|e| e.outcome))),
        ],
    ];
    if let Some(detail) = &v.reason_detail {
        groups.push(vec![("ReasonDetail", detail.clone())]);
    }
    groups.extend([
        vec![
            ("SubmitTime", timestamp(v.submit_time)),
            ("EligibleTime", timestamp(v.eligible_time)),
        ],
        vec![
            ("StartTime", or_dash(v.start_time.map(timestamp))),
            ("EndTime", or_dash(v.end_time.map(timestamp))),
        ],
        vec![
            ("RunTime", duration(v.elapsed_secs)),
            ("TimeLimit", or_dash(v.time_limit_secs.map(duration))),
            ("GpuHours", format!("{:.2}", v.gpu_hours)),
        ],
        vec![
            ("NumNodes", v.node_count.to_string()),
            (
                "NodeList",
                or_dash(Some(v.nodes.join(",")).filter(|s| !s.is_empty())),
            ),
            ("GPUs", v.gpus.to_string()),
        ],
    ]);
    for a in &v.allocation {
        let gpus: Vec<String> = a.gpus.iter().map(u32::to_string).collect();
        groups.push(vec![
            ("Node", a.node.clone()),
            (
                "GpuIndices",
                or_dash(Some(gpus.join(",")).filter(|s| !s.is_empty())),
            ),
            ("Cpus", a.cpus.to_string()),
            ("Mem", mib(a.mem_mib)),
            ("Tasks", a.tasks.to_string()),
        ]);
    }
    groups.push(vec![("SubmitDir", or_dash(v.submit_dir.as_ref()))]);
    key_equals_value(&groups)
}

fn node_lines(v: &NodeView) -> String {
    let mut groups = vec![
        vec![
            ("NodeName", v.name.clone()),
            ("NodeId", v.id.to_string()),
            ("State", v.state.to_string()),
            ("Reason", or_dash(v.reason.as_ref())),
        ],
        vec![
            ("CPUTot", v.cpus_total.to_string()),
            ("CPUFree", v.cpus_free.to_string()),
            ("RealMemory", mib(v.mem_mib_total)),
            ("FreeMem", mib(v.mem_mib_free)),
        ],
        vec![
            ("Gpus", v.gpus_total.to_string()),
            ("GpusFree", v.gpus_free.to_string()),
            ("GpuModels", v.gpus_text()),
        ],
        vec![
            (
                "Jobs",
                or_dash(Some(ids(&v.jobs)).filter(|s| !s.is_empty())),
            ),
            ("LastSeen", timestamp(v.last_seen_time)),
            ("Addr", or_dash(v.addr.as_ref())),
        ],
        vec![
            ("Rack", or_dash(v.rack.as_ref())),
            (
                "Features",
                or_dash(Some(v.features.join(",")).filter(|s| !s.is_empty())),
            ),
        ],
    ];
    for gpu in &v.gpus {
        groups.push(vec![
            ("Gpu", gpu.index.to_string()),
            ("Model", gpu.model.clone()),
            ("Mem", mib(gpu.mem_mib)),
            ("Job", or_dash(gpu.job)),
            (
                "Health",
                gpu.health_reason
                    .clone()
                    .map_or_else(|| "ok".into(), |r| format!("unhealthy ({r})")),
            ),
            ("Uuid", gpu.uuid.clone()),
        ]);
    }
    key_equals_value(&groups)
}

fn ids(ids: &[u64]) -> String {
    ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
}
