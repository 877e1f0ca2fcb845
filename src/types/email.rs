//! Email addresses.

use std::fmt;

/// A plausible email address, as typed (trimmed), with its normalised (lower-case) form.
#[derive(Clone, PartialEq, Eq)]
pub struct Email {
    raw: String,
    normalized: String,
}

impl Email {
    /// Parses an address: one `@`, a non-empty local part, a domain with a dot, no spaces,
    /// at most 254 characters. Deliverability is proven by the verification email, not here.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("must not be empty".to_owned());
        }
        if raw.chars().count() > 254 {
            return Err("must be at most 254 characters".to_owned());
        }
        let Some((local, domain)) = raw.rsplit_once('@') else {
            return Err("must contain @".to_owned());
        };
        let valid = !local.is_empty()
            && local.len() <= 64
            && !domain.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !raw
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == ',')
            && !local.contains('@');
        if !valid {
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

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn accepts_addresses_and_normalises_case() {
        let e = Email::parse(" Ana.Cruz@Union.ORG.ph ").unwrap();
        assert_eq!(e.as_str(), "Ana.Cruz@Union.ORG.ph");
        assert_eq!(e.normalized(), "ana.cruz@union.org.ph");
        assert_eq!(format!("{e:?}"), "Email(<redacted>)");
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
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
