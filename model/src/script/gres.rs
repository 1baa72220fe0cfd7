//! GPU and generic-resource requests: `--gres=gpu[:TYPE][:N]` lists such as `gpu:a100:2,shard:1`,
//! and the `[TYPE:]N` of `-G/--gpus`, `--gpus-per-node` and `--gpus-per-task`. Slurm 22.05 takes
//! zero and negative GPU counts (`--gres=gpu:-1`, `--gpus=0`: checked with `sbatch --hold`); we
//! refuse them. A count left out of a `--gres` item is 1, as in Slurm.

use super::error::ValueError;
use crate::spec::{GpuCount, GresCount};

pub const ACCEPTED_GRES: &str = "NAME[:TYPE][:COUNT] items separated by commas, e.g. gpu:2 or \
     gpu:a100:2,shard:1 (COUNT a whole number of at least 1, default 1), or none";
pub const ACCEPTED_GPUS: &str =
    "[TYPE:]COUNT, e.g. 2 or a100:2 or nvidia_rtx_a4000:1 (COUNT a whole number of at least 1)";

/// A parsed `--gres`: the GPU entry, if any, and the other resources in the given order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GresRequest {
    pub gpu: Option<GpuCount>,
    pub other: Vec<GresCount>,
}

/// Parses a `--gres` value. `none` asks for no generic resources.
pub fn parse_gres(text: &str) -> Result<GresRequest, ValueError> {
    let mut request = GresRequest::default();
    if text.eq_ignore_ascii_case("none") {
        return Ok(request);
    }
    if text.is_empty() {
        return Err(ValueError::new("empty value", ACCEPTED_GRES));
    }
    for item in text.split(',') {
        let entry = gres_item(item)?;
        if entry.name != "gpu" {
            request.other.push(entry);
        } else if request.gpu.is_some() {
            return Err(ValueError::new(
                format!("`{text}` names GPUs twice; Corral places one GPU model per job"),
                ACCEPTED_GRES,
            ));
        } else {
            request.gpu = Some(GpuCount {
                model: entry.kind,
                count: entry.count,
            });
        }
    }
    Ok(request)
}

/// Parses `[TYPE:]N` for the `--gpus*` options.
pub fn parse_gpu_count(text: &str) -> Result<GpuCount, ValueError> {
    let err = |problem: String| ValueError::new(problem, ACCEPTED_GPUS);
    if text.is_empty() {
        return Err(err("empty value".into()));
    }
    if text.contains(',') {
        return Err(err(format!(
            "`{text}` lists several GPU requests; Corral places one GPU model per job"
        )));
    }
    let (model, count) = match text.rsplit_once(':') {
        Some((model, count)) => (Some(model), count),
        None => (None, text),
    };
    if model == Some("gpu") {
        return Err(err(format!(
            "`{text}`: `gpu` is not a GPU model (Slurm would look for a model named gpu); \
             write just the count, {count}"
        )));
    }
    if let Some(model) = model {
        check_name(model, "GPU model", text, ACCEPTED_GPUS)?;
    }
    let count = gpu_count(count, text, ACCEPTED_GPUS)?;
    Ok(GpuCount {
        model: model.map(str::to_string),
        count,
    })
}

/// `NAME`, `NAME:COUNT`, `NAME:TYPE`, `NAME:TYPE:COUNT`.
fn gres_item(item: &str) -> Result<GresCount, ValueError> {
    let parts: Vec<&str> = item.split(':').collect();
    let (name, kind, count) = match parts.as_slice() {
        [name] => (*name, None, None),
        [name, last] if looks_like_count(last) => (*name, None, Some(*last)),
        [name, kind] => (*name, Some(*kind), None),
        [name, kind, count] => (*name, Some(*kind), Some(*count)),
        _ => {
            return Err(ValueError::new(
                format!(
                    "`{item}` has {} `:`-separated parts; at most 3",
                    parts.len()
                ),
                ACCEPTED_GRES,
            ))
        }
    };
    check_name(name, "resource name", item, ACCEPTED_GRES)?;
    if let Some(kind) = kind {
        check_name(kind, "type", item, ACCEPTED_GRES)?;
    }
    let count = match count {
        Some(count) if name == "gpu" => gpu_count(count, item, ACCEPTED_GRES)?,
        Some(count) => resource_count(count, item)?,
        None => 1,
    };
    Ok(GresCount {
        name: name.to_string(),
        kind: kind.map(str::to_string),
        count,
    })
}

