//! Plots of a report, drawn by hand as SVG and PNG: the wait-time CDF, queue length over time and
//! GPU utilisation over time. A chart is laid out once as shapes (`scene`), then written as SVG
//! (`svg`) or rasterised (`raster`) and encoded (`crate::png`), so both files show the same thing.

mod font;
pub mod raster;
pub mod scene;
mod svg;

use crate::metrics::{Point, Report};
use crate::png::{encode_rgb, PngError};
pub use scene::{figure, Figure};

/// Most tick marks wanted on an axis; steps are 1, 2 or 5 × 10^k.
const TICKS: usize = 5;

/// How the data line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineStyle {
    /// Each value holds until the next point (time series, CDFs).
    Step,
    /// Straight segments with a marker on each point (sweeps).
    Markers,
}

/// A horizontal line across the plot, e.g. a target.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub y: f64,
    pub label: String,
}

/// One chart: a title, axis labels and a line through `points` (x, y).
#[derive(Debug, Clone, PartialEq)]
pub struct Chart<'a> {
    pub title: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub points: Vec<(f64, f64)>,
    /// Fixed y range top (e.g. 1 for fractions); otherwise the data's maximum.
    pub y_max: Option<f64>,
    pub style: LineStyle,
    pub reference: Option<Reference>,
}

/// The fraction of jobs that waited at most x seconds.
pub fn wait_cdf_chart(report: &Report) -> Chart<'static> {
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
    Chart {
        title: "Wait time, cumulative",
        x_label: "wait (s)",
        y_label: "fraction of jobs",
        points,
        y_max: Some(1.0),
        style: LineStyle::Step,
        reference: None,
    }
}

pub fn queue_length_chart(report: &Report) -> Chart<'static> {
    Chart {
        title: "Pending jobs over time",
        x_label: "time (s)",
        y_label: "pending jobs",
        points: xy(&report.queue_length),
        y_max: None,
        style: LineStyle::Step,
        reference: None,
    }
}

pub fn utilisation_chart(report: &Report) -> Chart<'static> {
    Chart {
        title: "GPU utilisation over time",
        x_label: "time (s)",
        y_label: "busy GPUs / GPUs",
        points: xy(&report.utilisation_over_time),
        y_max: Some(1.0),
        style: LineStyle::Step,
        reference: None,
    }
}

/// The report's three charts by file stem: `wait_cdf`, `queue_length`, `utilisation`.
pub fn report_charts(report: &Report) -> Vec<(&'static str, Chart<'static>)> {
    vec![
        ("wait_cdf", wait_cdf_chart(report)),
        ("queue_length", queue_length_chart(report)),
        ("utilisation", utilisation_chart(report)),
    ]
}

pub fn wait_cdf_svg(report: &Report) -> String {
    render(&wait_cdf_chart(report))
}

pub fn queue_length_svg(report: &Report) -> String {
    render(&queue_length_chart(report))
}

pub fn utilisation_svg(report: &Report) -> String {
    render(&utilisation_chart(report))
}

fn xy(points: &[Point]) -> Vec<(f64, f64)> {
    points.iter().map(|p| (p.at_secs as f64, p.value)).collect()
}

/// One chart as a standalone SVG document.
pub fn render(chart: &Chart) -> String {
    svg::to_svg(&figure(std::slice::from_ref(chart)))
}

/// A figure as SVG text.
pub fn figure_svg(figure: &Figure) -> String {
    svg::to_svg(figure)
}

/// A figure as a PNG file.
pub fn figure_png(figure: &Figure) -> Result<Vec<u8>, PngError> {
    let canvas = raster::rasterise(figure);
    encode_rgb(canvas.width, canvas.height, &canvas.rgb)
}

/// One chart as a PNG file.
pub fn render_png(chart: &Chart) -> Result<Vec<u8>, PngError> {
    figure_png(&figure(std::slice::from_ref(chart)))
}

/// Smallest and largest of `values`; (0, 1) when there are none.
fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
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
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" {
            "0".to_string()
        } else {
            s.to_string()
        }
    };
    if value.abs() >= 1e6 {
        format!("{}M", trimmed(value / 1e6))
    } else if value.abs() >= 1e4 {
        format!("{}k", trimmed(value / 1e3))
    } else {
        trimmed(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::png::{chunks, SIGNATURE};

    fn chart() -> Chart<'static> {
        Chart {
            title: "Queue <test>",
            x_label: "time (s)",
            y_label: "jobs",
            points: vec![(0.0, 1.0), (50.0, 3.0), (100.0, 0.0)],
            y_max: None,
            style: LineStyle::Step,
            reference: None,
        }
    }

    #[test]
    fn tick_steps_are_round() {
        assert_eq!(nice_step(100.0), 20.0);
        assert_eq!(nice_step(1.0), 0.2);
        assert_eq!(nice_step(86_400.0), 20_000.0);
        assert_eq!(nice_step(0.0), 1.0);
    }

    #[test]
    fn a_chart_has_its_title_labels_ticks_and_line() {
        let svg = render(&chart());
        assert!(svg.starts_with("<svg"));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("Queue &lt;test&gt;"));
        assert!(svg.contains(">time (s)</text>"));
        assert!(svg.contains(">100</text>"));
        assert!(svg.contains("<path d=\"M84.0 "));
        // Three points of a step line: two runs across, two jumps.
        assert_eq!(svg.matches(" L").count(), 4);
    }

    #[test]
    fn a_reference_line_is_dashed_and_labelled() {
        let mut with_target = chart();
        with_target.reference = Some(Reference {
            y: 2.0,
            label: "target 2".to_string(),
        });
        let svg = render(&with_target);
        assert!(svg.contains("stroke-dasharray"));
        assert!(svg.contains(">target 2</text>"));
    }

    #[test]
    fn a_png_chart_is_a_valid_image_with_ink_on_it() {
        let png = render_png(&chart()).expect("encodes");
        assert_eq!(png[..8], SIGNATURE);
        let chunks = chunks(&png).expect("well-formed");
        assert_eq!(&chunks[0].kind, b"IHDR");
        assert_eq!(&chunks[0].data[0..8], &[0, 0, 2, 208, 0, 0, 1, 144]);
        let canvas = raster::rasterise(&figure(&[chart()]));
        let data_pixels = canvas
            .rgb
            .chunks(3)
            .filter(|p| *p == [scene::DATA.0, scene::DATA.1, scene::DATA.2])
            .count();
        assert!(data_pixels > 500, "{data_pixels} pixels of the data line");
    }

    #[test]
    fn labels_are_short() {
        assert_eq!(label(1500.0), "1500");
        assert_eq!(label(0.25), "0.25");
        assert_eq!(label(2_500_000.0), "2.5M");
        assert_eq!(label(20_000.0), "20k");
    }
}
