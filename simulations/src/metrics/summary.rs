//! `Summary`: count, mean, percentiles (nearest rank) and maximum of a list of values.

use serde::Serialize;

/// Statistics of one metric over jobs. All zero when there are no values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Summary {
    pub count: usize,
    pub mean: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

impl Summary {
    /// Summarises `values` (sorted in place).
    pub fn of(values: &mut [f64]) -> Summary {
        if values.is_empty() {
            return Summary::default();
        }
        values.sort_by(f64::total_cmp);
        let sum: f64 = values.iter().sum();
        Summary {
            count: values.len(),
            mean: sum / values.len() as f64,
            p50: nearest_rank(values, 50.0),
            p95: nearest_rank(values, 95.0),
            p99: nearest_rank(values, 99.0),
            max: values[values.len() - 1],
        }
    }
}

/// The smallest value with at least `percent`% of the values at or below it (nearest-rank
/// definition). `sorted` is not empty.
pub fn nearest_rank(sorted: &[f64], percent: f64) -> f64 {
    let rank = ((percent / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let mut values: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        let s = Summary::of(&mut values);
        assert_eq!(s.count, 100);
        assert_eq!(s.mean, 50.5);
        assert_eq!((s.p50, s.p95, s.p99, s.max), (50.0, 95.0, 99.0, 100.0));
        let mut few = vec![3.0, 1.0, 2.0];
        let s = Summary::of(&mut few);
        assert_eq!((s.p50, s.p95), (2.0, 3.0));
        assert_eq!(Summary::of(&mut []), Summary::default());
    }
}
