//! A dashboard as pictures: its SVG charts and a programme's printable evaluation report,
//! mapped from [`Dashboard`] (suppression already applied) into the pure renderers of
//! `crate::charts`. Nothing here counts or decides who may see what.

use chrono::Utc;

use crate::charts::report::{self, Cell, Report, Section, Table};
use crate::charts::{self, Bar, Bars, Figure, Format, Funnel, Level, Levels, Measure, Stage, Svg};
use crate::dashboards::model::{Dashboard, FunnelStage, IndicatorTotals, TargetCheck, UnionCell};
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

/// The chart `kind` of `d`, titled with `subject` ("Programme 3").
pub fn chart(d: &Dashboard, kind: ChartKind, subject: &str) -> Svg {
    match kind {
        ChartKind::Funnel => charts::funnel(&funnel(d, subject)),
        ChartKind::Levels => charts::levels(&levels(d, subject)),
        ChartKind::Targets => charts::bars(&targets(d, subject)),
        ChartKind::Countries => charts::bars(&breakdown(
            &format!("{subject}: participants by country"),
            &d.reach.country,
        )),
        ChartKind::Gender => charts::bars(&breakdown(
            &format!("{subject}: participants by gender"),
            &d.reach.gender,
        )),
        ChartKind::AgeBands => charts::bars(&breakdown(
            &format!("{subject}: participants by age band"),
            &d.reach.age_band,
        )),
        ChartKind::Unions => charts::bars(&unions(d, subject)),
        ChartKind::Sectors => charts::bars(&breakdown(
            &format!("{subject}: participants by sector (ISIC section)"),
            &d.reach.sector,
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

fn stage_label(stage: FunnelStage) -> &'static str {
    match stage {
        FunnelStage::Nominated => "Nominated",
        FunnelStage::Selected => "Selected",
        FunnelStage::Enrolled => "Enrolled",
        FunnelStage::Started => "Started",
        FunnelStage::Completed => "Completed",
        FunnelStage::Certified => "Certified",
        FunnelStage::FollowedUp => "Followed up",
    }
}

fn value_label(value: &str) -> String {
    match value {
        "not_stated" => "Not stated".to_owned(),
        "under_25" => "Under 25".to_owned(),
        "55_plus" => "55 and over".to_owned(),
        "non_binary" => "Non-binary".to_owned(),
        other => {
            let spaced = other.replace('_', " ");
            let mut chars = spaced.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_uppercase().collect::<String>() + chars.as_str()
            })
        }
    }
}

fn funnel(d: &Dashboard, subject: &str) -> Funnel {
    Funnel {
        title: format!("{subject}: participation funnel"),
        description: "Distinct people at each stage; withheld stages have fewer than five people or would give such a stage away.".to_owned(),
        stages: d
            .funnel
            .iter()
            .map(|c| Stage {
                label: stage_label(c.stage).to_owned(),
                count: count(c.count),
            })
            .collect(),
    }
}

/// The four levels' measures, each with its format (shared by the chart and the report).
fn level_measures(d: &Dashboard) -> Vec<Level> {
    let gain = Format::Scale {
        min: 0.0,
        max: 1.0,
        decimals: 2,
    };
    let no_survey = d.reaction.surveys == 0 || d.reaction.responses == Some(0);
    let no_test = d.learning.tests == 0 || d.learning.paired == Some(0);
    let no_plan = d.behaviour.action_plans == Some(0);
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
            name: "Level 1 · Reaction".to_owned(),
            measures: vec![
                measure(
                    "Response rate",
                    share(d.reaction.response_rate_percent, no_survey),
                    Format::Share,
                ),
                measure(
                    "Mean rating (share of the scale)",
                    share(d.reaction.mean_percent, no_survey),
                    Format::Share,
                ),
            ],
        },
        Level {
            name: "Level 2 · Learning".to_owned(),
            measures: vec![
                measure(
                    "Mean pre-test score",
                    share(d.learning.mean_pre_percent, no_test),
                    Format::Share,
                ),
                measure(
                    "Mean post-test score",
                    share(d.learning.mean_post_percent, no_test),
                    Format::Share,
                ),
                measure(
                    "Mean normalised gain",
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
            name: "Level 3 · Behaviour".to_owned(),
            measures: vec![
                measure(
                    "Participants with an action plan",
                    share(d.behaviour.action_plan_percent, false),
                    Format::Share,
                ),
                measure(
                    "Plan holders who checked in",
                    share(d.behaviour.check_in_percent, no_plan),
                    Format::Share,
                ),
                measure(
                    "Plan holders who applied a step",
                    share(d.behaviour.applied_percent, no_plan),
                    Format::Share,
                ),
                measure(
                    "Plan holders confirmed by their leader",
                    share(d.behaviour.confirmed_percent, no_plan),
                    Format::Share,
                ),
            ],
        },
        Level {
            name: "Level 4 · Results (unions' reports)".to_owned(),
            measures: vec![
                measure(
                    "Members recruited",
                    total(|t| t.members_recruited),
                    Format::Count,
                ),
                measure(
                    "Agreements signed or improved",
                    total(|t| t.agreements_signed + t.agreements_improved),
                    Format::Count,
                ),
                measure(
                    "Policies adopted",
                    total(|t| t.policies_adopted),
                    Format::Count,
                ),
                measure(
                    "Trainings run by the unions",
                    total(|t| t.trainings_run),
                    Format::Count,
                ),
            ],
        },
    ]
}

fn levels(d: &Dashboard, subject: &str) -> Levels {
    Levels {
        title: format!("{subject}: the four levels"),
        description: "Kirkpatrick's levels: reaction surveys, pre/post tests, follow-up of action plans, and the indicators the unions reported.".to_owned(),
        levels: level_measures(d),
    }
}

fn target_label(figure: &str) -> &'static str {
    match figure {
        "women_percent" => "Women",
        "under_35_percent" => "Under 35",
        "completion_percent" => "Completed",
        "participants" => "Participants",
        "countries" => "Countries",
        _ => "Other",
    }
}

