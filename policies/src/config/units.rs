//! Units in the policy file: durations (`"90s"`, `"30m"`, `"2h"`, `"1d"`, `"1w"`, `"1h30m"`, and
//! Slurm's `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S`), `"unlimited"`, and memory sizes (`"512M"`,
//! `"64G"`, `"2T"`, binary units as in Slurm). Slurm's forms are read by the model's batch-script
//! parsers (`corral_model::script`), so a time or size means the same in a script and here.
//! Each parser returns the value in Corral's units (seconds, MiB) or a short reason that the
//! caller turns into a located error.

use corral_model::script::{parse_size_mib, parse_time_limit, ACCEPTED_SIZE};
use corral_model::spec::TimeLimit;

/// What `parse_duration_secs` accepts, for error messages.
pub const DURATION_FORMS: &str =
    "a string like \"90s\", \"30m\", \"2h\", \"1d\", \"1w\", \"1h30m\", or Slurm's \"M:S\", \"H:M:S\", \"D-H\", \"D-H:M\", \"D-H:M:S\"";

/// What `parse_limit_secs` accepts, for error messages.
pub const LIMIT_FORMS: &str =
    "\"unlimited\", or a string like \"90s\", \"30m\", \"2h\", \"1d\", \"1w\", \"1h30m\", or Slurm's \"M:S\", \"H:M:S\", \"D-H\", \"D-H:M\", \"D-H:M:S\"";

/// What `parse_mem_mib` accepts, for error messages (the model's words for `--mem`).
pub const MEMORY_FORMS: &str = ACCEPTED_SIZE;

/// A duration in seconds. Bare numbers are refused: in Slurm a bare `--time=30` means minutes,
/// elsewhere it usually means seconds, so the file must say which.
pub fn parse_duration_secs(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("is not a duration: it is empty".to_owned());
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return Err("is not a duration: a bare number needs a unit".to_owned());
    }
    if text.contains([':', '-']) {
        return match parse_slurm_time(text)? {
            Some(secs) => Ok(secs),
            None => Err("is not a duration: in Slurm's notation it means no limit".to_owned()),
        };
    }
    parse_unit_sequence(text).ok_or_else(|| "is not a duration".to_owned())
}

/// A duration that may be unlimited: `None` for `"unlimited"` / `"infinite"` (any case), and
/// for Slurm forms that mean no limit (`"0:00"`).
pub fn parse_limit_secs(text: &str) -> Result<Option<u64>, String> {
    let trimmed = text.trim();
    if trimmed.eq_ignore_ascii_case("unlimited") || trimmed.eq_ignore_ascii_case("infinite") {
        return Ok(None);
    }
    if trimmed.contains([':', '-']) {
        return parse_slurm_time(trimmed);
    }
    parse_duration_secs(text).map(Some)
}

/// Slurm's `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S` through the model's `--time` parser;
/// `None` for forms that mean no limit.
fn parse_slurm_time(text: &str) -> Result<Option<u64>, String> {
    match parse_time_limit(text) {
        Ok(TimeLimit::Secs(secs)) => Ok(Some(secs)),
        Ok(TimeLimit::Unlimited | TimeLimit::NotSet) => Ok(None),
        Err(e) => Err(format!("is not a duration ({})", e.problem)),
    }
}

/// `1h30m`: one or more number-unit pairs, units `w d h m s` (any case).
fn parse_unit_sequence(text: &str) -> Option<u64> {
    let mut total: u64 = 0;
    let mut number: Option<u64> = None;
    for c in text.chars() {
        if let Some(digit) = c.to_digit(10) {
            let so_far = number.unwrap_or(0);
            number = Some(so_far.checked_mul(10)?.checked_add(u64::from(digit))?);
            continue;
        }
        let unit_secs = match c.to_ascii_lowercase() {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return None,
        };
        total = total.checked_add(number.take()?.checked_mul(unit_secs)?)?;
    }
    // A trailing number without a unit (`1h30`) is refused.
    if number.is_some() {
        return None;
    }
    Some(total)
}

