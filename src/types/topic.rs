//! Topic tags, the one vocabulary courses and library resources are filed under:
//! lower-case words joined by `-` (`platform-workers`).

use crate::error::Fields;
use crate::types::text::is_slug;

/// The longest topic.
pub const MAX_TOPIC_CHARS: usize = 40;
/// The most topics one course or resource carries.
pub const MAX_TOPICS: usize = 12;

/// A topic tag: lower-case words joined by `-`, at most [`MAX_TOPIC_CHARS`].
pub fn parse_topic(raw: &str) -> Result<String, String> {
    if raw.len() <= MAX_TOPIC_CHARS && is_slug(raw, '-') {
        Ok(raw.to_owned())
    } else {
        Err(format!(
            "`{raw}` is not a topic: lower-case words joined by `-`, at most {MAX_TOPIC_CHARS} characters, e.g. `platform-workers`"
        ))
    }
}

/// A set of topics (field `topics`), sorted and without duplicates: at most
/// [`MAX_TOPICS`] as sent (checked before any topic is read), each a valid topic.
pub fn check_topics(f: &mut Fields, raw: &[String]) -> Option<Vec<String>> {
    if !f.at_most("topics", "too_many_topics", raw.len(), MAX_TOPICS) {
        return None;
    }
    let mut topics = f.check(
        "topics",
        "invalid_topic",
        raw.iter()
            .map(|t| parse_topic(t))
            .collect::<Result<Vec<_>, _>>(),
    )?;
    topics.sort();
    topics.dedup();
    Some(topics)
}
