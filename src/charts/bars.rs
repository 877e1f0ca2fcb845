//! A breakdown as horizontal bars, with targets, capped at [`MAX_BARS`] bars.

use std::cmp::Ordering;

use super::draw::{Doc, INK, MAX_TEXT, MUTED, ROW_H, count};
use super::text::{clean, group_digits, short};
use super::{Bar, Bars, Figure, Format, MAX_BARS, Svg};

/// One row to draw: a bar of the input, or the bar that stands for those left out.
struct Row {
    label: String,
    value: Figure,
    target: Option<f64>,
    others: bool,
    /// What the row says in words (tooltip and description).
    said: String,
}

/// Draws a breakdown. Up to [`MAX_BARS`] bars are drawn in the input's order; beyond
/// that the largest are kept (still in the input's order) and, for counts and shares, the
/// rest become one "others" bar (the sum of their values; withheld ones are not counted
/// and the label says how many), while for means the rest are left out with a note.
pub fn bars(chart: &Bars) -> Svg {
    let format = chart.format;
    let (rows, left_out) = select(&chart.bars, format);
    let top = axis_top(format, &rows);

    let mut desc = clean(&chart.description, MAX_TEXT);
    if !desc.is_empty() {
        desc.push(' ');
    }
    desc.push_str(&format!("{} bars", rows.len()));
    if let Some(scale) = format.scale_words() {
        desc.push_str(&format!(", means {scale}"));
    }
    desc.push('.');
    for row in &rows {
        desc.push(' ');
        desc.push_str(&row.said);
        desc.push('.');
    }
    if left_out > 0 {
        desc.push_str(&format!(" {left_out} more are not shown."));
    }

    let body = count(rows.len().max(1)) * ROW_H;
    let mut doc = Doc::new(&chart.title, &desc, body);
    let ticks: Vec<(f64, String)> = [0.0, 0.25, 0.5, 0.75, 1.0]
        .iter()
        .map(|q| (*q, tick(format, top, *q)))
        .collect();
    doc.grid(Doc::row_y(0, 0.0), body, &ticks);
    if rows.is_empty() {
        doc.figure(Doc::row_y(0, 0.0), "no data", true);
    }
    for (i, row) in rows.iter().enumerate() {
        let y = Doc::row_y(i, 0.0);
        doc.open_row(&row.said);
        doc.label(y, &row.label);
        match row.value.value() {
            Some(v) => {
                doc.track(y);
                let fill = if row.others { MUTED } else { INK };
                doc.bar(y, 0.0, format.fraction(v, top), fill);
                if row.others && v > top {
                    doc.cut_short(y);
                }
                doc.figure(y, &format.show(v), false);
            }
            None => {
                doc.missing(y);
                doc.figure(y, &format.show_figure(row.value), true);
            }
        }
        if let Some(target) = row.target.filter(|t| t.is_finite()) {
            doc.target(y, format.fraction(target, top));
        }
        doc.close_row();
    }
    if left_out > 0 {
        doc.note(&format!("{left_out} more not shown"));
    }
    doc.legend(
        rows.iter().any(|r| r.target.is_some_and(f64::is_finite)),
        rows.iter().any(|r| r.value.value().is_none()),
    );
    doc.finish()
}

/// The rows to draw and how many bars were left out without an "others" bar.
fn select(bars: &[Bar], format: Format) -> (Vec<Row>, usize) {
    let row = |bar: &Bar| {
        let label = clean(&bar.label, MAX_TEXT);
        let mut said = format!("{label}: {}", format.show_figure(bar.value));
        if let Some(target) = bar.target.filter(|t| t.is_finite()) {
            said.push_str(&format!(" (target {})", format.show(target)));
        }
        Row {
            label,
            value: bar.value,
            target: bar.target,
            others: false,
            said,
        }
    };
    if bars.len() <= MAX_BARS {
        return (bars.iter().map(row).collect(), 0);
    }
    let keep = if format.additive() {
        MAX_BARS - 1
    } else {
        MAX_BARS
    };
    // The largest first (missing figures last), ties in the input's order.
    let mut order: Vec<usize> = (0..bars.len()).collect();
    order.sort_by(|&a, &b| {
        let (va, vb) = (bars[a].value.value(), bars[b].value.value());
        match (va, vb) {
            (Some(x), Some(y)) => y.partial_cmp(&x).unwrap_or(Ordering::Equal),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
        .then(a.cmp(&b))
    });
    let (kept, rest) = order.split_at(keep);
    let mut kept = kept.to_vec();
    kept.sort_unstable();
    let mut rows: Vec<Row> = kept.iter().map(|&i| row(&bars[i])).collect();
    if !format.additive() {
        return (rows, rest.len());
    }
    let known: Vec<f64> = rest.iter().filter_map(|&i| bars[i].value.value()).collect();
    let withheld = rest.len() - known.len();
    let sum: f64 = known.iter().sum();
    let value = if known.is_empty() {
        Figure::Withheld
    } else {
        Figure::Value(sum)
    };
    let label = format!("{} others", group_digits(&rest.len().to_string()));
    let mut said = format!("{label} together: {}", format.show_figure(value));
    if withheld > 0 && !known.is_empty() {
        said.push_str(&format!(
            " ({} withheld, not counted)",
            group_digits(&withheld.to_string())
        ));
    }
    rows.push(Row {
        label,
        value,
        target: None,
        others: true,
        said,
    });
    (rows, 0)
}

/// The top of the axis of counts and shares: a round number at or above every value and
/// target (at most 100% for shares that fit under it); unused for means. The "others"
/// bar does not count: it would squash the bars that matter, so when it is longer it is
/// drawn cut short, its figure saying how long.
fn axis_top(format: Format, rows: &[Row]) -> f64 {
    let max = rows
        .iter()
        .filter(|r| !r.others)
        .flat_map(|r| [r.value.value(), r.target])
        .flatten()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    match format {
        Format::Share if max <= 1.0 => nice_ceiling(max).min(1.0),
        _ => nice_ceiling(max),
    }
}

/// The smallest of 1, 2, 4, 8 or 10 times a power of ten at or above `v` (1 for nothing).
pub fn nice_ceiling(v: f64) -> f64 {
    if !v.is_finite() || v <= 0.0 {
        return 1.0;
    }
    let exp = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 4.0, 8.0, 10.0] {
        let candidate = m * exp;
        if candidate >= v * (1.0 - 1e-12) {
            return candidate;
        }
    }
    10.0 * exp
}

/// The label of the grid line at `q` (a fraction of the axis).
fn tick(format: Format, top: f64, q: f64) -> String {
    match format {
        Format::Count => group_digits(&short(top * q)),
        Format::Share => format!("{}%", short(top * q * 100.0)),
        Format::Scale { min, max, .. } => short(min + (max - min) * q),
    }
}
