//! A chart laid out as shapes in pixel coordinates (y down): frame, grid, ticks, labels, the data
//! line and an optional reference line. The SVG writer and the rasteriser both draw these shapes,
//! so the two files of a chart show the same thing.

use super::{label, nice_step, range, Chart, LineStyle};

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

pub const WHITE: Rgb = Rgb(255, 255, 255);
pub const GRID: Rgb = Rgb(221, 221, 221);
pub const INK: Rgb = Rgb(51, 51, 51);
pub const DATA: Rgb = Rgb(31, 119, 180);
pub const REFERENCE: Rgb = Rgb(214, 39, 40);

/// Where a text's anchor point sits along it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// Small text for ticks and axis labels, large for titles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextSize {
    Small,
    Large,
}

/// One thing to draw.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Rect {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        fill: Option<Rgb>,
        stroke: Option<Rgb>,
    },
    Line {
        from: (f64, f64),
        to: (f64, f64),
        color: Rgb,
        width: f64,
        dashed: bool,
    },
    /// Connected segments through the points.
    Polyline {
        points: Vec<(f64, f64)>,
        color: Rgb,
        width: f64,
    },
    /// Text whose baseline passes through `at` (for `vertical`, text read bottom to top,
    /// `at` on its left edge's middle line).
    Text {
        at: (f64, f64),
        text: String,
        anchor: Anchor,
        size: TextSize,
        vertical: bool,
    },
}

/// A picture: its size and its shapes, drawn in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub width: u32,
    pub height: u32,
    pub shapes: Vec<Shape>,
}

/// The size of one chart panel, and the margins around its plot area.
pub const PANEL_WIDTH: f64 = 720.0;
pub const PANEL_HEIGHT: f64 = 400.0;
const LEFT: f64 = 84.0;
const RIGHT: f64 = 34.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 55.0;
/// Most tick marks on an axis.
const MAX_TICKS: usize = 20;
const MARKER_HALF: f64 = 3.0;

/// A figure of the charts stacked top to bottom, one panel each.
pub fn figure(charts: &[Chart]) -> Figure {
    let mut shapes = vec![Shape::Rect {
        x: 0.0,
        y: 0.0,
        w: PANEL_WIDTH,
        h: PANEL_HEIGHT * charts.len().max(1) as f64,
        fill: Some(WHITE),
        stroke: None,
    }];
    for (i, chart) in charts.iter().enumerate() {
        shapes.extend(panel(chart, i as f64 * PANEL_HEIGHT));
    }
    Figure {
        width: PANEL_WIDTH as u32,
        height: (PANEL_HEIGHT * charts.len().max(1) as f64) as u32,
        shapes,
    }
}

/// Data range rounded out to whole tick steps.
struct Axis {
    lo: f64,
    hi: f64,
    step: f64,
}

impl Axis {
    fn new(lo: f64, hi: f64) -> Axis {
        let step = nice_step(hi - lo);
        let lo = (lo / step).floor() * step;
        let hi = ((hi / step).ceil() * step).max(lo + step);
        Axis { lo, hi, step }
    }

    fn ticks(&self) -> impl Iterator<Item = f64> + '_ {
        (0..=MAX_TICKS)
            .map(|k| self.lo + k as f64 * self.step)
            .take_while(|v| *v <= self.hi + self.step * 1e-9)
    }

    /// `v`'s position between 0 (at `lo`) and 1 (at `hi`).
    fn fraction(&self, v: f64) -> f64 {
        (v - self.lo) / (self.hi - self.lo)
    }
}

