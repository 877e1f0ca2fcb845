//! Email addresses.

use std::fmt;

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};

/// Longest address, in characters (RFC 5321's path limit less its angle brackets).
pub const MAX_LEN: usize = 254;

/// A plausible email address, as typed (trimmed), with its normalised (lower-case) form.
#[derive(Clone, PartialEq, Eq)]
pub struct Email {
    raw: String,
    normalized: String,
}

impl Email {
    /// Longest address, in characters.
    pub const MAX_LEN: usize = MAX_LEN;

    /// Parses an address the way the mailer will have to send to it: a dot-atom local part
    /// (letters, digits and `!#$%&'*+/=?^_`{|}~-`, or any non-ASCII letter, with single dots
    /// inside; no quoted local parts), a domain name of at least two labels, each of letters,
    /// digits and inner hyphens (no address literals like `[127.0.0.1]`), at most 254
    /// characters in all; and lettre, which sends it, must accept it too. What passes can be
    /// written to an SMTP server; deliverability is proven by the verification email.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = crate::types::text::at_most_chars(raw, MAX_LEN)?.trim();
        if raw.is_empty() {
            return Err("must not be empty".to_owned());
        }
        let Some((local, domain)) = raw.rsplit_once('@') else {
            return Err("must contain @".to_owned());
        };
        let atom_char = |c: char| {
            c.is_alphanumeric() || (c.is_ascii_punctuation() && "!#$%&'*+/=?^_`{|}~-".contains(c))
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && local
                .split('.')
                .all(|atom| !atom.is_empty() && atom.chars().all(atom_char));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = domain.len() <= 253
            && labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
            // The top-level domain is never all digits (that is an IP address).
            && labels
                .last()
                .is_some_and(|tld| !tld.chars().all(|c| c.is_ascii_digit()));
        if !local_ok || !domain_ok || raw.parse::<lettre::Address>().is_err() {
            return Err("is not an email address".to_owned());
        }
        Ok(Self {
            raw: raw.to_owned(),
            normalized: raw.to_lowercase(),
        })
    }

    /// The address as given.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The case-insensitive key that makes addresses unique.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }
}

impl fmt::Debug for Email {
    // Emails are personal data: keep them out of debug output and logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Email(<redacted>)")
    }
}

/// An address in a request body: at most [`MAX_LEN`] characters as sent.
impl utoipa::PartialSchema for Email {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
            .description(Some(
                "An email address: a dot-atom local part (no quotes) and a domain name (no address literals)",
            ))
            .max_length(Some(MAX_LEN))
            .examples(["ana.cruz@example.org"])
            .into()
    }
}

impl utoipa::ToSchema for Email {}

#[cfg(test)]
mod tests {
    use super::{Email, MAX_LEN};

    #[test]
    fn length_is_bounded_as_sent() {
        let local = "a".repeat(64);
        let domain = format!(
            "{}.{}.{}.example",
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(53)
        );
        let longest = format!("{local}@{domain}");
        assert_eq!(longest.len(), MAX_LEN);
        assert!(Email::parse(&longest).is_ok());
        assert!(Email::parse(&format!(" {longest}")).is_err());
        let schema = serde_json::to_value(<Email as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["maxLength"], MAX_LEN);
    }

    #[test]
    fn accepts_addresses_and_normalises_case() {
        let e = Email::parse(" Ana.Cruz@Union.ORG.ph ").unwrap();
        assert_eq!(e.as_str(), "Ana.Cruz@Union.ORG.ph");
        assert_eq!(e.normalized(), "ana.cruz@union.org.ph");
        assert_eq!(format!("{e:?}"), "Email(<redacted>)");
        for good in [
            "o'brien+union@mail.example.org",
            "ana_cruz-2@x.co",
            "josé@correo.example.es",
        ] {
            assert!(Email::parse(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn refuses_what_cannot_be_an_address() {
        for bad in [
            "",
            "ana",
            "ana@",
            "@union.org",
            "ana@union",
            "ana @union.org",
            "a@b@c.org",
            "ana@.org",
            "ana@union..org",
            // What the mailer cannot send to, or would send to nowhere.
            "a..b@x.org",
            ".a@x.org",
            "a.@x.org",
            "a(b)@x.org",
            "a@-x.example",
            "a@x-.example",
            "\"quoted\"@x.org",
            "x@[127.0.0.1]",
            "x@127.0.0.1",
            "a b@x.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
