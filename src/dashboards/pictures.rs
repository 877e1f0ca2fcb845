//! A dashboard as pictures: its SVG charts and a programme's printable evaluation report,
//! mapped from [`Dashboard`] (suppression already applied) into the pure renderers of
//! `crate::charts`. Nothing here counts or decides who may see what.

use chrono::Utc;

use crate::charts::report::{self, Cell, Report, Section, Table};
use crate::charts::{self, Bar, Bars, Figure, Format, Funnel, Level, Levels, Measure, Stage, Svg};
use crate::dashboards::model::{Dashboard, FunnelStage, IndicatorTotals, TargetCheck, UnionCell};
use crate::dashboards::words::Words;
use crate::types::LanguageTag;
use crate::types::cells::CountCell;

crate::vocabulary! {
    /// Which chart of a dashboard (`?chart=`).
    #[derive(Default)]
    pub enum ChartKind {
        /// Nominated → selected → started → completed → certified → followed up.
        #[default]
        Funnel => "funnel",
        /// Kirkpatrick's four levels, each measure on its own scale.
        Levels => "levels",
        /// Shares of women, under-35s and completion, against the programme's targets.
        Targets => "targets",
        /// Participants by country.
        Countries => "countries",
        /// Participants by gender.
        Gender => "gender",
        /// Participants by age band.
        AgeBands => "age_bands",
        /// Participants by union.
        Unions => "unions",
        /// Participants by the union's ISIC section.
        Sectors => "sectors",
    }
}

/// The chart `kind` of `d`, titled with `subject` ("Programme 3"), in the words `w`.
pub fn chart(d: &Dashboard, kind: ChartKind, subject: &str, w: &Words) -> Svg {
    match kind {
        ChartKind::Funnel => charts::funnel(&funnel(d, subject, w)),
        ChartKind::Levels => charts::levels(&levels(d, subject, w)),
        ChartKind::Targets => charts::bars(&targets(d, subject, w)),
        ChartKind::Countries => charts::bars(&breakdown(
            &format!("{subject}: {}", w.by_country),
            &d.reach.country,
            w,
        )),
        ChartKind::Gender => charts::bars(&breakdown(
            &format!("{subject}: {}", w.by_gender),
            &d.reach.gender,
            w,
        )),
        ChartKind::AgeBands => charts::bars(&breakdown(
            &format!("{subject}: {}", w.by_age),
            &d.reach.age_band,
            w,
        )),
        ChartKind::Unions => charts::bars(&unions(d, subject, w)),
        ChartKind::Sectors => charts::bars(&breakdown(
            &format!("{subject}: {}", w.by_sector),
            &d.reach.sector,
            w,
        )),
    }
}

/// A count as a figure: `None` is a withheld cell.
fn count(v: Option<i64>) -> Figure {
    v.map_or(Figure::Withheld, Figure::from)
}

/// A percentage (0–100) as a share: `None` is withheld, or no data when `nothing` says
/// there was nothing to compute it over.
fn share(v: Option<f64>, nothing: bool) -> Figure {
    match v {
        Some(p) => Figure::Value(p / 100.0),
        None if nothing => Figure::NoData,
        None => Figure::Withheld,
    }
}

fn stage_label(stage: FunnelStage, w: &Words) -> &'static str {
    let i = match stage {
        FunnelStage::Nominated => 0,
        FunnelStage::Selected => 1,
        FunnelStage::Enrolled => 2,
        FunnelStage::Started => 3,
        FunnelStage::Completed => 4,
        FunnelStage::Certified => 5,
        FunnelStage::FollowedUp => 6,
    };
    w.stages[i]
}

fn funnel(d: &Dashboard, subject: &str, w: &Words) -> Funnel {
    Funnel {
        title: format!("{subject}: {}", w.funnel),
        description: w.funnel_desc.to_owned(),
        stages: d
            .funnel
            .iter()
            .map(|c| Stage {
                label: stage_label(c.stage, w).to_owned(),
                count: count(c.count),
            })
            .collect(),
    }
}

