//! ISO 3166-1 alpha-2 country codes.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// Every officially assigned ISO 3166-1 alpha-2 code, sorted.
const CODES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// An ISO 3166-1 alpha-2 country code, upper case (`PH`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[serde(try_from = "String", into = "String")]
#[diesel(sql_type = diesel::sql_types::Text)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Parses an assigned code; lower case is refused so that one country has one spelling.
    pub fn parse(raw: &str) -> Result<Self, String> {
        if CODES.binary_search(&raw).is_ok() {
            let b = raw.as_bytes();
            Ok(Self([b[0], b[1]]))
        } else if raw.len() == 2
            && CODES
                .binary_search(&raw.to_ascii_uppercase().as_str())
                .is_ok()
        {
            Err(format!(
                "`{raw}` must be upper case: `{}`",
                raw.to_ascii_uppercase()
            ))
        } else {
            Err(format!("`{raw}` is not an ISO 3166-1 alpha-2 country code"))
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters from CODES are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// Every assigned code.
    pub fn all() -> &'static [&'static str] {
        CODES
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for CountryCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        Self::parse(&value)
    }
}

impl From<CountryCode> for String {
    fn from(value: CountryCode) -> Self {
        value.as_str().to_owned()
    }
}

impl utoipa::PartialSchema for CountryCode {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("ISO 3166-1 alpha-2 country code, upper case"))
            .enum_values(Some(CODES.iter().copied()))
            .examples(["PH"])
            .into()
    }
}

impl utoipa::ToSchema for CountryCode {}

impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for CountryCode
where
    DB: diesel::backend::Backend,
    str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
{
    fn to_sql<'b>(
        &'b self,
        out: &mut diesel::serialize::Output<'b, '_, DB>,
    ) -> diesel::serialize::Result {
        <str as diesel::serialize::ToSql<diesel::sql_types::Text, DB>>::to_sql(self.as_str(), out)
    }
}

/// A stored code that is not an assigned one is an error, never a default.
impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for CountryCode
where
    DB: diesel::backend::Backend,
    String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
        let raw =
            <String as diesel::deserialize::FromSql<diesel::sql_types::Text, DB>>::from_sql(bytes)?;
        Self::parse(&raw).map_err(|msg| format!("stored country: {msg}").into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_for_binary_search() {
        assert!(CODES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn parses_assigned_codes_only() {
        assert_eq!(CountryCode::parse("PH").unwrap().as_str(), "PH");
        assert_eq!(CountryCode::parse("FJ").unwrap().to_string(), "FJ");
        assert!(CountryCode::parse("ph").unwrap_err().contains("upper case"));
        assert!(CountryCode::parse("ZZ").is_err());
        assert!(CountryCode::parse("PHL").is_err());
        assert!(CountryCode::parse("").is_err());
    }
}
