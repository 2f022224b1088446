//! Many places of one text located in one read of it.
//!
//! `source::locate` reads the text up to one node; serde_yaml reads a whole document before it
//! hands out its first event, so locating each of a large document's warnings that way read the
//! document once per warning (132 warnings of a 260 kB document: 0.9 s). Here one reader walks
//! down every wanted pointer at once: a scalar it wants fails on purpose, as with `locate`, and
//! the failure, with the position the reader stamped on it, is caught where it was asked for,
//! after which the walk goes on (a scalar is read whole before it fails, so the reader is still
//! in step). A map or list has no position of its own to catch this way: those, rare among
//! warnings, are located one by one with `source::locate`.

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
    let mut found = vec![Found::Unseen; pointers.len()];
    // The document itself: a map, found by `source::locate`.
    for &index in &root.here {
        found[index] = Found::Container;
    }
    let found = RefCell::new(found);
    let walk = Walk {
        want: &root,
        found: &found,
    };
    let json = source::is_json(text);
    // A failure here (a text that no longer parses) leaves what was found so far.
    if json {
        let _ = walk.deserialize(&mut serde_json::Deserializer::from_str(text));
    } else {
        let _ = walk.deserialize(serde_yaml::Deserializer::from_str(text));
    }
    found
        .into_inner()
        .into_iter()
        .zip(pointers)
        .map(|(found, pointer)| match found {
            Found::At(line, column) if json => {
                Some((line, source::json_node_start(text, line, column)))
            }
            Found::At(line, column) => Some((line, column)),
            Found::Container => source::locate(text, pointer),
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

#[derive(Clone, Copy)]
enum Found {
    Unseen,
    Container,
    At(usize, usize),
}

struct Walk<'w> {
    want: &'w Want,
    found: &'w RefCell<Vec<Found>>,
}

impl Walk<'_> {
    /// Records what reading a wanted child gave: its position if it failed on purpose.
    fn record<E: de::Error>(&self, child: &Want, result: Result<bool, E>) -> Result<(), E> {
        let at = match result {
            Ok(true) => Found::Container,
            Ok(false) => return Ok(()),
            Err(error) => {
                let message = error.to_string();
                if !message.contains(FOUND) {
                    return Err(error);
                }
                match position(&message) {
                    Some((line, column)) => Found::At(line, column),
                    None => Found::Container,
                }
            }
        };
        let mut found = self.found.borrow_mut();
        for &index in &child.here {
            found[index] = at;
        }
        Ok(())
    }
}

/// `… at line L column C`, as serde_yaml and serde_json end their messages.
fn position(message: &str) -> Option<(usize, usize)> {
    let rest = &message[message.rfind(" at line ")? + " at line ".len()..];
    let (line, column) = rest.split_once(" column ")?;
    let column = column.split(|c: char| !c.is_ascii_digit()).next()?;
    Some((line.parse().ok()?, column.parse().ok()?))
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    /// Whether the node was a map or a list.
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any node")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while let Some(key) = map.next_key::<Value>()? {
            let key = source::map_key(key);
            match self.want.children.get(&key) {
                Some(child) => {
                    let result = map.next_value_seed(self.child(child));
                    self.record(child, result)?;
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(true)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let mut index = 0usize;
        loop {
            match self.want.children.get(&index.to_string()) {
                Some(child) => {
                    let result = seq.next_element_seed(self.child(child));
                    match result {
                        Ok(None) => break,
                        Ok(Some(container)) => self.record(child, Ok(container))?,
                        Err(error) => self.record(child, Err(error))?,
                    }
                }
                None => {
                    if seq.next_element::<IgnoredAny>()?.is_none() {
                        break;
                    }
                }
            }
            index += 1;
        }
        Ok(true)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        self.scalar()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        self.scalar()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        self.scalar()
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<bool, E> {
        self.scalar()
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<bool, E> {
        self.scalar()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        self.scalar()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<bool, E> {
        self.scalar()
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        self.scalar()
    }
}

impl<'w> Walk<'w> {
    fn child(&self, want: &'w Want) -> Walk<'w> {
        Walk {
            want,
            found: self.found,
        }
    }

    /// A wanted scalar fails, for its position; one only passed through is nothing.
    fn scalar<E: de::Error>(&self) -> Result<bool, E> {
        if self.want.here.is_empty() {
            Ok(false)
        } else {
            Err(E::custom(FOUND))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One read finds what `source::locate` finds, pointer by pointer, maps and lists included.
    #[test]
    fn every_place_is_where_locate_puts_it() {
        let yaml = "a:\n  b: 1\n  c:\n    - x\n    - {d: .nan, e: [1, 2]}\n'200': {f: g}\nh: [3, {i: j}]\n";
        let json = "{\n  \"a\": {\"b\": 1, \"c\": [\"x\", {\"d\": -2.5, \"e\": [1, 2]}]},\n  \"200\": {\"f\": \"g\"}\n}";
        let pointers = [
            "#/a",
            "#/a/b",
            "#/a/c",
            "#/a/c/0",
            "#/a/c/1/d",
            "#/a/c/1/e/1",
            "#/200/f",
            "#/h/1/i",
            "#/missing",
            "#/a/c/9",
            "#/a/b",
        ];
        for text in [yaml, json] {
            let expected: Vec<_> = pointers.iter().map(|p| source::locate(text, p)).collect();
            assert_eq!(locate_all(text, &pointers), expected, "{text}");
        }
    }

    /// The same on Gladia's spec, block YAML with every kind of node: a sample of its pointers.
    #[test]
    fn gladias_spec_places_match_locate() {
        fn pointers(node: &Value, at: String, out: &mut Vec<String>) {
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
            out.push(at.clone());
            for (key, child) in children {
                pointers(child, format!("{at}/{key}"), out);
            }
        }
        let text = include_str!("../../spec/gladia.yaml");
        let tree: Value = serde_yaml::from_str(text).unwrap();
        let mut all = Vec::new();
        pointers(&tree, "#".to_owned(), &mut all);
        let sample: Vec<&str> = all
            .iter()
            .step_by(all.len() / 150 + 1)
            .map(String::as_str)
            .collect();
        let expected: Vec<_> = sample.iter().map(|p| source::locate(text, p)).collect();
        assert_eq!(locate_all(text, &sample), expected);
    }
}
