//! The printable evaluation report: one self-contained HTML5 page (inline style, the
//! charts as inline SVG, no scripts, no external assets), laid out for A4 with a page
//! break between sections. The markup is also well-formed XML (XHTML-compatible), so a
//! test can read it with an XML parser.
//!
//! Serve it with [`content_security_policy`]: the server's default policy for answers
//! (`default-src 'none'`) would block the inline `<style>`; the page's own policy allows
//! exactly that style sheet by its hash, and nothing else. Inline SVG needs no permission
//! (its presentation attributes are not styles).

use std::fmt::Write;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::text::{clean, escape_clean, group_digits};
use super::{Figure, Format, Svg};
use crate::types::LanguageTag;

/// Most sections a report prints.
pub const MAX_SECTIONS: usize = 100;
/// Most charts, and most tables, per section.
pub const MAX_PER_SECTION: usize = 30;
/// Most rows printed per table; the caption says how many more the export has.
pub const MAX_ROWS: usize = 5000;
/// Most columns printed per table.
pub const MAX_COLUMNS: usize = 40;
/// Most characters of one text (a heading, a paragraph, a cell).
const MAX_TEXT: usize = 10_000;

/// A printable report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The page's title and first heading ("Evaluation report: Organising Asia 2025–2027").
    pub title: String,
    /// A line under the title (the period, the organisation); may be empty.
    pub subtitle: String,
    /// When the figures were taken.
    pub generated_at: DateTime<Utc>,
    /// The language of the page's text (`lang`; right-to-left languages also set `dir`).
    pub language: LanguageTag,
    /// The report's parts, each starting on a new page.
    pub sections: Vec<Section>,
    /// Notes printed at the end (how small cells are withheld, sources).
    pub notes: Vec<String>,
}

/// One part of a [`Report`].
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The section's heading ("Reach and representativeness").
    pub heading: String,
    /// Paragraphs of plain text before the charts.
    pub intro: Vec<String>,
    /// Charts, drawn by this module.
    pub charts: Vec<Svg>,
    /// Tables after the charts.
    pub tables: Vec<Table>,
}

/// A table of a [`Section`].
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// What the table shows.
    pub caption: String,
    /// Column headings.
    pub headers: Vec<String>,
    /// Rows of cells; a row shorter than the headings is padded, a longer one cut.
    pub rows: Vec<Vec<Cell>>,
}

/// One table cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text (a category, a name).
    Text(String),
    /// A figure in a format, right-aligned; a missing one reads "withheld" or "no data".
    Value(Figure, Format),
}

impl Cell {
    /// A text cell.
    pub fn text(text: impl Into<String>) -> Self {
        Cell::Text(text.into())
    }

    /// A count (`None` is withheld).
    pub fn count(value: impl Into<Figure>) -> Self {
        Cell::Value(value.into(), Format::Count)
    }

    /// A share in 0..=1 (`None` is withheld).
    pub fn share(value: impl Into<Figure>) -> Self {
        Cell::Value(value.into(), Format::Share)
    }
}

