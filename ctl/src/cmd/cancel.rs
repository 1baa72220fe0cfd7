//! `corral cancel ID... [--user U] [--state S]` (scancel): cancels jobs by id (`42`; `42_3` for
//! one array element; an array's job id cancels all its elements still pending or running), or
//! every pending/running job matching the filters. With both, only the ids that match. Each job
//! cancelled is printed; one that had already ended is a warning. Exit 1 if any cancel was refused.

use crate::client::{Client, ClusterArgs};
use crate::exit::{finish, Failure};
use crate::filter::{state_names, JobFilterArgs};
use crate::job_ref::JobRef;
use crate::user;
use crate::view;
use corral_model::{Job, JobState};
use corral_proto::v1::CancelRequest;
use std::process::ExitCode;

/// Cancel jobs
#[derive(clap::Args)]
pub struct CancelArgs {
    /// Job ids: 42, or 42_3 for one array element
    #[arg(value_name = "ID")]
    ids: Vec<String>,
    #[command(flatten)]
    filter: JobFilterArgs,
    /// Send this signal instead of cancelling (not supported yet)
    #[arg(long, short = 's', value_name = "SIGNAL")]
    signal: Option<String>,
    #[command(flatten)]
    cluster: ClusterArgs,
}

const ACTIVE: [JobState; 3] = [JobState::Pending, JobState::Running, JobState::Completing];

pub fn run(args: CancelArgs) -> ExitCode {
    finish("cancel", cancel(&args))
}

fn cancel(args: &CancelArgs) -> Result<(), Failure> {
    if let Some(signal) = &args.signal {
        return Err(Failure::usage(format!(
            "--signal {signal}: not supported yet (the Cancel call carries no signal); \
             a cancel sends SIGTERM, then SIGKILL after the agent's grace time"
        )));
    }
    if args.ids.is_empty() && args.filter.is_empty() {
        return Err(Failure::usage(
            "name the jobs: give job ids, or --user/--state/--partition/--account to cancel \
             every matching job",
        ));
    }
    let refs: Vec<JobRef> = args
        .ids
        .iter()
        .map(|id| JobRef::parse(id))
        .collect::<Result<_, _>>()?;
    let states = args.filter.states_or(&ACTIVE)?;
    let mut client = Client::new(&args.cluster)?;
    let active = view::jobs(&client.list_jobs("", &state_names(&ACTIVE))?)?;
    let targets = targets(&refs, &active, args, &states)?;
    if targets.is_empty() {
        eprintln!("corral cancel: no pending or running job matches");
        return Ok(());
    }
    let caller = user::current();
    let mut refused = Vec::new();
    for (id, shown) in targets {
        let request = CancelRequest {
            user: caller.clone(),
            job_id: id,
        };
        let result = client.call(|mut c| {
            let request = request.clone();
            async move { c.cancel(request).await }
        });
        match result {
            Ok(reply) if reply.changed => println!("Cancelled job {shown}"),
            Ok(_) => eprintln!("corral cancel: job {shown} was already ending or ended"),
            Err(Failure::Refused(why)) => {
                eprintln!("corral cancel: job {shown}: {why}");
                refused.push(shown);
            }
            Err(other) => return Err(other),
        }
    }
    if refused.is_empty() {
        Ok(())
    } else {
        Err(Failure::refused(format!(
            "{} job(s) not cancelled: {}",
            refused.len(),
            refused.join(", ")
        )))
    }
}

/// The job ids to cancel, with the id to print, in the order given (by id for filters).
fn targets(
    refs: &[JobRef],
    active: &[Job],
    args: &CancelArgs,
    states: &[JobState],
) -> Result<Vec<(u64, String)>, Failure> {
    let matches = |job: &Job| args.filter.matches(job, states);
    if refs.is_empty() {
        let mut found: Vec<&Job> = active.iter().filter(|j| matches(j)).collect();
        found.sort_by_key(|j| j.id);
        return Ok(found.iter().map(|j| (j.id.0, j.display_id())).collect());
    }
    let mut targets: Vec<(u64, String)> = Vec::new();
    for wanted in refs {
        let elements: Vec<&Job> = active.iter().filter(|j| wanted.has_element(j)).collect();
        let found: Vec<(u64, String)> = if !elements.is_empty() {
            elements
                .into_iter()
                .filter(|j| matches(j))
                .map(|j| (j.id.0, j.display_id()))
                .collect()
        } else if let Some(job) = active.iter().find(|j| wanted.is(j)) {
            if matches(job) {
                vec![(job.id.0, job.display_id())]
            } else {
                eprintln!(
                    "corral cancel: job {wanted} ({}, user {}) does not match the filters; skipped",
                    job.state, job.user
                );
                Vec::new()
            }
        } else {
            match wanted {
                // Not pending or running: the scheduler says whether it ended or never existed.
                JobRef::Id(id) => vec![(*id, id.to_string())],
                JobRef::Element { .. } => {
                    return Err(Failure::refused(format!(
                        "job {wanted}: no such pending or running array element"
                    )))
                }
            }
        };
        for target in found {
            if !targets.iter().any(|(id, _)| *id == target.0) {
                targets.push(target);
            }
        }
    }
    Ok(targets)
}
