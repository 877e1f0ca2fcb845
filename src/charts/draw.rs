//! The one SVG writer the charts share: the document frame, rows of bars, hatched
//! "withheld" boxes, target markers and text, laid out on a fixed grid.
//!
//! Only presentation attributes are written (no `<style>`, no `style=""`, no ids to
//! collide when several charts sit in one page), so a chart obeys a `default-src 'none'`
//! content security policy and survives being inlined anywhere.

use std::fmt::Write;

use super::Svg;
use super::text::{clean, coord, escape, escape_clean, fit};

/// The width of every chart.
pub const WIDTH: f64 = 640.0;
/// Labels end (right-aligned) here.
pub const LABEL_RIGHT: f64 = 206.0;
/// Bars start here.
pub const TRACK_X: f64 = 214.0;
/// The length of a full bar.
pub const TRACK_W: f64 = 300.0;
/// Figures start here.
pub const VALUE_X: f64 = TRACK_X + TRACK_W + 8.0;
/// The height of one row.
pub const ROW_H: f64 = 24.0;
/// The height of a bar.
const BAR_H: f64 = 16.0;
/// Where the first row starts, below the visible title.
pub const TOP: f64 = 44.0;
/// Room below the last row: the axis labels and the legend.
pub const BOTTOM: f64 = 44.0;
const FONT: f64 = 12.0;
const TITLE_FONT: f64 = 15.0;

/// Most characters kept of any one text (a label, a title, a tooltip).
pub const MAX_TEXT: usize = 1000;
/// Most characters of a description (`<desc>`).
pub const MAX_DESC: usize = 40_000;

/// The colour of bars.
pub const INK: &str = "#1b4f72";
/// The colour of the bar that stands for the categories left out.
pub const MUTED: &str = "#85929e";
const TEXT: &str = "#1b2a3a";
const SOFT_TEXT: &str = "#566573";
const TRACK: &str = "#eef1f4";
const GRID: &str = "#d5dbe1";
const HATCH: &str = "#a6acaf";
const TARGET: &str = "#b03a2e";

/// A chart being written.
pub struct Doc {
    out: String,
    height: f64,
}

