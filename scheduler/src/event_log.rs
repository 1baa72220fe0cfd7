//! The scheduler's log: one line on stderr per event an operator cares about (leadership won or
//! lost, nodes registered, lost, drained or resumed, what each pass started and ended, policy
//! changes), stamped with the UTC time and the node's id. Jobs' own comings and goings are in
//! `corral history`, not here.

use std::fmt::Display;
use std::time::{SystemTime, UNIX_EPOCH};

/// Writes `text` as an event of scheduler node `node`.
pub fn event(node: u64, text: impl Display) {
    eprintln!("{} corral-scheduler[{node}]: {text}", utc_now());
}

/// `2026-12-04T17:53:54.123Z`.
fn utc_now() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    utc(since.as_secs(), since.subsec_millis())
}

fn utc(secs: u64, millis: u32) -> String {
    let days = (secs / 86_400) as i64;
    let (year, month, day) = civil_from_days(days);
    let in_day = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        in_day / 3600,
        in_day / 60 % 60,
        in_day % 60
    )
}

/// The proleptic Gregorian date of `days` since 1970-01-01, counting in 400-year eras of
/// 146,097 days that start on 1 March (so that the leap day ends a year).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_seconds_print_as_utc_dates() {
        assert_eq!(utc(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(utc(951_782_400, 5), "2000-02-29T00:00:00.005Z");
        assert_eq!(utc(1_796_406_834, 123), "2026-12-04T17:53:54.123Z");
        assert_eq!(utc(4_107_542_399, 999), "2100-02-28T23:59:59.999Z");
    }
}