/// The four levels' measures, each with its format (shared by the chart and the report).
fn level_measures(d: &Dashboard, w: &Words) -> Vec<Level> {
    let gain = Format::Scale {
        min: 0.0,
        max: 1.0,
        decimals: 2,
    };
    let no_survey = d.reaction.surveys == 0 || d.reaction.responses == Some(0);
    let no_test = d.learning.tests == 0 || d.learning.paired == Some(0);
    let no_plan = d.behaviour.action_plans == Some(0);
    // The rate is `null` both when withheld and when nothing is due: plans shown, the
    // rate not, means nothing was due.
    let none_due = no_plan
        || (d.behaviour.check_in_response_rate_percent.is_none()
            && d.behaviour.action_plans.is_some());
    let measure = |label: &str, value: Figure, format: Format| Measure {
        label: label.to_owned(),
        value,
        format,
        target: None,
    };
    let total = |f: fn(&IndicatorTotals) -> i64| -> Figure {
        Figure::from(d.results.by_union.iter().map(f).sum::<i64>())
    };
    vec![
        Level {
            name: w.level_names[0].to_owned(),
            measures: vec![
                measure(
                    w.response_rate,
                    share(d.reaction.response_rate_percent, no_survey),
                    Format::Share,
                ),
                measure(
                    w.mean_rating,
                    share(d.reaction.mean_percent, no_survey),
                    Format::Share,
                ),
            ],
        },
        Level {
            name: w.level_names[1].to_owned(),
            measures: vec![
                measure(
                    w.mean_pre,
                    share(d.learning.mean_pre_percent, no_test),
                    Format::Share,
                ),
                measure(
                    w.mean_post,
                    share(d.learning.mean_post_percent, no_test),
                    Format::Share,
                ),
                measure(
                    w.mean_gain,
                    match d.learning.mean_normalised_gain {
                        Some(g) => Figure::Value(g),
                        None if no_test => Figure::NoData,
                        None => Figure::Withheld,
                    },
                    gain,
                ),
            ],
        },
        Level {
            name: w.level_names[2].to_owned(),
            measures: vec![
                measure(
                    w.with_plan,
                    share(d.behaviour.action_plan_percent, false),
                    Format::Share,
                ),
                measure(
                    w.checked_in,
                    share(d.behaviour.check_in_response_rate_percent, none_due),
                    Format::Share,
                ),
                measure(
                    w.applied,
                    share(d.behaviour.applied_percent, no_plan),
                    Format::Share,
                ),
                measure(
                    w.confirmed,
                    share(d.behaviour.confirmed_percent, no_plan),
                    Format::Share,
                ),
            ],
        },
        Level {
            name: w.level_names[3].to_owned(),
            measures: vec![
                measure(w.recruited, total(|t| t.members_recruited), Format::Count),
                measure(
                    w.agreements,
                    total(|t| t.agreements_signed + t.agreements_improved),
                    Format::Count,
                ),
                measure(w.policies, total(|t| t.policies_adopted), Format::Count),
                measure(w.trainings, total(|t| t.trainings_run), Format::Count),
            ],
        },
    ]
}

fn levels(d: &Dashboard, subject: &str, w: &Words) -> Levels {
    Levels {
        title: format!("{subject}: {}", w.levels),
        description: w.levels_desc.to_owned(),
        levels: level_measures(d, w),
    }
}

fn target_label(figure: &str, w: &Words) -> &'static str {
    let i = match figure {
        "women_percent" => 0,
        "under_35_percent" => 1,
        "completion_percent" => 2,
        "participants" => 3,
        "countries" => 4,
        _ => 5,
    };
    w.target_labels[i]
}

fn targets(d: &Dashboard, subject: &str, w: &Words) -> Bars {
    let target_of = |figure: &str| -> Option<f64> {
        d.reach
            .targets
            .iter()
            .find(|t: &&TargetCheck| t.figure == figure)
            .map(|t| t.target as f64 / 100.0)
    };
    let no_one = d.reach.participants == Some(0);
    let bar = |figure: &str, value: Option<f64>| Bar {
        label: target_label(figure, w).to_owned(),
        value: share(value, no_one),
        target: target_of(figure),
    };
    Bars {
        title: format!("{subject}: {}", w.targets),
        description: w.targets_desc.to_owned(),
        format: Format::Share,
        bars: vec![
            bar("women_percent", d.reach.women_percent),
            bar("under_35_percent", d.reach.under_35_percent),
            bar("completion_percent", d.reach.completion_percent),
        ],
    }
}

fn breakdown(title: &str, cells: &[CountCell], w: &Words) -> Bars {
    Bars {
        title: title.to_owned(),
        description: w.breakdown_desc.to_owned(),
        format: Format::Count,
        bars: cells
            .iter()
            .map(|c| Bar {
                label: w.value(&c.value),
                value: count(c.count),
                target: None,
            })
            .collect(),
    }
}

fn unions(d: &Dashboard, subject: &str, w: &Words) -> Bars {
    Bars {
        title: format!("{subject}: {}", w.by_union),
        description: w.unions_desc.to_owned(),
        format: Format::Count,
        bars: d
            .reach
            .union
            .iter()
            .map(|u: &UnionCell| Bar {
                label: u.name.clone(),
                value: count(u.count),
                target: None,
            })
            .collect(),
    }
}

fn cells_table(caption: &str, what: &str, cells: &[CountCell], w: &Words) -> Table {
    Table {
        caption: caption.to_owned(),
        headers: vec![what.to_owned(), w.target_labels[3].to_owned()],
        rows: cells
            .iter()
            .map(|c| vec![Cell::text(w.value(&c.value)), Cell::count(c.count)])
            .collect(),
    }
}

