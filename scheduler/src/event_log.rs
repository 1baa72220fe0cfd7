//! The scheduler's log: one line on stderr per event an operator cares about (leadership won or
//! lost, nodes registered, lost, drained or resumed, what each pass started and ended, policy
//! changes), stamped with the UTC time and the node's id. Jobs' own comings and goings are in
//! `corral history`, not here.

use corral_model::civil_time::date_of_unix_day;
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
    let (year, month, day) = date_of_unix_day(days);
    let in_day = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        in_day / 3600,
        in_day / 60 % 60,
        in_day % 60
    )
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
