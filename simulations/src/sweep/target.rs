//! A sweep's target, such as `p95-wait<=1h`: a statistic of a per-job metric and the limit it
//! must not exceed.

use crate::metrics::{Report, Summary};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// Statistics a target may name.
pub const STATISTICS: &str = "mean, p50, p95, p99, max";
/// Metrics a target may name, with the unit of their limits.
pub const METRICS: &str =
    "wait (a duration), jct (a duration), bsld (bounded slowdown, a plain number)";
const ACCEPTED_FORM: &str = "STAT-METRIC<=LIMIT, e.g. p95-wait<=1h, p50-wait<=30m, \
                             mean-bsld<=10, p99-jct<=2d";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Statistic {
    Mean,
    P50,
    P95,
    P99,
    Max,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    /// Submit to start, seconds.
    Wait,
    /// Submit to end, seconds.
    Jct,
    /// Bounded slowdown, no unit.
    Bsld,
}

/// `statistic(metric) <= limit`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub statistic: Statistic,
    pub metric: Metric,
    /// Seconds for wait and JCT, a plain number for bounded slowdown.
    pub limit: f64,
    /// The limit as written (`1h`), for messages.
    pub limit_text: String,
}

/// Why a target could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("target {0:?}: no `<=` (accepted: {ACCEPTED_FORM})")]
    NoComparison(String),
    #[error("target {text:?}: unknown statistic {found:?} (accepted: {STATISTICS})")]
    Statistic { text: String, found: String },
    #[error("target {text:?}: unknown metric {found:?} (accepted: {METRICS})")]
    Metric { text: String, found: String },
    #[error("target {text:?}: limit {found:?} is not {expected}")]
    Limit {
        text: String,
        found: String,
        expected: &'static str,
    },
}

const DURATION_FORMS: &str = "a duration >= 0 (accepted: 90, 90s, 30m, 1h, 1.5h, 2d, 1h30m)";
const NUMBER_FORMS: &str = "a number >= 0 (accepted: 10, 2.5)";

impl FromStr for Target {
    type Err = TargetError;

    fn from_str(text: &str) -> Result<Target, TargetError> {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let Some((name, limit_text)) = compact.split_once("<=") else {
            return Err(TargetError::NoComparison(text.to_string()));
        };
        let (statistic, metric) = name.split_once('-').unwrap_or((name, ""));
        let statistic = parse_statistic(statistic).ok_or_else(|| TargetError::Statistic {
            text: text.to_string(),
            found: statistic.to_string(),
        })?;
        let metric = parse_metric(metric).ok_or_else(|| TargetError::Metric {
            text: text.to_string(),
            found: metric.to_string(),
        })?;
        let (limit, expected) = match metric {
            Metric::Wait | Metric::Jct => (parse_duration_secs(limit_text), DURATION_FORMS),
            Metric::Bsld => (parse_number(limit_text), NUMBER_FORMS),
        };
        let limit = limit.ok_or_else(|| TargetError::Limit {
            text: text.to_string(),
            found: limit_text.to_string(),
            expected,
        })?;
        Ok(Target {
            statistic,
            metric,
            limit,
            limit_text: limit_text.to_string(),
        })
    }
}

fn parse_statistic(text: &str) -> Option<Statistic> {
    match text.to_ascii_lowercase().as_str() {
        "mean" | "avg" => Some(Statistic::Mean),
        "p50" | "median" => Some(Statistic::P50),
        "p95" => Some(Statistic::P95),
        "p99" => Some(Statistic::P99),
        "max" => Some(Statistic::Max),
        _ => None,
    }
}

fn parse_metric(text: &str) -> Option<Metric> {
    match text.to_ascii_lowercase().as_str() {
        "wait" => Some(Metric::Wait),
        "jct" => Some(Metric::Jct),
        "bsld" | "slowdown" => Some(Metric::Bsld),
        _ => None,
    }
}

fn parse_number(text: &str) -> Option<f64> {
    text.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
}