impl Doc {
    /// Starts a chart `body` pixels tall (its rows and headings): the frame, its `<title>`
    /// and `<desc>`, a white background and the visible title.
    pub fn new(title: &str, desc: &str, body: f64) -> Self {
        let height = TOP + body + BOTTOM;
        let mut out = String::with_capacity(4096);
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
             viewBox=\"0 0 {w} {h}\" role=\"img\" font-family=\"Helvetica, Arial, sans-serif\" \
             font-size=\"{FONT}\" fill=\"{TEXT}\">\
             <title>{title}</title><desc>{desc}</desc>\
             <rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>",
            w = coord(WIDTH),
            h = coord(height),
            title = escape(title, MAX_TEXT),
            desc = escape(desc, MAX_DESC),
        );
        let (shown, _) = fit(&clean(title, MAX_TEXT), (WIDTH - 24.0) / TITLE_FONT);
        let _ = write!(
            out,
            "<text x=\"12.0\" y=\"26.0\" font-size=\"{TITLE_FONT}\" font-weight=\"bold\">{}</text>",
            escape_clean(&shown)
        );
        Self { out, height }
    }

    /// The y of row `index` (its top), below `offset` pixels of headings.
    pub fn row_y(index: usize, offset: f64) -> f64 {
        TOP + count(index) * ROW_H + offset
    }

    /// Opens a row: a group whose `<title>` (a tooltip in browsers) holds the full label
    /// and figure.
    pub fn open_row(&mut self, tooltip: &str) {
        let _ = write!(
            self.out,
            "<g><title>{}</title>",
            escape(tooltip, MAX_TEXT * 2)
        );
    }

    /// Closes the row opened last.
    pub fn close_row(&mut self) {
        self.out.push_str("</g>");
    }

    /// A label right-aligned before the bars, cut to fit with an ellipsis.
    pub fn label(&mut self, y: f64, label: &str) {
        let (shown, _) = fit(&clean(label, MAX_TEXT), (LABEL_RIGHT - 8.0) / FONT);
        self.text(LABEL_RIGHT, y, "end", &shown, None);
    }

    /// A heading across the chart (a level's name).
    pub fn heading(&mut self, y: f64, heading: &str) {
        let (shown, _) = fit(&clean(heading, MAX_TEXT), (WIDTH - 24.0) / FONT);
        let _ = write!(
            self.out,
            "<text x=\"12.0\" y=\"{}\" font-weight=\"bold\">{}</text>",
            coord(y + ROW_H / 2.0 + FONT / 3.0),
            escape_clean(&shown)
        );
    }

    /// The empty track of a row, so the length of the scale shows.
    pub fn track(&mut self, y: f64) {
        self.rect(TRACK_X, bar_top(y), TRACK_W, BAR_H, TRACK);
    }

    /// A bar from `start` to `end`, fractions of the track.
    pub fn bar(&mut self, y: f64, start: f64, end: f64, fill: &str) {
        let (start, end) = (unit(start), unit(end));
        if end > start {
            self.rect(
                TRACK_X + start * TRACK_W,
                bar_top(y),
                (end - start) * TRACK_W,
                BAR_H,
                fill,
            );
        }
    }

    /// A missing figure: a grey hatched box over the whole track, never a bar of zero.
    pub fn missing(&mut self, y: f64) {
        let (x, top, w, h) = (TRACK_X, bar_top(y), TRACK_W, BAR_H);
        let _ = write!(
            self.out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#f4f6f7\" stroke=\"{HATCH}\" \
             stroke-dasharray=\"3 2\"/>",
            coord(x),
            coord(top),
            coord(w),
            coord(h)
        );
        // Diagonals every 6 pixels, clipped by hand to the box (no clip path, no ids).
        let mut d = String::new();
        let mut offset = -h;
        while offset < w {
            let t0 = (-offset).max(0.0);
            let t1 = h.min(w - offset);
            if t1 > t0 {
                let _ = write!(
                    d,
                    "M{} {}L{} {}",
                    coord(x + offset + t0),
                    coord(top + h - t0),
                    coord(x + offset + t1),
                    coord(top + h - t1)
                );
            }
            offset += 6.0;
        }
        let _ = write!(
            self.out,
            "<path d=\"{d}\" fill=\"none\" stroke=\"{HATCH}\" stroke-width=\"1\"/>"
        );
    }

    /// Marks a full bar as cut short (its value lies beyond the axis): a white gap across
    /// it near its end.
    pub fn cut_short(&mut self, y: f64) {
        let top = bar_top(y);
        let x = TRACK_X + TRACK_W - 28.0;
        let _ = write!(
            self.out,
            "<path d=\"M{} {}L{} {}M{} {}L{} {}\" fill=\"none\" stroke=\"#ffffff\" stroke-width=\"3\"/>",
            coord(x),
            coord(top + BAR_H),
            coord(x + 6.0),
            coord(top),
            coord(x + 7.0),
            coord(top + BAR_H),
            coord(x + 13.0),
            coord(top),
        );
    }

    /// A target marker at `at`, a fraction of the track.
    pub fn target(&mut self, y: f64, at: f64) {
        let x = TRACK_X + unit(at) * TRACK_W;
        let top = bar_top(y);
        let _ = write!(
            self.out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{TARGET}\" stroke-width=\"2\"/>",
            coord(top - 3.0),
            coord(top + BAR_H + 3.0),
            x = coord(x),
        );
    }

    /// The figure after the bar; a missing one in grey italics.
    pub fn figure(&mut self, y: f64, figure: &str, missing: bool) {
        if missing {
            let _ = write!(
                self.out,
                "<text x=\"{}\" y=\"{}\" fill=\"{SOFT_TEXT}\" font-style=\"italic\">{}</text>",
                coord(VALUE_X),
                coord(baseline(y)),
                escape(figure, MAX_TEXT)
            );
        } else {
            self.text(VALUE_X, y, "start", figure, None);
        }
    }

    /// Vertical grid lines over `rows_height` pixels below `top`, with their labels under
    /// them: `(fraction of the track, label)`.
    pub fn grid(&mut self, top: f64, rows_height: f64, ticks: &[(f64, String)]) {
        for (at, label) in ticks {
            let x = TRACK_X + unit(*at) * TRACK_W;
            let _ = write!(
                self.out,
                "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{GRID}\" stroke-width=\"1\"/>\
                 <text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{SOFT_TEXT}\">{}</text>",
                coord(top),
                coord(top + rows_height),
                coord(top + rows_height + 12.0),
                escape(label, MAX_TEXT),
                x = coord(x),
            );
        }
    }

    /// The legend under the rows: the target marker, the hatched box, as used.
    pub fn legend(&mut self, target: bool, missing: bool) {
        let y = self.height - 12.0;
        let mut x = TRACK_X;
        if target {
            let _ = write!(
                self.out,
                "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{TARGET}\" stroke-width=\"2\"/>\
                 <text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"{SOFT_TEXT}\">target</text>",
                coord(y - 9.0),
                coord(y + 2.0),
                coord(x + 6.0),
                coord(y),
                x = coord(x),
            );
            x += 60.0;
        }
        if missing {
            let _ = write!(
                self.out,
                "<rect x=\"{}\" y=\"{}\" width=\"14.0\" height=\"9.0\" fill=\"#f4f6f7\" stroke=\"{HATCH}\" \
                 stroke-dasharray=\"3 2\"/>\
                 <text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"{SOFT_TEXT}\">withheld (small numbers) or no data</text>",
                coord(x),
                coord(y - 8.0),
                coord(x + 18.0),
                coord(y),
            );
        }
    }

    /// A note under the rows, left-aligned (what was left out).
    pub fn note(&mut self, note: &str) {
        let _ = write!(
            self.out,
            "<text x=\"12.0\" y=\"{}\" font-size=\"10\" fill=\"{SOFT_TEXT}\">{}</text>",
            coord(self.height - 26.0),
            escape(note, MAX_TEXT)
        );
    }

    /// The finished document.
    pub fn finish(mut self) -> Svg {
        self.out.push_str("</svg>");
        Svg(self.out)
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str) {
        let _ = write!(
            self.out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"/>",
            coord(x),
            coord(y),
            coord(w),
            coord(h)
        );
    }

    fn text(&mut self, x: f64, y: f64, anchor: &str, text: &str, weight: Option<&str>) {
        let weight = weight
            .map(|w| format!(" font-weight=\"{w}\""))
            .unwrap_or_default();
        let _ = write!(
            self.out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\"{weight}>{}</text>",
            coord(x),
            coord(baseline(y)),
            escape(text, MAX_TEXT)
        );
    }
}

/// `n` as a float, for pixel arithmetic (row counts are small: inputs are capped).
pub fn count(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

/// The top of a bar in the row whose top is `y`.
fn bar_top(y: f64) -> f64 {
    y + (ROW_H - BAR_H) / 2.0
}

/// The text baseline in the row whose top is `y`.
fn baseline(y: f64) -> f64 {
    y + ROW_H / 2.0 + FONT / 3.0
}

/// `f` clamped to 0..=1, and 0 when not finite.
fn unit(f: f64) -> f64 {
    if f.is_finite() {
        f.clamp(0.0, 1.0)
    } else {
        0.0
    }
}
