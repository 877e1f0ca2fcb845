//! Dashboards and exports as CSV: RFC 4180 (fields quoted when they hold a comma, a quote
//! or a line break, quotes doubled, lines ended by CRLF), UTF-8, a header row. A text cell
//! a spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`, a tab or a
//! carriage return) is neutralised with a leading `'`; numbers the server writes are not.

use crate::dashboards::model::Dashboard;

/// The header of a dashboard's CSV: one figure per line.
pub const DASHBOARD_HEADER: [&str; 6] = ["section", "key", "name", "measure", "value", "target"];

/// A text cell, safe from formula injection.
pub fn text(raw: &str) -> String {
    if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{raw}")
    } else {
        raw.to_owned()
    }
}

/// One line of already-safe cells, quoted where RFC 4180 needs it, ended by CRLF.
pub fn line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut out = String::new();
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let cell = cell.as_ref();
        if cell.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(cell);
        }
    }
    out.push_str("\r\n");
    out
}

fn num<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The whole dashboard, one figure per line (withheld figures have an empty value).
pub fn dashboard(d: &Dashboard) -> String {
    let mut out = line(&DASHBOARD_HEADER);
    let mut row =
        |section: &str, key: &str, name: &str, measure: &str, value: String, target: String| {
            out.push_str(&line(&[
                section.to_owned(),
                text(key),
                text(name),
                measure.to_owned(),
                value,
                target,
            ]));
        };
    let r = &d.reach;
    row(
        "reach",
        "",
        "",
        "participants",
        num(r.participants),
        String::new(),
    );
    row(
        "reach",
        "",
        "",
        "countries_reached",
        num(r.countries_reached),
        String::new(),
    );
    row(
        "reach",
        "",
        "",
        "women_percent",
        num(r.women_percent),
        String::new(),
    );
    row(
        "reach",
        "",
        "",
        "under_35_percent",
        num(r.under_35_percent),
        String::new(),
    );
    row(
        "reach",
        "",
        "",
        "completion_percent",
        num(r.completion_percent),
        String::new(),
    );
    for (section, cells) in [
        ("country", &r.country),
        ("gender", &r.gender),
        ("age_band", &r.age_band),
        ("sector", &r.sector),
    ] {
        for c in cells {
            row(
                section,
                &c.value,
                "",
                "participants",
                num(c.count),
                String::new(),
            );
        }
    }
    for u in &r.union {
        row(
            "union",
            &u.organisation_id.to_string(),
            &u.name,
            "participants",
            num(u.count),
            String::new(),
        );
    }
    row(
        "union",
        "other",
        "",
        "participants",
        num(r.other_unions),
        String::new(),
    );
    for t in &r.targets {
        row(
            "target",
            &t.figure,
            "",
            "actual",
            num(t.actual),
            t.target.to_string(),
        );
    }
    for f in &d.funnel {
        row(
            "funnel",
            f.stage.as_str(),
            "",
            "participants",
            num(f.count),
            String::new(),
        );
    }
    let a = &d.reaction;
    row(
        "reaction",
        "",
        "",
        "surveys",
        a.surveys.to_string(),
        String::new(),
    );
    row(
        "reaction",
        "",
        "",
        "responses",
        num(a.responses),
        String::new(),
    );
    row(
        "reaction",
        "",
        "",
        "response_rate_percent",
        num(a.response_rate_percent),
        String::new(),
    );
    row(
        "reaction",
        "",
        "",
        "mean_percent",
        num(a.mean_percent),
        String::new(),
    );
    let l = &d.learning;
    row(
        "learning",
        "",
        "",
        "tests",
        l.tests.to_string(),
        String::new(),
    );
    row("learning", "", "", "paired", num(l.paired), String::new());
    row(
        "learning",
        "",
        "",
        "mean_pre_percent",
        num(l.mean_pre_percent),
        String::new(),
    );
    row(
        "learning",
        "",
        "",
        "mean_post_percent",
        num(l.mean_post_percent),
        String::new(),
    );
    row(
        "learning",
        "",
        "",
        "mean_normalised_gain",
        num(l.mean_normalised_gain),
        String::new(),
    );
    let b = &d.behaviour;
    row(
        "behaviour",
        "",
        "",
        "action_plans",
        num(b.action_plans),
        String::new(),
    );
    row(
        "behaviour",
        "",
        "",
        "action_plan_percent",
        num(b.action_plan_percent),
        String::new(),
    );
    row(
        "behaviour",
        "",
        "",
        "check_in_percent",
        num(b.check_in_percent),
        String::new(),
    );
    row(
        "behaviour",
        "",
        "",
        "check_in_response_rate_percent",
        num(b.check_in_response_rate_percent),
        String::new(),
    );
    row(
        "behaviour",
        "",
        "",
        "applied_percent",
        num(b.applied_percent),
        String::new(),
    );
    row(
        "behaviour",
        "",
        "",
        "confirmed_percent",
        num(b.confirmed_percent),
        String::new(),
    );
    for (section, rows) in [
        ("indicators_by_union", &d.results.by_union),
        ("indicators_by_country", &d.results.by_country),
    ] {
        for i in rows {
            for (measure, v) in [
                ("reports", i.reports),
                ("members_recruited", i.members_recruited),
                ("agreements_signed", i.agreements_signed),
                ("agreements_improved", i.agreements_improved),
                ("policies_adopted", i.policies_adopted),
                ("trainings_run", i.trainings_run),
            ] {
                row(
                    section,
                    &i.key,
                    &i.name,
                    measure,
                    v.to_string(),
                    String::new(),
                );
            }
        }
    }
    for lesson in d.lessons.iter().flatten() {
        let (key, pos) = (lesson.lesson_id.to_string(), lesson.position.to_string());
        row(
            "lesson",
            &key,
            &pos,
            "completed",
            num(lesson.completed),
            String::new(),
        );
        row(
            "lesson",
            &key,
            &pos,
            "stopped_here",
            num(lesson.stopped_here),
            String::new(),
        );
    }
    out
}

/// The header of a programme's participant export.
pub fn participants_header(with_names: bool) -> String {
    let mut cells = vec![
        "cohort_id",
        "organisation_id",
        "organisation",
        "country",
        "gender",
        "age_band",
        "stage",
        "action_plan",
        "checked_in",
        "applied",
        "leader_confirmed",
    ];
    if with_names {
        cells.extend(["name", "email"]);
    }
    line(&cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_neutralises() {
        assert_eq!(
            line(&["a", "b,c", "say \"hi\""]),
            "a,\"b,c\",\"say \"\"hi\"\"\"\r\n"
        );
        assert_eq!(text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text("+1"), "'+1");
        assert_eq!(text("-1"), "'-1");
        assert_eq!(text("@SUM"), "'@SUM");
        assert_eq!(text("Union"), "Union");
        assert_eq!(line(&["x\r\ny"]), "\"x\r\ny\"\r\n");
    }
}
