//! `corral explain JOB`: why a job is pending, in plain language with its numbers (the leader's
//! last scheduling pass), what would let it start, and its priority factor by factor. For a job
//! that is not pending it says its state: running since when and where, or how it ended.
//! `--json` prints one object (`ctl/JSON.md`, "Explain").

use crate::client::{Client, ClusterArgs};
use crate::exit::{finish, Failure};
use crate::human::{approx_duration, number, relative, timestamp, wrap};
use crate::job_ref::JobRef;
use crate::table::{columns, MAX_WIDTH};
use crate::view::job::JobView;
use crate::view::pending::{pass_time, PendingView, PriorityView};
use crate::view::{self, print_json};
use serde::Serialize;
use std::process::ExitCode;

/// Why a job is pending, and what would let it start
#[derive(clap::Args)]
pub struct ExplainArgs {
    /// The job: 42, or 42_3 for element 3 of array 42
    #[arg(value_name = "JOB")]
    job: String,
    /// Print the explanation as JSON (see ctl/JSON.md)
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    cluster: ClusterArgs,
}

#[derive(Serialize)]
struct ExplainJson {
    id: u64,
    display_id: String,
    state: String,
    /// When the leader's last scheduling pass ran; `null` before its first.
    pass_time: Option<u64>,
    /// Set while the job is pending.
    pending: Option<PendingView>,
    /// The paragraph the table form prints.
    explanation: String,
}

pub fn run(args: ExplainArgs) -> ExitCode {
    finish("explain", explain(&args))
}

fn explain(args: &ExplainArgs) -> Result<(), Failure> {
    let wanted = JobRef::parse(&args.job)?;
    let mut client = Client::new(&args.cluster)?;
    let id = match wanted {
        JobRef::Id(id) => id,
        JobRef::Element { .. } => view::jobs(&client.list_jobs("", &[])?)?
            .iter()
            .find(|job| wanted.is(job))
            .map(|job| job.id.0)
            .ok_or_else(|| Failure::refused(format!("job {wanted}: no such job")))?,
    };
    let reply = client.explain(id)?;
    let job = view::jobs(&[client.get_job(id)?])?.remove(0);
    let names = if job.allocation.is_some() {
        view::node_names(&view::nodes(&client.list_nodes()?)?)
    } else {
        view::NodeNames::new()
    };
    let now = view::now_secs();
    let job_view = JobView::new(&job, &names, now);
    let pending = reply.pending.as_ref().map(PendingView::new);
    let explanation = match &pending {
        Some(p) => pending_text(&job_view, p, now),
        None => not_pending_text(&job_view, now),
    };
    let pass = pass_time(reply.pass_secs);
    if args.json {
        return print_json(&ExplainJson {
            id,
            display_id: job_view.display_id,
            state: reply.state,
            pass_time: pass,
            pending,
            explanation,
        });
    }
    print!("{}", wrap(&explanation, MAX_WIDTH));
    if let Some(p) = &pending {
        let source = match pass {
            Some(at) => format!(
                "from the leader's scheduling pass {} ({})",
                relative(at, now),
                timestamp(at)
            ),
            None => "no scheduling pass has run on this leader yet".into(),
        };
        println!("\nReason code {}, {source}.\n", p.reason);
        print!("{}", priority_table(&p.priority));
    }
    Ok(())
}

/// "Job 42 is pending: <detail>. <what would let it start>"
fn pending_text(job: &JobView, p: &PendingView, now: u64) -> String {
    let detail = p.detail.trim().trim_end_matches('.');
    let detail = if detail.is_empty() {
        p.reason.as_str()
    } else {
        detail
    };
    let next = what_lets_it_start(job, p, now);
    let mut text = format!("Job {} is pending: {detail}.", job.display_id);
    if !next.is_empty() {
        text.push(' ');
        text.push_str(&next);
    }
    text
}

/// What would let a pending job start, from its reason code.
fn what_lets_it_start(job: &JobView, p: &PendingView, now: u64) -> String {
    let id = &job.display_id;
    let ahead = match p.ahead {
        0 => None,
        1 => Some("1 job of higher priority is ahead of it".to_string()),
        n => Some(format!("{n} jobs of higher priority are ahead of it")),
    };
    let planned = p.reserved_start_time.map(|t| {
        format!(
            "backfill expects it to start at {} ({})",
            timestamp(t),
            relative(t.max(now), now)
        )
    });
    let sentence = |first: &str, rest: Vec<Option<String>>| {
        let parts: Vec<String> = std::iter::once(Some(first.to_string()))
            .chain(rest)
            .flatten()
            .collect();
        format!("{}.", parts.join("; "))
    };
    match p.reason.as_str() {
        "Resources" => sentence("It starts when enough GPUs free up", vec![ahead, planned]),
        "Priority" => sentence(
            "The resources exist, but jobs of higher priority hold or have reserved them; it \
             starts once they have started, and its priority grows with its age while it waits",
            vec![ahead, planned],
        ),
        "Dependency" => format!(
            "It starts once its dependencies are satisfied (`corral show job {id}` lists them)."
        ),
        "DependencyNeverSatisfied" => format!(
            "It can never start: a dependency can no longer be met. Cancel it (`corral cancel \
             {id}`) and submit it again without that dependency."
        ),
        "BeginTime" => format!(
            "It becomes eligible at its --begin time, {} ({}).",
            timestamp(job.eligible_time),
            relative(job.eligible_time.max(now), now)
        ),
        "NeverFits" => format!(
            "It can never start as asked: ask for fewer GPUs/nodes or another partition (cancel \
             it with `corral cancel {id}` and submit again)."
        ),
        "Limit" => "It starts when that limit has room again: when running jobs counted \
                    against it end, or when an admin raises it."
            .into(),
        "JobArrayTaskLimit" | "ArrayTaskLimit" => {
            "It starts when another element of its array ends (the array's %N throttle).".into()
        }
        "Preempting" => {
            "It starts once the jobs being preempted for it have released their resources.".into()
        }
        "NotConsidered" => sentence(
            "The last scheduling pass stopped before reaching it (the policy's \
             max_jobs_considered); it is considered as the jobs ahead of it start, or when an \
             admin raises that limit",
            vec![ahead],
        ),
        "InvalidPolicy" | "NeverPolicy" => {
            "It can never start under the current policy: its partition, QoS or account is not \
             valid. Submit it again with valid ones, or ask an admin to change the policy."
                .into()
        }
        "NotYetConsidered" => {
            "Ask again in a moment: a pass runs as soon as the scheduler is woken by a change."
                .into()
        }
        _ => String::new(),
    }
}

