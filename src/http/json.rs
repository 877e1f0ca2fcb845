//! serde helpers for JSON bodies.
//!
//! JSON has one number type, and JSON Schema counts `1986.0` as an integer; clients
//! (JavaScript among them) may send integral values that way. These readers accept any
//! integral number for an integer field and refuse fractions and out-of-range values.

use serde::{Deserialize, Deserializer, de::Error};

/// Beyond 2^53 a float no longer tells neighbouring integers apart: an out-of-range integer
/// written as a float (`-9223372036854775809.0`) could pass for one in range.
const EXACT_IN_FLOAT: f64 = 9_007_199_254_740_992.0;

fn integral<E: Error, T: TryFrom<i64>>(n: serde_json::Number) -> Result<T, E> {
    let value = match (n.as_i64(), n.as_f64()) {
        (Some(i), _) => Some(i),
        (None, Some(f)) if f.fract() == 0.0 && f.abs() <= EXACT_IN_FLOAT => Some(f as i64),
        _ => None,
    };
    value
        .and_then(|i| T::try_from(i).ok())
        .ok_or_else(|| E::custom(format!("invalid value: {n}, expected an integer in range")))
}

/// An integer field.
pub fn int<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<T, D::Error> {
    integral(serde_json::Number::deserialize(d)?)
}

/// A list of integers, each any integral JSON number (`7` or `7.0`).
pub fn int_list<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<Vec<T>, D::Error> {
    Vec::<serde_json::Number>::deserialize(d)?
        .into_iter()
        .map(integral)
        .collect()
}

/// An optional list of integers (`#[serde(default, deserialize_with = "…")]`): absent or
/// `null` is `None`.
pub fn opt_int_list<'de, D: Deserializer<'de>, T: TryFrom<i64>>(
    d: D,
) -> Result<Option<Vec<T>>, D::Error> {
    Option::<Vec<serde_json::Number>>::deserialize(d)?
        .map(|list| list.into_iter().map(integral).collect())
        .transpose()
}

/// A list of integers that may be absent (leave alone) but not `null`
/// (`#[serde(default, deserialize_with = "…")]`).
pub fn present_int_list<'de, D: Deserializer<'de>, T: TryFrom<i64>>(
    d: D,
) -> Result<Option<Vec<T>>, D::Error> {
    match Option::<Vec<serde_json::Number>>::deserialize(d)? {
        Some(list) => list
            .into_iter()
            .map(integral)
            .collect::<Result<_, _>>()
            .map(Some),
        None => Err(D::Error::custom(
            "this field cannot be null; leave it out to keep its value",
        )),
    }
}

/// An optional integer field (`#[serde(default, deserialize_with = "…")]`).
pub fn opt_int<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<Option<T>, D::Error> {
    Option::<serde_json::Number>::deserialize(d)?
        .map(integral)
        .transpose()
}

/// An integer field that may be absent (leave alone), `null` (clear) or set
/// (`#[serde(default, deserialize_with = "…")]`).
pub fn double_opt_int<'de, D: Deserializer<'de>, T: TryFrom<i64>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    opt_int(d).map(Some)
}

/// A field that may be absent (leave alone), `null` (clear) or a value (set)
/// (`#[serde(default, deserialize_with = "…")]`).
pub fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A field that may be absent (leave alone) or a value (set), but not `null`: a required
/// column cannot be cleared, and silently ignoring the `null` would hide a bug
/// (`#[serde(default, deserialize_with = "…")]`).
pub fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    match Option::<T>::deserialize(d)? {
        Some(value) => Ok(Some(value)),
        None => Err(D::Error::custom(
            "this field cannot be null; leave it out to keep its value",
        )),
    }
}

/// A nested object field: serde would also read a struct from an array of its fields
/// (`[null, null]`), which no client means; this refuses anything but an object
/// (`#[serde(default, deserialize_with = "…")]`).
pub fn object<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
    serde_json::from_value(serde_json::Value::Object(map)).map_err(D::Error::custom)
}

/// A nested object field that may be absent (leave alone) but neither `null` nor anything
/// but an object ([`object`], [`present`]).
pub fn present_object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    match Option::<serde_json::Map<String, serde_json::Value>>::deserialize(d)? {
        Some(map) => serde_json::from_value(serde_json::Value::Object(map))
            .map(Some)
            .map_err(D::Error::custom),
        None => Err(D::Error::custom(
            "this field cannot be null; leave it out to keep its value",
        )),
    }
}

/// A JSON request body that must be an object.
///
/// serde lets a struct be written as a JSON array of its fields in order, so `[]` would pass
/// for a PATCH body whose fields are all optional, and `["a", "b"]` for a create body. Every
/// body of the API is an object: this extractor refuses anything else with the same 400
/// `invalid_body` as any other shape error, and otherwise behaves as `web::Json` (same limit,
/// content type and error handler from the app's `JsonConfig`).
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Reads `T` from a JSON object only (see [`Json`]).
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Fields<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(Fields(std::marker::PhantomData))
            .map(Object)
    }
}

impl<T: serde::de::DeserializeOwned + 'static> actix_web::FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(
        req: &actix_web::HttpRequest,
        payload: &mut actix_web::dev::Payload,
    ) -> Self::Future {
        let body = actix_web::web::Json::<Object<T>>::from_request(req, payload);
        Box::pin(async move { body.await.map(|json| Json(json.into_inner().0)) })
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Body {
        #[serde(default, deserialize_with = "super::opt_int")]
        year: Option<i32>,
    }

    #[derive(Deserialize)]
    struct Big {
        #[serde(deserialize_with = "super::int")]
        id: i64,
    }

    #[test]
    fn integral_numbers_are_integers() {
        let parse = |s: &str| serde_json::from_str::<Body>(s).map(|b| b.year);
        assert_eq!(parse(r#"{"year": 1986}"#).unwrap(), Some(1986));
        assert_eq!(parse(r#"{"year": 1986.0}"#).unwrap(), Some(1986));
        assert_eq!(parse(r#"{"year": null}"#).unwrap(), None);
        assert_eq!(parse(r#"{}"#).unwrap(), None);
        assert!(parse(r#"{"year": 1986.5}"#).is_err());
        assert!(parse(r#"{"year": 1e20}"#).is_err());
        let big = |s: &str| serde_json::from_str::<Big>(s).map(|b| b.id);
        assert!(
            big(r#"{"id": 9223372036854775808}"#).is_err(),
            "2^63 is not an i64"
        );
        assert!(big(r#"{"id": 9223372036854775808.0}"#).is_err());
        assert!(big(r#"{"id": -9223372036854775809.0}"#).is_err());
        assert_eq!(
            big(r#"{"id": 9007199254740992.0}"#).unwrap(),
            9_007_199_254_740_992,
            "2^53 written as a float is still exact"
        );
        assert_eq!(big(r#"{"id": 9223372036854775807}"#).unwrap(), i64::MAX);
        assert!(parse(r#"{"year": "1986"}"#).is_err());
    }
}
