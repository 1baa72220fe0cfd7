//! Time limits (`-t/--time`, and the policy file's times) in every form Slurm accepts: `M`, `M:S`,
//! `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S`, `UNLIMITED`/`INFINITE`. Forms and leniency checked with
//! Slurm 22.05 (`sbatch --hold`, `scontrol show job`): parts may exceed their usual range
//! (`0:90:00` is 90 minutes, `10:70` is 11m10s); `D-` is D days; `0`, `0:00:00`, `-1`,
//! `INFINITE` and `UNLIMITED` (any case) all mean no limit of the job's own. Slurm rounds seconds
//! up to whole minutes; Corral keeps the seconds. Where Slurm takes a negative part (`-2`) or an
//! overflow as a garbage limit, we refuse it.

use super::error::ValueError;
use crate::spec::TimeLimit;

pub const ACCEPTED_TIME: &str =
    "M, M:S, H:M:S, D-H, D-H:M, D-H:M:S, or UNLIMITED, INFINITE, 0, -1 for no limit";

/// Slurm keeps limits in minutes in 32 bits, with the top value meaning INFINITE.
const MAX_MINUTES: u64 = u32::MAX as u64 - 1;

/// Parses a time limit. `0`, `-1`, `UNLIMITED` and `INFINITE` give [`TimeLimit::Unlimited`].
pub fn parse_time_limit(text: &str) -> Result<TimeLimit, ValueError> {
    let err = |problem: String| ValueError::new(problem, ACCEPTED_TIME);
    if text.is_empty() {
        return Err(err("empty value".into()));
    }
    if text == "-1"
        || text.eq_ignore_ascii_case("UNLIMITED")
        || text.eq_ignore_ascii_case("INFINITE")
    {
        return Ok(TimeLimit::Unlimited);
    }
    if text.starts_with('-') || text.contains(":-") || text.contains("--") {
        return Err(err(format!("`{text}` has a negative part")));
    }
    let secs = match text.split_once('-') {
        Some((days, rest)) => days_form(text, days, rest)?,
        None => clock_form(text)?,
    };
    if secs > MAX_MINUTES * 60 {
        return Err(err(format!(
            "`{text}` is more than {MAX_MINUTES} minutes, Slurm's largest limit"
        )));
    }
    Ok(if secs == 0 {
        TimeLimit::Unlimited
    } else {
        TimeLimit::Secs(secs)
    })
}

/// `M`, `M:S`, `H:M:S`.
fn clock_form(text: &str) -> Result<u64, ValueError> {
    let parts = numbers(text, text)?;
    match parts.as_slice() {
        [m] => Ok(mul(*m, 60, text)?),
        [m, s] => add(mul(*m, 60, text)?, *s, text),
        [h, m, s] => add(
            add(mul(*h, 3600, text)?, mul(*m, 60, text)?, text)?,
            *s,
            text,
        ),
        _ => Err(ValueError::new(
            format!(
                "`{text}` has {} `:`-separated parts; at most 3",
                parts.len()
            ),
            ACCEPTED_TIME,
        )),
    }
}

/// `D-H`, `D-H:M`, `D-H:M:S`, and Slurm's lenient `D-`.
fn days_form(text: &str, days: &str, rest: &str) -> Result<u64, ValueError> {
    if rest.contains('-') {
        return Err(ValueError::new(
            format!("`{text}` has more than one `-`"),
            ACCEPTED_TIME,
        ));
    }
    let [d] = numbers(days, text)?[..] else {
        return Err(ValueError::new(
            format!("`{text}`: days must be a number"),
            ACCEPTED_TIME,
        ));
    };
    let day_secs = mul(d, 86_400, text)?;
    if rest.is_empty() {
        return Ok(day_secs);
    }
    let parts = numbers(rest, text)?;
    let within_day = match parts.as_slice() {
        [h] => mul(*h, 3600, text)?,
        [h, m] => add(mul(*h, 3600, text)?, mul(*m, 60, text)?, text)?,
        [h, m, s] => add(
            add(mul(*h, 3600, text)?, mul(*m, 60, text)?, text)?,
            *s,
            text,
        )?,
        _ => {
            return Err(ValueError::new(
                format!(
                    "`{text}` has {} `:`-separated parts after the days; at most 3",
                    parts.len()
                ),
                ACCEPTED_TIME,
            ))
        }
    };
    add(day_secs, within_day, text)
}