fn targets(d: &Dashboard, subject: &str) -> Bars {
    let target_of = |figure: &str| -> Option<f64> {
        d.reach
            .targets
            .iter()
            .find(|t: &&TargetCheck| t.figure == figure)
            .map(|t| t.target as f64 / 100.0)
    };
    let no_one = d.reach.participants == Some(0);
    let bar = |figure: &str, value: Option<f64>| Bar {
        label: target_label(figure).to_owned(),
        value: share(value, no_one),
        target: target_of(figure),
    };
    Bars {
        title: format!("{subject}: representativeness and completion"),
        description: "Shares of the participants; a marker shows the programme's target."
            .to_owned(),
        format: Format::Share,
        bars: vec![
            bar("women_percent", d.reach.women_percent),
            bar("under_35_percent", d.reach.under_35_percent),
            bar("completion_percent", d.reach.completion_percent),
        ],
    }
}

fn breakdown(title: &str, cells: &[CountCell]) -> Bars {
    Bars {
        title: title.to_owned(),
        description: "Distinct participants; withheld cells have fewer than five people or would give one away.".to_owned(),
        format: Format::Count,
        bars: cells
            .iter()
            .map(|c| Bar {
                label: value_label(&c.value),
                value: count(c.count),
                target: None,
            })
            .collect(),
    }
}

