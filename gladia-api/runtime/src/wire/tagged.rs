//! Unions told apart by a property (a message's `type`, a job's `kind`), decoded in one pass.
//!
//! serde's internally tagged enums buffer the whole object before they look at the tag, and then
//! decode the variant from the buffer: twice the work of decoding the variant alone. Here only
//! the entries before the tag are held (a live message's `session_id` and `created_at`); once
//! the tag is known, the variant reads them back and then the rest of the object straight from
//! the input. The variant's decoder still sees the tag, so it checks it as any other field.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::Key;

/// A generated tagged union as its decoder sees it.
pub trait Tagged: Sized {
    /// The type's name, for errors: `a {NAME} object`.
    const NAME: &'static str;
    /// The property whose value tells the variants apart.
    const TAG: &'static str;
    /// Decodes the variant that `tag` names (`None`: the object has no string tag) from all of
    /// the object's entries, the tag's own among them.
    fn from_variant<'de, A: MapAccess<'de>>(
        tag: Option<&str>,
        entries: A,
    ) -> Result<Self, A::Error>;
}

/// What a variant is decoded from: an object's entries, read as any map would be, so that a
/// variant may be a struct, another union or a raw `serde_json::Value`.
pub fn variant_entries<'de, A: MapAccess<'de>>(entries: A) -> MapAccessDeserializer<A> {
    MapAccessDeserializer::new(entries)
}

/// `Deserialize` of every generated tagged union.
pub fn deserialize_tagged<'de, D: Deserializer<'de>, T: Tagged>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(TaggedVisitor(PhantomData))
}

struct TaggedVisitor<T>(PhantomData<T>);

impl<'de, T: Tagged> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::expecting_object(f, T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut held: Vec<(String, Value)> = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let value: Value = map.next_value()?;
            let tag = (key.as_str() == T::TAG)
                .then(|| value.as_str().map(str::to_owned))
                .flatten();
            held.push((key.into_string(), value));
            if let Some(tag) = tag {
                return T::from_variant(Some(&tag), Replay::new(held, Some(map)));
            }
        }
        T::from_variant(None, Replay::new(held, None::<A>))
    }
}

/// The entries held while looking for the tag, then the rest of the object.
struct Replay<A> {
    held: std::vec::IntoIter<(String, Value)>,
    /// The held entry whose key was just handed out.
    pending: Option<(String, Value)>,
    /// `None` once the whole object was held.
    rest: Option<A>,
}

impl<A> Replay<A> {
    fn new(held: Vec<(String, Value)>, rest: Option<A>) -> Self {
        Replay {
            held: held.into_iter(),
            pending: None,
            rest,
        }
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if let Some((key, value)) = self.held.next() {
            let handed = seed.deserialize(StringDeserializer::new(key.clone()));
            self.pending = Some((key, value));
            return handed.map(Some);
        }
        match &mut self.rest {
            Some(rest) => rest.next_key_seed(seed),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        if let Some((key, value)) = self.pending.take() {
            // The decoder outside cannot see into a held value: the path goes in the message.
            // Decoded as `decode_located` decodes (an owned value, tracked), so with the same code.
            let mut track = serde_path_to_error::Track::new();
            return seed
                .deserialize(serde_path_to_error::Deserializer::new(value, &mut track))
                .map_err(|error| {
                    let (path, reason) =
                        super::locate_within(track.path().to_string(), &error.to_string());
                    super::located(&super::join_path(&key, &path), reason)
                });
        }
        match &mut self.rest {
            Some(rest) => rest.next_value_seed(seed),
            None => Err(de::Error::custom("a value was asked for before its key")),
        }
    }
}
