//! `corral cluster status`: which scheduler answered, its role, the leader, the members, the
//! term and applied index, job counts and the policy version; `--json` prints one object
//! (`ctl/JSON.md`). `cluster add ID ADDR` adds a scheduler node (a learner that catches up, then
//! a voter) and `cluster remove ID` removes one, through Raft; both print the voters after.

use crate::client::{Client, ClusterArgs};
use crate::exit::{finish, Failure};
use crate::table::key_value;
use crate::user;
use crate::view::print_json;
use clap::Subcommand;
use corral_proto::v1::{AddMemberRequest, Member, RemoveMemberRequest};
use serde::Serialize;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ClusterCmdArgs {
    #[command(subcommand)]
    command: ClusterCommand,
}

#[derive(Subcommand)]
enum ClusterCommand {
    /// The scheduler cluster: leader, members, term, job counts, policy version
    Status {
        /// Print the status as JSON (see ctl/JSON.md)
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// Add a scheduler node: it joins as a learner, catches up, then votes
    Add {
        /// Its Raft id: unique, never used before
        id: u64,
        /// Where the other schedulers reach it, HOST:PORT
        addr: String,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// Remove a scheduler node from the voters
    Remove {
        /// Its Raft id
        id: u64,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
}

#[derive(Serialize)]
struct StatusJson {
    /// The Raft id of the scheduler that answered (a read is not sent on to the leader).
    node_id: u64,
    /// Its address as this CLI reached it.
    answered_by: Option<String>,
    role: String,
    leader_id: Option<u64>,
    leader_addr: Option<String>,
    term: u64,
    last_applied_index: u64,
    members: Vec<MemberJson>,
    next_job_id: u64,
    pending_jobs: u64,
    running_jobs: u64,
    /// `null` when the scheduler does not report it.
    policy_version: Option<u64>,
    policy_source: Option<String>,
}

#[derive(Serialize)]
struct MemberJson {
    id: u64,
    addr: String,
}

pub fn run(args: ClusterCmdArgs) -> ExitCode {
    match args.command {
        ClusterCommand::Status { json, cluster } => {
            finish("cluster status", status(json, &cluster))
        }
        ClusterCommand::Add { id, addr, cluster } => {
            finish("cluster add", add(id, &addr, &cluster))
        }
        ClusterCommand::Remove { id, cluster } => finish("cluster remove", remove(id, &cluster)),
    }
}

fn add(id: u64, addr: &str, cluster: &ClusterArgs) -> Result<(), Failure> {
    let request = AddMemberRequest {
        user: user::current(),
        id,
        addr: addr.to_string(),
    };
    let reply = Client::new(cluster)?.call(|mut c| {
        let request = request.clone();
        async move { c.add_member(request).await }
    })?;
    println!("Added scheduler node {id} at {addr}.");
    print!("{}", members_text(&reply.members));
    Ok(())
}

fn remove(id: u64, cluster: &ClusterArgs) -> Result<(), Failure> {
    let request = RemoveMemberRequest {
        user: user::current(),
        id,
    };
    let reply = Client::new(cluster)?.call(|mut c| {
        let request = request.clone();
        async move { c.remove_member(request).await }
    })?;
    println!("Removed scheduler node {id}.");
    print!("{}", members_text(&reply.members));
    Ok(())
}

/// `Voting members: N` and one `  ID at ADDR` line each.
fn members_text(members: &[Member]) -> String {
    let mut text = format!("Voting members: {}\n", members.len());
    for m in members {
        text.push_str(&format!("  {} at {}\n", m.id, m.addr));
    }
    text
}

fn status(json: bool, cluster: &ClusterArgs) -> Result<(), Failure> {
    let mut client = Client::new(cluster)?;
    let reply = client.cluster_status()?;
    let answered_by = client.answered_by();
    let policy = client.policy()?;
    let status = StatusJson {
        node_id: reply.node_id,
        answered_by,
        role: reply.role,
        leader_id: Some(reply.leader_id).filter(|id| *id != 0),
        leader_addr: Some(reply.leader_addr).filter(|a| !a.is_empty()),
        term: reply.term,
        last_applied_index: reply.last_applied_index,
        members: reply
            .members
            .into_iter()
            .map(|m| MemberJson {
                id: m.id,
                addr: m.addr,
            })
            .collect(),
        next_job_id: reply.next_job_id,
        pending_jobs: reply.pending_jobs,
        running_jobs: reply.running_jobs,
        policy_version: policy.as_ref().map(|p| p.version),
        policy_source: policy.map(|p| p.source),
    };
    if json {
        return print_json(&status);
    }
    print!("{}", table(&status));
    Ok(())
}

fn table(s: &StatusJson) -> String {
    let members: Vec<String> = s
        .members
        .iter()
        .map(|m| format!("{} at {}", m.id, m.addr))
        .collect();
    let leader = match (s.leader_id, &s.leader_addr) {
        (Some(id), Some(addr)) => format!("{id} at {addr}"),
        (Some(id), None) => id.to_string(),
        _ => "none known".into(),
    };
    let policy = match (s.policy_version, &s.policy_source) {
        (Some(v), Some(source)) => format!("version {v} ({source})"),
        _ => "not reported by this scheduler".into(),
    };
    key_value(&[
        (
            "answered by",
            format!(
                "node {} ({}) at {}",
                s.node_id,
                s.role,
                s.answered_by.as_deref().unwrap_or("?")
            ),
        ),
        ("leader", leader),
        ("members", members.join(", ")),
        ("term", s.term.to_string()),
        ("applied index", s.last_applied_index.to_string()),
        (
            "jobs",
            format!("{} pending, {} running", s.pending_jobs, s.running_jobs),
        ),
        ("next job id", s.next_job_id.to_string()),
        ("policy", policy),
    ])
}