/// A memory size in MiB, as Slurm's `--mem` reads it (the model's parser): a whole number
/// with an optional unit K, M, G or T (1G = 1024M); no unit means M.
pub fn parse_mem_mib(text: &str) -> Result<u64, String> {
    parse_size_mib(text.trim()).map_err(|e| format!("is not a memory size ({})", e.problem))
}

/// Seconds as the shortest unit string that `parse_duration_secs` reads back (`"1d12h"`).
pub fn format_duration(secs: u64) -> String {
    if secs == 0 {
        return "0s".to_owned();
    }
    let mut rest = secs;
    let mut out = String::new();
    for (unit, size) in [
        ("w", 604_800),
        ("d", 86_400),
        ("h", 3_600),
        ("m", 60),
        ("s", 1),
    ] {
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_durations() {
        assert_eq!(parse_duration_secs("90s"), Ok(90));
        assert_eq!(parse_duration_secs("30m"), Ok(1_800));
        assert_eq!(parse_duration_secs("2h"), Ok(7_200));
        assert_eq!(parse_duration_secs("1d"), Ok(86_400));
        assert_eq!(parse_duration_secs("1w"), Ok(604_800));
        assert_eq!(parse_duration_secs("1h30m"), Ok(5_400));
        assert_eq!(parse_duration_secs(" 2H "), Ok(7_200));
        assert_eq!(parse_duration_secs("0s"), Ok(0));
    }

    #[test]
    fn slurm_durations() {
        assert_eq!(parse_duration_secs("5:30"), Ok(330));
        assert_eq!(parse_duration_secs("1:00:00"), Ok(3_600));
        assert_eq!(parse_duration_secs("2-12"), Ok(216_000));
        assert_eq!(parse_duration_secs("1-0:30"), Ok(88_200));
        assert_eq!(parse_duration_secs("1-00:00:01"), Ok(86_401));
        assert_eq!(
            parse_duration_secs("0:90:00"),
            Ok(5_400),
            "parts may overflow, as in Slurm"
        );
        assert_eq!(parse_duration_secs("2-"), Ok(172_800), "Slurm's lenient D-");
    }

    #[test]
    fn bad_durations_say_why() {
        assert_eq!(
            parse_duration_secs("30"),
            Err("is not a duration: a bare number needs a unit".to_owned())
        );
        for bad in [
            "",
            "2 hours",
            "h",
            "1h30",
            "1x",
            "-1h",
            "1:2:3:4",
            "1-2:3:4:5",
            "0:00",
            ":30",
        ] {
            assert!(
                parse_duration_secs(bad).is_err(),
                "{bad:?} should be refused"
            );
        }
        assert!(parse_duration_secs("99999999999999999999w").is_err());
        assert!(parse_duration_secs("9999999999999999999w").is_err());
    }

    #[test]
    fn limits_may_be_unlimited() {
        assert_eq!(parse_limit_secs("unlimited"), Ok(None));
        assert_eq!(parse_limit_secs("INFINITE"), Ok(None));
        assert_eq!(parse_limit_secs("7d"), Ok(Some(604_800)));
        assert_eq!(
            parse_limit_secs("0:00"),
            Ok(None),
            "Slurm's zero means no limit"
        );
        assert_eq!(parse_limit_secs("1-0"), Ok(Some(86_400)));
        assert!(parse_limit_secs("forever").is_err());
    }

    #[test]
    fn memory_sizes() {
        assert_eq!(parse_mem_mib("512M"), Ok(512));
        assert_eq!(parse_mem_mib("64G"), Ok(65_536));
        assert_eq!(parse_mem_mib("64gb"), Ok(65_536));
        assert_eq!(parse_mem_mib("2T"), Ok(2_097_152));
        assert_eq!(
            parse_mem_mib("4096"),
            Ok(4_096),
            "no unit means MiB, as in Slurm"
        );
        for bad in ["", "G", "1.5G", "64Q", "-1G", "99999999999999999999T"] {
            assert!(parse_mem_mib(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn formatted_durations_read_back() {
        for secs in [
            0, 1, 59, 60, 3_600, 5_400, 86_400, 129_600, 604_800, 700_001,
        ] {
            let text = format_duration(secs);
            assert_eq!(parse_duration_secs(&text), Ok(secs), "{text}");
        }
        assert_eq!(format_duration(129_600), "1d12h");
    }
}
