//! Domain value types that can only hold valid values.

mod country;
mod email;
mod language;
pub mod text;

pub use country::CountryCode;
pub use email::Email;
pub use language::LanguageTag;
