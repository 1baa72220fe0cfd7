//! Job ids as people type them: `42`, or `40_2` for element 2 of array 40.

use crate::exit::Failure;
use corral_model::Job;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobRef {
    /// A job id; for an array's first job it also names the whole array.
    Id(u64),
    /// One element of an array: the array's job id and the task id.
    Element { array: u64, task: u32 },
}

impl JobRef {
    pub fn parse(text: &str) -> Result<JobRef, Failure> {
        let bad = || {
            Failure::usage(format!(
                "{text:?}: not a job id (e.g. 42, or 42_3 for element 3 of array 42)"
            ))
        };
        let text = text.trim();
        match text.split_once('_') {
            None => text.parse().map(JobRef::Id).map_err(|_| bad()),
            Some((array, task)) => Ok(JobRef::Element {
                array: array.parse().map_err(|_| bad())?,
                task: task.parse().map_err(|_| bad())?,
            }),
        }
    }

    /// Whether `job` is this job, or (for `Element`) this array element.
    pub fn is(&self, job: &Job) -> bool {
        match *self {
            JobRef::Id(id) => job.id.0 == id,
            JobRef::Element { array, task } => job
                .array
                .is_some_and(|a| a.array_job_id.0 == array && a.task_id == task),
        }
    }

    /// Whether `job` is an element of the array this id names.
    pub fn has_element(&self, job: &Job) -> bool {
        match *self {
            JobRef::Id(id) => job.array.is_some_and(|a| a.array_job_id.0 == id),
            JobRef::Element { .. } => false,
        }
    }
}

impl fmt::Display for JobRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobRef::Id(id) => write!(f, "{id}"),
            JobRef::Element { array, task } => write!(f, "{array}_{task}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ids_and_elements() {
        assert_eq!(JobRef::parse("42").unwrap(), JobRef::Id(42));
        assert_eq!(
            JobRef::parse("42_3").unwrap(),
            JobRef::Element { array: 42, task: 3 }
        );
        for bad in ["", "x", "42_", "_3", "4 2", "-1"] {
            assert_eq!(JobRef::parse(bad).unwrap_err().code(), 2, "{bad}");
        }
    }
}
