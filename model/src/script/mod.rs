//! Batch scripts: reads a Slurm batch script (`#SBATCH` directives, and Corral's own `#CORRAL`
//! ones) and the submit command's options into a `JobSpec`, the way sbatch would, so existing
//! scripts run unchanged. Real Slurm (22.05, `sbatch --hold` + `scontrol show job`) was the oracle
//! for what a script means; each module notes what was checked and where Corral deliberately
//! differs (it refuses what Slurm takes but cannot mean, such as a negative GPU count).
//!
//! Order of precedence, lowest first: `#SBATCH` directives, `#CORRAL` directives, the command
//! line. Within each, a later option replaces an earlier one.
//!
//! The value parsers are public where other parts reuse them (the policy file's times and sizes).

mod array;
mod begin;
mod constraint;
mod count;
mod dependency;
mod directives;
mod error;
mod export;
mod gres;
mod hostlist;
mod merge;
mod options;
mod scan;
mod setting;
mod signal;
mod size;
mod text;
mod time;
mod validate;
mod words;

pub use array::{parse_array, MAX_ARRAY_TASKS, MAX_TASK_ID};
pub use begin::parse_begin;
pub use constraint::parse_constraint;
pub use dependency::parse_dependency;
pub use error::{Origin, ScriptError, ScriptWarning, ValueError, MAX_SCRIPT_BYTES};
pub use export::parse_export;
pub use gres::{parse_gpu_count, parse_gres, GresRequest};
pub use hostlist::parse_hostlist;
pub use signal::{parse_signal, parse_signal_name};
pub use size::{parse_size_mib, ACCEPTED_SIZE};
pub use time::{parse_time_limit, ACCEPTED_TIME};

use crate::spec::JobSpec;
use directives::{find_directives, Prefix};
use merge::{build_spec, fold_level, overlay, settings_of};
use scan::{scan, Context, Occurrence};
use std::collections::BTreeMap;

/// A script read into a job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedScript {
    pub spec: JobSpec,
    /// The interpreter from line 1, without `#!` (`/bin/bash`, `/usr/bin/env bash`).
    pub shell: String,
    /// The whole script, unchanged: what the job runs.
    pub body: String,
    /// Things worth telling the submitter that did not stop the job, in script order.
    pub warnings: Vec<ScriptWarning>,
}

/// What `corral submit`'s arguments hold once Corral's own flags are taken out: sbatch options
/// (before or after the script), the script's path, the script's own arguments (the words after
/// the script that are not options, and everything after `--`), or a `--wrap` command.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SubmitArgs {
    /// The option words, unchanged and in order, for [`parse_script`] / [`parse_wrap`].
    pub options: Vec<String>,
    pub script: Option<String>,
    pub script_args: Vec<String>,
    pub wrap: Option<String>,
}

/// Reads a batch script and the command-line options (`cli_args`, as in [`SubmitArgs::options`])
/// into a job. The command line overrides the script.
pub fn parse_script(text: &[u8], cli_args: &[String]) -> Result<ParsedScript, ScriptError> {
    let text = text::checked_text(text)?;
    let shell = text::shebang(text)?;
    let found = find_directives(text);
    let mut warnings = found.warnings;
    let mut levels: Vec<Vec<Occurrence>> = vec![Vec::new(), Vec::new()];
    for directive in &found.directives {
        let origin = Origin::Line(directive.line);
        let words = words::split_words(directive.rest, origin)?;
        let scanned = scan(&words, origin, Context::Directive)?;
        warnings.extend(scanned.warnings);
        let level = if directive.prefix == Prefix::Sbatch {
            0
        } else {
            1
        };
        levels[level].extend(scanned.options);
    }
    levels.push(command_line_options(cli_args)?);
    let spec = spec_of(&levels, &mut warnings)?;
    warnings.sort_by_key(warning_position);
    Ok(ParsedScript {
        spec,
        shell,
        body: text.to_string(),
        warnings,
    })
}

/// Makes a job of `--wrap CMD`: the script is `#!/bin/sh` and the command, as sbatch does.
pub fn parse_wrap(command: &str, cli_args: &[String]) -> Result<ParsedScript, ScriptError> {
    if command.trim().is_empty() {
        return Err(ScriptError::MissingValue {
            origin: Origin::CommandLine,
            option: "--wrap".into(),
            accepted: "a command",
        });
    }
    let mut warnings = Vec::new();
    let levels = vec![command_line_options(cli_args)?];
    let spec = spec_of(&levels, &mut warnings)?;
    let body = format!("#!/bin/sh\n{command}\n");
    Ok(ParsedScript {
        spec,
        shell: "/bin/sh".into(),
        body,
        warnings,
    })
}

/// Splits `corral submit`'s arguments into options, script, script arguments and `--wrap`.
pub fn split_submit_args(args: &[String]) -> Result<SubmitArgs, ScriptError> {
    let scanned = scan(args, Origin::CommandLine, Context::CommandLine)?;
    let mut split = SubmitArgs::default();
    for occurrence in scanned.options {
        if matches!(occurrence.def.action, options::Action::Wrap) {
            split.wrap = occurrence.value;
        } else {
            split.options.extend(occurrence.words);
        }
    }
    let mut positionals = scanned.positionals.into_iter();
    split.script = positionals.next();
    split.script_args = positionals.collect();
    match (&split.wrap, &split.script) {
        (Some(_), Some(_)) => Err(ScriptError::WrapAndScript),
        (None, None) => Err(ScriptError::NoScript),
        _ => Ok(split),
    }
}

/// The long names of the sbatch options Corral implements, for help and completion.
pub fn option_names() -> Vec<&'static str> {
    options::all_options()
        .iter()
        .filter(|d| matches!(d.action, options::Action::Set(_) | options::Action::Wrap))
        .map(|d| d.long)
        .collect()
}

fn command_line_options(cli_args: &[String]) -> Result<Vec<Occurrence>, ScriptError> {
    let scanned = scan(cli_args, Origin::CommandLine, Context::CommandLine)?;
    if let Some(word) = scanned.positionals.into_iter().next() {
        return Err(ScriptError::StrayWord {
            origin: Origin::CommandLine,
            word,
        });
    }
    Ok(scanned.options)
}

/// Merges the levels (lowest first) into a checked spec.
fn spec_of(
    levels: &[Vec<Occurrence>],
    warnings: &mut Vec<ScriptWarning>,
) -> Result<JobSpec, ScriptError> {
    let mut seq = 0;
    let mut merged = BTreeMap::new();
    for level in levels {
        let placed = settings_of(level, &mut seq, warnings)?;
        merged = overlay(merged, fold_level(placed)?);
    }
    let spec = build_spec(&merged);
    validate::check_consistency(&spec, &merged)?;
    Ok(spec)
}

/// Sorts warnings by line, command-line ones last.
fn warning_position(warning: &ScriptWarning) -> (Origin, usize) {
    match warning {
        ScriptWarning::DirectiveAfterCommands { line, .. }
        | ScriptWarning::IndentedDirective { line, .. } => (Origin::Line(*line), 0),
        ScriptWarning::UnknownOption { origin, .. }
        | ScriptWarning::UnsupportedOption { origin, .. } => (*origin, 1),
    }
}
