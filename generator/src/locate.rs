//! Many places of one text located in one read of it.
//!
//! `source::locate` reads the text up to one node; serde_yaml reads a whole document before it
//! hands out its first event, so locating each of a large document's warnings that way read the
//! document once per warning (132 warnings of a 260 kB document: 0.9 s). Here one reader walks
//! down every wanted pointer at once: a scalar it wants fails on purpose, as with `locate`, and
//! the failure, with the position the reader stamped on it, is caught where it was asked for,
//! after which the walk goes on (a scalar is read whole before it fails, so the reader is still
//! in step). A map or list cannot fail that way without leaving the reader out of step, so it is
//! placed at its first scalar, the first key of a map or the first item of a list, which is
//! where a block map starts anyway (warnings on `properties`, `enum` or `required` lists were
//! one read of the document each: 2.3 s for Plaid's 3 MB). serde_json gives a key no position:
//! a JSON map is placed at its first scalar value. Only an empty one is located alone, with
//! `source::locate`.

use std::cell::RefCell;
use std::collections::HashMap;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_yaml::Value;

use crate::source::{self, FOUND};

/// The line and column of each pointer's node, where the text has it.
pub fn locate_all(text: &str, pointers: &[&str]) -> Vec<Option<(usize, usize)>> {
    let mut root = Want::default();
    for (index, pointer) in pointers.iter().enumerate() {
        let Some(path) = pointer.strip_prefix('#') else {
            continue;
        };
        let mut want = &mut root;
        for segment in path.split('/').skip(1) {
            want = want.children.entry(source::unescape(segment)).or_default();
        }
        want.here.push(index);
    }
    let found = RefCell::new(vec![Found::Unseen; pointers.len()]);
    let waiting = RefCell::new(Vec::new());
    let json = source::is_json(text);
    let walk = Walk {
        want: &root,
        found: &found,
        waiting: &waiting,
        json,
    };
    // A failure here (a text that no longer parses) leaves what was found so far.
    if json {
        let _ = walk.deserialize(&mut serde_json::Deserializer::from_str(text));
    } else {
        let _ = walk.deserialize(serde_yaml::Deserializer::from_str(text));
    }
    let lines: Vec<&str> = if json {
        text.lines().collect()
    } else {
        Vec::new()
    };
    found
        .into_inner()
        .into_iter()
        .zip(pointers)
        .map(|(found, pointer)| match found {
            Found::At(line, column) if json => {
                let start = lines
                    .get(line - 1)
                    .map_or(column, |l| source::json_column(l, column));
                Some((line, start))
            }
            Found::At(line, column) => Some((line, column)),
            Found::Empty => source::locate(text, pointer),
            Found::Unseen => None,
        })
        .collect()
}

#[derive(Default)]
struct Want {
    /// The pointers that end here.
    here: Vec<usize>,
    children: HashMap<String, Want>,
}

/// What a node read only for its first scalar wants.
static NOTHING: std::sync::LazyLock<Want> = std::sync::LazyLock::new(Want::default);

#[derive(Clone, Copy)]
enum Found {
    Unseen,
    /// An empty map or list: nothing inside to place it at.
    Empty,
    At(usize, usize),
}

struct Walk<'w> {
    want: &'w Want,
    found: &'w RefCell<Vec<Found>>,
    /// Maps and lists entered and not yet placed: the next scalar read is where they start.
    waiting: &'w RefCell<Vec<usize>>,
    json: bool,
}

/// `… at line L column C`, as serde_yaml and serde_json end their messages.
fn position(message: &str) -> Option<(usize, usize)> {
    let rest = &message[message.rfind(" at line ")? + " at line ".len()..];
    let (line, column) = rest.split_once(" column ")?;
    let column = column.split(|c: char| !c.is_ascii_digit()).next()?;
    Some((line.parse().ok()?, column.parse().ok()?))
}

