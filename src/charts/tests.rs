//! The charts and the report read with a real XML parser, under hostile and edge inputs.

use chrono::{TimeZone, Utc};
use roxmltree::{Document, Node, ParsingOptions};
use sha2::{Digest, Sha256};

use super::report::{self, Cell, Report, Section, Table};
use super::*;

const SVG_NS: &str = "http://www.w3.org/2000/svg";

const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "Tom & Jerry's \"union\"",
    "]]><![CDATA[x",
    "الاتحاد العام لنقابات العمال",
    "הסתדרות העובדים",
    "全国総合労働組合連合会の青年部と女性部の合同委員会",
    "a\u{0}b\u{1b}c\u{202E}d\nе",
];

/// Parses a chart and checks what every chart must be; returns the document.
fn parse(svg: &Svg) -> Document<'_> {
    let text = svg.as_str();
    let doc = Document::parse(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.tag_name().namespace(), Some(SVG_NS));
    assert_eq!(root.attribute("role"), Some("img"));
    let (w, h) = (
        root.attribute("width").unwrap(),
        root.attribute("height").unwrap(),
    );
    assert_eq!(
        root.attribute("viewBox"),
        Some(format!("0 0 {w} {h}").as_str())
    );
    let first: Vec<_> = root.children().filter(Node::is_element).take(2).collect();
    assert_eq!(first[0].tag_name().name(), "title");
    assert_eq!(first[1].tag_name().name(), "desc");
    assert!(!first[1].text().unwrap_or_default().is_empty());
    // Self-contained and inert: nothing to fetch, nothing to run, no styles for a CSP.
    for node in doc.descendants().filter(Node::is_element) {
        let name = node.tag_name().name();
        assert!(
            !matches!(
                name,
                "script" | "style" | "image" | "use" | "a" | "foreignObject"
            ),
            "<{name}> in {text}"
        );
        for attr in node.attributes() {
            let key = attr.name();
            assert!(
                key != "style" && key != "href" && !key.starts_with("on"),
                "{key}"
            );
            if matches!(
                key,
                "x" | "y" | "width" | "height" | "x1" | "x2" | "y1" | "y2" | "font-size"
            ) {
                let v: f64 = attr.value().parse().unwrap_or_else(|_| panic!("{key}"));
                assert!(v.is_finite() && v >= 0.0, "{key}={v}");
            }
        }
    }
    assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
    doc
}

/// The groups of a chart (one per drawn row) with their tooltip.
fn rows<'a>(doc: &'a Document<'a>) -> Vec<(String, Node<'a, 'a>)> {
    doc.root_element()
        .children()
        .filter(|n| n.has_tag_name((SVG_NS, "g")))
        .map(|g| {
            let title = g
                .children()
                .find(|n| n.has_tag_name((SVG_NS, "title")))
                .and_then(|t| t.text())
                .unwrap_or_default()
                .to_owned();
            (title, g)
        })
        .collect()
}

/// The texts drawn in a group.
fn texts(g: Node<'_, '_>) -> Vec<String> {
    g.children()
        .filter(|n| n.has_tag_name((SVG_NS, "text")))
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect()
}

/// Whether a group draws a filled bar with a positive width (not the empty track).
fn has_bar(g: Node<'_, '_>) -> bool {
    g.children().any(|n| {
        n.has_tag_name((SVG_NS, "rect"))
            && n.attribute("fill") != Some("#eef1f4")
            && n.attribute("stroke").is_none()
            && n.attribute("width")
                .and_then(|w| w.parse::<f64>().ok())
                .is_some_and(|w| w > 0.0)
    })
}

/// Whether a group draws the hatched box of a missing figure.
fn is_hatched(g: Node<'_, '_>) -> bool {
    g.children()
        .any(|n| n.has_tag_name((SVG_NS, "path")) && n.attribute("stroke") == Some("#a6acaf"))
}

fn stage(label: &str, count: impl Into<Figure>) -> Stage {
    Stage {
        label: label.to_owned(),
        count: count.into(),
    }
}

fn bar(label: &str, value: impl Into<Figure>) -> Bar {
    Bar {
        label: label.to_owned(),
        value: value.into(),
        target: None,
    }
}

fn the_funnel() -> Funnel {
    Funnel {
        title: "From nomination to follow-up".to_owned(),
        description: "Organising Asia, all cohorts.".to_owned(),
        stages: vec![
            stage("Nominated", 120),
            stage("Selected", 80),
            stage("Started", None::<i64>),
            stage("Completed", 0),
            stage("Certified", 30),
            Stage {
                label: "Followed up".to_owned(),
                count: Figure::NoData,
            },
        ],
    }
}

