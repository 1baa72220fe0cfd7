//! Errors of the policy file: each names the file, the line and the key, says what is wrong and
//! what would be accepted. `PolicyErrors` collects all of them, so that one run shows every
//! mistake in a file.

use std::fmt;

/// One mistake in a policy file.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{file}:{line}: {problem}")]
pub struct PolicyError {
    /// The file name as given to `parse_policy`.
    pub file: String,
    /// 1-based line of the key (or value) at fault.
    pub line: u32,
    /// Dotted path of the key at fault, e.g. `qos.high.max_gpus`; empty for syntax errors.
    pub key: String,
    pub problem: Problem,
}

/// What is wrong. Every message says what would be accepted instead.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Problem {
    #[error("not valid TOML: {message}")]
    Syntax { message: String },

    #[error("unknown key `{key}` in {table}{} (accepted: {})", did_you_mean(.suggestion), .accepted.join(", "))]
    UnknownKey {
        key: String,
        table: String,
        suggestion: Option<String>,
        accepted: Vec<String>,
    },

    #[error("`{key}` in {table} must be {expected}, found {found}")]
    WrongType {
        key: String,
        table: String,
        expected: String,
        found: String,
    },

    #[error("`{key}` in {table}: {value} {reason} (accepted: {accepted})")]
    BadValue {
        key: String,
        table: String,
        /// The offending value as written (strings quoted).
        value: String,
        reason: String,
        accepted: String,
    },

    #[error("{table} needs `{key}`: {purpose}")]
    MissingKey {
        key: String,
        table: String,
        purpose: String,
    },

    #[error("`{key}` in {table} names {kind} `{name}`, which is not defined{} (defined: {})", did_you_mean(.suggestion), list_or_none(.defined))]
    UnknownName {
        key: String,
        table: String,
        /// `partition`, `QoS` or `account`.
        kind: String,
        name: String,
        suggestion: Option<String>,
        defined: Vec<String>,
    },

    #[error("the account tree has a cycle: {} (every account must lead up to `root`)", .cycle.join(" -> "))]
    AccountCycle { cycle: Vec<String> },

    #[error("QoS preemption has a cycle: {} (a QoS may not preempt, directly or through others, one that preempts it)", .cycle.join(" -> "))]
    PreemptCycle { cycle: Vec<String> },

    #[error("{table}: {message}")]
    Inconsistent { table: String, message: String },
}

fn did_you_mean(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!("; did you mean `{s}`?"),
        None => String::new(),
    }
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// Every mistake found in one policy file, in line order. Never empty.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyErrors {
    errors: Vec<PolicyError>,
}

impl PolicyErrors {
    /// Sorts by line, then key, then message, so the same file always reports the same way.
    pub(crate) fn new(mut errors: Vec<PolicyError>) -> Self {
        errors.sort_by(|a, b| {
            (a.line, &a.key, a.problem.to_string()).cmp(&(b.line, &b.key, b.problem.to_string()))
        });
        errors.dedup();
        PolicyErrors { errors }
    }

    pub fn errors(&self) -> &[PolicyError] {
        &self.errors
    }

    pub fn len(&self) -> usize {
        self.errors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, PolicyError> {
        self.errors.iter()
    }
}

impl fmt::Display for PolicyErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.errors.len();
        let noun = if count == 1 { "error" } else { "errors" };
        write!(f, "{count} {noun} in policy file")?;
        for error in &self.errors {
            write!(f, "\n  {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PolicyErrors {}

impl<'a> IntoIterator for &'a PolicyErrors {
    type Item = &'a PolicyError;
    type IntoIter = std::slice::Iter<'a, PolicyError>;

    fn into_iter(self) -> Self::IntoIter {
        self.errors.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_message_has_suggestion_and_accepted_keys() {
        let e = PolicyError {
            file: "p.toml".into(),
            line: 7,
            key: "qos.high.max_gpu".into(),
            problem: Problem::UnknownKey {
                key: "max_gpu".into(),
                table: "[qos.high]".into(),
                suggestion: Some("max_gpus".into()),
                accepted: vec!["max_gpus".into(), "priority".into()],
            },
        };
        assert_eq!(
            e.to_string(),
            "p.toml:7: unknown key `max_gpu` in [qos.high]; did you mean `max_gpus`? \
             (accepted: max_gpus, priority)"
        );
    }

    #[test]
    fn errors_are_sorted_by_line() {
        let at = |line: u32, key: &str| PolicyError {
            file: "f".into(),
            line,
            key: key.into(),
            problem: Problem::Syntax {
                message: "x".into(),
            },
        };
        let errors = PolicyErrors::new(vec![at(9, "b"), at(2, "z"), at(9, "a")]);
        let order: Vec<(u32, &str)> = errors.iter().map(|e| (e.line, e.key.as_str())).collect();
        assert_eq!(order, [(2, "z"), (9, "a"), (9, "b")]);
        assert!(errors
            .to_string()
            .starts_with("3 errors in policy file\n  f:2: "));
    }
}
