//! The job filters `queue`, `history` and `cancel` share: `--user`, `--state`, `--partition`,
//! `--account`. User and states go to the scheduler (`ListJobs`); the rest are applied here.

use crate::exit::Failure;
use corral_model::{Job, JobState};

#[derive(clap::Args, Clone, Debug, Default)]
pub struct JobFilterArgs {
    /// Only this user's jobs
    #[arg(long, short = 'u')]
    pub user: Option<String>,
    /// Only jobs in these states: names or codes (PENDING, PD, RUNNING, R, ...), comma-separated;
    /// `all` for every state
    #[arg(
        long,
        short = 't',
        value_delimiter = ',',
        value_name = "STATE[,STATE...]"
    )]
    pub state: Vec<String>,
    /// Only jobs that asked for this partition
    #[arg(long, short = 'p')]
    pub partition: Option<String>,
    /// Only jobs charged to this account
    #[arg(long, short = 'A')]
    pub account: Option<String>,
}

impl JobFilterArgs {
    pub fn is_empty(&self) -> bool {
        self.user.is_none()
            && self.state.is_empty()
            && self.partition.is_none()
            && self.account.is_none()
    }

    /// The states asked for (`all`: every state), or `default` when none were.
    pub fn states_or(&self, default: &[JobState]) -> Result<Vec<JobState>, Failure> {
        if self.state.is_empty() {
            return Ok(default.to_vec());
        }
        if self.wants_all_states() {
            return Ok(JobState::ALL.to_vec());
        }
        self.state.iter().map(|name| parse_state(name)).collect()
    }

    /// Whether `--state all` was given.
    pub fn wants_all_states(&self) -> bool {
        self.state.iter().any(|s| s.eq_ignore_ascii_case("all"))
    }

    /// The user to ask the scheduler for (`""` = everyone).
    pub fn user_name(&self) -> &str {
        self.user.as_deref().unwrap_or("")
    }

    /// Whether `job` passes every filter (the states included).
    pub fn matches(&self, job: &Job, states: &[JobState]) -> bool {
        let user = self.user.as_deref().is_none_or(|u| job.user == u);
        let state = states.is_empty() || states.contains(&job.state);
        let partition = self
            .partition
            .as_deref()
            .is_none_or(|p| job.spec.partition.as_deref() == Some(p));
        let account = self.account.as_deref().is_none_or(|a| job.account == a);
        user && state && partition && account
    }
}

/// A job state by name or code, case-insensitively.
pub fn parse_state(name: &str) -> Result<JobState, Failure> {
    JobState::parse(name).ok_or_else(|| {
        let accepted: Vec<&str> = JobState::ALL.iter().map(|s| s.name()).collect();
        Failure::usage(format!(
            "--state {name:?}: not a job state (accepted: {}, or their codes PD, R, CG, ...)",
            accepted.join(", ")
        ))
    })
}

/// State names for a `ListJobs` request.
pub fn state_names(states: &[JobState]) -> Vec<&'static str> {
    states.iter().map(|s| s.name()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_parse_by_name_or_code_and_bad_ones_are_usage_errors() {
        let args = JobFilterArgs {
            state: vec!["pd".into(), "RUNNING".into()],
            ..JobFilterArgs::default()
        };
        assert_eq!(
            args.states_or(&[]).unwrap(),
            [JobState::Pending, JobState::Running]
        );
        let bad = JobFilterArgs {
            state: vec!["sleeping".into()],
            ..JobFilterArgs::default()
        };
        assert_eq!(bad.states_or(&[]).unwrap_err().code(), 2);
        let all = JobFilterArgs {
            state: vec!["all".into()],
            ..JobFilterArgs::default()
        };
        assert_eq!(all.states_or(&[]).unwrap(), JobState::ALL);
    }
}