#[test]
fn a_funnel_shows_counts_shares_and_withheld_stages() {
    let svg = funnel(&the_funnel());
    let doc = parse(&svg);
    let rows = rows(&doc);
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[0].0, "Nominated: 120");
    assert_eq!(rows[1].0, "Selected: 80, 66.7% of Nominated");
    assert_eq!(texts(rows[1].1), ["Selected", "80 (66.7%)"]);
    assert!(has_bar(rows[1].1));
    // Withheld is a hatched box that says so, never a bar and never zero.
    assert_eq!(rows[2].0, "Started: withheld");
    assert_eq!(texts(rows[2].1), ["Started", "withheld"]);
    assert!(is_hatched(rows[2].1) && !has_bar(rows[2].1));
    // A real zero is a zero, not a missing figure.
    assert_eq!(texts(rows[3].1), ["Completed", "0 (0.0%)"]);
    assert!(!is_hatched(rows[3].1));
    assert_eq!(texts(rows[5].1), ["Followed up", "no data"]);
    assert!(is_hatched(rows[5].1));
    let desc = doc
        .descendants()
        .find(|n| n.has_tag_name((SVG_NS, "desc")))
        .and_then(|n| n.text())
        .unwrap();
    assert!(desc.starts_with("Organising Asia, all cohorts. Funnel of 6 stages"));
    assert!(desc.contains("Started: withheld."), "{desc}");
    assert_eq!(
        svg,
        funnel(&the_funnel()),
        "the same input gives the same bytes"
    );
}

#[test]
fn funnels_of_nothing_stay_finite() {
    let cases = [
        vec![],
        vec![stage("Nominated", 0), stage("Selected", 0)],
        vec![stage("Nominated", None::<i64>), stage("Selected", 4)],
        vec![stage("Nominated", 0), stage("Selected", 3)],
        vec![
            stage("Nominated", f64::NAN),
            stage("Selected", f64::INFINITY),
            stage("Started", -5),
        ],
    ];
    for stages in cases {
        let svg = funnel(&Funnel {
            title: "Funnel".to_owned(),
            description: String::new(),
            stages,
        });
        let doc = parse(&svg);
        for (title, _) in rows(&doc) {
            assert!(!title.contains('%') || !title.starts_with("Nominated"));
        }
    }
    // With no first count there is no share: "3", not "inf%".
    let svg = funnel(&Funnel {
        title: "F".to_owned(),
        description: String::new(),
        stages: vec![stage("Nominated", 0), stage("Selected", 3)],
    });
    assert!(svg.as_str().contains(">3</text>"), "{svg}");
}

#[test]
fn funnels_are_capped() {
    let stages = (0..1000)
        .map(|i| stage(&format!("Lesson {i}"), 1000 - i))
        .collect();
    let svg = funnel(&Funnel {
        title: "Drop-off".to_owned(),
        description: String::new(),
        stages,
    });
    let doc = parse(&svg);
    assert_eq!(rows(&doc).len(), MAX_STAGES);
    assert!(svg.as_str().contains("970 more stages not shown"));
}

#[test]
fn hostile_labels_are_escaped_and_kept_whole_in_tooltips() {
    let long = "Confederation of Free Trade Unions ".repeat(15);
    let long = long.trim().to_owned();
    assert!(long.chars().count() > 500);
    let mut bars: Vec<Bar> = HOSTILE.iter().map(|l| bar(l, 7)).collect();
    bars.push(bar(&long, 12));
    let chart = Bars {
        title: "<b>Unions</b> & \"friends\"".to_owned(),
        description: "</desc><script>x</script>".to_owned(),
        format: Format::Count,
        bars,
    };
    let svg = super::bars(&chart);
    let doc = parse(&svg);
    assert!(!svg.as_str().contains("<script"));
    assert!(!svg.as_str().contains("<b>"));
    let title = doc.root_element().first_element_child().unwrap();
    assert_eq!(title.text(), Some("<b>Unions</b> & \"friends\""));
    let rows = rows(&doc);
    assert_eq!(rows.len(), HOSTILE.len() + 1);
    for (raw, (tooltip, g)) in HOSTILE.iter().zip(&rows) {
        let cleaned = text::clean(raw, 1000);
        assert_eq!(tooltip, &format!("{cleaned}: 7"));
        let shown = &texts(*g)[0];
        assert!(cleaned.starts_with(shown.trim_end_matches('…')), "{shown}");
    }
    // The control characters and the override are gone, the Cyrillic letter is still there.
    assert_eq!(text::clean(HOSTILE[6], 100), "a\u{FFFD}b\u{FFFD}cd е");
    // Right-to-left text stays the same characters in the same (logical) order.
    assert_eq!(texts(rows[4].1)[0], HOSTILE[4]);
    // The long label: whole in the tooltip, cut with an ellipsis on the bar.
    let (tooltip, g) = &rows[HOSTILE.len()];
    assert_eq!(tooltip, &format!("{long}: 12"));
    let shown = &texts(*g)[0];
    assert!(
        shown.ends_with('…') && shown.chars().count() < 40,
        "{shown}"
    );
    // Japanese is cut sooner: its characters are wider.
    let shown = &texts(rows[5].1)[0];
    assert!(
        shown.ends_with('…') && shown.chars().count() < 20,
        "{shown}"
    );
}

