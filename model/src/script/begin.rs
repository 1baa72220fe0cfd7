//! `--begin`: when a job may start at the earliest. Two of Slurm's forms are supported, checked
//! with Slurm 22.05: `now[+N[seconds|minutes|hours|days|weeks]]` (no unit means seconds; the unit
//! in either case, singular or plural) and `YYYY-MM-DD[THH:MM[:SS]]`, read as UTC (Slurm reads it
//! in the submit host's time zone). Forms that need today's date (`16:00`, `tomorrow`, `noon`) are
//! refused with the forms that work, because the model never reads a clock.

use super::error::ValueError;
use crate::civil_time;
use crate::spec::BeginTime;

pub const ACCEPTED_BEGIN: &str = "now, now+N[seconds|minutes|hours|days|weeks] (default seconds) \
     or YYYY-MM-DD[THH:MM[:SS]] in UTC, e.g. now+1hour, 2030-01-31T08:00:00";

/// Parses a `--begin` value.
pub fn parse_begin(text: &str) -> Result<BeginTime, ValueError> {
    if let Some(rest) = strip_prefix_ignore_case(text, "now") {
        return relative(rest, text);
    }
    if text.starts_with(|c: char| c.is_ascii_digit()) && text.contains('-') {
        return absolute(text);
    }
    Err(err(format!("`{text}` is not a supported begin time")))
}

/// `now`, `now+N[unit]`.
fn relative(rest: &str, text: &str) -> Result<BeginTime, ValueError> {
    if rest.is_empty() {
        return Ok(BeginTime::AfterSubmitSecs(0));
    }
    let Some(rest) = rest.strip_prefix('+') else {
        return Err(err(format!("`{text}`: after `now` comes `+N[unit]`")));
    };
    let digits_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (digits, unit) = rest.split_at(digits_end);
    let count: u64 = digits
        .parse()
        .map_err(|_| err(format!("`{text}`: no whole number after `+`")))?;
    let unit_secs =
        unit_secs(unit).ok_or_else(|| err(format!("`{text}`: unknown unit `{unit}`")))?;
    count
        .checked_mul(unit_secs)
        .map(BeginTime::AfterSubmitSecs)
        .ok_or_else(|| err(format!("`{text}` is too far ahead")))
}

fn unit_secs(unit: &str) -> Option<u64> {
    let unit = unit.to_ascii_lowercase();
    let unit = unit.strip_suffix('s').unwrap_or(&unit);
    match unit {
        "" | "second" => Some(1),
        "minute" => Some(60),
        "hour" => Some(3600),
        "day" => Some(86_400),
        "week" => Some(7 * 86_400),
        _ => None,
    }
}

/// `YYYY-MM-DD[THH:MM[:SS]]`, UTC.
fn absolute(text: &str) -> Result<BeginTime, ValueError> {
    let (date, clock) = match text.split_once('T') {
        Some((date, clock)) => (date, Some(clock)),
        None => (text, None),
    };
    let [year, month, day] = fixed_numbers(date, &[4, 2, 2], '-', text)?[..] else {
        return Err(err(format!("`{text}`: the date must be YYYY-MM-DD")));
    };
    if year < 1970 || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(err(format!("`{text}`: {date} is not a date from 1970 on")));
    }
    let clock_secs = match clock {
        None => 0,
        Some(clock) => {
            let parts = if clock.len() > 5 {
                &[2, 2, 2][..]
            } else {
                &[2, 2][..]
            };
            let hms = fixed_numbers(clock, parts, ':', text)?;
            let (h, m, s) = (hms[0], hms[1], hms.get(2).copied().unwrap_or(0));
            if h > 23 || m > 59 || s > 59 {
                return Err(err(format!("`{text}`: {clock} is not a time of day")));
            }
            h * 3600 + m * 60 + s
        }
    };
    Ok(BeginTime::AtEpochSecs(
        days_since_epoch(year, month, day) * 86_400 + clock_secs,
    ))
}

/// Splits `part` at `sep` into numbers of exactly the given digit counts.
fn fixed_numbers(
    part: &str,
    widths: &[usize],
    sep: char,
    text: &str,
) -> Result<Vec<u64>, ValueError> {
    let pieces: Vec<&str> = part.split(sep).collect();
    let well_formed = pieces.len() == widths.len()
        && pieces
            .iter()
            .zip(widths)
            .all(|(p, w)| p.len() == *w && p.bytes().all(|b| b.is_ascii_digit()));
    if !well_formed {
        return Err(err(format!("`{text}` is not a supported begin time")));
    }
    Ok(pieces.iter().filter_map(|p| p.parse().ok()).collect())
}

fn days_in_month(year: u64, month: u64) -> u64 {
    civil_time::days_in_month(year as i64, month as i64) as u64
}

/// Days from 1970-01-01 to the given date (year >= 1970).
fn days_since_epoch(year: u64, month: u64, day: u64) -> u64 {
    civil_time::days_since_unix_epoch(year as i64, month as i64, day as i64) as u64
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn err(problem: String) -> ValueError {
    ValueError::new(problem, ACCEPTED_BEGIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use BeginTime::{AfterSubmitSecs, AtEpochSecs};

    #[test]
    fn relative_times() {
        assert_eq!(parse_begin("now"), Ok(AfterSubmitSecs(0)));
        assert_eq!(parse_begin("now+90"), Ok(AfterSubmitSecs(90)));
        assert_eq!(parse_begin("now+1hour"), Ok(AfterSubmitSecs(3600)));
        assert_eq!(parse_begin("now+2Hours"), Ok(AfterSubmitSecs(7200)));
        assert_eq!(parse_begin("now+30minutes"), Ok(AfterSubmitSecs(1800)));
        assert_eq!(parse_begin("now+1week"), Ok(AfterSubmitSecs(604_800)));
        assert_eq!(parse_begin("NOW+2days"), Ok(AfterSubmitSecs(172_800)));
    }

    #[test]
    fn absolute_times_in_utc() {
        // `date -u -d 2030-01-02T03:04:05 +%s`
        assert_eq!(
            parse_begin("2030-01-02T03:04:05"),
            Ok(AtEpochSecs(1_893_553_445))
        );
        assert_eq!(
            parse_begin("2030-01-02T03:04"),
            Ok(AtEpochSecs(1_893_553_440))
        );
        assert_eq!(parse_begin("2030-01-02"), Ok(AtEpochSecs(1_893_542_400)));
        assert_eq!(parse_begin("1970-01-01"), Ok(AtEpochSecs(0)));
        // `date -u -d 2024-02-29T12:00:00 +%s`
        assert_eq!(
            parse_begin("2024-02-29T12:00:00"),
            Ok(AtEpochSecs(1_709_208_000))
        );
    }

    #[test]
    fn refuses_unsupported_or_malformed_times() {
        for (text, problem) in [
            ("now+1h", "unknown unit `h`"),
            ("now+", "no whole number"),
            ("now-5", "after `now` comes"),
            ("now+1.5hours", "unknown unit `.5hours`"),
            ("2030-1-2", "not a supported begin time"),
            ("2030-01-02T25:00", "not a time of day"),
            ("2023-02-29", "not a date"),
            ("1969-12-31", "not a date from 1970"),
            ("16:00", "not a supported begin time"),
            ("tomorrow", "not a supported begin time"),
            ("", "not a supported begin time"),
        ] {
            let err = parse_begin(text).unwrap_err();
            assert!(err.problem.contains(problem), "{text}: {err}");
        }
    }
}
