//! Markdown to safe HTML, and HTML escaping: the one sanitiser every domain uses
//! (lessons, course texts, posts, emails, printable documents, seeds).

use std::sync::OnceLock;

use pulldown_cmark::{Event, Options, Parser, html};

/// Which markup survives cleaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Text, lists, tables, links (http, https, mailto) and images; no scripts, no event
    /// attributes, no `style`.
    Standard,
    /// [`Profile::Standard`] plus `<span class="mention" data-user-id="…">`, for posts whose
    /// mentions are written by the server *after* cleaning (see `forums::markdown`).
    Mentions,
}

fn cleaner(profile: Profile) -> &'static ammonia::Builder<'static> {
    static STANDARD: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    static MENTIONS: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    let base = || {
        let mut b = ammonia::Builder::default();
        b.link_rel(Some("noopener noreferrer nofollow"))
            .url_schemes(["http", "https", "mailto"].into_iter().collect());
        b
    };
    match profile {
        Profile::Standard => STANDARD.get_or_init(base),
        Profile::Mentions => MENTIONS.get_or_init(|| {
            let mut b = base();
            b.add_tags(["span"])
                .add_tag_attributes("span", ["data-user-id"])
                .add_allowed_classes("span", ["mention"]);
            b
        }),
    }
}

/// The Markdown extensions every text is parsed with.
pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Renders parsed Markdown events to HTML and cleans it with `profile`.
pub fn render_events<'a>(events: impl Iterator<Item = Event<'a>>, profile: Profile) -> String {
    let mut raw = String::new();
    html::push_html(&mut raw, events);
    clean(&raw, profile)
}

/// Keeps only the markup `profile` allows in already rendered HTML.
pub fn clean(raw_html: &str, profile: Profile) -> String {
    cleaner(profile).clean(raw_html).to_string()
}

/// Renders Markdown to HTML and keeps only safe markup: no scripts, no event
/// attributes, no `style`, links only to http, https and mailto addresses.
pub fn to_safe_html(markdown: &str) -> String {
    if markdown.is_empty() {
        return String::new();
    }
    render_events(Parser::new_ext(markdown, options()), Profile::Standard)
}

/// Appends `text` to `out` with `&`, `<`, `>`, `"` and `'` escaped, for HTML text and
/// attribute values.
pub fn escape_html_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// `text` with HTML's special characters escaped.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_html_into(text, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_html_without_scripts() {
        let html = to_safe_html(
            "# Rights\n\n**Organise** [now](https://example.org)\n\n<script>alert(1)</script>\n\n<a href=\"javascript:x()\" onclick=\"x()\">bad</a>",
        );
        assert!(html.contains("<h1>Rights</h1>"), "{html}");
        assert!(html.contains("<strong>Organise</strong>"), "{html}");
        assert!(
            html.contains("rel=\"noopener noreferrer nofollow\""),
            "{html}"
        );
        assert!(!html.contains("script"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("javascript"), "{html}");
    }

    #[test]
    fn spans_survive_only_in_the_mentions_profile() {
        let raw = "<span class=\"mention\" data-user-id=\"7\">@A</span>";
        assert!(!clean(raw, Profile::Standard).contains("data-user-id"));
        assert!(clean(raw, Profile::Mentions).contains("data-user-id=\"7\""));
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape_html("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