#[test]
fn ten_thousand_bars_become_the_largest_and_others() {
    let bars: Vec<Bar> = (0..10_000)
        .map(|i| {
            if i % 100 == 0 {
                bar(&format!("Union {i}"), None::<i64>)
            } else {
                bar(&format!("Union {i}"), i % 977)
            }
        })
        .collect();
    let chart = Bars {
        title: "Unions".to_owned(),
        description: String::new(),
        format: Format::Count,
        bars,
    };
    let svg = super::bars(&chart);
    assert!(svg.as_str().len() < 60_000, "{}", svg.as_str().len());
    let doc = parse(&svg);
    let rows = rows(&doc);
    assert_eq!(rows.len(), MAX_BARS);
    // The largest kept, in the input's order; then the others.
    assert_eq!(rows[0].0, "Union 975: 975");
    assert_eq!(rows[1].0, "Union 976: 976");
    let others = &rows[MAX_BARS - 1];
    assert!(
        others.0.starts_with("9981 others together: ")
            && others.0.ends_with("(100 withheld, not counted)"),
        "{}",
        others.0
    );
    // The others bar is longer than the axis: drawn full and marked as cut short.
    assert!(
        others
            .1
            .children()
            .any(|n| n.attribute("stroke") == Some("#ffffff"))
    );
    assert!(
        !rows[0]
            .1
            .children()
            .any(|n| n.attribute("stroke") == Some("#ffffff"))
    );
    assert_eq!(svg, super::bars(&chart));

    // Means do not add up: the rest is left out, and the chart says so.
    let means = Bars {
        format: Format::Scale {
            min: 1.0,
            max: 5.0,
            decimals: 1,
        },
        ..chart
    };
    let svg = super::bars(&means);
    let doc = parse(&svg);
    assert_eq!(self::rows(&doc).len(), MAX_BARS);
    assert!(svg.as_str().contains("9980 more not shown"));
}

#[test]
fn breakdowns_show_shares_targets_and_not_stated() {
    let chart = Bars {
        title: "Gender".to_owned(),
        description: String::new(),
        format: Format::Share,
        bars: vec![
            Bar {
                label: "Women".to_owned(),
                value: Figure::Value(0.412),
                target: Some(0.5),
            },
            bar("Men", 0.55),
            bar("Not stated", None::<f64>),
        ],
    };
    let svg = super::bars(&chart);
    let doc = parse(&svg);
    let rows = rows(&doc);
    assert_eq!(rows[0].0, "Women: 41.2% (target 50.0%)");
    assert!(
        rows[0]
            .1
            .children()
            .any(|n| n.has_tag_name((SVG_NS, "line")))
    );
    assert_eq!(texts(rows[2].1), ["Not stated", "withheld"]);
    assert!(is_hatched(rows[2].1) && !has_bar(rows[2].1));
    // The axis stops at a round number above 55%, not at 100%.
    assert!(svg.as_str().contains(">80%</text>"), "{svg}");
    assert!(svg.as_str().contains(">target</text>"));
}

