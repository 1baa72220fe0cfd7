//! Human forms of numbers for tables: durations (`2d4h`, `1h30m`), memory (`32 GiB`), times
//! (`2026-12-04T10:55:02Z`, `in 2h10m`), Slurm's `D-HH:MM:SS` for the Slurm-named commands,
//! numbers without trailing zeros, and paragraphs wrapped to the table width.

/// `90061` → `1d1h1m1s`; zero parts are left out; `0` → `0s`.
pub fn duration(secs: u64) -> String {
    let parts = [
        (secs / 86_400, "d"),
        (secs / 3600 % 24, "h"),
        (secs / 60 % 60, "m"),
        (secs % 60, "s"),
    ];
    let text: String = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    if text.is_empty() {
        "0s".into()
    } else {
        text
    }
}

/// A measured duration to two units, for metric tables: `734_042` → `8d11h`, `31_742` →
/// `8h49m`, `696` → `11m36s`. (Limits the user set are shown exactly, with `duration`.)
pub fn approx_duration(secs: u64) -> String {
    let units = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")];
    let Some(first) = units.iter().position(|(size, _)| secs >= *size) else {
        return "0s".into();
    };
    let (size, unit) = units[first];
    let mut text = format!("{}{unit}", secs / size);
    if let Some(&(next, next_unit)) = units.get(first + 1) {
        let rest = secs % size / next;
        if rest > 0 {
            text.push_str(&format!("{rest}{next_unit}"));
        }
    }
    text
}

/// MiB in the largest unit that divides them evenly: `4096` → `4 GiB`, `1500` → `1500 MiB`.
pub fn mib(mib: u64) -> String {
    const GIB: u64 = 1024;
    const TIB: u64 = 1024 * 1024;
    match mib {
        0 => "0 MiB".into(),
        m if m % TIB == 0 => format!("{} TiB", m / TIB),
        m if m % GIB == 0 => format!("{} GiB", m / GIB),
        m => format!("{m} MiB"),
    }
}

/// Seconds since the epoch as a UTC timestamp, `2026-12-04T10:55:02Z`.
pub fn timestamp(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let rest = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// A time relative to `now`: `in 2h10m`, `5m ago`, `now` (within a second), to two units.
pub fn relative(secs: u64, now: u64) -> String {
    match secs.cmp(&now) {
        std::cmp::Ordering::Equal => "now".into(),
        std::cmp::Ordering::Greater => format!("in {}", approx_duration(secs - now)),
        std::cmp::Ordering::Less => format!("{} ago", approx_duration(now - secs)),
    }
}

/// A duration as Slurm prints it (squeue's TIME, sinfo's TIMELIMIT): `0:05`, `12:34`,
/// `1:02:03`, `7-00:00:00`.
pub fn slurm_duration(secs: u64) -> String {
    let (days, hours, mins, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    if days > 0 {
        format!("{days}-{hours:02}:{mins:02}:{s:02}")
    } else if hours > 0 {
        format!("{hours}:{mins:02}:{s:02}")
    } else {
        format!("{mins}:{s:02}")
    }
}

/// A number to at most two decimals, without trailing zeros: `2500`, `4.17`, `0.5`.
pub fn number(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    match text {
        "-0" | "" => "0".into(),
        t => t.to_string(),
    }
}

/// `text` wrapped at spaces into lines of at most `width` characters (a longer word gets a line
/// of its own).
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(600), "10m");
        assert_eq!(duration(5400), "1h30m");
        assert_eq!(duration(360_000), "4d4h");
        assert_eq!(duration(90_061), "1d1h1m1s");
    }

    #[test]
    fn approximate_durations_keep_two_units() {
        assert_eq!(approx_duration(0), "0s");
        assert_eq!(approx_duration(696), "11m36s");
        assert_eq!(approx_duration(31_742), "8h49m");
        assert_eq!(approx_duration(734_502), "8d12h");
        assert_eq!(approx_duration(3_600), "1h");
    }

    #[test]
    fn timestamps() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(timestamp(1_796_381_702), "2026-12-04T10:55:02Z");
    }

    #[test]
    fn relative_times_and_slurm_durations() {
        assert_eq!(relative(100, 100), "now");
        assert_eq!(relative(7900, 100), "in 2h10m");
        assert_eq!(relative(100, 400), "5m ago");
        assert_eq!(slurm_duration(5), "0:05");
        assert_eq!(slurm_duration(754), "12:34");
        assert_eq!(slurm_duration(3723), "1:02:03");
        assert_eq!(slurm_duration(7 * 86_400), "7-00:00:00");
    }

    #[test]
    fn numbers_and_paragraphs() {
        assert_eq!(number(2500.0), "2500");
        assert_eq!(number(4.1666), "4.17");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(-0.001), "0");
        assert_eq!(wrap("aa bb cc dd", 5), "aa bb\ncc dd\n");
        assert_eq!(wrap("abcdefgh ij", 4), "abcdefgh\nij\n");
    }

    #[test]
    fn sizes() {
        assert_eq!(mib(4096), "4 GiB");
        assert_eq!(mib(1500), "1500 MiB");
        assert_eq!(mib(1024 * 1024), "1 TiB");
    }
}
