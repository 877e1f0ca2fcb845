//! Lesson Markdown to safe HTML.

use std::sync::OnceLock;

use pulldown_cmark::{Options, Parser, html};

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.link_rel(Some("noopener noreferrer nofollow"))
            .url_schemes(["http", "https", "mailto"].into_iter().collect());
        b
    })
}

/// Renders Markdown to HTML and keeps only safe markup: no scripts, no event
/// attributes, no `style`, links only to http, https and mailto addresses.
pub fn to_safe_html(markdown: &str) -> String {
    if markdown.is_empty() {
        return String::new();
    }
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    cleaner().clean(&raw).to_string()
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

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
}
