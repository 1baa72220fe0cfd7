//! SVG plots of a report, written by hand: the wait-time CDF, queue length over time and GPU
//! utilisation over time. Each is a step line on labelled axes with round-number ticks.

use crate::metrics::{Point, Report};
use std::fmt::Write;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 400.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 55.0;
const TICKS: usize = 5;

/// One chart: a title, axis labels and a step line through `points` (x, y).
pub struct Chart<'a> {
    pub title: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub points: Vec<(f64, f64)>,
    /// Fixed y range top (e.g. 1 for fractions); otherwise the data's maximum.
    pub y_max: Option<f64>,
}

/// The fraction of jobs that waited at most x seconds.
pub fn wait_cdf_svg(report: &Report) -> String {
    let mut waits: Vec<f64> = report
        .job_records
        .iter()
        .filter(|r| r.ended_after_running())
        .filter_map(|r| r.wait_secs())
        .map(|w| w as f64)
        .collect();
    waits.sort_by(f64::total_cmp);
    let n = waits.len().max(1) as f64;
    let points = waits
        .iter()
        .enumerate()
        .map(|(i, w)| (*w, (i + 1) as f64 / n))
        .collect();
    render(&Chart {
        title: "Wait time, cumulative",
        x_label: "wait (s)",
        y_label: "fraction of jobs",
        points,
        y_max: Some(1.0),
    })
}

pub fn queue_length_svg(report: &Report) -> String {
    render(&Chart {
        title: "Pending jobs over time",
        x_label: "time (s)",
        y_label: "pending jobs",
        points: xy(&report.queue_length),
        y_max: None,
    })
}

pub fn utilisation_svg(report: &Report) -> String {
    render(&Chart {
        title: "GPU utilisation over time",
        x_label: "time (s)",
        y_label: "busy GPUs / GPUs",
        points: xy(&report.utilisation_over_time),
        y_max: Some(1.0),
    })
}

fn xy(points: &[Point]) -> Vec<(f64, f64)> {
    points.iter().map(|p| (p.at_secs as f64, p.value)).collect()
}

/// The chart as a standalone SVG document.
pub fn render(chart: &Chart) -> String {
    let (x_min, x_max) = range(chart.points.iter().map(|p| p.0));
    let y_top = chart
        .y_max
        .unwrap_or_else(|| range(chart.points.iter().map(|p| p.1)).1);
    let x_step = nice_step(x_max - x_min);
    let y_step = nice_step(y_top);
    let x_hi = x_min + (((x_max - x_min) / x_step).ceil() * x_step).max(x_step);
    let y_hi = ((y_top / y_step).ceil() * y_step).max(y_step);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let sx = |x: f64| LEFT + (x - x_min) / (x_hi - x_min) * plot_w;
    let sy = |y: f64| TOP + plot_h - y / y_hi * plot_h;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{}</text>\n",
        WIDTH / 2.0,
        escape(chart.title)
    );
    for k in 0..=TICKS * 4 {
        let x = x_min + k as f64 * x_step;
        if x > x_hi + x_step * 1e-9 {
            break;
        }
        let px = sx(x);
        let _ = writeln!(
            svg,
            "<line x1=\"{px:.1}\" y1=\"{TOP}\" x2=\"{px:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{px:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            TOP + plot_h,
            TOP + plot_h + 16.0,
            label(x)
        );
    }
    for k in 0..=TICKS * 4 {
        let y = k as f64 * y_step;
        if y > y_hi + y_step * 1e-9 {
            break;
        }
        let py = sy(y);
        let _ = writeln!(
            svg,
            "<line x1=\"{LEFT}\" y1=\"{py:.1}\" x2=\"{:.1}\" y2=\"{py:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT + plot_w,
            LEFT - 6.0,
            py + 4.0,
            label(y)
        );
    }
    let _ = writeln!(
        svg,
        "<rect x=\"{LEFT}\" y=\"{TOP}\" width=\"{plot_w}\" height=\"{plot_h}\" fill=\"none\" stroke=\"#333\"/>\n\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n\
         <text transform=\"translate(16 {:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
        LEFT + plot_w / 2.0,
        HEIGHT - 12.0,
        escape(chart.x_label),
        TOP + plot_h / 2.0,
        escape(chart.y_label)
    );
    let _ = writeln!(
        svg,
        "<path d=\"{}\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\"/>\n</svg>",
        step_path(&chart.points, sx, sy)
    );
    svg
}

/// `M x y H x V y …`: each value holds until the next point.
fn step_path(points: &[(f64, f64)], sx: impl Fn(f64) -> f64, sy: impl Fn(f64) -> f64) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.iter().enumerate() {
        if i == 0 {
            let _ = write!(d, "M{:.1} {:.1}", sx(*x), sy(*y));
        } else {
            let _ = write!(d, " H{:.1} V{:.1}", sx(*x), sy(*y));
        }
    }
    d
}

fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if lo.is_finite() {
        (lo, hi.max(lo))
    } else {
        (0.0, 1.0)
    }
}

/// A tick step of 1, 2 or 5 × 10^k giving about `TICKS` ticks over `span`.
pub fn nice_step(span: f64) -> f64 {
    if span <= 0.0 || !span.is_finite() {
        return 1.0;
    }
    let raw = span / TICKS as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .find(|m| m * magnitude >= raw)
        .unwrap_or(10.0);
    step * magnitude
}

/// 1500 → "1500", 0.25 → "0.25", 2.5e6 → "2.5M".
fn label(value: f64) -> String {
    let trimmed = |v: f64| {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    if value.abs() >= 1e6 {
        format!("{}M", trimmed(value / 1e6))
    } else if value.abs() >= 1e4 {
        format!("{}k", trimmed(value / 1e3))
    } else {
        trimmed(value)
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_steps_are_round() {
        assert_eq!(nice_step(100.0), 20.0);
        assert_eq!(nice_step(1.0), 0.2);
        assert_eq!(nice_step(86_400.0), 20_000.0);
        assert_eq!(nice_step(0.0), 1.0);
    }

    #[test]
    fn a_chart_has_its_title_labels_ticks_and_line() {
        let svg = render(&Chart {
            title: "Queue <test>",
            x_label: "time (s)",
            y_label: "jobs",
            points: vec![(0.0, 1.0), (50.0, 3.0), (100.0, 0.0)],
            y_max: None,
        });
        assert!(svg.starts_with("<svg"));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("Queue &lt;test&gt;"));
        assert!(svg.contains(">time (s)</text>"));
        assert!(svg.contains(">100</text>"));
        assert!(svg.contains("<path d=\"M70.0 "));
        assert_eq!(svg.matches(" H").count(), 2);
    }

    #[test]
    fn labels_are_short() {
        assert_eq!(label(1500.0), "1500");
        assert_eq!(label(0.25), "0.25");
        assert_eq!(label(2_500_000.0), "2.5M");
        assert_eq!(label(20_000.0), "20k");
    }
}
