//! Human forms of numbers for tables: durations (`2d4h`, `1h30m`), memory (`32 GiB`), times
//! (`2026-12-04T10:55:02Z`).

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
    fn sizes() {
        assert_eq!(mib(4096), "4 GiB");
        assert_eq!(mib(1500), "1500 MiB");
        assert_eq!(mib(1024 * 1024), "1 TiB");
    }
}
