//! Kirkpatrick's levels: a heading per level and one bar per measure, each measure drawn
//! on its own scale and labelled in its own format.

use super::bars::nice_ceiling;
use super::draw::{Doc, INK, MAX_TEXT, ROW_H, count};
use super::text::clean;
use super::{Format, Levels, MAX_LEVELS, MAX_MEASURES, Measure, Svg};

/// Draws the levels chart. Each measure's bar runs over its own scale: shares from 0 to
/// 100%, means from the bottom to the top of their stated scale, counts from zero to the
/// largest count (or count target) of the same level. Up to [`MAX_LEVELS`] levels of
/// [`MAX_MEASURES`] measures are drawn; the description says what was left out.
pub fn levels(chart: &Levels) -> Svg {
    let levels = &chart.levels[..chart.levels.len().min(MAX_LEVELS)];
    let mut left_out = chart.levels.len() - levels.len();

    let mut desc = clean(&chart.description, MAX_TEXT);
    if !desc.is_empty() {
        desc.push(' ');
    }
    desc.push_str(&format!(
        "{} levels, each measure on its own scale.",
        levels.len()
    ));

    let mut rows = 0;
    let mut drawn: Vec<(&str, &[Measure], f64)> = Vec::with_capacity(levels.len());
    for level in levels {
        let measures = &level.measures[..level.measures.len().min(MAX_MEASURES)];
        left_out += level.measures.len() - measures.len();
        rows += 1 + measures.len().max(1);
        let top = nice_ceiling(
            measures
                .iter()
                .filter(|m| m.format == Format::Count)
                .flat_map(|m| [m.value.value(), m.target])
                .flatten()
                .filter(|v| v.is_finite())
                .fold(0.0, f64::max),
        );
        desc.push(' ');
        desc.push_str(&clean(&level.name, MAX_TEXT));
        desc.push(':');
        if measures.is_empty() {
            desc.push_str(" no figures.");
        }
        for (i, m) in measures.iter().enumerate() {
            desc.push(' ');
            desc.push_str(&said(m));
            desc.push(if i + 1 == measures.len() { '.' } else { ';' });
        }
        drawn.push((&level.name, measures, top));
    }
    if left_out > 0 {
        desc.push_str(&format!(" {left_out} more are not shown."));
    }

    let mut doc = Doc::new(&chart.title, &desc, count(rows.max(1)) * ROW_H);
    if drawn.is_empty() {
        doc.figure(Doc::row_y(0, 0.0), "no data", true);
    }
    let mut row = 0;
    let mut any_target = false;
    let mut any_missing = false;
    for (name, measures, top) in drawn {
        doc.heading(Doc::row_y(row, 0.0), name);
        row += 1;
        if measures.is_empty() {
            doc.figure(Doc::row_y(row, 0.0), "no figures", true);
            row += 1;
        }
        for m in measures {
            let y = Doc::row_y(row, 0.0);
            row += 1;
            doc.open_row(&said(m));
            doc.label(y, &m.label);
            match m.value.value() {
                Some(v) => {
                    doc.track(y);
                    doc.bar(y, 0.0, m.format.fraction(v, top), INK);
                    doc.figure(y, &m.format.show(v), false);
                }
                None => {
                    any_missing = true;
                    doc.missing(y);
                    doc.figure(y, &m.format.show_figure(m.value), true);
                }
            }
            if let Some(target) = m.target.filter(|t| t.is_finite()) {
                any_target = true;
                doc.target(y, m.format.fraction(target, top));
            }
            doc.close_row();
        }
    }
    if left_out > 0 {
        doc.note(&format!("{left_out} more not shown"));
    }
    doc.legend(any_target, any_missing);
    doc.finish()
}

/// A measure in words: label, figure, scale, target.
fn said(m: &Measure) -> String {
    let mut said = format!(
        "{} {}",
        clean(&m.label, MAX_TEXT),
        m.format.show_figure(m.value)
    );
    if let Some(scale) = m.format.scale_words() {
        said.push_str(&format!(" ({scale})"));
    }
    if let Some(target) = m.target.filter(|t| t.is_finite()) {
        said.push_str(&format!(", target {}", m.format.show(target)));
    }
    said
}