/// `90`, `90s`, `30m`, `1.5h`, `2d`, `1h30m` → seconds.
pub fn parse_duration_secs(text: &str) -> Option<f64> {
    if let Some(secs) = parse_number(text) {
        return Some(secs);
    }
    let mut total = 0.0;
    let mut number = String::new();
    for c in text.chars() {
        let unit_secs = match c.to_ascii_lowercase() {
            's' => 1.0,
            'm' => 60.0,
            'h' => 3600.0,
            'd' => 86_400.0,
            _ => {
                number.push(c);
                continue;
            }
        };
        total += parse_number(&number)? * unit_secs;
        number.clear();
    }
    number
        .is_empty()
        .then_some(total)
        .filter(|_| !text.is_empty())
}

impl Target {
    /// The target's statistic of the report's metric.
    pub fn value(&self, report: &Report) -> f64 {
        let summary: &Summary = match self.metric {
            Metric::Wait => &report.wait_secs,
            Metric::Jct => &report.jct_secs,
            Metric::Bsld => &report.bounded_slowdown,
        };
        match self.statistic {
            Statistic::Mean => summary.mean,
            Statistic::P50 => summary.p50,
            Statistic::P95 => summary.p95,
            Statistic::P99 => summary.p99,
            Statistic::Max => summary.max,
        }
    }

    /// `p95 wait`, `mean bounded slowdown`.
    pub fn subject(&self) -> String {
        let metric = match self.metric {
            Metric::Wait => "wait",
            Metric::Jct => "JCT",
            Metric::Bsld => "bounded slowdown",
        };
        format!("{} {metric}", self.statistic.name())
    }
}

impl Statistic {
    pub fn name(self) -> &'static str {
        match self {
            Statistic::Mean => "mean",
            Statistic::P50 => "p50",
            Statistic::P95 => "p95",
            Statistic::P99 => "p99",
            Statistic::Max => "max",
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let metric = match self.metric {
            Metric::Wait => "wait",
            Metric::Jct => "jct",
            Metric::Bsld => "bsld",
        };
        write!(f, "{}-{metric}<={}", self.statistic.name(), self.limit_text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(text: &str) -> Target {
        text.parse().expect("valid target")
    }

    #[test]
    fn targets_name_a_statistic_a_metric_and_a_limit() {
        let t = target("p95-wait<=1h");
        assert_eq!(
            (t.statistic, t.metric, t.limit),
            (Statistic::P95, Metric::Wait, 3600.0)
        );
        assert_eq!(target("p50-wait<=30m").limit, 1800.0);
        assert_eq!(target("mean-bsld<=10").limit, 10.0);
        assert_eq!(target("p99-jct <= 2d").limit, 172_800.0);
        assert_eq!(target("p95-wait<=1h30m").limit, 5400.0);
        assert_eq!(target("p95-wait<=1.5h").limit, 5400.0);
        assert_eq!(target("p95-wait<=90").limit, 90.0);
        assert_eq!(target("p95-wait<=1h").to_string(), "p95-wait<=1h");
        assert_eq!(target("mean-bsld<=10").subject(), "mean bounded slowdown");
    }

    #[test]
    fn bad_targets_say_what_is_accepted() {
        let err = |text: &str| text.parse::<Target>().unwrap_err().to_string();
        assert_eq!(
            err("p95-wait>1h"),
            "target \"p95-wait>1h\": no `<=` (accepted: STAT-METRIC<=LIMIT, e.g. p95-wait<=1h, \
             p50-wait<=30m, mean-bsld<=10, p99-jct<=2d)"
        );
        assert_eq!(
            err("p90-wait<=1h"),
            "target \"p90-wait<=1h\": unknown statistic \"p90\" (accepted: mean, p50, p95, p99, max)"
        );
        assert!(err("p95-latency<=1h").contains("unknown metric \"latency\" (accepted: wait"));
        assert!(err("p95-wait<=1x").contains("limit \"1x\" is not a duration"));
        assert!(err("p95-wait<=h").contains("is not a duration"));
        assert!(err("mean-bsld<=1h").contains("is not a number >= 0"));
        assert!(err("p95-wait<=").contains("is not a duration"));
    }
}
