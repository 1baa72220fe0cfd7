//! Time series from the engine's samples: queue length and GPU utilisation over time, reduced
//! to a bounded number of points, and the time-weighted mean queue length.

use crate::engine::Sample;
use serde::Serialize;

/// The value of a step function from time `at_secs` on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    pub at_secs: u64,
    pub value: f64,
}

/// At most `max_points` points of `value(sample)`, evenly spaced in time over the samples' span;
/// each point is the value in force at its time. All samples when there are few enough.
pub fn resample(
    samples: &[Sample],
    max_points: usize,
    value: impl Fn(&Sample) -> f64,
) -> Vec<Point> {
    let point = |s: &Sample| Point {
        at_secs: s.at_secs,
        value: value(s),
    };
    if samples.len() <= max_points {
        return samples.iter().map(point).collect();
    }
    if max_points < 2 {
        return samples
            .last()
            .map(point)
            .into_iter()
            .take(max_points)
            .collect();
    }
    let first = samples[0].at_secs;
    let span = samples[samples.len() - 1].at_secs - first;
    let mut points = Vec::with_capacity(max_points);
    let mut i = 0;
    for k in 0..max_points {
        let at = first + span * k as u64 / (max_points as u64 - 1);
        while i + 1 < samples.len() && samples[i + 1].at_secs <= at {
            i += 1;
        }
        points.push(Point {
            at_secs: at,
            value: value(&samples[i]),
        });
    }
    points
}

/// Mean of `value` over time, each sample holding until the next; 0 over an empty span.
pub fn time_weighted_mean(samples: &[Sample], value: impl Fn(&Sample) -> f64) -> f64 {
    let (Some(first), Some(last)) = (samples.first(), samples.last()) else {
        return 0.0;
    };
    let span = last.at_secs - first.at_secs;
    if span == 0 {
        return 0.0;
    }
    let area: f64 = samples
        .windows(2)
        .map(|w| value(&w[0]) * (w[1].at_secs - w[0].at_secs) as f64)
        .sum();
    area / span as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(at_secs: u64, pending: u64) -> Sample {
        Sample {
            at_secs,
            pending,
            running: 0,
            busy_gpus: 0,
        }
    }

    #[test]
    fn resampling_keeps_the_value_in_force() {
        let samples = [s(0, 1), s(10, 5), s(40, 2), s(100, 0)];
        let points = resample(&samples, 3, |x| x.pending as f64);
        let got: Vec<(u64, f64)> = points.iter().map(|p| (p.at_secs, p.value)).collect();
        assert_eq!(got, vec![(0, 1.0), (50, 2.0), (100, 0.0)]);
        assert_eq!(resample(&samples, 10, |x| x.pending as f64).len(), 4);
    }

    #[test]
    fn the_mean_weighs_each_value_by_how_long_it_held() {
        let samples = [s(0, 1), s(10, 5), s(40, 2), s(100, 0)];
        // (1·10 + 5·30 + 2·60) / 100
        assert_eq!(time_weighted_mean(&samples, |x| x.pending as f64), 2.8);
    }
}
