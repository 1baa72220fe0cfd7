//! `corral policy`: `check FILE` validates an admin policy file offline, with no cluster (every
//! error names the file, line and key); `show` prints the policy in force with a header saying
//! its version and source (`--json`: one object); `diff FILE` checks FILE, then prints a line
//! diff from the policy in force to it ("no change" when they are the same); `apply FILE` checks
//! it, then sends it to the cluster, which validates it again and applies it through Raft, whole
//! or not at all.

use crate::client::{Client, ClusterArgs};
use crate::diff;
use crate::exit::{finish, Failure, EXIT_REFUSED};
use crate::style::{paint, Colour};
use crate::user;
use crate::view::print_json;
use clap::{Args, Subcommand};
use corral_policies::config::parse_policy;
use corral_policies::Policy;
use corral_proto::v1::{PolicyApplyRequest, PolicyGetReply};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    command: PolicyCommand,
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Validate a policy file offline; prints every error with its line and key
    Check { file: PathBuf },
    /// Check a policy file, then show how it differs from the policy in force
    Diff {
        file: PathBuf,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// Check a policy file, then apply it to the running cluster (all of it, or nothing)
    Apply {
        file: PathBuf,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// Show the policy in force, its version and where it comes from
    Show {
        /// Print `{"version", "source", "text"}` (see ctl/JSON.md)
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
}

/// `policy show --json`.
#[derive(Serialize)]
struct ShowJson {
    version: u64,
    source: String,
    text: String,
}

/// Lines of context around each change in `diff`.
const CONTEXT: usize = 3;

pub fn run(args: PolicyArgs) -> ExitCode {
    match args.command {
        PolicyCommand::Check { file } => match checked(&file, "policy check") {
            Ok((_, policy)) => {
                println!("{}: valid ({})", file.display(), summary(&policy));
                ExitCode::SUCCESS
            }
            Err(code) => code,
        },
        PolicyCommand::Diff { file, cluster } => match checked(&file, "policy diff") {
            Ok((text, _)) => finish("policy diff", diff(&file, &text, &cluster)),
            Err(code) => code,
        },
        PolicyCommand::Apply { file, cluster } => match checked(&file, "policy apply") {
            Ok((text, _)) => finish("policy apply", apply(&file, text, &cluster)),
            Err(code) => code,
        },
        PolicyCommand::Show { json, cluster } => finish("policy show", show(json, &cluster)),
    }
}

/// The file's text and policy, or (having printed every error) exit code 1.
fn checked(file: &Path, command: &str) -> Result<(String, Policy), ExitCode> {
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file)
        .map_err(|e| finish(command, Err(Failure::refused(format!("{name}: {e}")))))?;
    match parse_policy(&name, &text) {
        Ok(policy) => Ok((text, policy)),
        Err(errors) => {
            for e in errors.iter() {
                eprintln!("{e}");
            }
            eprintln!("{name}: {} error(s); nothing was applied", errors.len());
            Err(ExitCode::from(EXIT_REFUSED))
        }
    }
}

fn summary(policy: &Policy) -> String {
    format!(
        "{} partitions, {} QoS, {} accounts, {} users",
        policy.partitions.len(),
        policy.qos.len(),
        policy.accounts.len(),
        policy.users.len()
    )
}

fn in_force(cluster: &ClusterArgs) -> Result<PolicyGetReply, Failure> {
    Client::new(cluster)?
        .policy()?
        .ok_or_else(|| Failure::refused("the scheduler does not serve PolicyGet (is it older?)"))
}

/// The policy in force's version and source: `version 3, source cluster`.
fn origin(reply: &PolicyGetReply) -> String {
    format!("version {}, source {}", reply.version, reply.source)
}

/// Where the policy in force comes from, in words.
fn origin_words(reply: &PolicyGetReply) -> &'static str {
    match reply.source.as_str() {
        "cluster" => "applied with `corral policy apply`",
        "file" => "the scheduler's configured policy_file",
        "defaults" => "the built-in defaults",
        _ => "as the scheduler reports it",
    }
}

fn show(json: bool, cluster: &ClusterArgs) -> Result<(), Failure> {
    let reply = in_force(cluster)?;
    if json {
        return print_json(&ShowJson {
            version: reply.version,
            source: reply.source,
            text: reply.text,
        });
    }
    println!(
        "# The policy in force: {} ({}).",
        origin(&reply),
        origin_words(&reply)
    );
    if reply.text.trim().is_empty() {
        println!(
            "# No policy text: every key has its built-in default (examples/policy.toml \
             documents each key and its default)."
        );
    } else {
        print!("{}", reply.text);
        if !reply.text.ends_with('\n') {
            println!();
        }
    }
    Ok(())
}

fn diff(file: &Path, text: &str, cluster: &ClusterArgs) -> Result<(), Failure> {
    let reply = in_force(cluster)?;
    let script = diff::lines(&reply.text, text);
    let hunks = diff::unified(&script, CONTEXT);
    if hunks.is_empty() {
        println!(
            "no change: {} matches the policy in force ({})",
            file.display(),
            origin(&reply)
        );
        return Ok(());
    }
    println!(
        "--- the policy in force ({}: {})",
        origin(&reply),
        origin_words(&reply)
    );
    println!("+++ {}", file.display());
    for line in &hunks {
        let colour = match line.chars().next() {
            Some('-') => Some(Colour::Red),
            Some('+') => Some(Colour::Green),
            Some('@') => Some(Colour::Yellow),
            _ => None,
        };
        match colour {
            Some(colour) => println!("{}", paint(line, colour)),
            None => println!("{line}"),
        }
    }
    let removed = script
        .iter()
        .filter(|l| matches!(l, diff::Line::Removed(_)))
        .count();
    let added = script
        .iter()
        .filter(|l| matches!(l, diff::Line::Added(_)))
        .count();
    println!(
        "{removed} line(s) removed, {added} added; `corral policy apply {}` applies it",
        file.display()
    );
    Ok(())
}

fn apply(file: &Path, text: String, cluster: &ClusterArgs) -> Result<(), Failure> {
    let request = PolicyApplyRequest {
        user: user::current(),
        text,
    };
    let reply = Client::new(cluster)?.call(|mut c| {
        let request = request.clone();
        async move { c.policy_apply(request).await }
    })?;
    println!(
        "{}: applied; the cluster's policy is now version {}",
        file.display(),
        reply.version
    );
    Ok(())
}
