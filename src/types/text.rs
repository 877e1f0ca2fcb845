//! Free text from callers: the checks every text field shares.
//!
//! No control character belongs in a title or a line of prose, and PostgreSQL cannot even
//! store a NUL in a `TEXT` column: text is checked here, before it reaches the database, so
//! that both databases refuse the same input with a 422 instead of one of them with a 500.
//!
//! Bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) can make a
//! name read backwards or hide what follows it, so no human-facing text takes them; and text
//! that must say something (a name, a title) needs at least one visible character, not only
//! white space and invisible format characters (U+2063, U+200B, U+FEFF, …). Joiners (U+200C,
//! U+200D) and variation selectors stay allowed: scripts and emoji need them.

/// Whether `c` reorders text (a bidirectional control character).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Whether `c` shows nothing by itself: white space, control and invisible format
/// characters (zero-width spaces and joiners, invisible operators, the byte-order mark,
/// variation selectors, tags, Hangul fillers).
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || is_bidi_control(c)
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200D}'
                | '\u{2060}'..='\u{2065}'
                | '\u{206A}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E007F}'
                | '\u{E0100}'..='\u{E01EF}'
        )
}

/// The problem with `text` as human-facing text, if any: bidirectional controls, or (when
/// `must_show`) nothing visible.
fn unreadable(text: &str, must_show: bool) -> Option<String> {
    if text.chars().any(is_bidi_control) {
        return Some("must not contain bidirectional control characters".to_owned());
    }
    if must_show && !text.is_empty() && text.chars().all(is_invisible) {
        return Some("must contain a visible character".to_owned());
    }
    None
}

/// Whether `raw` holds control characters other than line breaks and tabs.
pub fn has_stray_controls(raw: &str) -> bool {
    raw.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Whether `raw` is lower-case ASCII words of letters and digits joined by single
/// `separator`s (`platform-workers`, `platform_work`): slugs, topics, regions, sectors.
pub fn is_slug(raw: &str, separator: char) -> bool {
    !raw.is_empty()
        && raw.split(separator).all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// `raw` when it holds at most `max` characters as sent (before any trimming), so that the
/// `maxLength` an API schema states for it is exactly what the code enforces. Checked
/// first, before any other work on the text.
pub fn at_most_chars(raw: &str, max: usize) -> Result<&str, String> {
    // A character is at most 4 bytes: a short enough text needs no counting.
    if raw.len() <= max || raw.chars().count() <= max {
        Ok(raw)
    } else {
        Err(format!("must be at most {max} characters"))
    }
}

/// An absolute `http(s)` address with a host and no credentials in it, at most `max`
/// characters as sent; trimmed.
pub fn web_address(raw: &str, max: usize) -> Result<String, String> {
    let raw = at_most_chars(raw, max)?.trim();
    let url = url::Url::parse(raw)
        .map_err(|_| "must be an absolute address such as `https://example.org`".to_owned())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must be an http or https address".to_owned());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("must name a host".to_owned());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain a user name or password".to_owned());
    }
    Ok(raw.to_owned())
}

/// One line of text: control characters refused, runs of white space made one space,
/// `min` to `max` characters (at most `max` as sent, too).
pub fn clean_line(raw: &str, min: usize, max: usize) -> Result<String, String> {
    at_most_chars(raw, max).map_err(|_| format!("must be {min} to {max} characters"))?;
    if raw.chars().any(char::is_control) {
        return Err("must not contain control characters".to_owned());
    }
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(problem) = unreadable(&text, min > 0) {
        return Err(problem);
    }
    let n = text.chars().count();
    if n < min || n > max {
        return Err(format!("must be {min} to {max} characters"));
    }
    Ok(text)
}

/// Multi-line text (Markdown): line breaks and tabs allowed, other control characters not;
/// trimmed, at most `max` characters (as sent).
pub fn clean_block(raw: &str, max: usize) -> Result<String, String> {
    at_most_chars(raw, max)?;
    if has_stray_controls(raw) {
        return Err("must not contain control characters other than line breaks".to_owned());
    }
    let text = raw.replace("\r\n", "\n").trim().to_owned();
    if let Some(problem) = unreadable(&text, true) {
        return Err(problem);
    }
    Ok(text)
}

/// Whether a display name could pass for another in a different script (UTS #39
/// mixed-script detection): a word that mixes scripts, as `pаypal` with a Cyrillic `а`.
/// Scripts that are written together (Han with Hiragana and Katakana, Han with Hangul) count
/// as one. Flagged for administrators, never refused: a real name may trip it.
pub fn mixes_scripts(text: &str) -> bool {
    use unicode_security::MixedScript;
    text.split(|c: char| !c.is_alphanumeric())
        .any(|word| !word.is_empty() && !word.is_single_script())
}

