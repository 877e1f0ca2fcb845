//! Authentication and authorisation: passwords, tokens, the request extractor,
//! throttling, and the one policy that decides who may do what.

pub mod extractor;
pub mod password;
pub mod policy;
pub mod throttle;
pub mod tokens;

pub use extractor::{AuthUser, MaybeUser, ProfileLanguage};
pub use policy::Role;
