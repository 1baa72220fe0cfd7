//! `corral submit`: reads a batch script (or `--wrap CMD`) with sbatch's options. With `--dry-run`
//! it prints the job it would submit, as a table or (`--json`) one JSON object, and needs no
//! cluster. Without it, the job goes to the cluster with what the agent needs to run it (the
//! script's text, its arguments, the submit directory and this environment) and a request id that
//! makes a retried submit harmless; it prints `Submitted batch job N` (sbatch's line), `N` with
//! `--parsable`, or `{"job_ids": [...], "duplicate": false}` with `--json`.

use crate::client::{Client, ClusterArgs};
use crate::exit::{finish, Failure};
use crate::job_table;
use crate::user;
use anyhow::Context;
use corral_model::script::{
    parse_script, parse_wrap, split_submit_args, ParsedScript, ScriptError, SubmitArgs as Split,
};
use corral_model::Launch;
use corral_proto::convert::submit_request;
use serde::Serialize;
use std::process::ExitCode;

const EXIT_INVALID: u8 = crate::exit::EXIT_REFUSED;

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
    /// Print JSON: the job (with --dry-run: times in seconds, memory in MiB), else the job ids
    #[arg(long)]
    json: bool,
    /// Print only the job id (sbatch's --parsable)
    #[arg(long)]
    parsable: bool,
    #[command(flatten)]
    cluster: ClusterArgs,
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
    if let Err(failure) = take_own_flags(&mut args) {
        return finish("submit", Err(failure));
    }
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
        return finish("submit", submit(&args, &split, parsed));
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

/// Corral's own flags (`--dry-run`, `--json`, `--parsable`, `--scheduler`, `--timeout`) may also
/// follow the script (clap stops at the first free word); they are taken out before the sbatch
/// options are read. After `--`, everything is the script's.
fn take_own_flags(args: &mut SubmitArgs) -> Result<(), Failure> {
    let words = std::mem::take(&mut args.args);
    let mut kept = Vec::with_capacity(words.len());
    let mut words = words.into_iter();
    while let Some(word) = words.next() {
        if word == "--" {
            kept.push(word);
            kept.extend(words.by_ref());
            break;
        }
        let (flag, inline) = match word.split_once('=') {
            Some((flag, value)) => (flag.to_string(), Some(value.to_string())),
            None => (word.clone(), None),
        };
        match (flag.as_str(), inline.is_some()) {
            ("--dry-run", false) => args.dry_run = true,
            ("--json", false) => args.json = true,
            ("--parsable", false) => args.parsable = true,
            ("--scheduler" | "--timeout", _) => {
                let value = inline
                    .or_else(|| words.next())
                    .ok_or_else(|| Failure::usage(format!("{flag} needs a value")))?;
                if flag == "--scheduler" {
                    args.cluster.schedulers = value.split(',').map(str::to_string).collect();
                } else {
                    args.cluster.timeout = value.parse().map_err(|_| {
                        Failure::usage(format!("--timeout {value:?}: not a number of seconds"))
                    })?;
                }
            }
            _ => kept.push(word),
        }
    }
    args.args = kept;
    Ok(())
}

/// The JSON form of a submit.
#[derive(Serialize)]
struct Submitted {
    job_ids: Vec<u64>,
    duplicate: bool,
}

/// Sends the job to the cluster and prints its id.
fn submit(args: &SubmitArgs, split: &Split, parsed: ParsedScript) -> Result<(), Failure> {
    let mut spec = parsed.spec;
    if spec.name.is_none() {
        spec.name = Some(default_name(split.script.as_deref()));
    }
    let submit_dir = std::env::current_dir()
        .map_err(|e| Failure::refused(format!("cannot read the current directory: {e}")))?;
    spec.launch = Some(Box::new(Launch {
        script: parsed.body,
        args: split.script_args.clone(),
        submit_dir: submit_dir.to_string_lossy().into_owned(),
        env: std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect(),
    }));
    let request = submit_request(&user::current(), None, Some(&request_id()), &spec);
    let reply = Client::new(&args.cluster)?.call(|mut c| {
        let request = request.clone();
        async move { c.submit(request).await }
    })?;
    let Some(first) = reply.job_ids.first().copied() else {
        return Err(Failure::refused("the scheduler answered with no job id"));
    };
    if args.json {
        crate::view::print_json(&Submitted {
            job_ids: reply.job_ids,
            duplicate: reply.duplicate,
        })?;
    } else if args.parsable {
        println!("{first}");
    } else {
        println!("Submitted batch job {first}");
    }
    Ok(())
}

/// A request id unique to this submit: a retry of the same call carries the same one, so the
/// scheduler makes the job once.
fn request_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("corral-{}-{nanos}", std::process::id())
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

/// The job's name: `--job-name`, else sbatch's default.
fn job_name(parsed: &ParsedScript, script: Option<&str>) -> String {
    match &parsed.spec.name {
        Some(name) => name.clone(),
        None => default_name(script),
    }
}

/// sbatch's default name: the script's file name, or `wrap`.
fn default_name(script: Option<&str>) -> String {
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
            parsable: false,
            cluster: ClusterArgs::default(),
            args: [
                "job.sh",
                "--json",
                "-t",
                "5",
                "--dry-run",
                "--scheduler=a:1,b:2",
                "--parsable",
                "--timeout",
                "3",
                "--",
                "--json",
            ]
            .map(String::from)
            .to_vec(),
        };
        take_own_flags(&mut args).unwrap();
        assert!(args.dry_run && args.json && args.parsable);
        assert_eq!(args.cluster.schedulers, ["a:1", "b:2"]);
        assert_eq!(args.cluster.timeout, 3);
        assert_eq!(args.args, ["job.sh", "-t", "5", "--", "--json"]);
    }
}
