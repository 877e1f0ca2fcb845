//! Domain value types that can only hold valid values.

mod country;

pub use country::CountryCode;
