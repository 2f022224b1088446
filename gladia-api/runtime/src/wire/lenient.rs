//! Values decoded on their own, so that one of an unexpected shape is kept as received instead
//! of failing what holds it: each item of a page (a job of an older shape), and each add-on
//! result of a job (a sentiment analysis of another shape than the spec's).
//!
//! Each such value is first taken as raw JSON text (`serde_json::value::RawValue`: a scan and a
//! copy, no tree) and then decoded as its type from that text, so a value that fits costs little
//! more than decoding it directly; only one that does not fit is parsed again into a
//! `serde_json::Value`. Raw JSON needs serde_json underneath: `from_slice`, `from_str`,
//! `from_reader`, or a `serde_json::Value`.

use std::fmt;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

use super::decode_located;

/// A page's items, each decoded on its own: an item that does not fit becomes an
/// [`UnreadableItem`] in its place instead of failing the whole list. Written back, an unreadable
/// item is its JSON as received.
pub struct LenientItems<L>(pub L);

impl<'de, T: de::DeserializeOwned> Deserialize<'de>
    for LenientItems<Vec<Result<T, UnreadableItem>>>
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items = Vec::<Box<RawValue>>::deserialize(deserializer)?;
        Ok(LenientItems(
            items.iter().map(|raw| decode_raw(raw.get())).collect(),
        ))
    }
}

impl<T: Serialize> Serialize for LenientItems<&Vec<Result<T, UnreadableItem>>> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(Lenient))
    }
}

/// One value decoded on its own (a job's add-on result): the value as its type where it fits,
/// else an [`UnreadableItem`] that keeps it as received. Written back, either is the same JSON.
pub struct Lenient<V>(pub V);

impl<'de, T: de::DeserializeOwned> Deserialize<'de> for Lenient<Result<T, UnreadableItem>> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Ok(Lenient(decode_raw(raw.get())))
    }
}

impl<T: Serialize> Serialize for Lenient<&Result<T, UnreadableItem>> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Ok(value) => value.serialize(serializer),
            Err(unreadable) => unreadable.json.serialize(serializer),
        }
    }
}

/// `json` as `T`; where it does not fit, where and why, and the value as received.
fn decode_raw<T: de::DeserializeOwned>(json: &str) -> Result<T, UnreadableItem> {
    let error = match serde_json::from_slice(json.as_bytes()) {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    // `json` is valid JSON (a `RawValue` is checked as it is read), so this parse succeeds; had
    // it not, the error still names the failure.
    let value: serde_json::Value = match serde_json::from_slice(json.as_bytes()) {
        Ok(value) => value,
        Err(_) => serde_json::Value::String(json.to_owned()),
    };
    let (path, reason) = match decode_located::<T>(&value) {
        Err(located) => located,
        // A value that decodes from the tree but not from the text: serde_json's own reason.
        Ok(_) => (".".to_owned(), error.to_string()),
    };
    Err(UnreadableItem {
        id: value
            .get("id")
            .and_then(|id| id.as_str())
            .map(str::to_owned),
        path,
        reason,
        json: value,
    })
}

/// A value that does not decode as its type (a list item, an add-on result), kept in its place
/// as received: one value of an older or newer shape never hides the others.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UnreadableItem {
    /// The value's `id`, when it has one.
    pub id: Option<String>,
    /// Where in the value decoding stopped, as in `request_params.custom_vocabulary`.
    pub path: String,
    /// Why it stopped there.
    pub reason: String,
    /// The value as received; serializing what holds it writes it back unchanged.
    pub json: serde_json::Value,
}

impl fmt::Display for UnreadableItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "item {id} does not decode")?,
            None => f.write_str("value does not decode")?,
        }
        if self.path != "." {
            write!(f, " at `{}`", self.path)?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for UnreadableItem {}
