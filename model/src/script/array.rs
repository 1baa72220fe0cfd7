//! Job arrays (`-a/--array`): `1-10`, `0-15:4`, `1,3,5-7`, each with an optional `%N` throttle,
//! expanded to the sorted, deduplicated list of task ids. Checked with Slurm 22.05
//! (`sbatch --hold`): ids are sorted and deduplicated (`3,1,3` is `1,3`), a trailing comma is
//! accepted, `%0` and a bare `%` mean no throttle; a reversed range or a zero step is refused.

use super::error::ValueError;
use crate::spec::ArraySpec;
use std::collections::BTreeSet;

/// The most tasks one array may have.
pub const MAX_ARRAY_TASKS: u64 = 100_000;
/// The largest task id: Slurm's MaxArraySize may not exceed 4000001 (slurm.conf(5)).
pub const MAX_TASK_ID: u32 = 4_000_000;

pub const ACCEPTED_ARRAY: &str = "comma-separated ids and ranges A, A-B or A-B:STEP with an \
     optional %N throttle, e.g. 1-10, 0-15:4, 1,3,5-7%2 (ids 0 to 4000000, at most 100000 tasks)";

/// Parses and expands an array specification.
pub fn parse_array(text: &str) -> Result<ArraySpec, ValueError> {
    let (list, throttle) = match text.split_once('%') {
        Some((list, throttle)) => (list, parse_throttle(throttle, text)?),
        None => (text, None),
    };
    let ranges = list
        .split(',')
        .filter(|item| !item.is_empty())
        .map(|item| parse_range(item, text))
        .collect::<Result<Vec<_>, _>>()?;
    if ranges.is_empty() {
        return Err(err(format!("`{text}` names no task ids")));
    }
    let total: u64 = ranges.iter().map(Range::len).sum();
    if total > MAX_ARRAY_TASKS {
        return Err(err(format!(
            "`{text}` has {total} tasks; an array may have at most {MAX_ARRAY_TASKS}"
        )));
    }
    let ids: BTreeSet<u32> = ranges.iter().flat_map(Range::ids).collect();
    Ok(ArraySpec {
        task_ids: ids.into_iter().collect(),
        throttle,
    })
}

struct Range {
    first: u32,
    last: u32,
    step: u32,
}

impl Range {
    fn len(&self) -> u64 {
        u64::from((self.last - self.first) / self.step) + 1
    }

    fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        (self.first..=self.last).step_by(self.step as usize)
    }
}

fn parse_range(item: &str, text: &str) -> Result<Range, ValueError> {
    let (span, step) = match item.split_once(':') {
        Some((span, step)) => (span, number(step, text)?),
        None => (item, 1),
    };
    if step == 0 {
        return Err(err(format!("`{item}` has a step of 0")));
    }
    let (first, last) = match span.split_once('-') {
        Some((first, last)) => (number(first, text)?, number(last, text)?),
        None if item.contains(':') => {
            return Err(err(format!("`{item}`: a step needs a range A-B:STEP")))
        }
        None => (number(span, text)?, number(span, text)?),
    };
    if last < first {
        return Err(err(format!(
            "`{item}` is a reversed range ({first} > {last})"
        )));
    }
    if last > MAX_TASK_ID {
        return Err(err(format!(
            "`{item}`: task id {last} is above {MAX_TASK_ID}"
        )));
    }
    Ok(Range { first, last, step })
}

fn parse_throttle(throttle: &str, text: &str) -> Result<Option<u32>, ValueError> {
    if throttle.is_empty() {
        return Ok(None);
    }
    Ok(Some(number(throttle, text)?).filter(|&n| n > 0))
}

fn number(part: &str, text: &str) -> Result<u32, ValueError> {
    if part.is_empty() {
        return Err(err(format!("`{text}` has an empty number")));
    }
    if !part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err(format!("`{text}`: `{part}` is not a whole number")));
    }
    part.parse()
        .map_err(|_| err(format!("`{text}`: `{part}` is too large")))
}

fn err(problem: String) -> ValueError {
    ValueError::new(problem, ACCEPTED_ARRAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<u32> {
        parse_array(text).unwrap().task_ids
    }

    #[test]
    fn ranges_steps_and_lists() {
        assert_eq!(ids("1-10"), (1..=10).collect::<Vec<_>>());
        assert_eq!(ids("0-15:4"), vec![0, 4, 8, 12]);
        assert_eq!(ids("1,3,5-7"), vec![1, 3, 5, 6, 7]);
        assert_eq!(ids("3,1,3"), vec![1, 3]);
        assert_eq!(ids("1-3:2,"), vec![1, 3]);
        assert_eq!(ids("5"), vec![5]);
    }

    #[test]
    fn throttles() {
        assert_eq!(parse_array("1-10%1").unwrap().throttle, Some(1));
        assert_eq!(parse_array("1,3,5-7%2").unwrap().throttle, Some(2));
        assert_eq!(parse_array("1-10%0").unwrap().throttle, None);
        assert_eq!(parse_array("1-3%").unwrap().throttle, None);
    }

    #[test]
    fn bounds() {
        assert_eq!(ids("0-99999").len(), 100_000);
        let err = parse_array("0-100000").unwrap_err();
        assert!(
            err.problem
                .contains("100001 tasks; an array may have at most 100000"),
            "{err}"
        );
        let err = parse_array("0-4294967295").unwrap_err();
        assert!(err.problem.contains("above 4000000"), "{err}");
        assert_eq!(
            ids("0-4000000:1000000"),
            vec![0, 1_000_000, 2_000_000, 3_000_000, 4_000_000]
        );
    }

    #[test]
    fn refuses_malformed_arrays() {
        for (text, problem) in [
            ("10-1", "reversed range"),
            ("1-10:0", "step of 0"),
            ("-1-3", "empty number"),
            ("1-5:2-3", "`2-3` is not a whole number"),
            ("a-b", "`a` is not a whole number"),
            ("5:2", "a step needs a range"),
            ("1-3%x", "`x` is not a whole number"),
            ("", "names no task ids"),
            (",", "names no task ids"),
        ] {
            let err = parse_array(text).unwrap_err();
            assert!(err.problem.contains(problem), "{text}: {err}");
            assert_eq!(err.accepted, ACCEPTED_ARRAY);
        }
    }
}
