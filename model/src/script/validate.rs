//! Checks across options, after they are merged: the mixes sbatch refuses (checked with Slurm
//! 22.05: `--gpus-per-task` without `-n` or `--gpus`; `--mem-per-gpu` without any GPU), and GPU
//! options naming different models, which Corral cannot place (one model per job).

use super::error::{Origin, ScriptError};
use super::merge::Placed;
use super::setting::Slot;
use crate::spec::{JobSpec, MemRequest};
use std::collections::BTreeMap;

/// Returns the first inconsistency, naming the option and where it was given.
pub fn check_consistency(
    spec: &JobSpec,
    merged: &BTreeMap<Slot, Placed>,
) -> Result<(), ScriptError> {
    let at = |slot: Slot| {
        merged
            .get(&slot)
            .map_or(("", Origin::CommandLine), |p| (p.option.as_str(), p.origin))
    };
    let any_gpus = spec.gpus_per_job.is_some()
        || spec.gpus_per_node.is_some()
        || spec.extras().gpus_per_task.is_some();
    if spec.extras().gpus_per_task.is_some() && spec.ntasks.is_none() && spec.gpus_per_job.is_none()
    {
        let (option, origin) = at(Slot::GpusPerTask);
        return Err(inconsistent(
            option,
            origin,
            "GPUs per task need a task count: add -n/--ntasks (or -G/--gpus); sbatch refuses \
             this too"
                .into(),
        ));
    }
    if matches!(spec.mem, Some(MemRequest::Gpu(_))) && !any_gpus {
        let (option, origin) = at(Slot::Mem);
        return Err(inconsistent(
            option,
            origin,
            "memory per GPU, but no GPUs asked for: add --gpus, --gpus-per-node, \
             --gpus-per-task or --gres=gpu:N, or use --mem"
                .into(),
        ));
    }
    let models: Vec<(&str, Slot)> = [
        (&spec.gpus_per_job, Slot::GpusPerJob),
        (&spec.gpus_per_node, Slot::GpusPerNode),
        (&spec.extras().gpus_per_task, Slot::GpusPerTask),
    ]
    .into_iter()
    .filter_map(|(count, slot)| Some((count.as_ref()?.model.as_deref()?, slot)))
    .collect();
    if let Some((model, _)) = models.first() {
        if let Some((other, slot)) = models.iter().find(|(m, _)| m != model) {
            let slot = if merged.contains_key(slot) {
                *slot
            } else {
                Slot::Gres
            };
            let (option, origin) = at(slot);
            return Err(inconsistent(
                option,
                origin,
                format!(
                    "the GPU options name different models ({model} and {other}); Corral \
                     places one GPU model per job"
                ),
            ));
        }
    }
    Ok(())
}

fn inconsistent(option: &str, origin: Origin, problem: String) -> ScriptError {
    ScriptError::Inconsistent {
        option: option.to_string(),
        origin,
        problem,
    }
}