#[test]
fn bars_of_nothing_stay_finite() {
    let formats = [
        Format::Count,
        Format::Share,
        Format::Scale {
            min: 1.0,
            max: 1.0,
            decimals: 2,
        },
        Format::Scale {
            min: f64::NAN,
            max: f64::INFINITY,
            decimals: 200,
        },
    ];
    let inputs = [
        vec![],
        vec![bar("a", 0), bar("b", 0)],
        vec![bar("a", None::<i64>)],
        vec![
            Bar {
                label: "a".to_owned(),
                value: Figure::Value(f64::NAN),
                target: Some(f64::INFINITY),
            },
            Bar {
                label: "b".to_owned(),
                value: Figure::Value(f64::NEG_INFINITY),
                target: Some(f64::NAN),
            },
            bar("c", 1e300),
            bar("d", -3),
        ],
    ];
    for format in formats {
        for bars in &inputs {
            let svg = super::bars(&Bars {
                title: "Edge".to_owned(),
                description: String::new(),
                format,
                bars: bars.clone(),
            });
            parse(&svg);
        }
    }
}

fn the_levels() -> Levels {
    let five = Format::Scale {
        min: 1.0,
        max: 5.0,
        decimals: 1,
    };
    let test = Format::Scale {
        min: 0.0,
        max: 100.0,
        decimals: 0,
    };
    let measure = |label: &str, value: Figure, format: Format| Measure {
        label: label.to_owned(),
        value,
        format,
        target: None,
    };
    Levels {
        title: "Kirkpatrick levels".to_owned(),
        description: String::new(),
        levels: vec![
            Level {
                name: "Level 1 · Reaction".to_owned(),
                measures: vec![
                    measure("Reaction mean", Figure::Value(4.23), five),
                    Measure {
                        target: Some(0.8),
                        ..measure("Response rate", Figure::Value(0.63), Format::Share)
                    },
                ],
            },
            Level {
                name: "Level 2 · Learning".to_owned(),
                measures: vec![
                    measure("Pre-test mean", Figure::Value(48.4), test),
                    measure("Post-test mean", Figure::Value(71.6), test),
                    measure(
                        "Normalised gain",
                        Figure::Value(0.449),
                        Format::Scale {
                            min: 0.0,
                            max: 1.0,
                            decimals: 2,
                        },
                    ),
                ],
            },
            Level {
                name: "Level 3 · Behaviour".to_owned(),
                measures: vec![
                    measure("Action plans", Figure::Value(0.9), Format::Share),
                    measure("Leader-confirmed", Figure::Withheld, Format::Share),
                ],
            },
            Level {
                name: "Level 4 · Results".to_owned(),
                measures: vec![
                    measure("New members", Figure::Value(340.0), Format::Count),
                    measure("Agreements", Figure::NoData, Format::Count),
                ],
            },
        ],
    }
}

#[test]
fn levels_label_each_measure_on_its_own_scale() {
    let svg = levels(&the_levels());
    let doc = parse(&svg);
    let rows = rows(&doc);
    let said: Vec<&str> = rows.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        said,
        [
            "Reaction mean 4.2 / 5 (on a scale from 1 to 5)",
            "Response rate 63.0%, target 80.0%",
            "Pre-test mean 48 / 100 (on a scale from 0 to 100)",
            "Post-test mean 72 / 100 (on a scale from 0 to 100)",
            "Normalised gain 0.45 / 1 (on a scale from 0 to 1)",
            "Action plans 90.0%",
            "Leader-confirmed withheld",
            "New members 340",
            "Agreements no data",
        ]
    );
    assert_eq!(texts(rows[0].1), ["Reaction mean", "4.2 / 5"]);
    assert!(is_hatched(rows[6].1) && !has_bar(rows[6].1));
    assert_eq!(texts(rows[8].1), ["Agreements", "no data"]);
    // The level headings are drawn.
    for level in ["Level 1 · Reaction", "Level 4 · Results"] {
        assert!(svg.as_str().contains(&format!(">{level}</text>")));
    }
    assert_eq!(svg, levels(&the_levels()));

    // The reaction mean (4.2 on 1–5) is drawn at 80% of the track: (4.23 - 1) / 4.
    let width: f64 = rows[0]
        .1
        .children()
        .filter(|n| n.has_tag_name((SVG_NS, "rect")))
        .nth(1)
        .and_then(|r| r.attribute("width"))
        .unwrap()
        .parse()
        .unwrap();
    assert!((width - 242.3).abs() < 0.1, "{width}");
}

