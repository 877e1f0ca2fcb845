//! Closed vocabularies: enums with one stored spelling per variant, mapped to `TEXT`.
//!
//! [`vocabulary!`] writes, once for every vocabulary, what each used to write by hand: the
//! spelling (`as_str`), the parser (`parse`), the list of variants (`ALL`), serde and
//! OpenAPI under the same spelling, and the diesel mapping. A stored value that is not in
//! the vocabulary is a deserialisation error (an opaque 500, logged), never a silent
//! default.

/// Declares a closed vocabulary.
///
/// ```ignore
/// vocabulary! {
///     /// Who may read a community.
///     pub enum Visibility {
///         /// Anyone.
///         Public => "public",
///         /// Only its members.
///         Private => "private",
///     }
/// }
/// ```
/// Extra derives (`PartialOrd`, `Ord`, `Default` with `#[default]`) and helper attributes
/// of the derived traits (`#[schema(as = OtherName)]`) may be written on the enum; `Debug, Clone, Copy, PartialEq, Eq, Hash`, serde, `ToSchema` and the diesel
/// traits are always derived.
#[macro_export]
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            // `tt`, not `literal`: a `literal` fragment reaches derive macros wrapped in an
            // invisible group, and utoipa then ignores the `serde(rename)` it sits in (the
            // OpenAPI enum would list the Rust names).
            $( $(#[$vmeta:meta])* $variant:ident => $spelling:tt ),+ $(,)?
        }
    ) => {
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            ::serde::Serialize, ::serde::Deserialize, ::utoipa::ToSchema,
            ::diesel::expression::AsExpression, ::diesel::deserialize::FromSqlRow,
        )]
        // After the derives, so that their helper attributes (`#[schema(as = …)]`) may
        // be written on the enum.
        $(#[$meta])*
        #[diesel(sql_type = ::diesel::sql_types::Text)]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $spelling)] $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stored (and wire) spelling.
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $spelling),+ }
            }

            /// Parses the stored (and wire) spelling.
            pub fn parse(raw: &str) -> Option<Self> {
                match raw { $($spelling => Some(Self::$variant),)+ _ => None }
            }

            /// The spellings, for error messages: `a`, `b` or `c`.
            pub fn expected() -> String {
                $crate::types::vocab::one_of(&[$($spelling),+])
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = String;
            fn from_str(raw: &str) -> Result<Self, String> {
                Self::parse(raw).ok_or_else(|| format!("must be one of {}", Self::expected()))
            }
        }

        impl<DB> ::diesel::serialize::ToSql<::diesel::sql_types::Text, DB> for $name
        where
            DB: ::diesel::backend::Backend,
            str: ::diesel::serialize::ToSql<::diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut ::diesel::serialize::Output<'b, '_, DB>,
            ) -> ::diesel::serialize::Result {
                <str as ::diesel::serialize::ToSql<::diesel::sql_types::Text, DB>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }

        impl<DB> ::diesel::deserialize::FromSql<::diesel::sql_types::Text, DB> for $name
        where
            DB: ::diesel::backend::Backend,
            String: ::diesel::deserialize::FromSql<::diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> ::diesel::deserialize::Result<Self> {
                let raw = <String as ::diesel::deserialize::FromSql<
                    ::diesel::sql_types::Text,
                    DB,
                >>::from_sql(bytes)?;
                Self::parse(&raw).ok_or_else(|| {
                    format!(concat!("unknown stored ", stringify!($name), " `{}`"), raw).into()
                })
            }
        }
    };
}

/// `a`, `b` or `c`, each in backticks.
pub fn one_of(spellings: &[&str]) -> String {
    match spellings {
        [] => String::new(),
        [one] => format!("`{one}`"),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(|s| format!("`{s}`")).collect();
            format!("{} or `{last}`", init.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    crate::vocabulary! {
        /// A test vocabulary.
        pub enum Colour {
            /// Red.
            Red => "red",
            /// Dark blue.
            DarkBlue => "dark_blue",
        }
    }

    #[test]
    fn spellings_round_trip() {
        for c in Colour::ALL {
            assert_eq!(Colour::parse(c.as_str()), Some(*c));
        }
        assert_eq!(Colour::parse("blue"), None);
        assert_eq!(Colour::expected(), "`red` or `dark_blue`");
        assert_eq!(
            serde_json::to_string(&Colour::DarkBlue).unwrap(),
            "\"dark_blue\""
        );
        assert!("green".parse::<Colour>().is_err());
    }

    #[test]
    fn the_openapi_schema_lists_the_spellings() {
        let schema = serde_json::to_value(<Colour as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["enum"], serde_json::json!(["red", "dark_blue"]));
    }
}
