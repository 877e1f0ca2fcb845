//! Pictures of the evaluation dashboards (issue 16, item 3): SVG charts and a printable
//! HTML report, as pure functions from small generic inputs to text. No database, no
//! HTTP: a dashboard (cohort, course, programme, organisation) maps its figures into
//! these inputs, and a handler sends what comes out.
//!
//! # The charts
//!
//! - [`funnel`] ([`Funnel`] of [`Stage`]s): ordered stages with counts, each bar with its
//!   share of the first stage (nominated → selected → started → completed → certified →
//!   followed up; or a course's lessons, where learners stop).
//! - [`bars`] ([`Bars`] of [`Bar`]s): one breakdown (countries, gender, age bands, unions,
//!   sectors), as counts, shares or means ([`Format`]), each with an optional target.
//! - [`levels`] ([`Levels`] of [`Level`]s of [`Measure`]s): Kirkpatrick's four levels,
//!   a few measures each; every measure carries its own [`Format`], so a reaction mean on
//!   1–5, a response rate and a normalised gain sit in one chart, each labelled on its
//!   own scale.
//!
//! Every chart is one self-contained SVG document ([`Svg`]): `xmlns`, `viewBox`, width and
//! height, `role="img"`, a `<title>` and a `<desc>` (which spells out every figure drawn,
//! for screen readers), only presentation attributes (no `<style>`, no `style=""`, no
//! scripts, no fonts, images or links), so it shows as it is in a browser, in an `<img>`,
//! inline in HTML under a `default-src 'none'` policy, or in an email. The same input
//! gives the same bytes; numbers are written with fixed decimals and never as NaN or
//! infinity. Text is cleaned (characters XML forbids, bidirectional overrides and line
//! breaks are replaced or dropped) and escaped; long labels are cut at a grapheme
//! boundary with an ellipsis, the full label kept in the bar's `<title>` tooltip.
//! Inputs are capped (see the `MAX_…` constants): a breakdown of 10,000 bars draws its
//! [`MAX_BARS`] largest and one "others" bar.
//!
//! # Missing figures
//!
//! A [`Figure`] is a value, [`Figure::Withheld`] (a cell suppressed because it is under
//! five or could be worked out from totals) or [`Figure::NoData`] (nothing to compute:
//! a mean over no responses, a rate over nobody). Neither is ever drawn as zero: the bar
//! is a grey hatched box over the whole track and the figure reads "withheld" or
//! "no data". "Not stated" (gender, age, country left blank) is *not* a missing figure:
//! it is a category of its own, a [`Bar`] labelled "Not stated" with its count.
//!
//! # Mapping a dashboard into these inputs
//!
//! - **Reach and representativeness**: one [`Bars`] per breakdown (countries, gender, age
//!   bands, unions, sectors). `format: Format::Count` with the counts, or
//!   `Format::Share` with shares in 0..=1; each category one [`Bar`], "Not stated"
//!   included as a bar, a suppressed cell as `Figure::Withheld`; the programme's target
//!   for that category (share of women, of under-35s) as `target` in the same format.
//!   Keep the dashboard's own order (age bands young to old; countries by count): when
//!   there are more than [`MAX_BARS`], the largest are kept, still in that order.
//! - **Funnel**: one [`Stage`] per step, in order, the count as a [`Figure`]; the share of
//!   the first stage is computed here. A course's per-lesson drop-off is a funnel too
//!   (one stage per lesson: learners who reached it), capped at [`MAX_STAGES`].
//! - **Levels**: one [`Level`] per Kirkpatrick level that has figures, named as it should
//!   read ("Level 1 · Reaction"); its [`Measure`]s in the dashboard's order, e.g. level 1
//!   `reaction mean` as `Format::Scale { min: 1.0, max: 5.0, decimals: 1 }` and
//!   `response rate` as `Format::Share`; level 2 `pre-test mean` / `post-test mean` on
//!   the test's scale and `normalised gain` as `Format::Scale { min: 0.0, max: 1.0,
//!   decimals: 2 }`; level 3 rates as `Format::Share`; level 4 indicators as
//!   `Format::Count` (drawn against the largest count of the same level). A measure with
//!   no responses is `Figure::NoData`, a suppressed one `Figure::Withheld`.
//! - **Printable report** ([`report::render`]): one [`report::Section`] per part of the
//!   dashboard, with the charts above and the same figures as [`report::Table`]s
//!   ([`report::Cell::Value`] takes the same [`Figure`] and [`Format`]), so that the
//!   page still says everything when printed in black and white.
//!
//! Chart words ("withheld", "others", "target") are in English for now.

