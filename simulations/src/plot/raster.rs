//! Draws a `Figure` into an RGB pixel buffer: thick and dashed lines (Bresenham with a square
//! brush), filled and outlined rectangles, and text in the built-in 5×7 font. No anti-aliasing.

use super::font::{glyph, text_width, GLYPH_HEIGHT, GLYPH_WIDTH};
use super::scene::{Anchor, Figure, Rgb, Shape, TextSize};

/// Font pixels per glyph pixel.
const SMALL_SCALE: u32 = 2;
const LARGE_SCALE: u32 = 3;
/// Dashes: this many pixels on, then as many off.
const DASH: u64 = 6;

/// An RGB image, rows top to bottom.
pub struct Canvas {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

/// The figure drawn into a canvas of its size.
pub fn rasterise(figure: &Figure) -> Canvas {
    let mut canvas = Canvas::new(figure.width, figure.height);
    for shape in &figure.shapes {
        canvas.draw(shape);
    }
    canvas
}

impl Canvas {
    /// A white canvas.
    pub fn new(width: u32, height: u32) -> Canvas {
        Canvas {
            width,
            height,
            rgb: vec![255; width as usize * height as usize * 3],
        }
    }

    /// The colour at (x, y), or `None` outside the canvas.
    pub fn pixel(&self, x: u32, y: u32) -> Option<Rgb> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = (y as usize * self.width as usize + x as usize) * 3;
        Some(Rgb(self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]))
    }

    fn set(&mut self, x: i64, y: i64, c: Rgb) {
        if x < 0 || y < 0 || x >= i64::from(self.width) || y >= i64::from(self.height) {
            return;
        }
        let i = (y as usize * self.width as usize + x as usize) * 3;
        self.rgb[i..i + 3].copy_from_slice(&[c.0, c.1, c.2]);
    }

    fn fill(&mut self, x0: i64, y0: i64, x1: i64, y1: i64, c: Rgb) {
        for y in y0.max(0)..=y1.min(i64::from(self.height) - 1) {
            for x in x0.max(0)..=x1.min(i64::from(self.width) - 1) {
                self.set(x, y, c);
            }
        }
    }

    fn draw(&mut self, shape: &Shape) {
        match shape {
            Shape::Rect {
                x,
                y,
                w,
                h,
                fill,
                stroke,
            } => self.rect(*x, *y, *w, *h, *fill, *stroke),
            Shape::Line {
                from,
                to,
                color,
                width,
                dashed,
            } => self.line(*from, *to, *color, *width, *dashed),
            Shape::Polyline {
                points,
                color,
                width,
            } => {
                for pair in points.windows(2) {
                    self.line(pair[0], pair[1], *color, *width, false);
                }
            }
            Shape::Text {
                at,
                text,
                anchor,
                size,
                vertical,
            } => self.text(*at, text, *anchor, *size, *vertical),
        }
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: Option<Rgb>, stroke: Option<Rgb>) {
        let (x0, y0) = (x.round() as i64, y.round() as i64);
        let (x1, y1) = ((x + w).round() as i64 - 1, (y + h).round() as i64 - 1);
        if let Some(c) = fill {
            self.fill(x0, y0, x1, y1, c);
        }
        if let Some(c) = stroke {
            self.fill(x0, y0, x1, y0, c);
            self.fill(x0, y1, x1, y1, c);
            self.fill(x0, y0, x0, y1, c);
            self.fill(x1, y0, x1, y1, c);
        }
    }

    /// Bresenham's line; each pixel stamped with a square brush `width` pixels wide.
    fn line(&mut self, from: (f64, f64), to: (f64, f64), c: Rgb, width: f64, dashed: bool) {
        let brush = (width.round() as i64).max(1);
        let lead = (brush - 1) / 2;
        let (mut x, mut y) = (from.0.round() as i64, from.1.round() as i64);
        let (x1, y1) = (to.0.round() as i64, to.1.round() as i64);
        let (dx, dy) = ((x1 - x).abs(), -(y1 - y).abs());
        let (step_x, step_y) = ((x1 - x).signum(), (y1 - y).signum());
        let mut error = dx + dy;
        let mut drawn: u64 = 0;
        loop {
            if !dashed || (drawn / DASH).is_multiple_of(2) {
                self.fill(
                    x - lead,
                    y - lead,
                    x - lead + brush - 1,
                    y - lead + brush - 1,
                    c,
                );
            }
            drawn += 1;
            if x == x1 && y == y1 {
                break;
            }
            let doubled = 2 * error;
            if doubled >= dy {
                error += dy;
                x += step_x;
            }
            if doubled <= dx {
                error += dx;
                y += step_y;
            }
        }
    }

    fn text(&mut self, at: (f64, f64), text: &str, anchor: Anchor, size: TextSize, vertical: bool) {
        let scale = match size {
            TextSize::Small => SMALL_SCALE,
            TextSize::Large => LARGE_SCALE,
        } as i64;
        let length = i64::from(text_width(text)) * scale;
        let shift = match anchor {
            Anchor::Start => 0,
            Anchor::Middle => length / 2,
            Anchor::End => length,
        };
        let height = i64::from(GLYPH_HEIGHT) * scale;
        let (ax, ay) = (at.0.round() as i64, at.1.round() as i64);
        for (i, c) in text.chars().enumerate() {
            let offset = i as i64 * i64::from(super::font::ADVANCE) * scale - shift;
            for (row, bits) in glyph(c).iter().enumerate() {
                for col in 0..GLYPH_WIDTH {
                    if bits >> (GLYPH_WIDTH - 1 - col) & 1 == 0 {
                        continue;
                    }
                    // Along the text and down from its top, in canvas pixels.
                    let along = offset + i64::from(col) * scale;
                    let down = row as i64 * scale;
                    let (x, y) = if vertical {
                        (ax - height / 2 + down, ay - along)
                    } else {
                        (ax + along, ay - height + down)
                    };
                    let (x1, y1) = if vertical {
                        (x + scale - 1, y)
                    } else {
                        (x + scale - 1, y + scale - 1)
                    };
                    let y0 = if vertical { y - scale + 1 } else { y };
                    self.fill(x, y0, x1, y1, super::scene::INK);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thick_line_covers_its_path_and_nothing_far_from_it() {
        let mut canvas = Canvas::new(20, 20);
        let red = Rgb(255, 0, 0);
        canvas.line((2.0, 10.0), (17.0, 10.0), red, 3.0, false);
        for x in 2..=17 {
            for y in 9..=11 {
                assert_eq!(canvas.pixel(x, y), Some(red), "({x}, {y})");
            }
        }
        assert_eq!(canvas.pixel(10, 13), Some(Rgb(255, 255, 255)));
        assert_eq!(canvas.pixel(20, 0), None);
    }

    #[test]
    fn a_dashed_line_has_gaps() {
        let mut canvas = Canvas::new(30, 3);
        canvas.line((0.0, 1.0), (29.0, 1.0), Rgb(0, 0, 0), 1.0, true);
        let inked: Vec<bool> = (0..30)
            .map(|x| canvas.pixel(x, 1) == Some(Rgb(0, 0, 0)))
            .collect();
        assert!(inked[0] && inked[5] && !inked[6] && !inked[11] && inked[12]);
    }

    #[test]
    fn text_is_inked_above_its_baseline() {
        let mut canvas = Canvas::new(40, 20);
        canvas.text((1.0, 16.0), "1", Anchor::Start, TextSize::Small, false);
        let inked = (0..40u32)
            .flat_map(|x| (0..20u32).map(move |y| (x, y)))
            .filter(|&(x, y)| canvas.pixel(x, y) != Some(Rgb(255, 255, 255)))
            .collect::<Vec<_>>();
        assert!(!inked.is_empty());
        assert!(
            inked.iter().all(|&(_, y)| (2..16).contains(&y)),
            "{inked:?}"
        );
    }
}
