//! Free text from callers: the checks every text field shares.
//!
//! No control character belongs in a title or a line of prose, and PostgreSQL cannot even
//! store a NUL in a `TEXT` column: text is checked here, before it reaches the database, so
//! that both databases refuse the same input with a 422 instead of one of them with a 500.

/// Whether `raw` holds control characters other than line breaks and tabs.
pub fn has_stray_controls(raw: &str) -> bool {
    raw.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// One line of text: control characters refused, runs of white space made one space,
/// `min` to `max` characters.
pub fn clean_line(raw: &str, min: usize, max: usize) -> Result<String, String> {
    if raw.chars().any(char::is_control) {
        return Err("must not contain control characters".to_owned());
    }
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = text.chars().count();
    if n < min || n > max {
        return Err(format!("must be {min} to {max} characters"));
    }
    Ok(text)
}

/// Multi-line text (Markdown): line breaks and tabs allowed, other control characters not;
/// trimmed, at most `max` characters.
pub fn clean_block(raw: &str, max: usize) -> Result<String, String> {
    if has_stray_controls(raw) {
        return Err("must not contain control characters other than line breaks".to_owned());
    }
    let text = raw.replace("\r\n", "\n").trim().to_owned();
    if text.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
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
}