mod bars;
mod draw;
mod funnel;
mod levels;
pub mod report;
#[cfg(test)]
mod tests;
mod text;

pub use bars::bars;
pub use funnel::funnel;
pub use levels::levels;

use std::fmt;

/// Most bars a breakdown draws; more are folded into one "others" bar (or, for means, left
/// out with a note in the description).
pub const MAX_BARS: usize = 20;
/// Most stages a funnel draws; the description says how many more were left out.
pub const MAX_STAGES: usize = 30;
/// Most levels a levels chart draws.
pub const MAX_LEVELS: usize = 8;
/// Most measures drawn per level.
pub const MAX_MEASURES: usize = 12;

/// One figure of a chart or a table: a value, or why there is none.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    /// A value in the chart's [`Format`] (a count, a share in 0..=1, a mean). A value
    /// that is not finite is shown as [`Figure::NoData`].
    Value(f64),
    /// Suppressed: a small cell, or one that could be worked out from totals.
    Withheld,
    /// Nothing to show: a mean over no responses, a rate over nobody.
    NoData,
}

impl Figure {
    /// The value, if there is a finite one.
    pub fn value(self) -> Option<f64> {
        match self {
            Figure::Value(v) if v.is_finite() => Some(v),
            _ => None,
        }
    }

    /// What is written instead of a missing value ("withheld", "no data"); `None` for a value.
    pub fn missing_word(self) -> Option<&'static str> {
        match self {
            Figure::Withheld => Some("withheld"),
            Figure::Value(v) if v.is_finite() => None,
            _ => Some("no data"),
        }
    }
}

macro_rules! figure_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Figure {
            fn from(v: $t) -> Self {
                Figure::Value(v as f64)
            }
        }
        /// `None` is a suppressed cell ([`Figure::Withheld`]); say [`Figure::NoData`] yourself
        /// where "none" means "nothing to compute".
        impl From<Option<$t>> for Figure {
            fn from(v: Option<$t>) -> Self {
                v.map_or(Figure::Withheld, Figure::from)
            }
        }
    )*};
}
figure_from!(i32, i64, u32, u64, usize);

impl From<f64> for Figure {
    fn from(v: f64) -> Self {
        Figure::Value(v)
    }
}

/// `None` is a suppressed cell ([`Figure::Withheld`]).
impl From<Option<f64>> for Figure {
    fn from(v: Option<f64>) -> Self {
        v.map_or(Figure::Withheld, Figure::Value)
    }
}

/// How the values of a chart (or of one measure, or one table cell) read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Format {
    /// Whole numbers (people, plans, indicators), drawn from zero to the largest value.
    Count,
    /// A proportion in 0..=1, written as a percentage with one decimal ("42.5%").
    Share,
    /// A mean on a stated scale (a 1–5 reaction scale, a 0–100 test score, a normalised
    /// gain on 0–1), written with `decimals` decimals (at most 4) and the top of the scale
    /// ("4.2 / 5"); bars run from `min` to `max`.
    Scale {
        /// The bottom of the scale.
        min: f64,
        /// The top of the scale.
        max: f64,
        /// Decimals written (at most 4).
        decimals: u8,
    },
}