/// One chart's shapes in the panel whose top edge is at `top`.
fn panel(chart: &Chart, top: f64) -> Vec<Shape> {
    let (x_min, x_max) = range(chart.points.iter().map(|p| p.0));
    let y_data_max = range(chart.points.iter().map(|p| p.1)).1;
    let y_top = chart
        .y_max
        .unwrap_or(y_data_max)
        .max(chart.reference.as_ref().map_or(0.0, |r| r.y));
    let x_axis = Axis::new(x_min, x_max);
    let y_axis = Axis::new(0.0, y_top);
    let plot_w = PANEL_WIDTH - LEFT - RIGHT;
    let plot_h = PANEL_HEIGHT - TOP - BOTTOM;
    let plot_top = top + TOP;
    let plot_bottom = plot_top + plot_h;
    let sx = |x: f64| LEFT + x_axis.fraction(x) * plot_w;
    let sy = |y: f64| plot_bottom - y_axis.fraction(y) * plot_h;
    let mut shapes = vec![text(
        (PANEL_WIDTH / 2.0, top + 24.0),
        chart.title,
        Anchor::Middle,
        TextSize::Large,
    )];
    for x in x_axis.ticks() {
        let px = sx(x);
        shapes.push(grid_line((px, plot_top), (px, plot_bottom)));
        shapes.push(text(
            (px, plot_bottom + 18.0),
            &label(x),
            Anchor::Middle,
            TextSize::Small,
        ));
    }
    for y in y_axis.ticks() {
        let py = sy(y);
        shapes.push(grid_line((LEFT, py), (LEFT + plot_w, py)));
        shapes.push(text(
            (LEFT - 6.0, py + 4.0),
            &label(y),
            Anchor::End,
            TextSize::Small,
        ));
    }
    shapes.push(Shape::Rect {
        x: LEFT,
        y: plot_top,
        w: plot_w,
        h: plot_h,
        fill: None,
        stroke: Some(INK),
    });
    shapes.push(text(
        (LEFT + plot_w / 2.0, top + PANEL_HEIGHT - 12.0),
        chart.x_label,
        Anchor::Middle,
        TextSize::Small,
    ));
    shapes.push(Shape::Text {
        at: (16.0, plot_top + plot_h / 2.0),
        text: chart.y_label.to_string(),
        anchor: Anchor::Middle,
        size: TextSize::Small,
        vertical: true,
    });
    if let Some(reference) = &chart.reference {
        let py = sy(reference.y);
        shapes.push(Shape::Line {
            from: (LEFT, py),
            to: (LEFT + plot_w, py),
            color: REFERENCE,
            width: 1.5,
            dashed: true,
        });
        shapes.push(Shape::Text {
            at: (LEFT + plot_w - 4.0, py - 5.0),
            text: reference.label.clone(),
            anchor: Anchor::End,
            size: TextSize::Small,
            vertical: false,
        });
    }
    let pixels: Vec<(f64, f64)> = chart.points.iter().map(|&(x, y)| (sx(x), sy(y))).collect();
    shapes.extend(data_shapes(&pixels, chart.style));
    shapes
}

/// The data line: a step line (each value holds until the next point), or straight segments
/// with a square marker on every point.
fn data_shapes(pixels: &[(f64, f64)], style: LineStyle) -> Vec<Shape> {
    let points = match style {
        LineStyle::Step => step_points(pixels),
        LineStyle::Markers => pixels.to_vec(),
    };
    let mut shapes = vec![Shape::Polyline {
        points,
        color: DATA,
        width: 2.0,
    }];
    if style == LineStyle::Markers {
        shapes.extend(pixels.iter().map(|&(x, y)| Shape::Rect {
            x: x - MARKER_HALF,
            y: y - MARKER_HALF,
            w: 2.0 * MARKER_HALF,
            h: 2.0 * MARKER_HALF,
            fill: Some(DATA),
            stroke: None,
        }));
    }
    shapes
}

/// The corners of a step line through `pixels`: across at the old value, then up or down.
fn step_points(pixels: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut points = Vec::with_capacity(pixels.len() * 2);
    for (i, &(x, y)) in pixels.iter().enumerate() {
        if i > 0 {
            points.push((x, pixels[i - 1].1));
        }
        points.push((x, y));
    }
    points
}

fn grid_line(from: (f64, f64), to: (f64, f64)) -> Shape {
    Shape::Line {
        from,
        to,
        color: GRID,
        width: 1.0,
        dashed: false,
    }
}

fn text(at: (f64, f64), text: &str, anchor: Anchor, size: TextSize) -> Shape {
    Shape::Text {
        at,
        text: text.to_string(),
        anchor,
        size,
        vertical: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_round_out_to_whole_steps() {
        let axis = Axis::new(64.0, 256.0);
        assert_eq!((axis.lo, axis.hi, axis.step), (50.0, 300.0, 50.0));
        let ticks: Vec<f64> = axis.ticks().collect();
        assert_eq!(ticks, vec![50.0, 100.0, 150.0, 200.0, 250.0, 300.0]);
    }

    #[test]
    fn a_step_line_turns_at_each_point() {
        let got = step_points(&[(0.0, 5.0), (10.0, 2.0), (20.0, 7.0)]);
        assert_eq!(
            got,
            vec![
                (0.0, 5.0),
                (10.0, 5.0),
                (10.0, 2.0),
                (20.0, 2.0),
                (20.0, 7.0)
            ]
        );
    }
}
