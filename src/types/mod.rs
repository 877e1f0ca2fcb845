//! Domain value types that can only hold valid values: ids, vocabularies, text, language,
//! email, Markdown, secrets.

pub mod cells;
mod country;
mod email;
pub mod ids;
mod language;
mod licence;
pub mod markdown;
pub mod secret;
mod sector;
pub mod text;
pub mod topic;
pub mod vocab;

pub use country::CountryCode;
pub use email::Email;
pub use ids::*;
pub use language::{
    DEFAULT_PLATFORM_LANGUAGES, LANGUAGE_TAG_PATTERN, LanguageTag, default_platform_languages,
    join_tags, parse_platform_languages, split_tags,
};
pub use licence::Licence;
pub use secret::Secret;
pub use sector::IsicSection;

/// The distinct items of `items`, each at its first place: the one de-duplication of lists
/// (a request's languages, a response's `Content-Language`, ids sent twice).
pub fn distinct<T: Eq + std::hash::Hash + Clone>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut seen = std::collections::HashSet::new();
    items
        .into_iter()
        .filter(|i| seen.insert(i.clone()))
        .collect()
}
