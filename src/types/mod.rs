//! Domain value types that can only hold valid values: ids, vocabularies, text, language,
//! email, Markdown, secrets.

mod country;
mod email;
pub mod ids;
mod language;
mod licence;
pub mod markdown;
pub mod secret;
mod sector;
pub mod text;
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