/// The state of a job that is not pending: running since when and where, or how it ended.
fn not_pending_text(job: &JobView, now: u64) -> String {
    let id = &job.display_id;
    let since = |t: u64| format!("{} ({})", timestamp(t), relative(t, now));
    match job.state {
        "RUNNING" => {
            let mut text = format!("Job {id} is not pending: it is running");
            if let Some(start) = job.start_time {
                text.push_str(&format!(" since {}", since(start)));
            }
            if !job.nodes.is_empty() {
                text.push_str(&format!(" on {}", job.nodes.join(", ")));
            }
            text.push_str(&format!(" with {} GPU(s)", job.gpus));
            if let Some(ending) = job.ending {
                text.push_str(&format!(
                    "; it is being ended ({})",
                    ending.replace('_', " ")
                ));
            }
            text.push('.');
            text
        }
        "COMPLETING" => format!(
            "Job {id} is not pending: it is completing (its processes are being ended) after \
             running {}.",
            approx_duration(job.elapsed_secs)
        ),
        "PENDING" => format!("Job {id} is pending; the scheduler sent no reason for it."),
        state => {
            let mut text = format!("Job {id} is not pending: it ended {state}");
            if let Some(end) = job.end_time {
                text.push_str(&format!(" at {}", since(end)));
            }
            if job.start_time.is_some() {
                text.push_str(&format!(
                    " after running {}",
                    approx_duration(job.elapsed_secs)
                ));
                if let Some(exit) = &job.exit {
                    match (exit.exit_code, exit.signal) {
                        (_, Some(signal)) => text.push_str(&format!(", killed by signal {signal}")),
                        (Some(code), None) => text.push_str(&format!(", exit code {code}")),
                        (None, None) => {}
                    }
                }
            } else {
                text.push_str(" before it started");
            }
            text.push('.');
            text
        }
    }
}

/// `Priority N:` then one row per factor: its normalised value and weighted contribution.
fn priority_table(priority: &PriorityView) -> String {
    let rows: Vec<Vec<String>> = priority
        .factors
        .iter()
        .map(|f| {
            vec![
                f.name.clone(),
                format!("{:.4}", f.value),
                number(f.weighted),
            ]
        })
        .collect();
    format!(
        "Priority {} (the sum of the weighted factors, as of now):\n{}",
        number(priority.total),
        columns(&["FACTOR", "VALUE", "WEIGHTED"], &rows, &[])
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::job::test_job;
    use crate::view::NodeNames;

    fn pending(reason: &str, ahead: u32, reserved: Option<u64>) -> PendingView {
        PendingView {
            reason: reason.into(),
            detail: "needs 1 node × 16 GPUs; the largest node has 8.".into(),
            ahead,
            reserved_start_time: reserved,
            priority: PriorityView::default(),
        }
    }

    #[test]
    fn resources_say_what_is_ahead_and_when_backfill_expects_it() {
        let job = JobView::new(&test_job(42, "ada"), &NodeNames::new(), 0);
        let text = pending_text(&job, &pending("Resources", 3, Some(7800)), 0);
        assert_eq!(
            text,
            "Job 42 is pending: needs 1 node × 16 GPUs; the largest node has 8. It \
             starts when enough GPUs free up; 3 jobs of higher priority are ahead of it; backfill \
             expects it to start at 1970-01-01T02:10:00Z (in 2h10m)."
        );
    }

    #[test]
    fn never_fits_says_how_to_ask_instead() {
        let job = JobView::new(&test_job(7, "ada"), &NodeNames::new(), 0);
        let text = pending_text(&job, &pending("NeverFits", 0, None), 0);
        assert!(text.contains("can never start as asked"), "{text}");
        assert!(
            text.contains("fewer GPUs/nodes or another partition"),
            "{text}"
        );
        for reason in [
            "Priority",
            "Dependency",
            "DependencyNeverSatisfied",
            "BeginTime",
            "Limit",
            "JobArrayTaskLimit",
            "NotConsidered",
            "InvalidPolicy",
            "NotYetConsidered",
            "Preempting",
        ] {
            let p = pending(reason, 0, None);
            assert!(!what_lets_it_start(&job, &p, 0).is_empty(), "{reason}");
        }
    }

    #[test]
    fn ended_jobs_say_how() {
        let mut job = test_job(9, "ada");
        job.state = corral_model::JobState::Failed;
        job.start_secs = Some(100);
        job.end_secs = Some(400);
        job.exit = Some(corral_model::ExitStatus {
            outcome: corral_model::Outcome::Failure,
            exit_code: Some(3),
            signal: None,
        });
        let view = JobView::new(&job, &NodeNames::new(), 1000);
        assert_eq!(
            not_pending_text(&view, 1000),
            "Job 9 is not pending: it ended FAILED at 1970-01-01T00:06:40Z (10m ago) after \
             running 5m, exit code 3."
        );
    }
}
