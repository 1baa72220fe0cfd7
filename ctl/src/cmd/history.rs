//! `corral history`: jobs that have ended (sacct), with their exit code and signal, run time and
//! GPU-hours, oldest end first. `--since 2h` keeps those that ended in the last two hours.
//! `--json` prints `{"jobs": [JobView...]}` (`ctl/JSON.md`).

use crate::client::{Client, ClusterArgs};
use crate::exit::{finish, Failure};
use crate::filter::{state_names, JobFilterArgs};
use crate::human::{approx_duration, timestamp};
use crate::table::columns;
use crate::view::job::JobView;
use crate::view::{self, print_json};
use corral_model::JobState;
use corral_policies::config::parse_duration_secs;
use serde::Serialize;
use std::process::ExitCode;

/// Jobs that have ended
#[derive(clap::Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    filter: JobFilterArgs,
    /// Only jobs that ended within this long ("90m", "2h", "7d", "1h30m")
    #[arg(long, short = 'S', value_name = "AGE")]
    since: Option<String>,
    /// Print the jobs as JSON (see ctl/JSON.md)
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    cluster: ClusterArgs,
}

/// Every state a job ends in.
const ENDED: [JobState; 7] = [
    JobState::Completed,
    JobState::Failed,
    JobState::Cancelled,
    JobState::Timeout,
    JobState::NodeFail,
    JobState::Preempted,
    JobState::OutOfMemory,
];

#[derive(Serialize)]
struct HistoryJson {
    jobs: Vec<JobView>,
}

pub fn run(args: HistoryArgs) -> ExitCode {
    finish("history", history(&args))
}

fn history(args: &HistoryArgs) -> Result<(), Failure> {
    let states = if args.filter.wants_all_states() {
        ENDED.to_vec()
    } else {
        args.filter.states_or(&ENDED)?
    };
    if let Some(state) = states.iter().find(|s| !s.is_final()) {
        return Err(Failure::usage(format!(
            "--state {state}: history lists jobs that ended; `corral queue` lists {state} jobs"
        )));
    }
    let now = view::now_secs();
    let since = match &args.since {
        Some(age) => Some(
            now.saturating_sub(
                parse_duration_secs(age)
                    .map_err(|why| Failure::usage(format!("--since {age:?} {why}")))?,
            ),
        ),
        None => None,
    };
    let mut client = Client::new(&args.cluster)?;
    let jobs = view::jobs(&client.list_jobs(args.filter.user_name(), &state_names(&states))?)?;
    let names = view::NodeNames::new();
    let mut views: Vec<JobView> = jobs
        .iter()
        .filter(|job| args.filter.matches(job, &states))
        .filter(|job| since.is_none_or(|t| job.end_secs.is_some_and(|end| end >= t)))
        .map(|job| JobView::new(job, &names, now))
        .collect();
    views.sort_by_key(|v| (v.end_time, v.id));
    if args.json {
        return print_json(&HistoryJson { jobs: views });
    }
    print!("{}", table(&views));
    Ok(())
}

fn table(views: &[JobView]) -> String {
    let rows: Vec<Vec<String>> = views
        .iter()
        .map(|v| {
            vec![
                v.display_id.clone(),
                v.name.clone(),
                v.user.clone(),
                v.state.to_string(),
                v.exit_text(),
                v.end_time.map_or_else(|| "-".into(), timestamp),
                if v.start_time.is_some() {
                    approx_duration(v.elapsed_secs)
                } else {
                    "-".into()
                },
                format!("{:.2}", v.gpu_hours),
            ]
        })
        .collect();
    let headers = [
        "JOBID",
        "NAME",
        "USER",
        "STATE",
        "EXIT",
        "END",
        "ELAPSED",
        "GPU-HOURS",
    ];
    columns(&headers, &rows, &[1, 2])
}