fn indicators_table(caption: &str, what: &str, rows: &[IndicatorTotals], w: &Words) -> Table {
    Table {
        caption: caption.to_owned(),
        headers: std::iter::once(what)
            .chain(w.indicator_headers)
            .map(str::to_owned)
            .collect(),
        rows: rows
            .iter()
            .map(|t| {
                let name = if t.name.is_empty() { &t.key } else { &t.name };
                vec![
                    Cell::text(name.clone()),
                    Cell::count(t.reports),
                    Cell::count(t.members_recruited),
                    Cell::count(t.agreements_signed),
                    Cell::count(t.agreements_improved),
                    Cell::count(t.policies_adopted),
                    Cell::count(t.trainings_run),
                ]
            })
            .collect(),
    }
}

/// The printable evaluation report of a programme's dashboard `d` (`name`: the
/// programme's name), as an HTML page with its charts and tables, in the words `w`.
pub fn programme_report(d: &Dashboard, name: &str, w: &Words) -> String {
    let subject = name;
    let mut notes = vec![
        w.note_withheld
            .replace("{n}", &d.suppressed_below.max(1).to_string()),
    ];
    if d.restricted_to.is_some() {
        notes.push(w.note_restricted.to_owned());
    }
    let targets_table = Table {
        caption: w.target_headers[1].to_owned(),
        headers: w.target_headers.map(str::to_owned).to_vec(),
        rows: d
            .reach
            .targets
            .iter()
            .map(|t| {
                let percent = t.figure.ends_with("_percent");
                let scale = |v: f64| if percent { v / 100.0 } else { v };
                let format = if percent {
                    Format::Share
                } else {
                    Format::Count
                };
                vec![
                    Cell::text(target_label(&t.figure, w)),
                    Cell::Value(Figure::Value(scale(t.target as f64)), format),
                    Cell::Value(
                        t.actual
                            .map_or(Figure::Withheld, |a| Figure::Value(scale(a))),
                        format,
                    ),
                    Cell::text(match t.met {
                        Some(true) => w.yes,
                        Some(false) => w.no,
                        None => w.withheld,
                    }),
                ]
            })
            .collect(),
    };
    let levels_table = Table {
        caption: w.four_levels.to_owned(),
        headers: w.level_headers.map(str::to_owned).to_vec(),
        rows: level_measures(d, w)
            .into_iter()
            .flat_map(|l| {
                let name = l.name;
                l.measures.into_iter().map(move |m| {
                    vec![
                        Cell::text(name.clone()),
                        Cell::text(m.label),
                        Cell::Value(m.value, m.format),
                    ]
                })
            })
            .collect(),
    };
    let funnel_table = Table {
        caption: w.participation.to_owned(),
        headers: w.funnel_headers.map(str::to_owned).to_vec(),
        rows: d
            .funnel
            .iter()
            .map(|c| vec![Cell::text(stage_label(c.stage, w)), Cell::count(c.count)])
            .collect(),
    };
    let report = Report {
        title: format!("{}: {name}", w.report),
        subtitle: format!(
            "{} {}",
            d.reach
                .participants
                .map_or_else(|| w.withheld.to_owned(), |p| p.to_string()),
            w.participants
        ),
        generated_at: Utc::now(),
        language: LanguageTag::parse(w.lang)
            .unwrap_or_else(|_| unreachable!("a catalogue's language is a tag")),
        sections: vec![
            Section {
                heading: w.reach.to_owned(),
                intro: vec![w.reach_intro.to_owned()],
                charts: vec![
                    chart(d, ChartKind::Targets, subject, w),
                    chart(d, ChartKind::Countries, subject, w),
                    chart(d, ChartKind::Gender, subject, w),
                    chart(d, ChartKind::AgeBands, subject, w),
                    chart(d, ChartKind::Unions, subject, w),
                ],
                tables: vec![
                    targets_table,
                    cells_table(w.by_country, w.country, &d.reach.country, w),
                    cells_table(w.by_gender, w.gender, &d.reach.gender, w),
                    cells_table(w.by_age, w.age_band, &d.reach.age_band, w),
                    cells_table(w.by_sector, w.sector, &d.reach.sector, w),
                ],
            },
            Section {
                heading: w.participation.to_owned(),
                intro: vec![w.participation_intro.to_owned()],
                charts: vec![chart(d, ChartKind::Funnel, subject, w)],
                tables: vec![funnel_table],
            },
            Section {
                heading: w.four_levels.to_owned(),
                intro: vec![w.four_levels_intro.to_owned()],
                charts: vec![chart(d, ChartKind::Levels, subject, w)],
                tables: vec![
                    levels_table,
                    indicators_table(w.results_by_union, w.union, &d.results.by_union, w),
                    indicators_table(w.results_by_country, w.country, &d.results.by_country, w),
                ],
            },
        ],
        notes,
    };
    report::render(&report)
}