const STYLE: &str = "
@page { size: A4; margin: 16mm 14mm; }
* { box-sizing: border-box; }
html { font-family: Helvetica, Arial, sans-serif; font-size: 10.5pt; color: #1b2a3a; background: #fff; }
body { margin: 0 auto; max-width: 182mm; }
header { border-bottom: 2px solid #1b4f72; margin-bottom: 6mm; padding-bottom: 3mm; }
h1 { font-size: 20pt; margin: 0 0 2mm; }
h2 { font-size: 15pt; color: #1b4f72; margin: 0 0 3mm; break-after: avoid; page-break-after: avoid; }
.subtitle { font-size: 12pt; color: #566573; margin: 0 0 2mm; }
.generated { font-size: 9pt; color: #566573; margin: 0; }
section + section { break-before: page; page-break-before: always; }
p { margin: 0 0 3mm; line-height: 1.4; }
figure { margin: 0 0 5mm; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; margin: 0 0 6mm; font-size: 9.5pt; }
caption { caption-side: top; text-align: start; font-weight: bold; padding: 0 0 1.5mm; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border-bottom: 1px solid #d5dbe1; padding: 1.2mm 2mm; text-align: start; vertical-align: top; }
thead th { border-bottom: 1.5px solid #1b2a3a; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.missing { color: #566573; font-style: italic; }
.more { color: #566573; font-size: 9pt; }
footer { font-size: 9pt; color: #566573; border-top: 1px solid #d5dbe1; margin-top: 6mm; padding-top: 2mm; }
@media screen { body { padding: 8mm; } }
";

/// The Content-Security-Policy to send with the page: nothing but its own style sheet.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src 'sha256-{}'; base-uri 'none'; form-action 'none'; \
         frame-ancestors 'none'",
        STANDARD.encode(Sha256::digest(STYLE.as_bytes()))
    )
}

/// The report as one HTML page. The same report gives the same bytes.
pub fn render(report: &Report) -> String {
    let lang = report.language.as_str();
    let dir = if right_to_left(lang) { "rtl" } else { "ltr" };
    let title = text(&report.title);
    let mut out = String::with_capacity(16_384);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"{lang}\" \
         xml:lang=\"{lang}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n\
         <h1 dir=\"auto\">{title}</h1>\n",
        lang = escape_clean(lang),
    );
    let subtitle = text(&report.subtitle);
    if !subtitle.is_empty() {
        let _ = writeln!(out, "<p class=\"subtitle\" dir=\"auto\">{subtitle}</p>");
    }
    let _ = write!(
        out,
        "<p class=\"generated\">Generated <time datetime=\"{}\">{}</time></p>\n</header>\n<main>\n",
        report.generated_at.format("%Y-%m-%dT%H:%M:%SZ"),
        report.generated_at.format("%Y-%m-%d %H:%M UTC"),
    );
    for section in report.sections.iter().take(MAX_SECTIONS) {
        render_section(&mut out, section);
    }
    if report.sections.len() > MAX_SECTIONS {
        let _ = writeln!(
            out,
            "<p class=\"more\">{} more sections not printed.</p>",
            report.sections.len() - MAX_SECTIONS
        );
    }
    out.push_str("</main>\n");
    let notes: Vec<String> = report
        .notes
        .iter()
        .map(|n| text(n))
        .filter(|n| !n.is_empty())
        .collect();
    if !notes.is_empty() {
        out.push_str("<footer>\n");
        for note in notes {
            let _ = writeln!(out, "<p dir=\"auto\">{note}</p>");
        }
        out.push_str("</footer>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn render_section(out: &mut String, section: &Section) {
    let _ = write!(
        out,
        "<section>\n<h2 dir=\"auto\">{}</h2>\n",
        text(&section.heading)
    );
    for paragraph in &section.intro {
        let paragraph = text(paragraph);
        if !paragraph.is_empty() {
            let _ = writeln!(out, "<p dir=\"auto\">{paragraph}</p>");
        }
    }
    for chart in section.charts.iter().take(MAX_PER_SECTION) {
        let _ = writeln!(out, "<figure class=\"chart\">{chart}</figure>");
    }
    for table in section.tables.iter().take(MAX_PER_SECTION) {
        render_table(out, table);
    }
    let left_out = section.charts.len().saturating_sub(MAX_PER_SECTION)
        + section.tables.len().saturating_sub(MAX_PER_SECTION);
    if left_out > 0 {
        let _ = writeln!(
            out,
            "<p class=\"more\">{left_out} more charts or tables not printed.</p>"
        );
    }
    out.push_str("</section>\n");
}

fn render_table(out: &mut String, table: &Table) {
    let widest = table.rows.iter().map(Vec::len).max().unwrap_or(0);
    let columns = if table.headers.is_empty() {
        widest
    } else {
        table.headers.len()
    }
    .min(MAX_COLUMNS);
    let rows = &table.rows[..table.rows.len().min(MAX_ROWS)];
    // A column of figures only is right-aligned, heading included.
    let numeric: Vec<bool> = (0..columns)
        .map(|c| {
            let mut cells = rows.iter().filter_map(|r| r.get(c)).peekable();
            cells.peek().is_some() && cells.all(|cell| matches!(cell, Cell::Value(..)))
        })
        .collect();
    out.push_str("<table>\n");
    let caption = text(&table.caption);
    if !caption.is_empty() {
        let _ = writeln!(out, "<caption dir=\"auto\">{caption}</caption>");
    }
    if !table.headers.is_empty() {
        out.push_str("<thead><tr>");
        for (c, heading) in table.headers.iter().take(columns).enumerate() {
            let class = if numeric[c] { " class=\"num\"" } else { "" };
            let _ = write!(
                out,
                "<th scope=\"col\"{class} dir=\"auto\">{}</th>",
                text(heading)
            );
        }
        out.push_str("</tr></thead>\n");
    }
    out.push_str("<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for c in 0..columns {
            match row.get(c) {
                Some(Cell::Text(t)) => {
                    let _ = write!(out, "<td dir=\"auto\">{}</td>", text(t));
                }
                Some(Cell::Value(figure, format)) => match figure.value() {
                    Some(v) => {
                        let _ = write!(
                            out,
                            "<td class=\"num\" dir=\"ltr\">{}</td>",
                            escape_clean(&format.show(v))
                        );
                    }
                    None => {
                        let _ = write!(
                            out,
                            "<td class=\"num missing\" dir=\"ltr\">{}</td>",
                            format.show_figure(*figure)
                        );
                    }
                },
                None => out.push_str("<td></td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    if table.rows.len() > rows.len() {
        let more = group_digits(&(table.rows.len() - rows.len()).to_string());
        let _ = writeln!(
            out,
            "<tr><td class=\"more\" colspan=\"{}\">{more} more rows not printed (see the CSV export).</td></tr>",
            columns.max(1)
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

/// Plain text cleaned and escaped for the page.
fn text(raw: &str) -> String {
    escape_clean(&clean(raw, MAX_TEXT))
}

/// Whether a language is written right to left: by its script subtag when it has one
/// (`az-Arab`, `ur-Latn`), else by its primary subtag.
fn right_to_left(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    if let Some(script) = parts.find(|p| p.len() == 4) {
        return matches!(
            script,
            "Arab" | "Hebr" | "Syrc" | "Thaa" | "Nkoo" | "Adlm" | "Rohg"
        );
    }
    matches!(
        primary,
        "ar" | "arc" | "ckb" | "dv" | "fa" | "he" | "ks" | "ps" | "sd" | "syr" | "ug" | "ur" | "yi"
    )
}
