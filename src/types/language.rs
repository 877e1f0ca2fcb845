//! BCP 47 language tags.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A BCP 47 language tag in canonical case (`en`, `fil`, `zh-Hans`, `pt-BR`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LanguageTag(String);

impl LanguageTag {
    /// Parses the common shape of a tag: a 2–3 letter language, then subtags of 2–8
    /// letters or digits (script in title case, region in upper case).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let mut parts = raw.split(['-', '_']);
        let language = parts.next().unwrap_or_default();
        if !(2..=3).contains(&language.len()) || !language.chars().all(|c| c.is_ascii_alphabetic())
        {
            return Err(format!(
                "`{raw}` is not a BCP 47 language tag (e.g. `en`, `fil`, `zh-Hans`)"
            ));
        }
        let mut tag = language.to_ascii_lowercase();
        for part in parts {
            if !(2..=8).contains(&part.len()) || !part.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(format!(
                    "`{raw}` is not a BCP 47 language tag (e.g. `en`, `fil`, `zh-Hans`)"
                ));
            }
            tag.push('-');
            if part.len() == 4 && part.chars().all(|c| c.is_ascii_alphabetic()) {
                let mut chars = part.chars();
                tag.extend(chars.next().map(|c| c.to_ascii_uppercase()));
                tag.extend(chars.map(|c| c.to_ascii_lowercase()));
            } else if part.len() == 2 && part.chars().all(|c| c.is_ascii_alphabetic()) {
                tag.push_str(&part.to_ascii_uppercase());
            } else {
                tag.push_str(&part.to_ascii_lowercase());
            }
        }
        if tag.len() > 35 {
            return Err(format!("`{raw}` is too long for a language tag"));
        }
        Ok(Self(tag))
    }

    /// The tag as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for LanguageTag {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        Self::parse(&value)
    }
}

impl From<LanguageTag> for String {
    fn from(value: LanguageTag) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::LanguageTag;

    #[test]
    fn canonicalises_case() {
        assert_eq!(LanguageTag::parse("EN").unwrap().as_str(), "en");
        assert_eq!(LanguageTag::parse("zh-hans").unwrap().as_str(), "zh-Hans");
        assert_eq!(LanguageTag::parse("pt_br").unwrap().as_str(), "pt-BR");
        assert_eq!(LanguageTag::parse("fil").unwrap().as_str(), "fil");
    }

    #[test]
    fn refuses_non_tags() {
        for bad in ["", "e", "english", "en-", "en-a", "12", "en-toolongsubtag"] {
            assert!(LanguageTag::parse(bad).is_err(), "{bad}");
        }
    }
}
