//! The funnel: ordered stages, each bar centred, with its count and its share of the first
//! stage.

use super::draw::{Doc, INK, MAX_TEXT, ROW_H, count};
use super::text::clean;
use super::{Figure, Format, Funnel, MAX_STAGES, Svg};

/// Draws a funnel. Bars are scaled to the largest count; the share of the first stage is
/// given when the first stage has a count above zero. A withheld stage is a hatched box
/// reading "withheld", and the share of the stages after it still refers to the first.
pub fn funnel(chart: &Funnel) -> Svg {
    let stages = &chart.stages[..chart.stages.len().min(MAX_STAGES)];
    let left_out = chart.stages.len() - stages.len();
    let first = stages
        .first()
        .and_then(|s| s.count.value().filter(|v| *v > 0.0).map(|v| (v, &s.label)));
    let top = stages
        .iter()
        .filter_map(|s| s.count.value())
        .fold(0.0, f64::max);

    // What each row says, for the bars, their tooltips and the description.
    let rows: Vec<(String, bool, String)> = stages
        .iter()
        .enumerate()
        .map(|(i, stage)| {
            let figure = Format::Count.show_figure(stage.count);
            let share = match (stage.count.value(), first) {
                (Some(v), Some((f, _))) if i > 0 => Some(Format::Share.show(v / f)),
                _ => None,
            };
            let shown = match &share {
                Some(share) => format!("{figure} ({share})"),
                None => figure.clone(),
            };
            let label = clean(&stage.label, MAX_TEXT);
            let said = match (share, first) {
                (Some(share), Some((_, first))) => {
                    format!("{label}: {figure}, {share} of {}", clean(first, MAX_TEXT))
                }
                _ => format!("{label}: {figure}"),
            };
            (shown, stage.count.value().is_none(), said)
        })
        .collect();

    let mut desc = clean(&chart.description, MAX_TEXT);
    if !desc.is_empty() {
        desc.push(' ');
    }
    desc.push_str(&format!(
        "Funnel of {} stages: how many reached each, and their share of the first.",
        stages.len()
    ));
    for (_, _, said) in &rows {
        desc.push(' ');
        desc.push_str(said);
        desc.push('.');
    }
    if left_out > 0 {
        desc.push_str(&format!(" {left_out} more stages are not shown."));
    }

    let mut doc = Doc::new(&chart.title, &desc, count(rows.len().max(1)) * ROW_H);
    if stages.is_empty() {
        doc.figure(Doc::row_y(0, 0.0), "no data", true);
    }
    for (i, (stage, (shown, missing, said))) in stages.iter().zip(&rows).enumerate() {
        let y = Doc::row_y(i, 0.0);
        doc.open_row(said);
        doc.label(y, &stage.label);
        match stage.count {
            Figure::Value(v) if v.is_finite() => {
                let f = Format::Count.fraction(v, top);
                doc.bar(y, (1.0 - f) / 2.0, (1.0 + f) / 2.0, INK);
            }
            _ => doc.missing(y),
        }
        doc.figure(y, shown, *missing);
        doc.close_row();
    }
    if left_out > 0 {
        doc.note(&format!("{left_out} more stages not shown"));
    }
    doc.legend(false, rows.iter().any(|r| r.1));
    doc.finish()
}
