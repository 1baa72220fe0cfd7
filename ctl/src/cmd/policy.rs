//! `corral policy check FILE`: validates an admin policy file offline, with no cluster. Every
//! error names the file, line and key. `corral policy apply FILE` runs the same check, then
//! sends the file to the cluster, which validates it again and applies it whole or not at all.
//! `diff` and `show` are not built yet.

use crate::client::{Client, ClusterArgs};
use crate::exit::{finish, Failure};
use crate::user;
use clap::{Args, Subcommand};
use corral_policies::config::parse_policy;
use corral_proto::v1::PolicyApplyRequest;
use std::path::PathBuf;
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
    /// Show the change a policy file would make (not built yet)
    Diff { file: PathBuf },
    /// Check a policy file, then apply it to the running cluster (all of it, or nothing)
    Apply {
        file: PathBuf,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// Show the cluster's current policy (not built yet)
    Show,
}

pub fn run(args: PolicyArgs) -> ExitCode {
    match args.command {
        PolicyCommand::Check { file } => check(&file),
        PolicyCommand::Diff { .. } => not_built("diff"),
        PolicyCommand::Apply { file, cluster } => apply(&file, &cluster),
        PolicyCommand::Show => not_built("show"),
    }
}

fn check(file: &PathBuf) -> ExitCode {
    let name = file.display().to_string();
    let text = match read(file) {
        Ok(text) => text,
        Err(e) => return finish("policy check", Err(e)),
    };
    match parse_policy(&name, &text) {
        Ok(policy) => {
            println!(
                "{name}: valid ({} partitions, {} QoS, {} accounts, {} users)",
                policy.partitions.len(),
                policy.qos.len(),
                policy.accounts.len(),
                policy.users.len()
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for e in errors.iter() {
                eprintln!("{e}");
            }
            eprintln!("{name}: {} error(s); nothing was applied", errors.len());
            ExitCode::from(crate::exit::EXIT_REFUSED)
        }
    }
}

fn apply(file: &PathBuf, cluster: &ClusterArgs) -> ExitCode {
    let name = file.display().to_string();
    let text = match read(file) {
        Ok(text) => text,
        Err(e) => return finish("policy apply", Err(e)),
    };
    if let Err(errors) = parse_policy(&name, &text) {
        for e in errors.iter() {
            eprintln!("{e}");
        }
        eprintln!("{name}: {} error(s); nothing was applied", errors.len());
        return ExitCode::from(crate::exit::EXIT_REFUSED);
    }
    let request = PolicyApplyRequest {
        user: user::current(),
        text,
    };
    let sent = Client::new(cluster).and_then(|mut client| {
        client.call(|mut c| {
            let request = request.clone();
            async move { c.policy_apply(request).await }
        })
    });
    finish(
        "policy apply",
        sent.map(|reply| {
            println!(
                "{name}: applied; the cluster's policy is now version {}",
                reply.version
            )
        }),
    )
}

fn read(file: &PathBuf) -> Result<String, Failure> {
    std::fs::read_to_string(file).map_err(|e| Failure::refused(format!("{}: {e}", file.display())))
}

fn not_built(what: &str) -> ExitCode {
    eprintln!("corral policy {what}: not built yet (needs the CLI side of PolicyGet)");
    ExitCode::from(crate::cmd::not_built::EXIT_NOT_BUILT)
}