impl Format {
    /// `value` written in this format (a finite value; anything else reads "no data").
    pub fn show(self, value: f64) -> String {
        if !value.is_finite() {
            return "no data".to_owned();
        }
        match self {
            Format::Count => text::group_digits(&text::fixed(value, 0)),
            Format::Share => format!("{}%", text::fixed(value * 100.0, 1)),
            Format::Scale { max, decimals, .. } => {
                format!(
                    "{} / {}",
                    text::fixed(value, decimals.min(4)),
                    text::short(max)
                )
            }
        }
    }

    /// A figure written in this format, or the word for its absence.
    pub fn show_figure(self, figure: Figure) -> String {
        match (figure.value(), figure.missing_word()) {
            (Some(v), _) => self.show(v),
            (None, Some(word)) => word.to_owned(),
            (None, None) => "no data".to_owned(),
        }
    }

    /// Where `value` falls on a bar from `0` (the bottom of the axis) to `1` (its top,
    /// `top` for counts and shares), clamped and always finite.
    fn fraction(self, value: f64, top: f64) -> f64 {
        let (lo, hi) = match self {
            Format::Count | Format::Share => (0.0, top),
            Format::Scale { min, max, .. } => (min, max),
        };
        let f = (value - lo) / (hi - lo);
        if f.is_finite() {
            f.clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// Whether values of this format add up (so the bars left out can be one "others" bar).
    fn additive(self) -> bool {
        matches!(self, Format::Count | Format::Share)
    }

    /// The scale in words, for descriptions.
    fn scale_words(self) -> Option<String> {
        match self {
            Format::Scale { min, max, .. } => Some(format!(
                "on a scale from {} to {}",
                text::short(min),
                text::short(max)
            )),
            _ => None,
        }
    }
}

/// One chart as a standalone SVG document, made only by this module's renderers, so that
/// the report may embed it as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Svg(String);

impl Svg {
    /// The SVG text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The SVG text, owned (for an `image/svg+xml` answer or an email part).
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Svg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A funnel: ordered stages, each bar with its count and its share of the first stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Funnel {
    /// The chart's title (shown, and its `<title>`).
    pub title: String,
    /// A sentence about what it shows (its `<desc>`, before the figures); may be empty.
    pub description: String,
    /// The stages, first to last.
    pub stages: Vec<Stage>,
}

/// One stage of a [`Funnel`].
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// The stage's name ("Nominated", "Lesson 3: Organising").
    pub label: String,
    /// How many reached it.
    pub count: Figure,
}

/// A breakdown as horizontal bars: one bar per category.
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    /// The chart's title.
    pub title: String,
    /// A sentence about what it shows; may be empty.
    pub description: String,
    /// How the values (and targets) read.
    pub format: Format,
    /// The categories, in the order they should read.
    pub bars: Vec<Bar>,
}

/// One category of a [`Bars`] chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The category ("Philippines", "Women", "Under 25", "Not stated").
    pub label: String,
    /// Its value in the chart's format.
    pub value: Figure,
    /// A target in the same format, drawn as a marker.
    pub target: Option<f64>,
}

/// Kirkpatrick's levels: a few measures each, each on its own scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Levels {
    /// The chart's title.
    pub title: String,
    /// A sentence about what it shows; may be empty.
    pub description: String,
    /// The levels, in order.
    pub levels: Vec<Level>,
}

/// One level of a [`Levels`] chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    /// The level as it should read ("Level 1 · Reaction").
    pub name: String,
    /// Its measures.
    pub measures: Vec<Measure>,
}

/// One measure of a [`Level`].
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// What is measured ("Reaction mean", "Response rate", "Normalised gain").
    pub label: String,
    /// Its value in `format`.
    pub value: Figure,
    /// How the value reads and the scale its bar is drawn on.
    pub format: Format,
    /// A target in the same format, drawn as a marker.
    pub target: Option<f64>,
}
