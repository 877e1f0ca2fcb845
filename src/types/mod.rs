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
pub mod vocab;

pub use country::CountryCode;
pub use email::Email;
pub use ids::*;
pub use language::{LANGUAGE_TAG_PATTERN, LanguageTag, join_tags, split_tags};
pub use licence::Licence;
pub use secret::Secret;
pub use sector::IsicSection;
