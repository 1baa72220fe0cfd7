//! Human forms of numbers for tables: durations (`2d4h`, `1h30m`), memory (`32 GiB`).

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
    fn sizes() {
        assert_eq!(mib(4096), "4 GiB");
        assert_eq!(mib(1500), "1500 MiB");
        assert_eq!(mib(1024 * 1024), "1 TiB");
    }
}