/// Whether an email address could pass for another: a word of it mixes scripts
/// ([`mixes_scripts`]), or it is written in other letters that all look like plain ASCII
/// (`раураl.org` in Cyrillic).
pub fn email_looks_alike(email: &str) -> bool {
    mixes_scripts(email)
        || (!email.is_ascii()
            && unicode_security::confusable_detection::skeleton(email).all(|c| c.is_ascii()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn lookalikes_are_told_from_real_names_in_any_script() {
        use super::{email_looks_alike, mixes_scripts};
        for name in [
            "Maria Santos",
            "José Rizal",
            "Nguyễn Thị Minh Khai",
            "Иван Петров",
            "山田 花子",
            "やまだ はなこ",
            "김민준",
            "सीमा देवी",
            "Ana-María O'Neil",
        ] {
            assert!(!mixes_scripts(name), "{name}");
        }
        // A Cyrillic а, a Greek ο, inside Latin words.
        for name in [
            "P\u{430}ypal Support",
            "Bay\u{430}nihan Admin",
            "G\u{3bf}ogle",
        ] {
            assert!(mixes_scripts(name), "{name}");
        }
        assert!(!email_looks_alike("maria@example.org"));
        assert!(!email_looks_alike(
            "\u{438}\u{432}\u{430}\u{43d}@\u{43f}\u{43e}\u{447}\u{442}\u{430}.\u{440}\u{444}"
        ));
        assert!(email_looks_alike("admin@b\u{430}yanihan.org"));
        assert!(email_looks_alike(
            "\u{440}\u{430}\u{443}\u{440}\u{430}l@example.org"
        ));
    }

    use super::*;

    #[test]
    fn control_characters_are_refused() {
        assert!(has_stray_controls("a\u{0}b"));
        assert!(!has_stray_controls("line\nnext\ttab\r\n"));
        assert!(clean_line("a\u{0}bc", 1, 10).is_err());
        assert!(clean_line("a\nb", 1, 10).is_err());
        assert_eq!(clean_line("  two   words ", 1, 20).unwrap(), "two words");
        assert!(clean_block("a\u{7}", 10).is_err());
        assert_eq!(clean_block(" a\r\nb ", 10).unwrap(), "a\nb");
    }

    #[test]
    fn reversing_and_invisible_text_is_refused() {
        // A right-to-left override makes "Ana\u{202E}gnp.exe" read "Anaexe.png".
        assert!(clean_line("Ana\u{202E}gnp.exe", 1, 50).is_err());
        assert!(clean_line("x\u{2067}y", 1, 50).is_err());
        assert!(clean_block("fine\n\u{200F}", 50).is_err());
        // Nothing visible: invisible separators, zero-width spaces, a byte-order mark.
        for empty in [
            "\u{2063}",
            "\u{200B}\u{200B}",
            "\u{FEFF} \u{2063}",
            "\u{3164}",
        ] {
            assert_eq!(
                clean_line(empty, 1, 50).unwrap_err(),
                "must contain a visible character",
                "{empty:?}"
            );
        }
        // Scripts that need joiners, and emoji sequences, stay allowed.
        assert!(clean_line("\u{0915}\u{094D}\u{200D}\u{0937}", 1, 50).is_ok());
        assert!(clean_line("Maria \u{1F469}\u{200D}\u{1F3EB}", 1, 50).is_ok());
        assert!(clean_line("Nguyễn Thị Ánh", 1, 50).is_ok());
        // Optional text may be empty.
        assert_eq!(clean_line("", 0, 50).unwrap(), "");
    }

    #[test]
    fn lengths_count_characters_as_sent() {
        // The schema's maxLength counts what the client sent, white space included.
        assert!(clean_line(&format!("{}a", " ".repeat(10)), 1, 10).is_err());
        assert!(clean_block(&format!("a{}", "\n".repeat(10)), 10).is_err());
        assert!(clean_block("a\r\nb", 4).is_ok());
        assert!(clean_block("a\r\nbc", 4).is_err());
        // Characters, not bytes.
        assert!(at_most_chars(&"é".repeat(10), 10).is_ok());
        assert!(at_most_chars(&"é".repeat(11), 10).is_err());
        assert!(clean_line(&"é".repeat(10), 1, 10).is_ok());
    }
}
