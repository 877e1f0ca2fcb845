//! The reader's languages and the choice of a translation: the one negotiation every
//! localised answer uses.
//!
//! The order is `?lang=`, then `Accept-Language`, then the reader's own
//! `preferred_language` ([`Preferences::or_preferred`]), then each text's default
//! language. A localised answer says which language it returned with `Content-Language`
//! and `Vary: Accept-Language` (see [`crate::http::response::Reply::language`]).

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::error::ApiError;
use crate::types::LanguageTag;

/// Longest `Accept-Language` list read; the rest is ignored.
const MAX_RANGES: usize = 20;

/// The languages a reader asked for, best first. Empty: no preference (the default
/// language of each text is used).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preferences(pub Vec<String>);

impl Preferences {
    /// From `?lang=` when given (400 when it is not a language tag), else from
    /// `Accept-Language` (ranges with q=0, `*` and malformed ranges are ignored).
    pub fn from_request(req: &HttpRequest, lang: Option<&str>) -> Result<Self, ApiError> {
        if let Some(lang) = lang {
            let tag = LanguageTag::parse(lang)
                .map_err(|msg| ApiError::invalid_query("lang", "invalid_language", msg))?;
            return Ok(Self(vec![tag.as_str().to_owned()]));
        }
        let header = req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        Ok(Self::from_accept_language(header))
    }

    /// Parses an `Accept-Language` value.
    pub fn from_accept_language(value: &str) -> Self {
        let mut ranges: Vec<(u16, usize, String)> = Vec::new();
        for (i, part) in value.split(',').take(MAX_RANGES).enumerate() {
            let mut pieces = part.split(';');
            let range = pieces.next().unwrap_or("").trim();
            let mut q = 1000u16;
            for param in pieces {
                if let Some(v) = param.trim().strip_prefix("q=") {
                    q = v
                        .trim()
                        .parse::<f32>()
                        .ok()
                        .filter(|q| (0.0..=1.0).contains(q))
                        .map_or(0, |q| (q * 1000.0).round() as u16);
                }
            }
            if q == 0 || range == "*" {
                continue;
            }
            if let Ok(tag) = LanguageTag::parse(range) {
                ranges.push((q, i, tag.as_str().to_owned()));
            }
        }
        // Highest q first; equal q keep the order they were written in.
        ranges.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut tags: Vec<String> = Vec::new();
        for (_, _, tag) in ranges {
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        Self(tags)
    }

    /// When the request named no language, the reader's own preferred language (from
    /// their profile), so that a logged-in reader gets their language everywhere.
    pub fn or_preferred(self, preferred: Option<&str>) -> Self {
        match preferred {
            Some(lang) if self.0.is_empty() => Self(vec![lang.to_owned()]),
            _ => self,
        }
    }

    /// Exactly one language (a translation's own, to render it as it is).
    pub fn only(lang: &str) -> Self {
        Self(vec![lang.to_owned()])
    }

    /// The element of `items` in the language these preferences pick among them (see
    /// [`Preferences::pick`]); `lang` gives an item's language.
    pub fn pick_item<'a, T>(
        &self,
        items: &'a [T],
        lang: impl Fn(&T) -> &str,
        default: &str,
    ) -> Option<&'a T> {
        let langs: Vec<String> = items.iter().map(|i| lang(i).to_owned()).collect();
        let chosen = self.pick(&langs, default)?;
        items.iter().find(|i| lang(i) == chosen)
    }

    /// The first language asked for, if any.
    pub fn first(&self) -> Option<&str> {
        self.0.first().map(String::as_str)
    }

    /// The language to answer in among `available`: the first preference that is
    /// available (exactly, else by its primary language: `fil-PH` finds `fil`, `pt` finds
    /// `pt-BR`), else `default` when available, else the first available.
    pub fn pick<'a>(&self, available: &'a [String], default: &str) -> Option<&'a str> {
        for want in &self.0 {
            if let Some(found) = available.iter().find(|a| a.eq_ignore_ascii_case(want)) {
                return Some(found);
            }
            let primary = primary(want);
            if let Some(found) = available
                .iter()
                .find(|a| primary.eq_ignore_ascii_case(self::primary(a)))
            {
                return Some(found);
            }
        }
        available
            .iter()
            .find(|a| a.as_str() == default)
            .or_else(|| available.first())
            .map(String::as_str)
    }
}

fn primary(tag: &str) -> &str {
    tag.split('-').next().unwrap_or(tag)
}

/// The languages of some texts, each once, in order: the `Content-Language` of a list
/// ([`crate::http::response::Reply::languages`]).
pub fn distinct<'a>(languages: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    crate::types::distinct(languages.into_iter().map(str::to_owned))
}

/// `?lang=` of a localised read: the one query of answers that take nothing else.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// The reader's language (BCP 47); overrides `Accept-Language`, which overrides a
    /// logged-in reader's `preferred_language`; else each text's default language.
    #[param(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", max_length = 35)]
    pub lang: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn accept_language_is_ordered_by_q() {
        let p = Preferences::from_accept_language("en;q=0.5, fil-PH, id;q=0.8, *;q=0.1, de;q=0");
        assert_eq!(p.0, langs(&["fil-PH", "id", "en"]));
        assert!(Preferences::from_accept_language("").0.is_empty());
        assert_eq!(
            Preferences::from_accept_language("xx-!!, en;q=abc, fr").0,
            langs(&["fr"])
        );
    }

    #[test]
    fn picks_the_first_available_then_the_default() {
        let available = langs(&["en", "fil", "pt-BR"]);
        let p = Preferences(langs(&["de", "fil-PH", "en"]));
        assert_eq!(p.pick(&available, "en"), Some("fil"));
        assert_eq!(
            Preferences(langs(&["pt"])).pick(&available, "en"),
            Some("pt-BR")
        );
        assert_eq!(
            Preferences(langs(&["de"])).pick(&available, "fil"),
            Some("fil")
        );
        assert_eq!(Preferences::default().pick(&available, "en"), Some("en"));
        assert_eq!(Preferences::default().pick(&[], "en"), None);
    }
}
