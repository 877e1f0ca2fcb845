//! Text for SVG and HTML: cleaning, escaping, cutting at grapheme boundaries and numbers
//! with fixed decimals.

use unicode_segmentation::UnicodeSegmentation;

use crate::types::markdown::escape_html_into;

/// `raw` made safe to place in XML as one line: characters XML 1.0 forbids (and other
/// control characters) and U+FFFE/U+FFFF become U+FFFD, line breaks and tabs become
/// spaces, bidirectional embeddings, overrides and isolates are dropped (an unclosed
/// override would reorder whatever follows), runs of spaces become one, and the ends are
/// trimmed. Stops after `max_chars` characters, so that a huge input costs no more.
pub fn clean(raw: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(raw.len().min(max_chars * 4));
    let mut space = false;
    for c in raw.chars().take(max_chars) {
        let c = match c {
            '\t' | '\n' | '\r' => ' ',
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => continue,
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        };
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

/// `raw` cleaned (see [`clean`]) and escaped for XML and HTML text and attribute values.
pub fn escape(raw: &str, max_chars: usize) -> String {
    let cleaned = clean(raw, max_chars);
    let mut out = String::with_capacity(cleaned.len() + 16);
    escape_html_into(&cleaned, &mut out);
    out
}

/// Escapes text that is already clean.
pub fn escape_clean(cleaned: &str) -> String {
    let mut out = String::with_capacity(cleaned.len() + 16);
    escape_html_into(cleaned, &mut out);
    out
}

/// The width of one grapheme in ems, roughly, in a sans-serif font: East Asian wide
/// characters and emoji take a full em, the rest about 0.6.
fn em_width(grapheme: &str) -> f64 {
    let wide = grapheme.chars().next().is_some_and(|c| {
        matches!(c as u32,
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x1F300..=0x1FAFF
            | 0x20000..=0x3FFFD)
    });
    if wide { 1.0 } else { 0.6 }
}

/// The estimated width of `text` in ems.
pub fn width_em(text: &str) -> f64 {
    text.graphemes(true).map(em_width).sum()
}

/// `text` (clean) cut to about `max_em` ems at a grapheme boundary, ending with "…" when
/// cut; the second value says whether it was.
pub fn fit(text: &str, max_em: f64) -> (String, bool) {
    if width_em(text) <= max_em {
        return (text.to_owned(), false);
    }
    let budget = max_em - em_width("…");
    let mut used = 0.0;
    let mut out = String::new();
    for g in text.graphemes(true) {
        used += em_width(g);
        if used > budget {
            break;
        }
        out.push_str(g);
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('…');
    (out, true)
}

/// `value` with exactly `decimals` decimals, never "-0" and never NaN or infinity (which
/// read as 0; callers check finiteness first, this is the last guard).
pub fn fixed(value: f64, decimals: u8) -> String {
    let value = if value.is_finite() { value } else { 0.0 };
    let s = format!("{value:.prec$}", prec = usize::from(decimals));
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_owned(),
        _ => s,
    }
}

/// A coordinate or length in the SVG: one decimal.
pub fn coord(value: f64) -> String {
    fixed(value, 1)
}

/// A number as short as it can be written with at most four decimals ("5", "0.5", "100").
pub fn short(value: f64) -> String {
    let s = fixed(value, 4);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// Digits grouped by three with a narrow no-break space (the SI way, the same in every
/// language): "10 000".
pub fn group_digits(number: &str) -> String {
    let (sign, digits) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    if digits.len() <= 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return number.to_owned();
    }
    let mut out = String::from(sign);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{202F}');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_drops_what_xml_forbids_and_bidi_overrides() {
        assert_eq!(clean("a\u{0}b\u{1b}c", 100), "a\u{FFFD}b\u{FFFD}c");
        assert_eq!(clean("  two\n lines\t", 100), "two lines");
        assert_eq!(clean("\u{202E}evil\u{2066}", 100), "evil");
        assert_eq!(clean("\u{FFFF}", 100), "\u{FFFD}");
        assert_eq!(clean("abcdef", 3), "abc");
    }

    #[test]
    fn escaping_covers_attributes() {
        assert_eq!(
            escape("<a href=\"x\">'&]]>", 100),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;]]&gt;"
        );
    }

    #[test]
    fn fitting_cuts_at_graphemes() {
        let (cut, was) = fit(&"x".repeat(500), 10.0);
        assert!(was);
        assert!(cut.ends_with('…'));
        assert!(width_em(&cut) <= 10.0 + 1e-9);
        // A family emoji and a letter with a combining accent stay whole.
        let (cut, _) = fit(&"👨‍👩‍👧e\u{301}".repeat(20), 5.0);
        assert!(cut.starts_with("👨‍👩‍👧e\u{301}"));
        assert!(!cut.contains("\u{200D}…"));
        let arabic = "الاتحاد الوطني للعمال في القطاع العام والخاص";
        let (cut, was) = fit(arabic, 12.0);
        assert!(was);
        assert!(arabic.starts_with(cut.trim_end_matches('…')));
        assert_eq!(fit("short", 10.0), ("short".to_owned(), false));
    }

    #[test]
    fn numbers_are_fixed_and_finite() {
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(f64::NAN, 2), "0.00");
        assert_eq!(fixed(f64::INFINITY, 0), "0");
        assert_eq!(fixed(2.346, 2), "2.35");
        assert_eq!(fixed(-1.25, 1), "-1.2");
        assert_eq!(fixed(1e300, 0).len(), 301);
        assert_eq!(short(5.0), "5");
        assert_eq!(short(0.25), "0.25");
        assert_eq!(group_digits("10000"), "10\u{202F}000");
        assert_eq!(group_digits("1234"), "1234");
        assert_eq!(group_digits("-1234567"), "-1\u{202F}234\u{202F}567");
    }
}
