//! Whole-number option values: positive counts (`-n`, `-c`, `--ntasks-per-node`), node counts
//! `N` or `MIN-MAX` (`-N`), and `--nice` adjustments.

use super::error::ValueError;
use crate::spec::NodeRange;

pub const ACCEPTED_COUNT: &str = "a whole number of at least 1";
pub const ACCEPTED_NODES: &str = "N or MIN-MAX, whole numbers of at least 1, MIN <= MAX";
pub const ACCEPTED_NICE: &str = "a whole number from -2147483645 to 2147483645 (default 100)";

/// Slurm's bound on `--nice` (NICE_OFFSET - 3, from sbatch(1)).
const MAX_NICE: i64 = 2_147_483_645;

/// A count of at least 1.
pub fn parse_positive(text: &str, accepted: &'static str) -> Result<u32, ValueError> {
    let err = |problem: String| ValueError::new(problem, accepted);
    if text.is_empty() {
        return Err(err("empty value".into()));
    }
    if let Some(rest) = text.strip_prefix('-') {
        if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(format!("`{text}` is negative")));
        }
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err(format!("`{text}` is not a whole number")));
    }
    match text.parse::<u32>() {
        Ok(0) => Err(err("0 is not a count".into())),
        Ok(n) => Ok(n),
        Err(_) => Err(err(format!("`{text}` is too large (at most {})", u32::MAX))),
    }
}

/// `-N N` or `-N MIN-MAX`. Slurm 22.05 takes `-N 0`; a job on no node is refused here.
pub fn parse_node_range(text: &str) -> Result<NodeRange, ValueError> {
    let (min, max) = match text.split_once('-') {
        Some(("", _)) => {
            return Err(ValueError::new(
                format!("`{text}` is negative"),
                ACCEPTED_NODES,
            ))
        }
        Some((min, max)) => (min, max),
        None => (text, text),
    };
    let min = parse_positive(min, ACCEPTED_NODES)?;
    let max = parse_positive(max, ACCEPTED_NODES)?;
    if max < min {
        return Err(ValueError::new(
            format!("`{text}`: the maximum {max} is less than the minimum {min}"),
            ACCEPTED_NODES,
        ));
    }
    Ok(NodeRange { min, max })
}

/// `--nice=N`; the bare `--nice` means 100, as in Slurm.
pub fn parse_nice(text: &str) -> Result<i32, ValueError> {
    let err = |problem: String| ValueError::new(problem, ACCEPTED_NICE);
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err(format!("`{text}` is not a whole number")));
    }
    match text.parse::<i64>() {
        Ok(n) if (-MAX_NICE..=MAX_NICE).contains(&n) => Ok(n as i32),
        _ => Err(err(format!("`{text}` is out of range"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_positive_whole_numbers() {
        assert_eq!(parse_positive("8", ACCEPTED_COUNT), Ok(8));
        for (text, problem) in [
            ("0", "0 is not a count"),
            ("-1", "negative"),
            ("two", "not a whole number"),
            ("2.5", "not a whole number"),
            ("", "empty value"),
            ("99999999999", "too large"),
        ] {
            let err = parse_positive(text, ACCEPTED_COUNT).unwrap_err();
            assert!(err.problem.contains(problem), "{text}: {err}");
        }
    }

    #[test]
    fn node_ranges() {
        assert_eq!(parse_node_range("24"), Ok(NodeRange { min: 24, max: 24 }));
        assert_eq!(parse_node_range("2-4"), Ok(NodeRange { min: 2, max: 4 }));
        for (text, problem) in [
            ("4-2", "maximum 2 is less than the minimum 4"),
            ("0", "0 is not a count"),
            ("2-", "empty value"),
            ("-2", "negative"),
            ("1-2-3", "not a whole number"),
        ] {
            let err = parse_node_range(text).unwrap_err();
            assert!(err.problem.contains(problem), "{text}: {err}");
        }
    }

    #[test]
    fn nice_values() {
        assert_eq!(parse_nice("-5"), Ok(-5));
        assert_eq!(parse_nice("+5"), Ok(5));
        assert_eq!(parse_nice("2147483645"), Ok(2_147_483_645));
        assert!(parse_nice("2147483646").is_err());
        assert!(parse_nice("x").is_err());
    }
}
