//! How a run ended, in the scheduler's terms: the supervisor's record read together with why the
//! scheduler asked the job to end (if it did).

use crate::run_dir::ExitRecord;
use corral_model::{Ending, ExitStatus, Outcome};

pub fn exit_status(record: &ExitRecord, ending: Option<&Ending>) -> ExitStatus {
    let outcome = if record.oom {
        Outcome::OutOfMemory
    } else {
        match ending {
            Some(Ending::TimeLimit) => Outcome::Timeout,
            Some(Ending::Cancel { .. }) | Some(Ending::Preempt { .. }) => Outcome::Killed,
            None if record.exit_code == Some(0) => Outcome::Success,
            None => Outcome::Failure,
        }
    };
    ExitStatus {
        outcome,
        exit_code: record.exit_code,
        signal: record.signal,
    }
}

/// A run that was never started or whose supervisor vanished: it ended as the scheduler asked,
/// or (when nobody asked) it was lost with the node's agent.
pub fn lost_status(ending: Option<&Ending>) -> ExitStatus {
    let outcome = match ending {
        Some(Ending::TimeLimit) => Outcome::Timeout,
        Some(_) => Outcome::Killed,
        None => Outcome::NodeFail,
    };
    ExitStatus {
        outcome,
        exit_code: None,
        signal: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(code: Option<i32>, signal: Option<i32>, oom: bool) -> ExitRecord {
        ExitRecord {
            exit_code: code,
            signal,
            oom,
            launch_error: None,
        }
    }

    #[test]
    fn exit_codes_and_signals_map_to_outcomes() {
        assert_eq!(
            exit_status(&record(Some(0), None, false), None).outcome,
            Outcome::Success
        );
        assert_eq!(
            exit_status(&record(Some(3), None, false), None).outcome,
            Outcome::Failure
        );
        assert_eq!(
            exit_status(&record(None, Some(11), false), None).outcome,
            Outcome::Failure
        );
        let oom = exit_status(&record(None, Some(9), true), None);
        assert_eq!((oom.outcome, oom.signal), (Outcome::OutOfMemory, Some(9)));
        let cancelled = exit_status(
            &record(Some(0), None, false),
            Some(&Ending::Cancel { by: "ada".into() }),
        );
        assert_eq!(cancelled.outcome, Outcome::Killed);
        let timeout = exit_status(&record(None, Some(15), false), Some(&Ending::TimeLimit));
        assert_eq!(
            (timeout.outcome, timeout.signal),
            (Outcome::Timeout, Some(15))
        );
    }

    #[test]
    fn an_oom_is_never_success() {
        let status = exit_status(&record(Some(0), None, true), None);
        assert_eq!(status.outcome, Outcome::OutOfMemory);
    }

    #[test]
    fn a_lost_run_is_a_node_failure_unless_it_was_being_ended() {
        assert_eq!(lost_status(None).outcome, Outcome::NodeFail);
        assert_eq!(
            lost_status(Some(&Ending::TimeLimit)).outcome,
            Outcome::Timeout
        );
    }
}
