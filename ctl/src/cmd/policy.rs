//! `corral policy check FILE`: validates an admin policy file offline, with no cluster. Every
//! error names the file, line and key. `diff`, `apply` and `show` need a running cluster and
//! say so (issue 7).

use clap::{Args, Subcommand};
use corral_policies::config::parse_policy;
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
    /// Show the change a policy file would make (not built yet: issue 7)
    Diff { file: PathBuf },
    /// Apply a policy file to the running cluster (not built yet: issue 7)
    Apply { file: PathBuf },
    /// Show the cluster's current policy (not built yet: issue 7)
    Show,
}

pub fn run(args: PolicyArgs) -> ExitCode {
    match args.command {
        PolicyCommand::Check { file } => check(&file),
        PolicyCommand::Diff { .. } => not_built("diff"),
        PolicyCommand::Apply { .. } => not_built("apply"),
        PolicyCommand::Show => not_built("show"),
    }
}

fn check(file: &PathBuf) -> ExitCode {
    let name = file.display().to_string();
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("corral policy check: {name}: {e}");
            return ExitCode::from(1);
        }
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
            ExitCode::from(1)
        }
    }
}

fn not_built(what: &str) -> ExitCode {
    eprintln!("corral policy {what}: needs a running cluster; not built yet (issue 7)");
    ExitCode::from(crate::cmd::not_built::EXIT_NOT_BUILT)
}
