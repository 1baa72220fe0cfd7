//! The job's output files: sbatch's `--output`/`--error` patterns expanded (`%j %x %A %a %u %N
//! %%`), relative to the job's working directory, with Slurm's defaults (`slurm-%j.out`, or
//! `slurm-%A_%a.out` for array members; stderr joins stdout unless `--error` is given).

use corral_model::Job;
use std::path::{Path, PathBuf};

/// Where a job's stdout and stderr go (the same file when `--error` is absent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFiles {
    pub stdout: PathBuf,
    pub stderr: PathBuf,
}

/// Slurm prints this for `%a` in a job that is not an array member (NO_VAL - 1).
const NOT_AN_ARRAY_TASK: &str = "4294967294";

pub fn output_files(job: &Job, first_node: &str, workdir: &Path) -> OutputFiles {
    let default = if job.array.is_some() {
        "slurm-%A_%a.out"
    } else {
        "slurm-%j.out"
    };
    let stdout_pattern = job.spec.extras().output.as_deref().unwrap_or(default);
    let stdout = workdir.join(expand(stdout_pattern, job, first_node));
    let stderr = match job.spec.extras().error.as_deref() {
        Some(pattern) => workdir.join(expand(pattern, job, first_node)),
        None => stdout.clone(),
    };
    OutputFiles { stdout, stderr }
}

/// `pattern` with its `%` escapes replaced; an unknown escape stays as written.
pub fn expand(pattern: &str, job: &Job, first_node: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('j') | Some('J') => out.push_str(&job.id.0.to_string()),
            Some('x') => out.push_str(job.name()),
            Some('A') => match job.array {
                Some(a) => out.push_str(&a.array_job_id.0.to_string()),
                None => out.push_str(&job.id.0.to_string()),
            },
            Some('a') => match job.array {
                Some(a) => out.push_str(&a.task_id.to_string()),
                None => out.push_str(NOT_AN_ARRAY_TASK),
            },
            Some('u') => out.push_str(&job.user),
            Some('N') => out.push_str(first_node),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::job_with;
    use corral_model::job::ArrayMember;
    use corral_model::JobId;

    #[test]
    fn patterns_expand_as_in_sbatch() {
        let mut job = job_with(42, "train");
        job.user = "ada".into();
        assert_eq!(
            expand("%x-%j.%u.%N.log", &job, "gpu-1"),
            "train-42.ada.gpu-1.log"
        );
        assert_eq!(expand("100%%-%q-%", &job, "n"), "100%-%q-%");
        assert_eq!(expand("%A_%a", &job, "n"), "42_4294967294");
        job.array = Some(ArrayMember {
            array_job_id: JobId(40),
            task_id: 2,
            throttle: None,
        });
        assert_eq!(expand("%A_%a", &job, "n"), "40_2");
    }

    #[test]
    fn defaults_follow_slurm() {
        let mut job = job_with(7, "x");
        let files = output_files(&job, "n", Path::new("/w"));
        assert_eq!(files.stdout, PathBuf::from("/w/slurm-7.out"));
        assert_eq!(files.stderr, files.stdout);
        job.spec.extras_mut().error = Some("/abs/%j.err".into());
        job.array = Some(ArrayMember {
            array_job_id: JobId(5),
            task_id: 2,
            throttle: None,
        });
        let files = output_files(&job, "n", Path::new("/w"));
        assert_eq!(files.stdout, PathBuf::from("/w/slurm-5_2.out"));
        assert_eq!(files.stderr, PathBuf::from("/abs/7.err"));
    }
}
