//! Wire-format helpers that generated code calls: lenient enum decoding, query-string encoding
//! and the checks made before a request is sent. Kept here so that each rule is written once, not once per type.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde::{Serialize, Serializer};

mod lenient;
mod tagged;

pub use lenient::{Lenient, LenientItems, UnreadableItem};
pub use tagged::{deserialize_tagged, variant_entries, Tagged};

/// Decodes JSON bytes as `T`, as the client decodes every response: one UTF-8 check of the
/// whole text, then serde_json's reader for text, which checks no string again. (Its reader for
/// bytes checks each string and key on its own: an eighth of what decoding a long job costs.)
/// Bytes that are not UTF-8 get serde_json's own error, with its line and column.
pub fn from_json<T: de::DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        // serde_json's reader for bytes says where (`IgnoredAny` would skip strings unchecked).
        Err(_) => match serde_json::from_slice::<serde_json::Value>(bytes) {
            Err(error) => Err(error),
            // Bytes that are not UTF-8 are not JSON, inside a string or out: not reached, but
            // an error rather than a panic if it were.
            Ok(_) => Err(de::Error::custom("the body is not UTF-8")),
        },
    }
}

/// A value that is not one an enum lists; returned by the generated `FromStr` impls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    type_name: &'static str,
    value: String,
}

impl UnknownValue {
    #[doc(hidden)]
    pub fn new(type_name: &'static str, value: &str) -> Self {
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

/// A value the API would refuse, caught before the request is sent: out of the spec's bounds, or
/// impossible to encode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    field: String,
    reason: String,
}

impl Invalid {
    pub(crate) fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Prefixes the field path with the field that holds it, as in `diarization_config.min_speakers`.
    #[doc(hidden)]
    pub fn within(mut self, parent: impl fmt::Display) -> Self {
        self.field = format!("{parent}.{}", self.field);
        self
    }

    /// Path of the offending field or parameter, as it is named on the wire.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong with it.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` {}", self.field, self.reason)
    }
}

impl std::error::Error for Invalid {}

/// Checks a number against the bounds the spec gives it.
pub fn check_range(
    field: &str,
    value: f64,
    minimum: Option<f64>,
    maximum: Option<f64>,
) -> Result<(), Invalid> {
    if let Some(minimum) = minimum.filter(|m| value < *m) {
        return Err(Invalid::new(
            field,
            format!("must be at least {minimum}, got {value}"),
        ));
    }
    if let Some(maximum) = maximum.filter(|m| value > *m) {
        return Err(Invalid::new(
            field,
            format!("must be at most {maximum}, got {value}"),
        ));
    }
    Ok(())
}

/// Checks the number of items of a list against the bounds the spec gives it.
pub fn check_count(
    field: &str,
    count: usize,
    min_items: Option<usize>,
    max_items: Option<usize>,
) -> Result<(), Invalid> {
    if let Some(min) = min_items.filter(|m| count < *m) {
        return Err(Invalid::new(
            field,
            format!("needs at least {min} item(s), got {count}"),
        ));
    }
    if let Some(max) = max_items.filter(|m| count > *m) {
        return Err(Invalid::new(
            field,
            format!("takes at most {max} item(s), got {count}"),
        ));
    }
    Ok(())
}

/// Where `value` stands in a string enum's table of wire values: the one search every generated
/// `FromStr` and `From<&str>` shares, rather than one `match` of every value per enum.
pub fn position(table: &[&str], value: &str) -> Option<usize> {
    table.iter().position(|wire| *wire == value)
}

/// A key of a JSON object, borrowed from the input where it can be: what the generated struct
/// decoders match field names on.
pub struct Key<'de>(std::borrow::Cow<'de, str>);

impl Key<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    // For the flattened maps of `additionalProperties` (Gladia's spec has none).
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(value.into()))
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Key<'de>, E> {
                Ok(Key(value.to_owned().into()))
            }

            fn visit_string<E: de::Error>(self, value: String) -> Result<Key<'de>, E> {
                Ok(Key(value.into()))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// A generated struct as its decoder sees it: built from the entries of a JSON object. The
/// visitor around it is [`deserialize_object`], one for every struct, so that each struct adds
/// only its own loop over the keys.
pub trait Object: Sized {
    /// The type's name, for errors: `a {NAME} object`.
    const NAME: &'static str;
    /// Reads the object's entries; unknown keys are skipped, a missing required one is serde's
    /// `missing field` error.
    fn from_entries<'de, A: de::MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize` of every generated struct.
pub fn deserialize_object<'de, D: Deserializer<'de>, T: Object>(
    deserializer: D,
) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(PhantomData<T>);

    impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            expecting_object(f, T::NAME)
        }

        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::from_entries(map)
        }
    }

    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

/// Not generic, so written once rather than once per struct.
fn expecting_object(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    write!(f, "a {name} object")
}

/// Reads the value of a property that the spec fixes (a union's tag, such as a message's
/// `type`): any other value is an error, as the type cannot hold it.
pub fn expect_constant<'de, A: de::MapAccess<'de>>(
    map: &mut A,
    constant: &'static str,
) -> Result<(), A::Error> {
    map.next_value_seed(Constant(constant))
}

/// The one string a constant property may hold.
struct Constant(&'static str);

impl<'de> de::DeserializeSeed<'de> for Constant {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for Constant {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`", self.0)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<(), E> {
        if value == self.0 {
            Ok(())
        } else {
            Err(E::invalid_value(de::Unexpected::Str(value), &self))
        }
    }
}

/// A date-time in RFC 3339, as the generated structs read and write one (`time`'s own serde
/// form is another format).
pub struct Rfc3339(pub time::OffsetDateTime);

impl<'de> de::Deserialize<'de> for Rfc3339 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        time::serde::rfc3339::deserialize(deserializer).map(Rfc3339)
    }
}

impl Serialize for Rfc3339 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        time::serde::rfc3339::serialize(&self.0, serializer)
    }
}

/// A list of date-times in RFC 3339, as the generated structs read and write one.
// For lists of date-times (Gladia's spec has none).
pub struct Rfc3339List<L>(pub L);

impl<'de> de::Deserialize<'de> for Rfc3339List<Vec<time::OffsetDateTime>> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let dates = Vec::<Rfc3339>::deserialize(deserializer)?;
        Ok(Rfc3339List(dates.into_iter().map(|date| date.0).collect()))
    }
}

impl Serialize for Rfc3339List<&Vec<time::OffsetDateTime>> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|date| Rfc3339(*date)))
    }
}

/// A map of date-times in RFC 3339, as the generated structs read and write one.
// For maps of date-times (Gladia's spec has none).
pub struct Rfc3339Map<M>(pub M);

impl<'de> de::Deserialize<'de> for Rfc3339Map<BTreeMap<String, time::OffsetDateTime>> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let dates = BTreeMap::<String, Rfc3339>::deserialize(deserializer)?;
        Ok(Rfc3339Map(
            dates.into_iter().map(|(k, date)| (k, date.0)).collect(),
        ))
    }
}

impl Serialize for Rfc3339Map<&BTreeMap<String, time::OffsetDateTime>> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(key, date)| (key, Rfc3339(*date))))
    }
}

/// The error of an untagged union when none of its variants, tried in the spec's order, decodes
/// the value; `variants` lists them.
pub fn no_variant_fits<E: de::Error>(name: &str, variants: &str) -> E {
    E::custom(format_args!(
        "the value fits none of the variants of {name} ({variants})"
    ))
}

/// Decodes a string enum without allocating for the values it knows; values it does not know
/// become the enum's `Unknown` variant, so a newer server never breaks an older client.
pub fn deserialize_str_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
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
pub fn deserialize_int_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
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
pub fn query_date_time(
    param: &'static str,
    value: &time::OffsetDateTime,
) -> Result<String, Invalid> {
    value
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| Invalid::new(param, e.to_string()))
}

/// A query value sent as JSON text, like `custom_metadata={"user":"John"}`; `max_length` is the
/// longest encoded text the server accepts, in characters.
pub fn query_json<T: serde::Serialize>(
    param: &'static str,
    value: &T,
    max_length: Option<usize>,
) -> Result<String, Invalid> {
    let text = serde_json::to_string(value).map_err(|e| Invalid::new(param, e.to_string()))?;
    let length = text.chars().count();
    match max_length {
        Some(max) if length > max => Err(Invalid::new(
            param,
            format!("is {length} characters once JSON-encoded; the limit is {max}"),
        )),
        _ => Ok(text),
    }
}

/// A path, header or cookie parameter that holds an object or a union, as text: a string as it
/// is, a number or a boolean as written, anything else as JSON text.
pub fn plain_text<T: serde::Serialize>(param: &'static str, value: &T) -> Result<String, Invalid> {
    let value = serde_json::to_value(value).map_err(|e| Invalid::new(param, e.to_string()))?;
    Ok(value_text(&value))
}

/// How text on the wire (a form field, a query value, a path segment) spells a JSON value: a
/// string as it is, anything else as its JSON text.
pub(crate) fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A query parameter that holds an object (or a list, a map, a union) as `(key, value)` pairs,
/// as OpenAPI's `style` spells it: `deepObject` as `param[key]=value` (nested objects
/// `param[a][b]`), `explode` as the object's own keys, `form` as `param=key,value,…`. Lists
/// repeat their key; `null`s are left out; values that are neither text nor number nor boolean
/// go as JSON text.
pub fn query_object<T: serde::Serialize>(
    param: &'static str,
    value: &T,
    style: &str,
) -> Result<Vec<(String, String)>, Invalid> {
    fn push(pairs: &mut Vec<(String, String)>, key: String, value: &serde_json::Value, deep: bool) {
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::Array(items) => {
                for item in items {
                    push(pairs, key.clone(), item, false);
                }
            }
            serde_json::Value::Object(map) if deep => {
                for (name, inner) in map {
                    push(pairs, format!("{key}[{name}]"), inner, true);
                }
            }
            other => pairs.push((key, value_text(other))),
        }
    }
    let value = serde_json::to_value(value).map_err(|e| Invalid::new(param, e.to_string()))?;
    let mut pairs = Vec::new();
    match (&value, style) {
        (serde_json::Value::Object(map), "deepObject") => {
            for (name, inner) in map {
                push(&mut pairs, format!("{param}[{name}]"), inner, true);
            }
        }
        (serde_json::Value::Object(map), "form") => {
            let joined: Vec<String> = map
                .iter()
                .filter(|(_, v)| !v.is_null())
                .flat_map(|(k, v)| [k.clone(), value_text(v)])
                .collect();
            pairs.push((param.to_owned(), joined.join(",")));
        }
        (serde_json::Value::Object(map), _) => {
            for (name, inner) in map {
                push(&mut pairs, name.clone(), inner, false);
            }
        }
        (other, _) => push(&mut pairs, param.to_owned(), other, false),
    }
    Ok(pairs)
}

/// Where a failure inside a buffered value happened, carried through serde's error message: a
/// tagged union replays the entries it held before its tag from `serde_json::Value`s (see
/// `tagged`), and serde has no other way to hand the inner path to the decoder outside.
/// `locate_within` reads it back.
const LOCATED_PREFIX: &str = "at `";
const LOCATED_SUFFIX: &str = "`: ";

/// serde's error for a failure at `path` inside a held value, for `locate_within` to read back.
fn located<E: de::Error>(path: &str, reason: impl fmt::Display) -> E {
    E::custom(format_args!(
        "{LOCATED_PREFIX}{path}{LOCATED_SUFFIX}{reason}"
    ))
}

/// Decodes `T` from a buffered value, tracking the path: on failure, where and why.
///
/// Every decoding from a buffered value goes through here, tracking or not: each way of
/// decoding is one more copy of every model's decoder in the crates that use them, and
/// tracking costs little next to what buffering already did. The value is decoded as an owned
/// copy so that these decoders are the ones a tagged union's held entries use (`tagged`): one
/// copy for both. (The values decoded here are small, or on a path that already failed.)
pub fn decode_located<T: de::DeserializeOwned>(
    value: &serde_json::Value,
) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize::<_, T>(value.clone()).map_err(|located| {
        let path = located.path().to_string();
        locate_within(path, &located.into_inner().to_string())
    })
}

/// The path and reason of a failure at `path` whose message is `message`: when the message was
/// made for a held entry of a tagged union (`located`), the path goes on to where inside it failed.
pub fn locate_within(path: String, message: &str) -> (String, String) {
    let inner = message
        .strip_prefix(LOCATED_PREFIX)
        .and_then(|rest| rest.split_once(LOCATED_SUFFIX));
    match inner {
        Some((inner, reason)) => (join_path(&path, inner), reason.to_owned()),
        None => (path, message.to_owned()),
    }
}

/// `outer` and `inner` as one path; `.` is the root, as serde_path_to_error writes it.
fn join_path(outer: &str, inner: &str) -> String {
    match (outer, inner) {
        (".", inner) => inner.to_owned(),
        (outer, ".") => outer.to_owned(),
        (outer, inner) if inner.starts_with('[') => format!("{outer}{inner}"),
        (outer, inner) => format!("{outer}.{inner}"),
    }
}
