//! `--signal=[B:]SIG[@SECS]`: which signal to send how long before the time limit. SIG is a name
//! (`USR1`, `SIGUSR1`, any case) or a number; SECS defaults to 60 and is at most 65535, as in
//! sbatch(1). Checked with Slurm 22.05: it refuses signal 0, an unknown name and SECS above 65535,
//! but takes signal 99; we refuse numbers above 64, Linux's last real-time signal. Slurm's `R:`
//! flag (reservations) is not supported.

use super::error::ValueError;
use crate::spec::SignalSpec;

pub const ACCEPTED_SIGNAL: &str = "[B:]SIG[@SECS], SIG a name such as USR1 or SIGTERM or a number \
     1-64, SECS 0-65535 (default 60), e.g. B:USR1@60";

/// Linux signal numbers and names (signal(7), x86 and arm numbering).
const SIGNALS: [(&str, i32); 31] = [
    ("HUP", 1),
    ("INT", 2),
    ("QUIT", 3),
    ("ILL", 4),
    ("TRAP", 5),
    ("ABRT", 6),
    ("BUS", 7),
    ("FPE", 8),
    ("KILL", 9),
    ("USR1", 10),
    ("SEGV", 11),
    ("USR2", 12),
    ("PIPE", 13),
    ("ALRM", 14),
    ("TERM", 15),
    ("STKFLT", 16),
    ("CHLD", 17),
    ("CONT", 18),
    ("STOP", 19),
    ("TSTP", 20),
    ("TTIN", 21),
    ("TTOU", 22),
    ("URG", 23),
    ("XCPU", 24),
    ("XFSZ", 25),
    ("VTALRM", 26),
    ("PROF", 27),
    ("WINCH", 28),
    ("IO", 29),
    ("PWR", 30),
    ("SYS", 31),
];

const DEFAULT_SECS_BEFORE: u32 = 60;
const MAX_SECS_BEFORE: u32 = 65_535;

/// Parses a `--signal` value.
pub fn parse_signal(text: &str) -> Result<SignalSpec, ValueError> {
    let (flags, rest) = match text.split_once(':') {
        Some((flags, rest)) => (Some(flags), rest),
        None => (None, text),
    };
    let batch_only = match flags {
        None => false,
        Some("B") => true,
        Some(other) => {
            return Err(err(format!(
                "`{text}`: `{other}:` is not supported (only B:)"
            )));
        }
    };
    let (sig, secs) = match rest.split_once('@') {
        Some((sig, secs)) => (sig, parse_secs(secs, text)?),
        None => (rest, DEFAULT_SECS_BEFORE),
    };
    let (signal, signal_name) = parse_sig(sig, text)?;
    Ok(SignalSpec {
        batch_only,
        signal,
        signal_name,
        secs_before: secs,
    })
}

/// A bare signal (`USR1`, `SIGUSR1`, `usr1`, `10`), as (number, name without `SIG`): what
/// `scancel --signal` takes.
pub fn parse_signal_name(sig: &str) -> Result<(i32, String), ValueError> {
    parse_sig(sig, sig).map_err(|e| {
        let prefix = format!("`{sig}`: ");
        let problem = e.problem.strip_prefix(&prefix).unwrap_or(&e.problem);
        ValueError::new(problem, ACCEPTED_BARE_SIGNAL)
    })
}

pub const ACCEPTED_BARE_SIGNAL: &str =
    "a signal name such as USR1, SIGUSR1 or TERM, or a number 1-64";

/// A signal name or number, as (number, name without `SIG`).
fn parse_sig(sig: &str, text: &str) -> Result<(i32, String), ValueError> {
    if !sig.is_empty() && sig.bytes().all(|b| b.is_ascii_digit()) {
        let number = sig.parse::<i32>().ok().filter(|n| (1..=64).contains(n));
        let number = number.ok_or_else(|| err(format!("`{text}`: signal {sig} is not 1-64")))?;
        let name = SIGNALS
            .iter()
            .find(|(_, n)| *n == number)
            .map(|(name, _)| name.to_string());
        return Ok((number, name.unwrap_or_else(|| number.to_string())));
    }
    let upper = sig.to_ascii_uppercase();
    let bare = upper.strip_prefix("SIG").unwrap_or(&upper);
    SIGNALS
        .iter()
        .find(|(name, _)| *name == bare)
        .map(|(name, number)| (*number, name.to_string()))
        .ok_or_else(|| err(format!("`{text}`: `{sig}` is not a signal")))
}

fn parse_secs(secs: &str, text: &str) -> Result<u32, ValueError> {
    secs.parse::<u32>()
        .ok()
        .filter(|s| *s <= MAX_SECS_BEFORE && secs.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            err(format!(
                "`{text}`: `{secs}` is not a number of seconds 0-65535"
            ))
        })
}

fn err(problem: String) -> ValueError {
    ValueError::new(problem, ACCEPTED_SIGNAL)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(batch_only: bool, signal: i32, name: &str, secs: u32) -> SignalSpec {
        SignalSpec {
            batch_only,
            signal,
            signal_name: name.into(),
            secs_before: secs,
        }
    }

    #[test]
    fn names_numbers_and_defaults() {
        assert_eq!(parse_signal("B:USR1@60"), Ok(spec(true, 10, "USR1", 60)));
        assert_eq!(parse_signal("sigusr2"), Ok(spec(false, 12, "USR2", 60)));
        assert_eq!(
            parse_signal("SIGTERM@120"),
            Ok(spec(false, 15, "TERM", 120))
        );
        assert_eq!(parse_signal("10@0"), Ok(spec(false, 10, "USR1", 0)));
        assert_eq!(parse_signal("40"), Ok(spec(false, 40, "40", 60)));
    }

    #[test]
    fn refuses_what_is_not_a_signal() {
        for (text, problem) in [
            ("FOO", "`FOO` is not a signal"),
            ("0", "signal 0 is not 1-64"),
            ("99", "signal 99 is not 1-64"),
            ("10@70000", "not a number of seconds"),
            ("B:USR1@-5", "not a number of seconds"),
            ("R:USR1", "`R:` is not supported"),
            ("", "`` is not a signal"),
        ] {
            let err = parse_signal(text).unwrap_err();
            assert!(err.problem.contains(problem), "{text}: {err}");
        }
    }

    #[test]
    fn a_bare_signal_is_a_name_or_a_number() {
        assert_eq!(parse_signal_name("usr1"), Ok((10, "USR1".to_string())));
        assert_eq!(parse_signal_name("SIGTERM"), Ok((15, "TERM".to_string())));
        assert_eq!(parse_signal_name("34"), Ok((34, "34".to_string())));
        assert_eq!(
            parse_signal_name("USR1@60").unwrap_err().to_string(),
            "`USR1@60` is not a signal (accepted: a signal name such as USR1, SIGUSR1 or TERM, \
             or a number 1-64)"
        );
        assert!(parse_signal_name("0").is_err());
    }
}
