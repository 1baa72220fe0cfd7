//! Calendar dates (UTC, proleptic Gregorian) to Unix seconds and back, without a date library:
//! for `--begin` dates in batch scripts, timestamps in traces and in the scheduler's log.

/// Parses `YYYY-MM-DD HH:MM:SS` (or with `T` between date and time) into Unix seconds, UTC.
pub fn parse_utc_timestamp(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let invalid =
        || format!("timestamp {text:?} is not a date and time (accepted: YYYY-MM-DD HH:MM:SS)");
    let (date, time) = text.split_once([' ', 'T']).ok_or_else(invalid)?;
    let [year, month, day] = three_numbers(date, '-').ok_or_else(invalid)?;
    let [hour, minute, second] = three_numbers(time, ':').ok_or_else(invalid)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(invalid());
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(invalid());
    }
    let days = days_since_unix_epoch(year, month, day);
    Ok(days * 86_400 + hour * 3_600 + minute * 60 + second)
}

fn three_numbers(text: &str, separator: char) -> Option<[i64; 3]> {
    let mut parts = text.split(separator);
    let mut numbers = [0i64; 3];
    for number in &mut numbers {
        let part = parts.next()?;
        if part.is_empty() || !part.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        *number = part.parse().ok()?;
    }
    parts.next().is_none().then_some(numbers)
}

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in a month of the proleptic Gregorian calendar.
pub fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date, counted with whole 400-year
/// cycles (146,097 days each) from 0000-03-01 so that leap days fall at the end of a year.
pub fn days_since_unix_epoch(year: i64, month: i64, day: i64) -> i64 {
    const DAYS_PER_CYCLE: i64 = 146_097;
    const DAYS_FROM_0000_03_01_TO_1970_01_01: i64 = 719_468;
    // Years start in March, so February (and its leap day) is the year's last month.
    let march_year = if month <= 2 { year - 1 } else { year };
    let cycle = march_year.div_euclid(400);
    let year_of_cycle = march_year.rem_euclid(400);
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_cycle = year_of_cycle * 365 + year_of_cycle / 4 - year_of_cycle / 100 + day_of_year;
    cycle * DAYS_PER_CYCLE + day_of_cycle - DAYS_FROM_0000_03_01_TO_1970_01_01
}

/// The proleptic Gregorian `(year, month, day)` of `days` since 1970-01-01: the inverse of
/// `days_since_unix_epoch`, with the same March-based 400-year cycles.
pub fn date_of_unix_day(days: i64) -> (i64, u32, u32) {
    const DAYS_PER_CYCLE: i64 = 146_097;
    const DAYS_FROM_0000_03_01_TO_1970_01_01: i64 = 719_468;
    let shifted = days + DAYS_FROM_0000_03_01_TO_1970_01_01;
    let cycle = shifted.div_euclid(DAYS_PER_CYCLE);
    let day_of_cycle = shifted.rem_euclid(DAYS_PER_CYCLE);
    let year_of_cycle = (day_of_cycle - day_of_cycle / 1_460 + day_of_cycle / 36_524
        - day_of_cycle / 146_096)
        / 365;
    let day_of_year =
        day_of_cycle - (365 * year_of_cycle + year_of_cycle / 4 - year_of_cycle / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = ((month_from_march + 2) % 12 + 1) as u32;
    let year = year_of_cycle + cycle * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates_convert_to_their_unix_seconds() {
        assert_eq!(parse_utc_timestamp("1970-01-01 00:00:00"), Ok(0));
        assert_eq!(parse_utc_timestamp("2000-03-01 00:00:00"), Ok(951_868_800));
        // 2017-10-09 07:01:55 UTC, the first row of the Philly trace.
        assert_eq!(
            parse_utc_timestamp("2017-10-09 07:01:55"),
            Ok(1_507_532_515)
        );
        assert_eq!(
            parse_utc_timestamp("2016-02-29T23:59:59"),
            Ok(1_456_790_399)
        );
        assert_eq!(parse_utc_timestamp("1969-12-31 23:59:59"), Ok(-1));
    }

    #[test]
    fn impossible_dates_and_malformed_text_are_rejected() {
        for text in [
            "2017-02-29 00:00:00",
            "2017-13-01 00:00:00",
            "2017-10-09 24:00:00",
            "2017-10-09",
            "2017-10-09 07:01",
            "2017-1x-09 07:01:55",
            "",
        ] {
            assert!(parse_utc_timestamp(text).is_err(), "{text:?} was accepted");
        }
        assert_eq!(
            parse_utc_timestamp("yesterday"),
            Err(
                "timestamp \"yesterday\" is not a date and time (accepted: YYYY-MM-DD HH:MM:SS)"
                    .to_string()
            )
        );
    }

    #[test]
    fn consecutive_days_are_86400_seconds_apart_across_month_and_year_ends() {
        let pairs = [
            ("2016-02-28", "2016-02-29"),
            ("2016-02-29", "2016-03-01"),
            ("2017-12-31", "2018-01-01"),
            ("1999-12-31", "2000-01-01"),
        ];
        for (before, after) in pairs {
            let before_secs = parse_utc_timestamp(&format!("{before} 00:00:00")).unwrap();
            let after_secs = parse_utc_timestamp(&format!("{after} 00:00:00")).unwrap();
            assert_eq!(after_secs - before_secs, 86_400, "{before} -> {after}");
        }
    }

    #[test]
    fn unix_days_turn_back_into_the_dates_they_came_from() {
        for (year, month, day) in [
            (1970, 1, 1),
            (2000, 2, 29),
            (2026, 12, 4),
            (2100, 3, 1),
            (1969, 12, 31),
        ] {
            let days = days_since_unix_epoch(year, month, day);
            assert_eq!(date_of_unix_day(days), (year, month as u32, day as u32));
        }
    }
}
