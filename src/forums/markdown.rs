//! Post Markdown: mentions (`<@123>`) and safe HTML.
//!
//! Mentions are found in the Markdown's text (never inside code spans, code blocks, image
//! descriptions or raw HTML). Rendering and cleaning are the kernel's
//! (`crate::types::markdown`); this module only adds mentions. A mention is first written
//! as a placeholder of private-use characters and the HTML is cleaned ([`Rendered::new`],
//! before any transaction); only then, once the names are read inside the transaction,
//! does each placeholder become `<span class="mention" data-user-id="…">@Name</span>`
//! (name escaped, [`Rendered::resolve`]): a span written by hand in a post can never pass
//! for a mention, and no parsing or cleaning holds the write lock.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd, TextMergeStream};

use crate::types::UserId;
use crate::types::markdown::{self, Profile, escape_html_into};

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

/// The ids of the mentions in HTML made by [`Rendered::resolve`] (`data-user-id="…"`),
/// each once.
pub fn mentions_in_html(html: &str) -> Vec<UserId> {
    const NEEDLE: &str = "data-user-id=\"";
    let mut ids = Vec::new();
    let mut seen = HashSet::new();
    let mut rest = html;
    while let Some(at) = rest.find(NEEDLE) {
        rest = &rest[at + NEEDLE.len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(id) = digits.parse::<i64>().map(UserId)
            && seen.insert(id)
        {
            ids.push(id);
        }
    }
    ids
}

/// A post body rendered before any transaction: the Markdown as written, its safe HTML with
/// a placeholder where each mention goes, and the ids mentioned. All the parsing and
/// cleaning happens here; naming the mentions ([`Rendered::resolve`]) is a plain text pass
/// that may run inside the write transaction, where the names are read.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The Markdown as written.
    pub markdown: String,
    /// Safe HTML; each mention is `OPEN id CLOSE` in text content.
    html: String,
    /// The ids mentioned, each once, in order of appearance.
    mentions: Vec<UserId>,
}

impl Rendered {
    /// Parses and cleans `markdown` (the CPU work).
    pub fn new(markdown: String) -> Self {
        // The placeholder characters cannot come from the caller.
        let cleaned: String = markdown
            .chars()
            .filter(|c| *c != OPEN && *c != CLOSE)
            .collect();
        if cleaned.trim().is_empty() {
            return Self {
                markdown,
                html: String::new(),
                mentions: Vec::new(),
            };
        }
        let mut mentions: Vec<UserId> = Vec::new();
        let mut seen: HashSet<UserId> = HashSet::new();
        let events = map_events(&cleaned, |t| {
            let found = scan(&t);
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
                if seen.insert(UserId(id)) {
                    mentions.push(UserId(id));
                }
            }
            out.push_str(&t[last..]);
            CowStr::from(out)
        });
        let html = markdown::render_events(events, Profile::Standard);
        Self {
            markdown,
            html,
            mentions,
        }
    }

    /// The ids mentioned, each once, in order of appearance (not yet checked).
    pub fn mentions(&self) -> &[UserId] {
        &self.mentions
    }

    /// The final HTML: each mention of an id in `names` (existing, active members, id →
    /// display name) becomes `<span class="mention" data-user-id="…">@Name</span>` (name
    /// escaped), others stay as written (`<@…>`, escaped). The placeholders are only ever
    /// in text content of HTML already cleaned, and all that is written in their place is
    /// escaped or made here, so the result needs no second cleaning.
    pub fn resolve(&self, names: &HashMap<UserId, String>) -> String {
        if !self.html.contains(OPEN) {
            return self.html.clone();
        }
        let mut out = String::with_capacity(self.html.len() + 64);
        let mut rest = self.html.as_str();
        while let Some(at) = rest.find(OPEN) {
            out.push_str(&rest[..at]);
            let after = &rest[at + OPEN.len_utf8()..];
            let Some(close) = after.find(CLOSE) else {
                rest = after;
                continue;
            };
            let raw = &after[..close];
            let id = raw.parse::<i64>().ok().map(UserId);
            match id.and_then(|id| names.get(&id).map(|n| (id, n))) {
                Some((id, name)) => {
                    out.push_str(&format!("<span class=\"mention\" data-user-id=\"{id}\">@"));
                    escape_html_into(name, &mut out);
                    out.push_str("</span>");
                }
                None => escape_html_into(&format!("<@{raw}>"), &mut out),
            }
            rest = &after[close + CLOSE.len_utf8()..];
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> HashMap<UserId, String> {
        HashMap::from([
            (UserId(7), "Ana <b>Cruz</b>".to_owned()),
            (UserId(8), "Ben".to_owned()),
        ])
    }

    fn render(markdown: &str) -> String {
        Rendered::new(markdown.to_owned()).resolve(&names())
    }

    #[test]
    fn finds_mentions_outside_code() {
        let body = Rendered::new(
            "hi <@7> and <@8>, again <@7>; `<@9>`\n\n    <@10>\n\n```\n<@11>\n```\n<@x> <@> <@12"
                .to_owned(),
        );
        assert_eq!(body.mentions(), &[UserId(7), UserId(8)]);
    }

    #[test]
    fn renders_known_mentions_with_escaped_names() {
        let html = render("hi <@7> and <@99> and `<@8>`");
        assert_eq!(
            html,
            "<p>hi <span class=\"mention\" data-user-id=\"7\">@Ana &lt;b&gt;Cruz&lt;/b&gt;</span> \
             and &lt;@99&gt; and <code>&lt;@8&gt;</code></p>\n"
        );
        assert_eq!(mentions_in_html(&html), vec![UserId(7)]);
    }

    #[test]
    fn resolving_is_the_same_as_cleaning_the_result_again() {
        let body = "**hi** <@7>, [<@8>](https://example.org) > quote <@99>\n\n- <@8> item";
        let html = render(body);
        assert_eq!(markdown::clean(&html, Profile::Mentions), html);
    }

    #[test]
    fn hand_written_spans_and_scripts_do_not_pass() {
        let html = render(
            "<span class=\"mention\" data-user-id=\"8\">@Boss</span> <script>x()</script> \
             <img src=x onerror=alert(1)> [a](javascript:alert(1)) \u{E000}8\u{E001}",
        );
        assert!(!html.contains("data-user-id"), "{html}");
        assert!(!html.contains("script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript"), "{html}");
    }

    #[test]
    fn mentions_in_image_descriptions_stay_text() {
        let html = render("![<@7>](https://example.org/a.png)");
        assert!(!html.contains("data-user-id"), "{html}");
    }

    #[test]
    fn blank_bodies_render_nothing() {
        assert_eq!(render("  \n "), "");
    }
}
