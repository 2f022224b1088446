//! Wire-format helpers that generated code calls: lenient enum decoding and query-string
//! encoding. Kept here so that each rule is written once, not once per type.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};

/// A value that is not one an enum lists; returned by the generated `FromStr` impls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    type_name: &'static str,
    value: String,
}

impl UnknownValue {
    pub(crate) fn new(type_name: &'static str, value: &str) -> Self {
        Self {
            type_name,
            value: value.to_owned(),
        }
    }

    /// The value that was rejected.
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a known {}", self.value, self.type_name)
    }
}

impl std::error::Error for UnknownValue {}

/// A query parameter that cannot be written as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// The parameter.
    pub param: &'static str,
    /// Why it cannot be encoded.
    pub reason: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "query parameter `{}`: {}", self.param, self.reason)
    }
}

impl std::error::Error for QueryError {}

/// Decodes a string enum without allocating for the values it knows; values it does not know
/// become the enum's `Unknown` variant, so a newer server never breaks an older client.
pub(crate) fn deserialize_str_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct StrVisitor<T>(PhantomData<T>);

    impl<T: for<'a> From<&'a str>> Visitor<'_> for StrVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(StrVisitor(PhantomData))
}

/// Decodes an integer enum; unknown values become its `Unknown` variant. Accepts `16.0` for `16`,
/// as JSON does not tell them apart.
pub(crate) fn deserialize_int_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: From<i64>,
{
    struct IntVisitor<T>(PhantomData<T>);

    impl<T: From<i64>> Visitor<'_> for IntVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer")
        }

        fn visit_i64<E: de::Error>(self, value: i64) -> Result<T, E> {
            Ok(T::from(value))
        }

        fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
            i64::try_from(value)
                .map(T::from)
                .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(value), &self))
        }

        fn visit_f64<E: de::Error>(self, value: f64) -> Result<T, E> {
            if value.fract() == 0.0 && value.abs() < i64::MAX as f64 {
                Ok(T::from(value as i64))
            } else {
                Err(E::invalid_value(de::Unexpected::Float(value), &self))
            }
        }
    }

    deserializer.deserialize_i64(IntVisitor(PhantomData))
}

/// A date-time query value, in RFC 3339 as the server expects.
pub(crate) fn query_date_time(
    param: &'static str,
    value: &time::OffsetDateTime,
) -> Result<String, QueryError> {
    value
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| QueryError {
            param,
            reason: e.to_string(),
        })
}

/// A query value sent as JSON text, like `custom_metadata={"user":"John"}`.
pub(crate) fn query_json<T: serde::Serialize>(
    param: &'static str,
    value: &T,
) -> Result<String, QueryError> {
    serde_json::to_string(value).map_err(|e| QueryError {
        param,
        reason: e.to_string(),
    })
}
