//! `corral cancel ID... [--user U] [--state S] [--signal SIG]` (scancel): cancels jobs by id
//! (`42`; `42_3` for one array element; an array's job id cancels all its elements still pending
//! or running), or every pending/running job matching the filters. With both, only the ids that
//! match. Each job cancelled is printed; one that had already ended is a warning. With `--signal`
//! the running ones are only sent that signal, on every node (as `scancel --full --signal`).
//! Exit 1 if any was refused.

use crate::client::{Client, ClusterArgs};
use crate::exit::{finish, Failure};
use crate::filter::{state_names, JobFilterArgs};
use crate::job_ref::JobRef;
use crate::user;
use crate::view;
use corral_model::script::parse_signal_name;
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
    /// Only send this signal (USR1, SIGTERM, 10, ...) to every process of the running jobs,
    /// on every node, instead of cancelling them
    #[arg(long, short = 's', value_name = "SIGNAL")]
    signal: Option<String>,
    #[command(flatten)]
    cluster: ClusterArgs,
}

const ACTIVE: [JobState; 3] = [JobState::Pending, JobState::Running, JobState::Completing];
/// What `--signal` reaches unless `--state` says otherwise.
const RUNNING: [JobState; 2] = [JobState::Running, JobState::Completing];

pub fn run(args: CancelArgs) -> ExitCode {
    finish("cancel", cancel(&args))
}

fn cancel(args: &CancelArgs) -> Result<(), Failure> {
    let signal = match &args.signal {
        Some(text) => Some(
            parse_signal_name(text).map_err(|e| Failure::usage(format!("--signal {text}: {e}")))?,
        ),
        None => None,
    };
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
    let default_states: &[JobState] = if signal.is_some() { &RUNNING } else { &ACTIVE };
    let states = args.filter.states_or(default_states)?;
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
            signal: signal.as_ref().map_or(0, |(number, _)| *number),
        };
        let result = client.call(|mut c| {
            let request = request.clone();
            async move { c.cancel(request).await }
        });
        match result {
            Ok(_) if signal.is_some() => {
                let name = signal.as_ref().map_or("", |(_, name)| name.as_str());
                println!("Sent SIG{name} to job {shown}");
            }
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
            "{} job(s) not {}: {}",
            refused.len(),
            if signal.is_some() {
                "signalled"
            } else {
                "cancelled"
            },
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