#[test]
fn levels_of_nothing_and_too_much_stay_bounded() {
    let empty = Levels {
        title: "Levels".to_owned(),
        description: String::new(),
        levels: vec![],
    };
    parse(&levels(&empty));
    let mut many = the_levels();
    many.levels[0].name = "Level".repeat(300);
    many.levels[0].measures = (0..500)
        .map(|i| Measure {
            label: HOSTILE[i % HOSTILE.len()].to_owned(),
            value: Figure::Value(f64::NAN),
            format: Format::Scale {
                min: 5.0,
                max: 1.0,
                decimals: 9,
            },
            target: Some(f64::NEG_INFINITY),
        })
        .collect();
    many.levels[1].measures.clear();
    let third = many.levels[2].clone();
    many.levels.extend((0..50).map(|_| third.clone()));
    let svg = levels(&many);
    let doc = parse(&svg);
    assert_eq!(
        rows(&doc).len(),
        MAX_MEASURES + 2 + 2 * (MAX_LEVELS - 3),
        "level 2 has no measures"
    );
    assert!(svg.as_str().contains(">no figures</text>"));
}

fn the_report(language: &str) -> Report {
    let levels = levels(&the_levels());
    Report {
        title: "Evaluation report: <Organising> Asia & \"Pacific\"".to_owned(),
        subtitle: "2025–2027 · الاتحاد العام".to_owned(),
        generated_at: Utc.with_ymd_and_hms(2026, 12, 5, 12, 45, 0).unwrap(),
        language: crate::types::LanguageTag::parse(language).unwrap(),
        sections: vec![
            Section {
                heading: "Reach".to_owned(),
                intro: vec![
                    "Who took part.".to_owned(),
                    "<script>alert('x')</script>".to_owned(),
                ],
                charts: vec![funnel(&the_funnel())],
                tables: vec![Table {
                    caption: "Participants by gender".to_owned(),
                    headers: vec!["Gender".to_owned(), "People".to_owned(), "Share".to_owned()],
                    rows: vec![
                        vec![Cell::text("Women"), Cell::count(52), Cell::share(0.412)],
                        vec![Cell::text("Men"), Cell::count(70), Cell::share(0.556)],
                        vec![
                            Cell::text("Not stated"),
                            Cell::count(None::<i64>),
                            Cell::share(None::<f64>),
                        ],
                        vec![Cell::text("]]> & ' \"")],
                    ],
                }],
            },
            Section {
                heading: "Kirkpatrick levels".to_owned(),
                intro: vec![],
                charts: vec![levels],
                tables: vec![Table {
                    caption: "Big".to_owned(),
                    headers: vec![],
                    rows: (0..6000)
                        .map(|i| vec![Cell::text(format!("row {i}")), Cell::count(i)])
                        .collect(),
                }],
            },
        ],
        notes: vec!["Cells under five are withheld.".to_owned()],
    }
}

fn parse_html(html: &str) -> Document<'_> {
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(html, options).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_report_is_well_formed_escaped_and_printable() {
    let report = the_report("en");
    let html = report::render(&report);
    assert!(html.starts_with("<!DOCTYPE html>\n"));
    let doc = parse_html(&html);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "html");
    assert_eq!(root.attribute("lang"), Some("en"));
    assert_eq!(root.attribute("dir"), Some("ltr"));
    let find = |name: &'static str| {
        doc.descendants()
            .filter(move |n| n.tag_name().name() == name)
    };
    assert_eq!(
        find("title").next().and_then(|n| n.text()),
        Some("Evaluation report: <Organising> Asia & \"Pacific\"")
    );
    assert!(find("script").next().is_none());
    assert!(!html.contains("<script"));
    assert_eq!(find("section").count(), 2);
    // The charts are inline SVG in the SVG namespace, with their accessible title.
    let svgs: Vec<_> = find("svg").collect();
    assert_eq!(svgs.len(), 2);
    assert!(
        svgs.iter()
            .all(|s| s.tag_name().namespace() == Some(SVG_NS))
    );
    // Figures are right-aligned and withheld cells say so.
    let cells: Vec<_> = find("td").collect();
    let withheld: Vec<_> = cells
        .iter()
        .filter(|c| c.text() == Some("withheld"))
        .collect();
    assert_eq!(withheld.len(), 2);
    assert!(
        withheld
            .iter()
            .all(|c| c.attribute("class") == Some("num missing"))
    );
    assert!(
        cells
            .iter()
            .any(|c| c.text() == Some("41.2%") && c.attribute("class") == Some("num"))
    );
    assert!(find("th").any(|c| c.text() == Some("People") && c.attribute("class") == Some("num")));
    assert!(find("th").any(|c| c.text() == Some("Gender") && c.attribute("class").is_none()));
    // A short row is padded; hostile text is text.
    assert!(cells.iter().any(|c| c.text() == Some("]]> & ' \"")));
    // The big table is cut, and says where the rest is.
    assert!(html.contains("1000 more rows not printed (see the CSV export)."));
    assert_eq!(
        find("tbody")
            .nth(1)
            .unwrap()
            .children()
            .filter(Node::is_element)
            .count(),
        report::MAX_ROWS + 1
    );
    assert!(html.contains("<time datetime=\"2026-12-05T12:45:00Z\">2026-12-05 12:45 UTC</time>"));
    assert!(html.contains("section + section { break-before: page;"));
    assert!(!html.contains("NaN") && !html.contains("inf"));
    assert_eq!(html, report::render(&report));
}

