//! `corral submit`: reads a batch script (or `--wrap CMD`) with sbatch's options. With `--dry-run`
//! it prints the job it would submit, as a table or (`--json`) one JSON object, and needs no
//! cluster. Submitting to a cluster is not built yet (issue 5).

use crate::job_table;
use anyhow::Context;
use corral_model::script::{
    parse_script, parse_wrap, split_submit_args, ParsedScript, ScriptError, SubmitArgs as Split,
};
use serde::Serialize;
use std::process::ExitCode;

const EXIT_INVALID: u8 = 1;
const EXIT_NOT_BUILT: u8 = super::not_built::EXIT_NOT_BUILT;

const AFTER_HELP: &str = "\
sbatch options may come before or after the script; the script's own arguments follow it
(or follow --). The same options work in #SBATCH and #CORRAL directives: #CORRAL overrides
#SBATCH, and the command line overrides both.

Supported sbatch options:
  -J/--job-name  -p/--partition  -q/--qos  -A/--account  -N/--nodes  -n/--ntasks
  --ntasks-per-node  -c/--cpus-per-task  --mem  --mem-per-cpu  --mem-per-gpu  --gres
  -G/--gpus  --gpus-per-node  --gpus-per-task  -t/--time  -a/--array  -d/--dependency
  -o/--output  -e/--error  --requeue  --no-requeue  --signal  --exclusive  -C/--constraint
  --nice  -b/--begin  -D/--chdir  --export  --comment  --container-image  --mail-type
  --mail-user  --reservation  -w/--nodelist  -x/--exclude  --wrap";

/// Submit a batch script (sbatch semantics)
#[derive(clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct SubmitArgs {
    /// Read the script and print the job it makes; submit nothing (needs no cluster)
    #[arg(long)]
    dry_run: bool,
    /// With --dry-run, print the job as one JSON object (times in seconds, memory in MiB)
    #[arg(long)]
    json: bool,
    /// The script, sbatch options, and the script's arguments
    #[arg(
        value_name = "SCRIPT [OPTIONS] [ARGS]",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    args: Vec<String>,
}

/// The JSON form of a dry run.
#[derive(Serialize)]
struct DryRun<'a> {
    /// The script's path; `null` for `--wrap`.
    script: Option<&'a str>,
    script_args: &'a [String],
    shell: &'a str,
    /// The job's name: `--job-name`, else the script's file name, else `wrap`.
    name: String,
    spec: &'a corral_model::JobSpec,
}

pub fn run(mut args: SubmitArgs) -> ExitCode {
    take_own_flags(&mut args);
    let (split, parsed) = match read(&args.args) {
        Ok(read) => read,
        Err(err) => {
            eprintln!("corral submit: error: {err:#}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    for warning in &parsed.warnings {
        eprintln!("corral submit: warning: {warning}");
    }
    if !args.dry_run {
        eprintln!(
            "corral submit: the script is valid, but submitting to a cluster is not built yet \
             (issue 5); use --dry-run to see the job"
        );
        return ExitCode::from(EXIT_NOT_BUILT);
    }
    let name = job_name(&parsed, split.script.as_deref());
    if args.json {
        let dry_run = DryRun {
            script: split.script.as_deref(),
            script_args: &split.script_args,
            shell: &parsed.shell,
            name,
            spec: &parsed.spec,
        };
        match serde_json::to_string_pretty(&dry_run) {
            Ok(json) => println!("{json}"),
            Err(err) => {
                eprintln!("corral submit: error: cannot write JSON: {err}");
                return ExitCode::from(EXIT_INVALID);
            }
        }
    } else {
        print!(
            "{}",
            job_table::render(&parsed, split.script.as_deref(), &split.script_args, &name)
        );
    }
    ExitCode::SUCCESS
}

/// `--dry-run` and `--json` may also follow the script (clap stops at the first free word);
/// they are Corral's own and are taken out before the sbatch options are read.
fn take_own_flags(args: &mut SubmitArgs) {
    let end = args
        .args
        .iter()
        .position(|a| a == "--")
        .unwrap_or(args.args.len());
    let mut kept = Vec::with_capacity(args.args.len());
    for (i, arg) in args.args.drain(..).enumerate() {
        match arg.as_str() {
            "--dry-run" if i < end => args.dry_run = true,
            "--json" if i < end => args.json = true,
            _ => kept.push(arg),
        }
    }
    args.args = kept;
}

fn read(args: &[String]) -> anyhow::Result<(Split, ParsedScript)> {
    let split = split_submit_args(args)?;
    let parsed = match (&split.wrap, &split.script) {
        (Some(command), _) => parse_wrap(command, &split.options)?,
        (None, Some(path)) => {
            let bytes = std::fs::read(path).with_context(|| format!("cannot read {path}"))?;
            parse_script(&bytes, &split.options).with_context(|| path.clone())?
        }
        (None, None) => return Err(ScriptError::NoScript.into()),
    };
    Ok((split, parsed))
}

/// sbatch's default name: the script's file name, or `wrap`.
fn job_name(parsed: &ParsedScript, script: Option<&str>) -> String {
    if let Some(name) = &parsed.spec.name {
        return name.clone();
    }
    match script {
        Some(path) => std::path::Path::new(path)
            .file_name()
            .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned()),
        None => "wrap".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lists_every_supported_option() {
        for name in corral_model::script::option_names() {
            let listed = AFTER_HELP
                .split_whitespace()
                .any(|word| word.split('/').any(|form| form == format!("--{name}")));
            assert!(listed, "--{name} is missing from the help");
        }
    }

    #[test]
    fn own_flags_are_taken_out_only_before_double_dash() {
        let mut args = SubmitArgs {
            dry_run: false,
            json: false,
            args: ["job.sh", "--json", "-t", "5", "--dry-run", "--", "--json"]
                .map(String::from)
                .to_vec(),
        };
        take_own_flags(&mut args);
        assert!(args.dry_run && args.json);
        assert_eq!(args.args, ["job.sh", "-t", "5", "--", "--json"]);
    }
}
