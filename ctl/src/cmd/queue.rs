//! `corral queue`: the jobs waiting and running (squeue). By default PENDING, RUNNING and
//! COMPLETING; `--state` picks others. Pending jobs show their reason when the scheduler gives
//! one. `--json` prints `{"jobs": [JobView...]}` (`ctl/JSON.md`).

use crate::client::{Client, ClusterArgs};
use crate::exit::{finish, Failure};
use crate::filter::{state_names, JobFilterArgs};
use crate::human::duration;
use crate::table::columns;
use crate::view::job::JobView;
use crate::view::{self, print_json};
use corral_model::JobState;
use serde::Serialize;
use std::process::ExitCode;

/// List pending and running jobs
#[derive(clap::Args)]
pub struct QueueArgs {
    #[command(flatten)]
    filter: JobFilterArgs,
    /// Print the jobs as JSON (see ctl/JSON.md)
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    cluster: ClusterArgs,
}

const ACTIVE: [JobState; 3] = [JobState::Pending, JobState::Running, JobState::Completing];

#[derive(Serialize)]
struct QueueJson {
    jobs: Vec<JobView>,
}

pub fn run(args: QueueArgs) -> ExitCode {
    finish("queue", queue(&args))
}

fn queue(args: &QueueArgs) -> Result<(), Failure> {
    let states = args.filter.states_or(&ACTIVE)?;
    let mut client = Client::new(&args.cluster)?;
    let jobs = view::jobs(&client.list_jobs(args.filter.user_name(), &state_names(&states))?)?;
    let jobs: Vec<_> = jobs
        .into_iter()
        .filter(|job| args.filter.matches(job, &states))
        .collect();
    let views = job_views(&mut client, &jobs)?;
    if args.json {
        return print_json(&QueueJson { jobs: views });
    }
    print!("{}", table(&views));
    Ok(())
}

/// Views of `jobs` with their node names and, for pending ones, their reasons, by id.
pub fn job_views(client: &mut Client, jobs: &[corral_model::Job]) -> Result<Vec<JobView>, Failure> {
    let names = if jobs.iter().any(|j| j.allocation.is_some()) {
        view::node_names(&view::nodes(&client.list_nodes()?)?)
    } else {
        view::NodeNames::new()
    };
    let reasons = if jobs.iter().any(|j| j.state == JobState::Pending) {
        client
            .pending_reasons()?
            .map(|r| r.jobs)
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let now = view::now_secs();
    let mut views: Vec<JobView> = jobs
        .iter()
        .map(|job| {
            let mut v = JobView::new(job, &names, now);
            if job.state == JobState::Pending {
                if let Some(info) = reasons.iter().find(|r| r.job_id == job.id.0) {
                    v.reason = Some(info.reason.clone());
                    v.reason_detail = Some(info.detail.clone()).filter(|d| !d.is_empty());
                }
            }
            v
        })
        .collect();
    views.sort_by_key(|v| v.id);
    Ok(views)
}

fn table(views: &[JobView]) -> String {
    let rows: Vec<Vec<String>> = views
        .iter()
        .map(|v| {
            vec![
                v.display_id.clone(),
                v.partition.clone().unwrap_or_else(|| "-".into()),
                v.name.clone(),
                v.user.clone(),
                v.state.to_string(),
                if v.start_time.is_some() && v.state != "PENDING" {
                    duration(v.elapsed_secs)
                } else {
                    "-".into()
                },
                if v.nodes.is_empty() {
                    v.node_count.to_string()
                } else {
                    v.nodes.len().to_string()
                },
                v.gpus.to_string(),
                v.nodelist_or_reason(),
            ]
        })
        .collect();
    let headers = [
        "JOBID",
        "PARTITION",
        "NAME",
        "USER",
        "STATE",
        "TIME",
        "NODES",
        "GPUS",
        "NODELIST(REASON)",
    ];
    columns(&headers, &rows, &[2, 8, 1, 3])
}
