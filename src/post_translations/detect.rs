//! The language of a post: the author's choice, else detected from its text.
//!
//! Detection uses `whatlang` (MIT; trigram and script based, no model files, no network),
//! and only a result the detector calls reliable, for a language the platform offers, is
//! taken; otherwise the post takes its author's preferred language, else its community's
//! (`service::fallback_language`, inside the write transaction).

use crate::error::ApiError;
use crate::types::LanguageTag;

/// Shortest text (in characters, Markdown included) detection is tried on: shorter texts
/// are too often guessed wrong.
const MIN_DETECT_CHARS: usize = 20;
/// Longest start of a text detection reads: enough to tell, bounded in cost.
const MAX_DETECT_CHARS: usize = 2_000;

/// whatlang's ISO 639-3 codes and the BCP 47 tags the platform writes for them (the
/// shortest tag: ISO 639-1 where there is one; `tgl` is written `fil`, Filipino, the
/// national standard of Tagalog; `cmn` is `zh`).
const TAGS: &[(&str, &str)] = &[
    ("eng", "en"),
    ("tgl", "fil"),
    ("ind", "id"),
    ("tha", "th"),
    ("vie", "vi"),
    ("khm", "km"),
    ("mya", "my"),
    ("nep", "ne"),
    ("sin", "si"),
    ("tam", "ta"),
    ("ben", "bn"),
    ("hin", "hi"),
    ("urd", "ur"),
    ("cmn", "zh"),
    ("jpn", "ja"),
    ("kor", "ko"),
    ("spa", "es"),
    ("por", "pt"),
    ("fra", "fr"),
    ("deu", "de"),
    ("ita", "it"),
    ("nld", "nl"),
    ("rus", "ru"),
    ("ara", "ar"),
    ("tur", "tr"),
    ("jav", "jv"),
    ("tel", "te"),
    ("mar", "mr"),
    ("guj", "gu"),
    ("pan", "pa"),
    ("kan", "kn"),
    ("mal", "ml"),
    ("pes", "fa"),
    ("ukr", "uk"),
    ("pol", "pl"),
    ("swe", "sv"),
];

/// The language `text` is written in, among `offered`, when the detector is sure.
pub fn detect(text: &str, offered: &[String]) -> Option<String> {
    if text.chars().count() < MIN_DETECT_CHARS {
        return None;
    }
    let start: String = text.chars().take(MAX_DETECT_CHARS).collect();
    let info = whatlang::detect(&start)?;
    if !info.is_reliable() {
        return None;
    }
    let code = info.lang().code();
    let tag = TAGS.iter().find(|(c, _)| *c == code).map(|(_, t)| *t)?;
    offered.iter().find(|o| o.as_str() == tag).cloned()
}

/// A language an author chose for their post: one of the platform's (422
/// `invalid_language` or `unsupported_language` on `language`).
pub fn chosen_language(raw: &str, offered: &[String]) -> Result<String, ApiError> {
    let tag = LanguageTag::parse(raw)
        .map_err(|m| ApiError::invalid_field("language", "invalid_language", m))?;
    if !offered.iter().any(|l| l == tag.as_str()) {
        return Err(ApiError::invalid_field(
            "language",
            "unsupported_language",
            format!(
                "`{tag}` is not one of the platform's languages ({})",
                offered.join(", ")
            ),
        ));
    }
    Ok(tag.as_str().to_owned())
}

/// A new post's language: the author's choice (checked), else the detected one; `None`
/// when detection is unsure (the service then takes the author's or community's).
pub fn post_language(
    chosen: Option<&str>,
    markdown: &str,
    offered: &[String],
) -> Result<Option<String>, ApiError> {
    match chosen {
        Some(raw) => chosen_language(raw, offered).map(Some),
        None => Ok(detect(markdown, offered)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offered() -> Vec<String> {
        crate::types::default_platform_languages()
    }

    #[test]
    fn filipino_indonesian_and_english_are_detected() {
        let fil = "Magandang umaga sa lahat! Ang ating unyon ay magkakaroon ng pagpupulong \
                   bukas tungkol sa kaligtasan sa trabaho at ang mga karapatan ng mga manggagawa.";
        let id = "Selamat pagi semuanya! Serikat pekerja kita akan mengadakan rapat besok \
                  tentang keselamatan kerja dan hak-hak para pekerja di pabrik.";
        let en = "Good morning everyone! Our union will hold a meeting tomorrow about safety \
                  at work and the rights of the workers in the factory.";
        assert_eq!(detect(fil, &offered()).as_deref(), Some("fil"));
        assert_eq!(detect(id, &offered()).as_deref(), Some("id"));
        assert_eq!(detect(en, &offered()).as_deref(), Some("en"));
    }

    #[test]
    fn short_or_unoffered_texts_are_not_guessed() {
        assert_eq!(detect("ok!", &offered()), None);
        let en = "Good morning everyone! Our union will hold a meeting tomorrow about safety.";
        assert_eq!(detect(en, &["fil".to_owned()]), None);
    }

    #[test]
    fn chosen_languages_must_be_offered() {
        assert_eq!(chosen_language("FIL", &offered()).unwrap(), "fil");
        assert!(chosen_language("xx", &offered()).is_err());
        assert!(chosen_language("not a tag", &offered()).is_err());
        assert_eq!(
            post_language(Some("id"), "Good morning", &offered()).unwrap(),
            Some("id".to_owned())
        );
    }
}
