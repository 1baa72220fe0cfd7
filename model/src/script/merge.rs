//! Turns options into a `JobSpec`: parses each option's value into a `Setting` where it was
//! written, lets a later option replace an earlier one, `#CORRAL` directives override `#SBATCH`
//! ones and the command line overrides both, refuses options that exclude each other at one
//! level (sbatch: "--mem, --mem-per-cpu, and --mem-per-gpu are mutually exclusive"), and applies
//! the winners in the order given.
//!
//! Unlike sbatch 22.05, which also refuses `--mem-per-cpu` on the command line when the script
//! says `--mem` (checked with `sbatch --hold`), the command line's memory option replaces the
//! script's: that is what "the command line overrides the script" means.

use super::error::{Origin, ScriptError, ScriptWarning};
use super::options::{Action, Arg};
use super::scan::Occurrence;
use super::setting::{Group, Setting, Slot};
use crate::spec::{GpuCount, JobSpec};
use std::collections::BTreeMap;

/// A setting and where it came from.
#[derive(Clone, Debug)]
pub struct Placed {
    /// Its position among all options, in the order they were given.
    pub seq: usize,
    pub origin: Origin,
    /// `--` and the option's long name.
    pub option: String,
    pub setting: Setting,
}

/// Parses the value of every option of one level into settings.
pub fn settings_of(
    occurrences: &[Occurrence],
    seq: &mut usize,
    warnings: &mut Vec<ScriptWarning>,
) -> Result<Vec<Placed>, ScriptError> {
    let mut placed = Vec::new();
    for occurrence in occurrences {
        let Occurrence {
            origin,
            written,
            def,
            value,
            ..
        } = occurrence;
        let parse = match def.action {
            Action::Set(parse) => parse,
            Action::Quiet => continue,
            Action::Unsupported => {
                let option = format!("--{}", def.long);
                warnings.push(ScriptWarning::UnsupportedOption {
                    origin: *origin,
                    option,
                });
                continue;
            }
            Action::Refused => {
                let option = format!("--{}", def.long);
                return Err(ScriptError::NotSupported {
                    origin: *origin,
                    option,
                });
            }
            Action::Wrap if *origin == Origin::CommandLine => {
                return Err(ScriptError::WrapAndScript)
            }
            Action::Wrap => {
                return Err(ScriptError::CommandLineOnly {
                    origin: *origin,
                    option: written.clone(),
                })
            }
        };
        let default = match def.arg {
            Arg::Optional(default) => default,
            Arg::Flag | Arg::Required => "",
        };
        let value = value.as_deref().unwrap_or(default);
        let setting = parse(value).map_err(|reason| ScriptError::InvalidValue {
            origin: *origin,
            option: written.clone(),
            value: value.to_string(),
            reason,
        })?;
        *seq += 1;
        placed.push(Placed {
            seq: *seq,
            origin: *origin,
            option: format!("--{}", def.long),
            setting,
        });
    }
    Ok(placed)
}

/// Folds one level: a later setting replaces an earlier one for the same slot; two different
/// options of one group that disagree are an error.
pub fn fold_level(level: Vec<Placed>) -> Result<BTreeMap<Slot, Placed>, ScriptError> {
    let mut folded: BTreeMap<Slot, Placed> = BTreeMap::new();
    for placed in level {
        if let Some(group) = placed.setting.group() {
            let clash = folded.values().find(|earlier| {
                earlier.setting.group() == Some(group)
                    && earlier.option != placed.option
                    && !same_meaning(&earlier.setting, &placed.setting)
            });
            if let Some(earlier) = clash {
                return Err(conflict(earlier, &placed, group));
            }
        }
        folded.insert(placed.setting.slot(), placed);
    }
    Ok(folded)
}

/// Lays `upper` over `lower`: for each group `upper` sets, `lower` gives it up; then `upper`'s
/// settings replace `lower`'s slot by slot.
pub fn overlay(
    lower: BTreeMap<Slot, Placed>,
    upper: BTreeMap<Slot, Placed>,
) -> BTreeMap<Slot, Placed> {
    let groups: Vec<Group> = upper.values().filter_map(|p| p.setting.group()).collect();
    let mut merged: BTreeMap<Slot, Placed> = lower
        .into_iter()
        .filter_map(|(slot, mut placed)| {
            for group in &groups {
                placed.setting = placed.setting.yield_group(*group)?;
            }
            Some((slot, placed))
        })
        .collect();
    merged.extend(upper);
    merged
}

/// Applies the winning settings, in the order they were given.
pub fn build_spec(merged: &BTreeMap<Slot, Placed>) -> JobSpec {
    let mut ordered: Vec<&Placed> = merged.values().collect();
    ordered.sort_by_key(|p| p.seq);
    let mut spec = JobSpec::default();
    for placed in ordered {
        placed.setting.clone().apply(&mut spec);
    }
    spec
}

fn gpus_per_node(setting: &Setting) -> Option<&GpuCount> {
    match setting {
        Setting::GpusPerNode(count) => Some(count),
        Setting::Gres(request) => request.gpu.as_ref(),
        _ => None,
    }
}

fn same_meaning(a: &Setting, b: &Setting) -> bool {
    match (a, b) {
        (Setting::Mem(x), Setting::Mem(y)) => x == y,
        _ => gpus_per_node(a).is_some() && gpus_per_node(a) == gpus_per_node(b),
    }
}

fn conflict(first: &Placed, second: &Placed, group: Group) -> ScriptError {
    let why = match group {
        Group::Memory => "give memory per node, per CPU or per GPU, not two of them",
        Group::GpusPerNode => "both give the GPUs per node; give one of them",
    };
    ScriptError::Conflict {
        first: first.option.clone(),
        first_origin: first.origin,
        second: second.option.clone(),
        second_origin: second.origin,
        why,
    }
}
