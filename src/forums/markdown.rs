//! Post Markdown: mentions (`<@123>`) and safe HTML.
//!
//! Mentions are found in the Markdown's text (never inside code spans, code blocks, image
//! descriptions or raw HTML). Rendering follows the lessons' rules
//! (`crate::types::markdown`): pulldown-cmark, then ammonia (no scripts, no event
//! attributes, no `style`, links only to http, https and mailto). A mention is first
//! written as a placeholder of private-use characters, the HTML is cleaned, and only then
//! does each placeholder become `<span class="mention" data-user-id="…">@Name</span>`
//! (name escaped): a span written by hand in a post can never pass for a mention.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd, TextMergeStream};

use crate::types::markdown::{self, Profile, escape_html};

/// Opens a mention placeholder in the rendered HTML.
const OPEN: char = '\u{E000}';
/// Closes a mention placeholder.
const CLOSE: char = '\u{E001}';

/// The mentions `<@digits>` in `text`: (start, end, id), in order.
fn scan(text: &str) -> Vec<(usize, usize, i64)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'<' && bytes.get(i + 1) == Some(&b'@') {
            let start = i + 2;
            let mut end = start;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
            if end > start && end - start <= 18 && bytes.get(end) == Some(&b'>') {
                if let Ok(id) = text[start..end].parse::<i64>()
                    && id > 0
                {
                    found.push((i, end + 1, id));
                }
                i = end + 1;
                continue;
            }
        }
        i += 1;
    }
    found
}

/// Walks the Markdown's events, calling `text` for each text outside code and images.
fn map_events<'a>(
    markdown: &'a str,
    mut text: impl FnMut(CowStr<'a>) -> CowStr<'a>,
) -> impl Iterator<Item = Event<'a>> {
    let mut code = 0usize;
    let mut image = 0usize;
    TextMergeStream::new(Parser::new_ext(markdown, markdown::options())).map(move |event| {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                code += 1;
                Event::Start(Tag::CodeBlock(kind))
            }
            Event::End(TagEnd::CodeBlock) => {
                code = code.saturating_sub(1);
                Event::End(TagEnd::CodeBlock)
            }
            Event::Start(tag @ Tag::Image { .. }) => {
                image += 1;
                Event::Start(tag)
            }
            Event::End(TagEnd::Image) => {
                image = image.saturating_sub(1);
                Event::End(TagEnd::Image)
            }
            Event::Text(t) if code == 0 && image == 0 => Event::Text(text(t)),
            other => other,
        }
    })
}

/// The ids mentioned in `markdown` (`<@123>`), each once, in order of appearance.
pub fn mention_ids(markdown: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = Vec::new();
    for _ in map_events(markdown, |t| {
        for (_, _, id) in scan(&t) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        t
    }) {}
    ids
}

/// The ids of the mentions in HTML made by [`render`] (`data-user-id="…"`), each once.
pub fn mentions_in_html(html: &str) -> Vec<i64> {
    const NEEDLE: &str = "data-user-id=\"";
    let mut ids = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(NEEDLE) {
        rest = &rest[at + NEEDLE.len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(id) = digits.parse::<i64>()
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids
}

/// Renders `markdown` to safe HTML; each mention of an id in `names` (existing, active
/// members, id → display name) becomes a mention span, other `<@…>` stay as written.
pub fn render(markdown: &str, names: &HashMap<i64, String>) -> String {
    let cleaned: String = markdown
        .chars()
        .filter(|c| *c != OPEN && *c != CLOSE)
        .collect();
    if cleaned.trim().is_empty() {
        return String::new();
    }
    let events = map_events(&cleaned, |t| {
        let found: Vec<_> = scan(&t)
            .into_iter()
            .filter(|(_, _, id)| names.contains_key(id))
            .collect();
        if found.is_empty() {
            return t;
        }
        let mut out = String::with_capacity(t.len() + 8);
        let mut last = 0;
        for (start, end, id) in found {
            out.push_str(&t[last..start]);
            out.push(OPEN);
            out.push_str(&id.to_string());
            out.push(CLOSE);
            last = end;
        }
        out.push_str(&t[last..]);
        CowStr::from(out)
    });
    let safe = markdown::render_events(events, Profile::Standard);
    if !safe.contains(OPEN) {
        return safe;
    }
    let mut out = String::with_capacity(safe.len() + 64);
    let mut rest = safe.as_str();
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at]);
        let after = &rest[at + OPEN.len_utf8()..];
        let Some(close) = after.find(CLOSE) else {
            rest = after;
            continue;
        };
        let id = after[..close].parse::<i64>().ok();
        match id.and_then(|id| names.get(&id).map(|n| (id, n))) {
            Some((id, name)) => out.push_str(&format!(
                "<span class=\"mention\" data-user-id=\"{id}\">@{}</span>",
                escape_html(name)
            )),
            None => out.push_str(&escape_html(&format!("<@{}>", &after[..close]))),
        }
        rest = &after[close + CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    markdown::clean(&out, Profile::Mentions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> HashMap<i64, String> {
        HashMap::from([(7, "Ana <b>Cruz</b>".to_owned()), (8, "Ben".to_owned())])
    }

    #[test]
    fn finds_mentions_outside_code() {
        assert_eq!(
            mention_ids(
                "hi <@7> and <@8>, again <@7>; `<@9>`\n\n    <@10>\n\n```\n<@11>\n```\n<@x> <@> <@12"
            ),
            vec![7, 8]
        );
    }

    #[test]
    fn renders_known_mentions_with_escaped_names() {
        let html = render("hi <@7> and <@99> and `<@8>`", &names());
        assert!(
            html.contains(
                "<span class=\"mention\" data-user-id=\"7\">@Ana &lt;b&gt;Cruz&lt;/b&gt;</span>"
            ),
            "{html}"
        );
        assert!(html.contains("&lt;@99&gt;"), "{html}");
        assert!(html.contains("<code>&lt;@8&gt;</code>"), "{html}");
        assert_eq!(mentions_in_html(&html), vec![7]);
    }

    #[test]
    fn hand_written_spans_and_scripts_do_not_pass() {
        let html = render(
            "<span class=\"mention\" data-user-id=\"8\">@Boss</span> <script>x()</script> \
             <img src=x onerror=alert(1)> [a](javascript:alert(1)) \u{E000}8\u{E001}",
            &names(),
        );
        assert!(!html.contains("data-user-id"), "{html}");
        assert!(!html.contains("script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript"), "{html}");
    }

    #[test]
    fn mentions_in_image_descriptions_stay_text() {
        let html = render("![<@7>](https://example.org/a.png)", &names());
        assert!(!html.contains("data-user-id"), "{html}");
    }
}
