//! `corral prio [JOB...]`: the priority of each pending job and the weighted factors it is made
//! of (sprio), highest priority first, as the leader computes it now under the policy in force.
//! `--user` keeps one user's jobs. `--json` prints `{"pass_time", "jobs": [...]}`
//! (`ctl/JSON.md`, "Prio").

use crate::client::{Client, ClusterArgs};
use crate::exit::{finish, Failure};
use crate::human::number;
use crate::job_ref::JobRef;
use crate::table::columns;
use crate::view::pending::{pass_time, PendingView};
use crate::view::{self, print_json};
use corral_model::{Job, JobState};
use serde::Serialize;
use std::process::ExitCode;

/// Priority factors of pending jobs
#[derive(clap::Args)]
pub struct PrioArgs {
    /// Only these jobs: 42, or 42_3 for one array element
    #[arg(value_name = "JOB")]
    jobs: Vec<String>,
    /// Only this user's jobs
    #[arg(long, short = 'u')]
    user: Option<String>,
    /// Print the priorities as JSON (see ctl/JSON.md)
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    cluster: ClusterArgs,
}

#[derive(Serialize)]
struct PrioJson {
    /// When the leader's last scheduling pass ran (the source of each `reason`).
    pass_time: Option<u64>,
    jobs: Vec<PrioJob>,
}

#[derive(Serialize)]
struct PrioJob {
    id: u64,
    display_id: String,
    /// `null` when the job left PENDING between the two reads.
    user: Option<String>,
    account: Option<String>,
    #[serde(flatten)]
    pending: PendingView,
}

/// The table's factor columns: header and factor name.
const COLUMNS: [(&str, &str); 6] = [
    ("AGE", "age"),
    ("FAIRSHARE", "fairshare"),
    ("JOBSIZE", "job_size"),
    ("PARTITION", "partition"),
    ("QOS", "qos"),
    ("NICE", "nice"),
];

pub fn run(args: PrioArgs) -> ExitCode {
    finish("prio", prio(&args))
}

fn prio(args: &PrioArgs) -> Result<(), Failure> {
    let refs: Vec<JobRef> = args
        .jobs
        .iter()
        .map(|j| JobRef::parse(j))
        .collect::<Result<_, _>>()?;
    let user = args.user.as_deref().unwrap_or("");
    let mut client = Client::new(&args.cluster)?;
    let reply = client.pending_reasons(user)?.ok_or_else(|| {
        Failure::refused("the scheduler does not serve PendingReasons (is it older than corral?)")
    })?;
    let pending = view::jobs(&client.list_jobs(user, &[JobState::Pending.name()])?)?;
    let jobs: Vec<PrioJob> = reply
        .jobs
        .iter()
        .map(|info| {
            let job = pending.iter().find(|j| j.id.0 == info.job_id);
            (job, info)
        })
        .filter(|(job, info)| refs.is_empty() || wanted(&refs, *job, info.job_id))
        .map(|(job, info)| PrioJob {
            id: info.job_id,
            display_id: job.map_or_else(|| info.job_id.to_string(), Job::display_id),
            user: job.map(|j| j.user.to_string()),
            account: job.map(|j| j.account.to_string()),
            pending: PendingView::new(info),
        })
        .collect();
    if args.json {
        return print_json(&PrioJson {
            pass_time: pass_time(reply.pass_secs),
            jobs,
        });
    }
    print!("{}", table(&jobs));
    Ok(())
}

fn wanted(refs: &[JobRef], job: Option<&Job>, id: u64) -> bool {
    refs.iter().any(|r| match job {
        Some(job) => r.is(job) || r.has_element(job),
        None => *r == JobRef::Id(id),
    })
}

fn table(jobs: &[PrioJob]) -> String {
    let rows: Vec<Vec<String>> = jobs
        .iter()
        .map(|j| {
            let priority = &j.pending.priority;
            let mut row = vec![
                j.display_id.clone(),
                j.user.clone().unwrap_or_else(|| "-".into()),
                number(priority.total),
            ];
            row.extend(COLUMNS.iter().map(|(_, name)| {
                priority
                    .factor(name)
                    .map_or_else(|| "-".into(), |f| number(f.weighted))
            }));
            row
        })
        .collect();
    let mut headers = vec!["JOBID", "USER", "PRIORITY"];
    headers.extend(COLUMNS.iter().map(|(header, _)| *header));
    columns(&headers, &rows, &[1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::pending::{FactorView, PriorityView};

    #[test]
    fn rows_show_the_weighted_factors() {
        let factors = ["age", "fairshare", "job_size", "partition", "qos", "nice"]
            .iter()
            .enumerate()
            .map(|(i, name)| FactorView {
                name: name.to_string(),
                value: 0.5,
                weighted: 1000.0 * i as f64 + 0.25,
            })
            .collect();
        let job = PrioJob {
            id: 4,
            display_id: "4".into(),
            user: Some("ada".into()),
            account: Some("root".into()),
            pending: PendingView {
                reason: "Resources".into(),
                detail: String::new(),
                ahead: 0,
                reserved_start_time: None,
                priority: PriorityView {
                    total: 15001.5,
                    factors,
                },
            },
        };
        let text = table(&[job]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0].split_whitespace().collect::<Vec<_>>(),
            [
                "JOBID",
                "USER",
                "PRIORITY",
                "AGE",
                "FAIRSHARE",
                "JOBSIZE",
                "PARTITION",
                "QOS",
                "NICE"
            ]
        );
        assert_eq!(
            lines[1].split_whitespace().collect::<Vec<_>>(),
            [
                "4", "ada", "15001.5", "0.25", "1000.25", "2000.25", "3000.25", "4000.25",
                "5000.25"
            ]
        );
    }
}