#[test]
fn the_report_policy_allows_exactly_its_style() {
    let html = report::render(&the_report("en"));
    let doc = parse_html(&html);
    let style = doc
        .descendants()
        .find(|n| n.tag_name().name() == "style")
        .and_then(|n| n.text())
        .unwrap();
    use base64::Engine;
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(style.as_bytes()));
    let policy = report::content_security_policy();
    assert!(policy.starts_with("default-src 'none'; "));
    assert!(
        policy.contains(&format!("style-src 'sha256-{hash}'")),
        "{policy}"
    );
    // Nothing in the page needs another source: no style attributes, links or images.
    assert!(!html.contains(" style=") && !html.contains("href") && !html.contains("<img"));
}

#[test]
fn right_to_left_reports_say_so() {
    for (tag, dir) in [
        ("ar", "rtl"),
        ("he", "rtl"),
        ("ur-Latn", "ltr"),
        ("az-Arab", "rtl"),
        ("fil", "ltr"),
    ] {
        let html = report::render(&the_report(tag));
        let doc = parse_html(&html);
        assert_eq!(doc.root_element().attribute("dir"), Some(dir), "{tag}");
        assert_eq!(doc.root_element().attribute("lang"), Some(tag));
    }
}

#[test]
fn an_empty_report_is_still_a_page() {
    let report = Report {
        title: String::new(),
        subtitle: String::new(),
        generated_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        language: crate::types::LanguageTag::parse("en").unwrap(),
        sections: vec![Section {
            heading: String::new(),
            intro: vec![String::new()],
            charts: vec![],
            tables: vec![Table {
                caption: String::new(),
                headers: vec![],
                rows: vec![
                    vec![],
                    vec![Cell::Value(Figure::Value(f64::NAN), Format::Share)],
                ],
            }],
        }],
        notes: vec![],
    };
    let html = report::render(&report);
    let doc = parse_html(&html);
    assert!(doc.descendants().any(|n| n.text() == Some("no data")));
    assert!(!html.contains("NaN"));
}

/// Writes the sample charts and report to `$TMPDIR/bayanihan-charts/` to look at them in a
/// browser: `cargo test --lib charts::tests::samples -- --ignored`.
#[test]
#[ignore = "writes files for a person to look at"]
fn samples() {
    let dir = std::env::temp_dir().join("bayanihan-charts");
    std::fs::create_dir_all(&dir).unwrap();
    let gender = Bars {
        title: "Participants by gender".to_owned(),
        description: String::new(),
        format: Format::Share,
        bars: vec![
            Bar {
                label: "Women".to_owned(),
                value: Figure::Value(0.412),
                target: Some(0.5),
            },
            bar("Men", 0.55),
            bar("Not stated", 0.038),
            bar("Another gender", None::<f64>),
        ],
    };
    let unions = Bars {
        title: "Participants by union".to_owned(),
        description: String::new(),
        format: Format::Count,
        bars: (0..60)
            .map(|i| bar(HOSTILE[i % HOSTILE.len()], (i * 37) % 101))
            .collect(),
    };
    let files = [
        ("funnel.svg", funnel(&the_funnel())),
        ("gender.svg", super::bars(&gender)),
        ("unions.svg", super::bars(&unions)),
        ("levels.svg", levels(&the_levels())),
    ];
    for (name, svg) in &files {
        std::fs::write(dir.join(name), svg.as_str()).unwrap();
    }
    let mut report = the_report("en");
    report.sections[0].charts.push(super::bars(&gender));
    report.sections[0].charts.push(super::bars(&unions));
    std::fs::write(dir.join("report.html"), report::render(&report)).unwrap();
}
