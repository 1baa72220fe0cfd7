//! Writes a `Figure` as a standalone SVG document.

use super::scene::{Anchor, Figure, Rgb, Shape, TextSize};
use std::fmt::Write;

/// The figure as SVG text.
pub fn to_svg(figure: &Figure) -> String {
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" \
         font-family=\"sans-serif\" font-size=\"12\">\n",
        figure.width, figure.height
    );
    for shape in &figure.shapes {
        write_shape(&mut svg, shape);
    }
    svg.push_str("</svg>\n");
    svg
}

fn write_shape(svg: &mut String, shape: &Shape) {
    let _ = match shape {
        Shape::Rect {
            x,
            y,
            w,
            h,
            fill,
            stroke,
        } => writeln!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{}\"{}/>",
            fill.map_or("none".to_string(), hex),
            stroke.map_or(String::new(), |c| format!(" stroke=\"{}\"", hex(c)))
        ),
        Shape::Line {
            from,
            to,
            color,
            width,
            dashed,
        } => writeln!(
            svg,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{}\" \
             stroke-width=\"{width}\"{}/>",
            from.0,
            from.1,
            to.0,
            to.1,
            hex(*color),
            if *dashed {
                " stroke-dasharray=\"6 4\""
            } else {
                ""
            }
        ),
        Shape::Polyline {
            points,
            color,
            width,
        } => writeln!(
            svg,
            "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{width}\"/>",
            path_data(points),
            hex(*color)
        ),
        Shape::Text {
            at,
            text,
            anchor,
            size,
            vertical,
        } => writeln!(
            svg,
            "<text {} text-anchor=\"{}\"{}>{}</text>",
            if *vertical {
                format!(
                    "transform=\"translate({:.1} {:.1}) rotate(-90)\"",
                    at.0, at.1
                )
            } else {
                format!("x=\"{:.1}\" y=\"{:.1}\"", at.0, at.1)
            },
            match anchor {
                Anchor::Start => "start",
                Anchor::Middle => "middle",
                Anchor::End => "end",
            },
            match size {
                TextSize::Small => "",
                TextSize::Large => " font-size=\"15\"",
            },
            escape(text)
        ),
    };
}

/// `M x y L x y …`.
fn path_data(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.iter().enumerate() {
        let command = if i == 0 { "M" } else { " L" };
        let _ = write!(d, "{command}{x:.1} {y:.1}");
    }
    d
}

fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