/// The `:`-separated numbers of `part`; each must be digits only.
fn numbers(part: &str, text: &str) -> Result<Vec<u64>, ValueError> {
    part.split(':')
        .map(|n| {
            if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
                let problem = match n {
                    "" => format!("`{text}` is not a time: it has an empty part"),
                    n if n == text => format!("`{text}` is not a time"),
                    n => format!("`{text}` is not a time: `{n}` is not a number"),
                };
                return Err(ValueError::new(problem, ACCEPTED_TIME));
            }
            n.parse::<u64>().map_err(|_| too_large(text))
        })
        .collect()
}

fn mul(a: u64, b: u64, text: &str) -> Result<u64, ValueError> {
    a.checked_mul(b).ok_or_else(|| too_large(text))
}

fn add(a: u64, b: u64, text: &str) -> Result<u64, ValueError> {
    a.checked_add(b).ok_or_else(|| too_large(text))
}

fn too_large(text: &str) -> ValueError {
    ValueError::new(format!("`{text}` is too large"), ACCEPTED_TIME)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(text: &str) -> u64 {
        match parse_time_limit(text) {
            Ok(TimeLimit::Secs(s)) => s,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn every_slurm_form() {
        assert_eq!(secs("90"), 90 * 60);
        assert_eq!(secs("10:30"), 10 * 60 + 30);
        assert_eq!(secs("1:02:03"), 3723);
        assert_eq!(secs("2-3"), 2 * 86_400 + 3 * 3600);
        assert_eq!(secs("2-3:04"), 2 * 86_400 + 3 * 3600 + 4 * 60);
        assert_eq!(secs("2-03:04:05"), 2 * 86_400 + 3 * 3600 + 4 * 60 + 5);
        assert_eq!(secs("100:00:00"), 100 * 3600);
        assert_eq!(secs("0-00:10:00"), 600);
    }

    #[test]
    fn lenient_where_slurm_is() {
        assert_eq!(secs("0:90:00"), 90 * 60);
        assert_eq!(secs("10:70"), 11 * 60 + 10);
        assert_eq!(secs("1-25"), 86_400 + 25 * 3600);
        assert_eq!(secs("2-"), 2 * 86_400);
        assert_eq!(secs("0:30"), 30);
    }

    #[test]
    fn the_many_spellings_of_no_limit() {
        for text in [
            "0",
            "00",
            "0:00:00",
            "0-0",
            "-1",
            "UNLIMITED",
            "unlimited",
            "INFINITE",
            "Infinite",
        ] {
            assert_eq!(parse_time_limit(text), Ok(TimeLimit::Unlimited), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_time() {
        let cases = [
            ("90min", "`90min` is not a time"),
            ("1:2:3:4", "4 `:`-separated parts"),
            ("1:-5:00", "negative part"),
            ("-2", "negative part"),
            ("1-2-3", "more than one `-`"),
            ("1-2:3:4:5", "4 `:`-separated parts after the days"),
            ("1:", "an empty part"),
            (":5", "an empty part"),
            ("+5", "`+5` is not a time"),
            (" 5", "` 5` is not a time"),
            ("1:x", "`x` is not a number"),
            ("", "empty value"),
            ("99999999999999999999", "too large"),
            ("300000000000", "Slurm's largest limit"),
        ];
        for (text, problem) in cases {
            let err = parse_time_limit(text).unwrap_err();
            assert!(err.problem.contains(problem), "{text}: {err}");
            assert_eq!(err.accepted, ACCEPTED_TIME);
        }
    }
}
