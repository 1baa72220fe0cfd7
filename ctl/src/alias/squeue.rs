//! `squeue`: the queue with squeue's default columns, `JOBID PARTITION NAME USER ST TIME NODES
//! NODELIST(REASON)` (TIME as `D-HH:MM:SS`, ST as the two-letter codes), and its common options:
//! `-u USERS`, `--me`, `-t STATES` (or `all`), `-p PARTITIONS`, `-A ACCOUNTS`, `-j JOBS`,
//! `-h/--noheader`, `--start` (pending jobs and their planned START_TIME).

use crate::client::{Client, ClusterArgs};
use crate::cmd::queue::{job_views, ACTIVE};
use crate::exit::{finish, Failure};
use crate::filter::{parse_state, state_names};
use crate::human::{slurm_duration, timestamp};
use crate::in_force;
use crate::job_ref::JobRef;
use crate::table::columns;
use crate::user;
use crate::view::job::JobView;
use crate::view::{self};
use clap::{ArgAction, Parser};
use corral_model::{Job, JobState};
use std::process::ExitCode;

/// List Corral's pending and running jobs (corral queue, as squeue)
#[derive(Parser)]
#[command(name = "squeue", version, disable_help_flag = true)]
struct Squeue {
    /// Only these users' jobs
    #[arg(
        short = 'u',
        long = "user",
        value_delimiter = ',',
        value_name = "USER[,USER...]"
    )]
    users: Vec<String>,
    /// Only my jobs
    #[arg(long)]
    me: bool,
    /// Only jobs in these states (PD, R, CG, ... or names; `all` for every state)
    #[arg(
        short = 't',
        long = "states",
        value_delimiter = ',',
        value_name = "STATE[,STATE...]"
    )]
    states: Vec<String>,
    /// Only jobs in these partitions
    #[arg(
        short = 'p',
        long = "partition",
        value_delimiter = ',',
        value_name = "PART[,PART...]"
    )]
    partitions: Vec<String>,
    /// Only jobs charged to these accounts
    #[arg(
        short = 'A',
        long = "account",
        value_delimiter = ',',
        value_name = "ACCT[,ACCT...]"
    )]
    accounts: Vec<String>,
    /// Only these jobs (42, or 42_3 for one array element)
    #[arg(
        short = 'j',
        long = "jobs",
        value_delimiter = ',',
        value_name = "JOB[,JOB...]"
    )]
    jobs: Vec<String>,
    /// No header line
    #[arg(short = 'h', long = "noheader")]
    noheader: bool,
    /// Pending jobs with their planned start times
    #[arg(long)]
    start: bool,
    /// Print help
    #[arg(long, action = ArgAction::Help)]
    help: Option<bool>,
    #[command(flatten)]
    cluster: ClusterArgs,
}

pub fn run() -> ExitCode {
    finish("squeue", squeue(&Squeue::parse()))
}

fn squeue(args: &Squeue) -> Result<(), Failure> {
    let states = states(&args.states, args.start)?;
    let refs: Vec<JobRef> = args
        .jobs
        .iter()
        .map(|j| JobRef::parse(j))
        .collect::<Result<_, _>>()?;
    let mut users = args.users.clone();
    if args.me {
        users.push(user::current());
    }
    let ask_user = match users.as_slice() {
        [one] => one.as_str(),
        _ => "",
    };
    let mut client = Client::new(&args.cluster)?;
    let jobs = view::jobs(&client.list_jobs(ask_user, &state_names(&states))?)?;
    let policy = in_force::policy(&mut client)?;
    let default_partition = policy
        .default_partition()
        .map_or_else(String::new, |p| p.name.clone());
    let partition_of = |job: &Job| {
        job.spec
            .partition
            .clone()
            .unwrap_or_else(|| default_partition.clone())
    };
    let chosen: Vec<Job> = jobs
        .into_iter()
        .filter(|j| users.is_empty() || users.iter().any(|u| j.user == *u))
        .filter(|j| states.contains(&j.state))
        .filter(|j| args.partitions.is_empty() || args.partitions.contains(&partition_of(j)))
        .filter(|j| args.accounts.is_empty() || args.accounts.iter().any(|a| j.account == *a))
        .filter(|j| refs.is_empty() || refs.iter().any(|r| r.is(j) || r.has_element(j)))
        .collect();
    let mut views = job_views(&mut client, &chosen)?;
    for v in &mut views {
        if v.partition.is_none() {
            v.partition = Some(default_partition.clone());
        }
    }
    print!("{}", table(&views, args.start, args.noheader));
    Ok(())
}

/// The states asked for: codes or names, `all`, or by default squeue's (pending only with
/// `--start`).
fn states(asked: &[String], start: bool) -> Result<Vec<JobState>, Failure> {
    if asked.iter().any(|s| s.eq_ignore_ascii_case("all")) {
        return Ok(JobState::ALL.to_vec());
    }
    if asked.is_empty() {
        return Ok(if start {
            vec![JobState::Pending]
        } else {
            ACTIVE.to_vec()
        });
    }
    asked.iter().map(|s| parse_state(s)).collect()
}

fn table(views: &[JobView], start: bool, noheader: bool) -> String {
    let rows: Vec<Vec<String>> = views
        .iter()
        .map(|v| {
            let time = if start {
                v.reserved_start_time
                    .map_or_else(|| "N/A".into(), timestamp)
            } else {
                slurm_duration(v.elapsed_secs)
            };
            vec![
                v.display_id.clone(),
                v.partition.clone().unwrap_or_default(),
                v.name.clone(),
                v.user.clone(),
                JobState::parse(v.state)
                    .map_or(v.state, JobState::short_code)
                    .to_string(),
                time,
                if v.nodes.is_empty() {
                    v.node_count.to_string()
                } else {
                    v.nodes.len().to_string()
                },
                v.nodelist_or_reason(),
            ]
        })
        .collect();
    let headers = [
        "JOBID",
        "PARTITION",
        "NAME",
        "USER",
        "ST",
        if start { "START_TIME" } else { "TIME" },
        "NODES",
        "NODELIST(REASON)",
    ];
    let text = columns(&headers, &rows, &[2, 7, 1, 3]);
    if noheader {
        text.lines().skip(1).map(|l| format!("{l}\n")).collect()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::job::test_job;
    use crate::view::NodeNames;

    #[test]
    fn squeue_columns_and_codes() {
        let mut v = JobView::new(&test_job(5, "ada"), &NodeNames::new(), 0);
        v.partition = Some("gpu".into());
        v.reason = Some("Priority".into());
        let text = table(&[v.clone()], false, false);
        let lines: Vec<Vec<&str>> = text
            .lines()
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(
            lines[0],
            [
                "JOBID",
                "PARTITION",
                "NAME",
                "USER",
                "ST",
                "TIME",
                "NODES",
                "NODELIST(REASON)"
            ]
        );
        assert_eq!(
            lines[1],
            ["5", "gpu", "ada", "PD", "0:00", "1", "(Priority)"]
        );
        let bare = table(&[v], true, true);
        assert_eq!(bare.lines().count(), 1);
        assert!(bare.contains("N/A"), "{bare}");
    }

    #[test]
    fn all_means_every_state() {
        assert_eq!(
            states(&["all".into()], false).unwrap().len(),
            JobState::ALL.len()
        );
        assert_eq!(states(&[], true).unwrap(), [JobState::Pending]);
        assert_eq!(states(&["R".into()], false).unwrap(), [JobState::Running]);
    }
}