/// A trailing part that was meant as a count: digits, possibly signed.
fn looks_like_count(part: &str) -> bool {
    let digits = part.strip_prefix(['-', '+']).unwrap_or(part);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn gpu_count(count: &str, text: &str, accepted: &'static str) -> Result<u32, ValueError> {
    let err = |problem: String| ValueError::new(problem, accepted);
    if count.starts_with('-') && looks_like_count(count) {
        return Err(err(format!("`{text}` asks for a negative number of GPUs")));
    }
    match count.parse::<u32>() {
        Ok(0) => Err(err(format!(
            "`{text}` asks for zero GPUs; leave the option out to ask for none"
        ))),
        Ok(n) if count.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        Ok(_) => Err(err(format!("`{text}`: `{count}` is not a whole number"))),
        Err(_) if looks_like_count(count) => Err(err(format!("`{text}`: `{count}` is too large"))),
        Err(_) => Err(err(format!("`{text}`: `{count}` is not a GPU count"))),
    }
}

fn resource_count(count: &str, item: &str) -> Result<u32, ValueError> {
    match count.parse::<u32>() {
        Ok(n) if n > 0 && count.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(ValueError::new(
            format!("`{item}`: `{count}` is not a count of at least 1"),
            ACCEPTED_GRES,
        )),
    }
}

/// Names and types: letters, digits, `_`, `-`, `.`, starting with a letter or digit.
fn check_name(
    name: &str,
    what: &str,
    text: &str,
    accepted: &'static str,
) -> Result<(), ValueError> {
    let starts_well = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let all_good = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if starts_well && all_good {
        Ok(())
    } else {
        Err(ValueError::new(
            format!("`{text}`: `{name}` is not a {what}"),
            accepted,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gpu(model: Option<&str>, count: u32) -> GpuCount {
        GpuCount {
            model: model.map(str::to_string),
            count,
        }
    }

    #[test]
    fn gres_forms() {
        assert_eq!(parse_gres("gpu").unwrap().gpu, Some(gpu(None, 1)));
        assert_eq!(parse_gres("gpu:2").unwrap().gpu, Some(gpu(None, 2)));
        assert_eq!(
            parse_gres("gpu:a100").unwrap().gpu,
            Some(gpu(Some("a100"), 1))
        );
        assert_eq!(
            parse_gres("gpu:nvidia_rtx_a4000:1").unwrap().gpu,
            Some(gpu(Some("nvidia_rtx_a4000"), 1))
        );
        let both = parse_gres("gpu:a100:2,shard:1").unwrap();
        assert_eq!(both.gpu, Some(gpu(Some("a100"), 2)));
        assert_eq!(
            both.other,
            vec![GresCount {
                name: "shard".into(),
                kind: None,
                count: 1
            }]
        );
        assert_eq!(parse_gres("none"), Ok(GresRequest::default()));
    }

    #[test]
    fn gpus_forms() {
        assert_eq!(parse_gpu_count("8"), Ok(gpu(None, 8)));
        assert_eq!(parse_gpu_count("h100:4"), Ok(gpu(Some("h100"), 4)));
    }

    #[test]
    fn refuses_zero_negative_and_malformed_counts() {
        for (text, problem) in [
            ("gpu:0", "zero GPUs"),
            ("gpu:-1", "negative number of GPUs"),
            ("gpu:a100:-2", "negative number of GPUs"),
            ("gpu:a100:x", "not a GPU count"),
            ("gpu:a:1:2", "4 `:`-separated parts"),
            ("gpu:2,gpu:a100:1", "names GPUs twice"),
            ("shard:0", "not a count of at least 1"),
            ("gp u:1", "not a resource name"),
            ("", "empty value"),
        ] {
            let err = parse_gres(text).unwrap_err();
            assert!(err.problem.contains(problem), "{text}: {err}");
        }
        for (text, problem) in [
            ("0", "zero GPUs"),
            ("-1", "negative number of GPUs"),
            ("a100:0", "zero GPUs"),
            ("gpu:2", "`gpu` is not a GPU model"),
            ("a100:2,v100:1", "several GPU requests"),
            ("two", "not a GPU count"),
            ("99999999999", "too large"),
        ] {
            let err = parse_gpu_count(text).unwrap_err();
            assert!(err.problem.contains(problem), "{text}: {err}");
        }
    }
}
