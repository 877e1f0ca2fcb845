//! iCalendar (RFC 5545) output: text values escaped (§3.3.11), content lines folded at
//! 75 octets without splitting a UTF-8 character (§3.1), CRLF line ends, times in UTC.

use chrono::NaiveDateTime;

/// A calendar being written.
#[derive(Debug, Default)]
pub struct Calendar {
    out: String,
}

/// One event of a calendar.
#[derive(Debug, Clone)]
pub struct Event {
    /// Globally unique and stable for the event's whole life.
    pub uid: String,
    /// The last change (for a calendar without `METHOD`, as `LAST-MODIFIED`).
    pub stamp: NaiveDateTime,
    pub created: NaiveDateTime,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub summary: String,
    pub description: String,
    pub url: Option<String>,
    pub location: Option<String>,
    /// Counts revisions (the row's version − 1).
    pub sequence: i64,
}

/// `20270203T010000Z`.
fn utc(at: NaiveDateTime) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value: backslash, semicolon and comma escaped, line breaks as `\n`; other
/// control characters (never stored) dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes `line` folded: at most 75 octets a line, continuation lines starting with one
/// space (which counts towards their 75), never inside a UTF-8 sequence.
fn fold_into(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
}

impl Calendar {
    /// Opens a calendar named `name` (shown by calendar apps), whose times are to be shown
    /// in `time_zone` where the app takes the hint.
    pub fn new(name: &str, time_zone: Option<&str>) -> Self {
        let mut cal = Self::default();
        cal.line("BEGIN:VCALENDAR");
        cal.line("VERSION:2.0");
        cal.line("PRODID:-//Bayanihan//Cohort sessions//EN");
        cal.line("CALSCALE:GREGORIAN");
        cal.line(&format!("X-WR-CALNAME:{}", escape(name)));
        if let Some(tz) = time_zone {
            cal.line(&format!("X-WR-TIMEZONE:{}", escape(tz)));
        }
        cal
    }

    fn line(&mut self, line: &str) {
        fold_into(&mut self.out, line);
    }

    /// Adds an event.
    pub fn event(&mut self, e: &Event) {
        self.line("BEGIN:VEVENT");
        self.line(&format!("UID:{}", escape(&e.uid)));
        self.line(&format!("DTSTAMP:{}", utc(e.stamp)));
        self.line(&format!("CREATED:{}", utc(e.created)));
        self.line(&format!("LAST-MODIFIED:{}", utc(e.stamp)));
        self.line(&format!("SEQUENCE:{}", e.sequence.max(0)));
        self.line(&format!("DTSTART:{}", utc(e.starts_at)));
        self.line(&format!("DTEND:{}", utc(e.ends_at)));
        self.line(&format!("SUMMARY:{}", escape(&e.summary)));
        if !e.description.is_empty() {
            self.line(&format!("DESCRIPTION:{}", escape(&e.description)));
        }
        if let Some(location) = &e.location {
            self.line(&format!("LOCATION:{}", escape(location)));
        }
        if let Some(url) = &e.url {
            // URI values are not escaped; the addresses stored hold no line breaks.
            self.line(&format!("URL:{url}"));
        }
        self.line("END:VEVENT");
    }

    /// Closes the calendar; its text.
    pub fn finish(mut self) -> String {
        self.line("END:VCALENDAR");
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a;b,c\\d\r\ne\nf"), "a\\;b\\,c\\\\d\\ne\\nf");
    }

    #[test]
    fn lines_fold_at_75_octets_between_characters() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "ñ".repeat(60));
        fold_into(&mut out, &long);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, long);
    }
}
