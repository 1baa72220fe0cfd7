//! `corral queue`: the jobs waiting and running (squeue). By default PENDING, RUNNING and
//! COMPLETING; `--state` picks others. Pending jobs show their reason when the scheduler gives
//! one. `--start` (squeue's) lists pending jobs with the start backfill plans for them
//! (START_TIME, `-` without a reservation). `--json` prints `{"jobs": [JobView...]}`
//! (`ctl/JSON.md`).

use crate::client::{Client, ClusterArgs};
use crate::exit::{finish, Failure};
use crate::filter::{state_names, JobFilterArgs};
use crate::human::{duration, relative};
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
    /// Pending jobs with their planned start times (START_TIME; `-` = no reservation yet)
    #[arg(long)]
    start: bool,
    /// Print the jobs as JSON (see ctl/JSON.md)
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    cluster: ClusterArgs,
}

/// The states `queue` lists by default.
pub const ACTIVE: [JobState; 3] = [JobState::Pending, JobState::Running, JobState::Completing];

#[derive(Serialize)]
struct QueueJson {
    jobs: Vec<JobView>,
}

pub fn run(args: QueueArgs) -> ExitCode {
    finish("queue", queue(&args))
}

fn queue(args: &QueueArgs) -> Result<(), Failure> {
    let default: &[JobState] = if args.start {
        &[JobState::Pending]
    } else {
        &ACTIVE
    };
    let states = args.filter.states_or(default)?;
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
    print!("{}", table(&views, args.start, view::now_secs()));
    Ok(())
}

/// Views of `jobs` with their node names and, for pending ones, their reasons and planned
/// starts, by id.
pub fn job_views(client: &mut Client, jobs: &[corral_model::Job]) -> Result<Vec<JobView>, Failure> {
    let names = if jobs.iter().any(|j| j.allocation.is_some()) {
        view::node_names(&view::nodes(&client.list_nodes()?)?)
    } else {
        view::NodeNames::new()
    };
    let reasons = if jobs.iter().any(|j| j.state == JobState::Pending) {
        client
            .pending_reasons("")?
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
                    v.reserved_start_time = info.reserved_start_secs;
                }
            }
            v
        })
        .collect();
    views.sort_by_key(|v| v.id);
    Ok(views)
}

fn table(views: &[JobView], start: bool, now: u64) -> String {
    let rows: Vec<Vec<String>> = views
        .iter()
        .map(|v| {
            let time = if start {
                v.reserved_start_time
                    .map_or_else(|| "-".into(), |t| relative(t.max(now), now))
            } else if v.start_time.is_some() && v.state != "PENDING" {
                duration(v.elapsed_secs)
            } else {
                "-".into()
            };
            vec![
                v.display_id.clone(),
                v.partition.clone().unwrap_or_else(|| "-".into()),
                v.name.clone(),
                v.user.clone(),
                v.state.to_string(),
                time,
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
        if start { "START_TIME" } else { "TIME" },
        "NODES",
        "GPUS",
        "NODELIST(REASON)",
    ];
    columns(&headers, &rows, &[2, 8, 1, 3])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::job::test_job;
    use crate::view::NodeNames;

    #[test]
    fn start_mode_shows_the_planned_start() {
        let job = test_job(7, "ada");
        let mut v = JobView::new(&job, &NodeNames::new(), 1000);
        v.reason = Some("Resources".into());
        v.reserved_start_time = Some(1000 + 7800);
        let text = table(&[v.clone()], true, 1000);
        assert!(
            text.lines().next().unwrap().contains("START_TIME"),
            "{text}"
        );
        assert!(
            text.contains("in 2h10m") && text.contains("(Resources)"),
            "{text}"
        );
        v.reserved_start_time = None;
        let text = table(&[v], false, 1000);
        assert!(text.lines().next().unwrap().contains("  TIME  "), "{text}");
    }
}
