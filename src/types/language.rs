//! BCP 47 language tags.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// Longest language tag, in characters (RFC 5646 advises room for 35).
pub const MAX_LEN: usize = 35;

/// The shape of a tag as the API document states it for `lang` and `{language}`
/// parameters; every tag it matches [`LanguageTag::parse`] accepts (a unit test keeps
/// them agreeing, an API test keeps every parameter documenting it).
pub const LANGUAGE_TAG_PATTERN: &str = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$";

/// A BCP 47 language tag in canonical case (`en`, `fil`, `zh-Hans`, `pt-BR`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LanguageTag(String);

impl LanguageTag {
    /// Parses the common shape of a tag: a 2–3 letter language, then subtags of 2–8
    /// letters or digits (script in title case, region in upper case).
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.len() > MAX_LEN {
            return Err(format!(
                "is too long for a language tag (at most {MAX_LEN} characters)"
            ));
        }
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

/// A tag in a request body: at most [`MAX_LEN`] characters (the code refuses longer ones
/// before looking at them).
impl utoipa::PartialSchema for LanguageTag {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "BCP 47 language tag (`en`, `fil`, `zh-Hans`, `pt-BR`), any case; answered in canonical case",
            ))
            .min_length(Some(2))
            .max_length(Some(MAX_LEN))
            .examples(["fil"])
            .into()
    }
}

impl utoipa::ToSchema for LanguageTag {}

/// Language tags as a `TEXT` column stores them: comma-separated.
pub fn join_tags(tags: &[String]) -> String {
    tags.join(",")
}

/// Language tags as stored ([`join_tags`]), split; empty for an empty column.
pub fn split_tags(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The languages the platform offers content in when `BAYANIHAN_LANGUAGES` says nothing:
/// English and the main languages of the programme's region (Asia and the Pacific).
/// Translation requests and translator permissions are for these languages only.
pub const DEFAULT_PLATFORM_LANGUAGES: &[&str] = &[
    "en", "fil", "id", "ms", "th", "vi", "km", "lo", "my", "tet", "tpi", "ne", "si", "ta", "bn",
    "hi", "ur", "zh", "ja", "ko", "mn", "fj", "sm", "to",
];

/// Most languages a platform list holds.
pub const MAX_PLATFORM_LANGUAGES: usize = 200;

/// The platform's languages from a comma-separated list of BCP 47 tags (canonical case,
/// each once, at most [`MAX_PLATFORM_LANGUAGES`]).
pub fn parse_platform_languages(raw: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let tag = LanguageTag::parse(part)?.as_str().to_owned();
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.is_empty() {
        return Err("names no language".to_owned());
    }
    if out.len() > MAX_PLATFORM_LANGUAGES {
        return Err(format!(
            "names more than {MAX_PLATFORM_LANGUAGES} languages"
        ));
    }
    Ok(out)
}

/// [`DEFAULT_PLATFORM_LANGUAGES`] as owned tags.
pub fn default_platform_languages() -> Vec<String> {
    DEFAULT_PLATFORM_LANGUAGES
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{LANGUAGE_TAG_PATTERN, LanguageTag, MAX_LEN};

    #[test]
    fn platform_languages_parse() {
        for tag in super::DEFAULT_PLATFORM_LANGUAGES {
            assert_eq!(LanguageTag::parse(tag).unwrap().as_str(), *tag);
        }
        assert_eq!(
            super::parse_platform_languages("en, FIL,en,zh-hans").unwrap(),
            ["en", "fil", "zh-Hans"]
        );
        assert!(super::parse_platform_languages(" , ").is_err());
        assert!(super::parse_platform_languages("en,english").is_err());
    }

    #[test]
    fn every_tag_of_the_documented_shape_parses() {
        assert_eq!(
            LANGUAGE_TAG_PATTERN, "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$",
            "change the `pattern` of every `lang` and `{{language}}` parameter with it"
        );
        // The pattern's corners: shortest and longest language and subtags, digits, case.
        let subtags = ["00", "Ab", "zzzzzzzz", "0a1B2c3D", "Hans", "419"];
        for language in ["aa", "ZZ", "fil", "EnG"] {
            assert!(LanguageTag::parse(language).is_ok(), "{language}");
            for a in subtags {
                for b in subtags {
                    for c in subtags {
                        let tag = format!("{language}-{a}-{b}-{c}");
                        assert!(LanguageTag::parse(&tag).is_ok(), "{tag}");
                    }
                }
            }
        }
    }

    #[test]
    fn stored_tags_round_trip() {
        assert_eq!(
            super::split_tags(&super::join_tags(&["en".into(), "fil".into()])),
            ["en", "fil"]
        );
        assert_eq!(super::split_tags("en,fil"), vec!["en", "fil"]);
        assert!(super::split_tags("").is_empty());
    }

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

    #[test]
    fn length_is_bounded_as_sent() {
        let longest = "en-abcdefgh-abcdefgh-abcdefgh-abcde";
        assert_eq!(longest.len(), MAX_LEN);
        assert!(LanguageTag::parse(longest).is_ok());
        assert!(LanguageTag::parse(&format!(" {longest}")).is_err());
        assert!(LanguageTag::parse(&"en-".repeat(10_000)).is_err());
        let schema =
            serde_json::to_value(<LanguageTag as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["maxLength"], MAX_LEN);
    }
}