impl<'w> Walk<'w> {
    fn child(&self, want: &'w Want) -> Walk<'w> {
        Walk {
            want,
            found: self.found,
            waiting: self.waiting,
            json: self.json,
        }
    }

    /// What a failure on purpose says: the position serde stamped on it, or another error.
    /// serde_yaml leaves the first line and column out of its message; serde_json leaves out
    /// any position of a key.
    fn position_of<E: de::Error>(&self, failure: E) -> Result<Option<(usize, usize)>, E> {
        let message = failure.to_string();
        if !message.contains(FOUND) {
            return Err(failure);
        }
        Ok(position(&message).or((!self.json).then_some((1, 1))))
    }

    /// Places `indices` and everything waiting for a scalar at what a failure on purpose says.
    fn place<E: de::Error>(&self, indices: &[usize], failure: E) -> Result<(), E> {
        let at = self
            .position_of(failure)?
            .map_or(Found::Empty, |(l, c)| Found::At(l, c));
        self.place_at(indices, at);
        Ok(())
    }

    fn place_at(&self, indices: &[usize], at: Found) {
        let mut found = self.found.borrow_mut();
        for index in indices
            .iter()
            .chain(self.waiting.borrow_mut().drain(..).as_slice())
        {
            found[*index] = at;
        }
    }

    /// A map or list that turned out empty: what waited for its first scalar is located alone.
    fn empty(&self) {
        let mut found = self.found.borrow_mut();
        for index in self.waiting.borrow_mut().drain(..) {
            found[index] = Found::Empty;
        }
    }

    /// Reads a scalar: one wanted, or the first of a map or list that is, fails for its
    /// position; one only passed through is nothing.
    fn scalar<E: de::Error>(&self) -> Result<(), E> {
        if self.want.here.is_empty() && self.waiting.borrow().is_empty() {
            Ok(())
        } else {
            Err(E::custom(FOUND))
        }
    }

    /// The next key of a map, its text; when maps wait for a scalar, read by failing on purpose
    /// for its position (a key is a scalar: `source::read` took no other).
    fn next_key<'de, A: MapAccess<'de>>(&self, map: &mut A) -> Result<Option<String>, A::Error> {
        if self.waiting.borrow().is_empty() {
            return Ok(map.next_key::<Value>()?.map(source::map_key));
        }
        let text = RefCell::new(None);
        match map.next_key_seed(Key(&text)) {
            Ok(None) => {
                self.empty();
                Ok(None)
            }
            Ok(Some(())) => Ok(text.into_inner()),
            Err(failure) => {
                // Without a position (JSON), what waits is placed by the next scalar read.
                if let Some((line, column)) = self.position_of(failure)? {
                    self.place_at(&[], Found::At(line, column));
                }
                Ok(text.into_inner())
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any node")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.waiting.borrow_mut().extend(&self.want.here);
        while let Some(key) = self.next_key(&mut map)? {
            let child = self.want.children.get(&key);
            if child.is_none() && self.waiting.borrow().is_empty() {
                map.next_value::<IgnoredAny>()?;
            } else if let Err(failure) = map.next_value_seed(self.child(child.unwrap_or(&NOTHING)))
            {
                self.place(child.map_or(&[], |c| &c.here), failure)?;
            }
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.waiting.borrow_mut().extend(&self.want.here);
        let mut index = 0usize;
        loop {
            let child = self.want.children.get(&index.to_string());
            let read = match child {
                // The first item of a list that waits is read for its first scalar.
                None if self.waiting.borrow().is_empty() => seq
                    .next_element::<IgnoredAny>()
                    .map(|item| item.map(|_| ())),
                _ => seq.next_element_seed(self.child(child.unwrap_or(&NOTHING))),
            };
            match read {
                Ok(Some(())) => {}
                Ok(None) => {
                    if index == 0 {
                        self.empty();
                    }
                    break;
                }
                Err(failure) => self.place(child.map_or(&[], |c| &c.here), failure)?,
            }
            index += 1;
        }
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.scalar()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        self.scalar()
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        self.scalar()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.scalar()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.scalar()
    }
}

/// A map key read for its position: keeps its text, then fails on purpose.
struct Key<'k>(&'k RefCell<Option<String>>);

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_bool<E: de::Error>(self, value: bool) -> Result<(), E> {
        self.keep(value.to_string())
    }
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<(), E> {
        self.keep(value.to_string())
    }
    fn visit_u64<E: de::Error>(self, value: u64) -> Result<(), E> {
        self.keep(value.to_string())
    }
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<(), E> {
        self.keep(source::map_key(Value::from(value)))
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<(), E> {
        self.keep(value.to_owned())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.keep(String::new())
    }
}

impl Key<'_> {
    fn keep<E: de::Error>(self, text: String) -> Result<(), E> {
        *self.0.borrow_mut() = Some(text);
        Err(E::custom(FOUND))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scalars where `source::locate` puts them; a map at its first key (a YAML map in block
    /// style starts there anyway), a JSON one at its first value; a list at its first item; an
    /// empty one where `locate` puts it.
    #[test]
    fn every_place_in_one_read() {
        let yaml = "a:\n  b: 1\n  c:\n    - x\n    - {d: .nan, e: [1, 2]}\n'200': {f: g}\nh: [3, {i: j}]\nk: {}\nl: []\n";
        let json = "{\n  \"a\": {\"b\": 1, \"c\": [\"x\", {\"d\": -2.5, \"e\": [1, 2]}]},\n  \"200\": {\"f\": \"g\"},\n  \"k\": {}\n}";
        let pointers = [
            "#/a",
            "#/a/b",
            "#/a/c",
            "#/a/c/0",
            "#/a/c/1",
            "#/a/c/1/d",
            "#/a/c/1/e",
            "#/a/c/1/e/1",
            "#/200/f",
            "#/h/1/i",
            "#/h",
            "#/k",
            "#/l",
            "#/missing",
            "#/a/c/9",
            "#/a/b",
            "#",
        ];
        let yaml_places = [
            Some((2, 3)),  // a: its first key, b
            Some((2, 6)),  // a/b
            Some((4, 7)),  // a/c: its first item, x
            Some((4, 7)),  // a/c/0
            Some((5, 8)),  // a/c/1: its first key, d
            Some((5, 11)), // a/c/1/d
            Some((5, 21)), // a/c/1/e: its first item
            Some((5, 24)), // a/c/1/e/1
            Some((6, 12)), // 200/f
            Some((7, 12)), // h/1/i
            Some((7, 5)),  // h: its first item
            source::locate(yaml, "#/k"),
            source::locate(yaml, "#/l"),
            None,
            None,
            Some((2, 6)),
            Some((1, 1)), // the document: its first key
        ];
        assert_eq!(locate_all(yaml, &pointers), yaml_places);
        assert!(yaml_places[11].is_some() && yaml_places[12].is_some());
        let json_places = [
            Some((2, 14)), // a: its first value
            Some((2, 14)),
            Some((2, 23)), // a/c: its first item
            Some((2, 23)),
            Some((2, 34)), // a/c/1: its first value
            Some((2, 34)),
            Some((2, 46)), // a/c/1/e: its first item
            Some((2, 49)),
            Some((3, 16)),
            None,
            None,
            source::locate(json, "#/k"),
            None,
            None,
            None,
            Some((2, 14)),
            Some((2, 14)), // the document: its first value
        ];
        assert_eq!(locate_all(json, &pointers), json_places);
        let line =
            |(line, column): (usize, usize)| &json.lines().nth(line - 1).unwrap()[column - 1..];
        assert!(line(json_places[0].unwrap()).starts_with("1,"));
        assert!(line(json_places[2].unwrap()).starts_with("\"x\""));
    }

    /// Gladia's spec, block YAML with every kind of node: a sample of its pointers, each placed
    /// as `source::locate` places it (a scalar, an empty map or list), at its first key (a map)
    /// or where its first item is (a list).
    #[test]
    fn gladias_spec_places() {
        fn pointers<'v>(node: &'v Value, at: String, out: &mut Vec<(String, &'v Value)>) {
            let children: Vec<(String, &Value)> = match node {
                Value::Mapping(map) => map
                    .iter()
                    .filter_map(|(k, v)| Some((source::escape(k.as_str()?), v)))
                    .collect(),
                Value::Sequence(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (i.to_string(), v))
                    .collect(),
                _ => Vec::new(),
            };
            out.push((at.clone(), node));
            for (key, child) in children {
                pointers(child, format!("{at}/{key}"), out);
            }
        }
        let text = include_str!("../../spec/gladia.yaml");
        let tree: Value = serde_yaml::from_str(text).unwrap();
        let mut all = Vec::new();
        pointers(&tree, "#".to_owned(), &mut all);
        let sample: Vec<&(String, &Value)> = all.iter().step_by(all.len() / 150 + 1).collect();
        let wanted: Vec<&str> = sample.iter().map(|(p, _)| p.as_str()).collect();
        let placed = locate_all(text, &wanted);
        let at =
            |(line, column): (usize, usize)| &text.lines().nth(line - 1).unwrap()[column - 1..];
        let (mut maps, mut lists) = (0, 0);
        for ((pointer, node), place) in sample.iter().zip(placed) {
            let place = place.unwrap_or_else(|| panic!("{pointer} not placed"));
            match node {
                Value::Mapping(map) if !map.is_empty() => {
                    let key = map.keys().next().and_then(Value::as_str).unwrap();
                    let written = at(place).trim_start_matches(['\'', '"']);
                    assert!(written.starts_with(key), "{pointer}: {written:?}");
                    maps += 1;
                }
                Value::Sequence(items) if !items.is_empty() => {
                    let first = format!("{pointer}/0");
                    assert_eq!(Some(place), locate_all(text, &[&first])[0], "{pointer}");
                    lists += 1;
                }
                _ => assert_eq!(Some(place), source::locate(text, pointer), "{pointer}"),
            }
        }
        assert!(maps > 10 && lists > 2, "{maps} maps, {lists} lists sampled");
    }
}
