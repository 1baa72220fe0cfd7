//! Memory sizes (`--mem`, `--mem-per-cpu`, `--mem-per-gpu`, and the policy file's sizes) in MiB.
//! As in Slurm 22.05 (checked with `sbatch --hold`): a whole number with an optional unit K, M, G
//! or T in either case, optionally followed by B (`4GB`); no unit means M; K rounds up to whole
//! MiB (`512K` is 1 MiB); fractions, negative numbers and other units are refused.

use super::error::ValueError;

pub const ACCEPTED_SIZE: &str =
    "a whole number with an optional unit K, M, G or T (default M), e.g. 4096, 64G, 1T";

/// Parses a size into MiB. `0` is returned as 0: what it means is up to the option.
pub fn parse_size_mib(text: &str) -> Result<u64, ValueError> {
    let err = |problem: String| ValueError::new(problem, ACCEPTED_SIZE);
    if text.is_empty() {
        return Err(err("empty value".into()));
    }
    let digits_end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(digits_end);
    if digits.is_empty() {
        return Err(err(format!("`{text}` is not a size")));
    }
    let number: u64 = digits
        .parse()
        .map_err(|_| err(format!("`{text}` is too large")))?;
    let unit = unit
        .strip_suffix(['B', 'b'])
        .filter(|u| !u.is_empty())
        .unwrap_or(unit);
    let mib = match unit {
        "" | "M" | "m" => Some(number),
        "K" | "k" => Some(number.div_ceil(1024)),
        "G" | "g" => number.checked_mul(1024),
        "T" | "t" => number.checked_mul(1024 * 1024),
        _ => {
            return Err(err(format!(
                "`{text}` is not a size: unknown unit `{unit}`"
            )))
        }
    };
    mib.ok_or_else(|| err(format!("`{text}` is too large")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_in_either_case_default_mib() {
        assert_eq!(parse_size_mib("4096"), Ok(4096));
        assert_eq!(parse_size_mib("4096M"), Ok(4096));
        assert_eq!(parse_size_mib("4G"), Ok(4096));
        assert_eq!(parse_size_mib("4g"), Ok(4096));
        assert_eq!(parse_size_mib("4GB"), Ok(4096));
        assert_eq!(parse_size_mib("1T"), Ok(1024 * 1024));
        assert_eq!(parse_size_mib("0"), Ok(0));
    }

    #[test]
    fn kibibytes_round_up_as_in_slurm() {
        assert_eq!(parse_size_mib("512K"), Ok(1));
        assert_eq!(parse_size_mib("1536k"), Ok(2));
        assert_eq!(parse_size_mib("2048K"), Ok(2));
    }

    #[test]
    fn refuses_what_slurm_refuses() {
        for (text, problem) in [
            ("1.5G", "unknown unit `.5G`"),
            ("-1", "not a size"),
            ("4P", "unknown unit `P`"),
            ("4Gx", "unknown unit `Gx`"),
            ("G", "not a size"),
            ("", "empty value"),
            ("99999999999999999999", "too large"),
            ("99999999999999T", "too large"),
        ] {
            let err = parse_size_mib(text).unwrap_err();
            assert!(err.problem.contains(problem), "{text}: {err}");
        }
    }
}