fn unions(d: &Dashboard, subject: &str) -> Bars {
    Bars {
        title: format!("{subject}: participants by union"),
        description: "Distinct participants by the union that nominated them.".to_owned(),
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

fn cells_table(caption: &str, what: &str, cells: &[CountCell]) -> Table {
    Table {
        caption: caption.to_owned(),
        headers: vec![what.to_owned(), "Participants".to_owned()],
        rows: cells
            .iter()
            .map(|c| vec![Cell::text(value_label(&c.value)), Cell::count(c.count)])
            .collect(),
    }
}

fn indicators_table(caption: &str, what: &str, rows: &[IndicatorTotals]) -> Table {
    Table {
        caption: caption.to_owned(),
        headers: [
            what,
            "Reports",
            "Members recruited",
            "Agreements signed",
            "Agreements improved",
            "Policies adopted",
            "Trainings run",
        ]
        .map(str::to_owned)
        .to_vec(),
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
/// programme's name), as an HTML page with its charts and tables.
pub fn programme_report(d: &Dashboard, name: &str) -> String {
    let subject = name;
    let mut notes = vec![format!(
        "Cells of fewer than {} people, and cells that would give one away from a total, are withheld.",
        d.suppressed_below.max(1)
    )];
    if d.restricted_to.is_some() {
        notes.push("Only the participants of the reader's own unions are counted.".to_owned());
    }
    let targets_table = Table {
        caption: "Targets".to_owned(),
        headers: ["Figure", "Target", "Reached", "Met"]
            .map(str::to_owned)
            .to_vec(),
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
                    Cell::text(target_label(&t.figure)),
                    Cell::Value(Figure::Value(scale(t.target as f64)), format),
                    Cell::Value(
                        t.actual
                            .map_or(Figure::Withheld, |a| Figure::Value(scale(a))),
                        format,
                    ),
                    Cell::text(match t.met {
                        Some(true) => "yes",
                        Some(false) => "no",
                        None => "withheld",
                    }),
                ]
            })
            .collect(),
    };
    let levels_table = Table {
        caption: "The four levels".to_owned(),
        headers: ["Level", "Measure", "Value"].map(str::to_owned).to_vec(),
        rows: level_measures(d)
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
        caption: "Participation funnel".to_owned(),
        headers: ["Stage", "People"].map(str::to_owned).to_vec(),
        rows: d
            .funnel
            .iter()
            .map(|c| vec![Cell::text(stage_label(c.stage)), Cell::count(c.count)])
            .collect(),
    };
    let report = Report {
        title: format!("Evaluation report: {name}"),
        subtitle: format!(
            "{} participants",
            d.reach
                .participants
                .map_or_else(|| "withheld".to_owned(), |p| p.to_string())
        ),
        generated_at: Utc::now(),
        language: LanguageTag::parse("en").unwrap_or_else(|_| unreachable!("`en` is a tag")),
        sections: vec![
            Section {
                heading: "Reach and representativeness".to_owned(),
                intro: vec![
                    "Who took part: countries, gender, age and unions, against the programme's targets."
                        .to_owned(),
                ],
                charts: vec![
                    chart(d, ChartKind::Targets, subject),
                    chart(d, ChartKind::Countries, subject),
                    chart(d, ChartKind::Gender, subject),
                    chart(d, ChartKind::AgeBands, subject),
                    chart(d, ChartKind::Unions, subject),
                ],
                tables: vec![
                    targets_table,
                    cells_table("By country", "Country", &d.reach.country),
                    cells_table("By gender", "Gender", &d.reach.gender),
                    cells_table("By age band", "Age band", &d.reach.age_band),
                    cells_table("By sector (ISIC section)", "Sector", &d.reach.sector),
                ],
            },
            Section {
                heading: "Participation".to_owned(),
                intro: vec!["From nomination to follow-up.".to_owned()],
                charts: vec![chart(d, ChartKind::Funnel, subject)],
                tables: vec![funnel_table],
            },
            Section {
                heading: "The four levels".to_owned(),
                intro: vec![
                    "Reaction (level 1), learning (level 2), behaviour (level 3) and the unions' results (level 4)."
                        .to_owned(),
                ],
                charts: vec![chart(d, ChartKind::Levels, subject)],
                tables: vec![
                    levels_table,
                    indicators_table("Results by union", "Union", &d.results.by_union),
                    indicators_table("Results by country", "Country", &d.results.by_country),
                ],
            },
        ],
        notes,
    };
    report::render(&report)
}
