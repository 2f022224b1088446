//! Spec text to a generic YAML tree that openapiv3 can take without panicking or taking
//! exponential time, and the way back from a JSON pointer to a line and column.
//!
//! openapiv3 2.2 panics on input that its error path parses differently (duplicate keys,
//! non-finite numbers) and re-parses each nested `$ref`-or-schema level on failure, which doubles
//! the time per level. So the text is first read into a `serde_yaml::Value` (which refuses
//! duplicate keys, with their line), then checked here: nesting depth, YAML tags, keys that are
//! not strings, non-finite numbers. `normalize` then checks the shape of every schema, so that
//! openapiv3 never fails deep inside one.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_yaml::{Mapping, Value};

use crate::error::{Error, Place};

/// Deeper than any real document (Gladia's reaches 14); keeps every recursive pass far from the
/// end of the stack.
pub const MAX_DEPTH: usize = 64;

/// Reads the text into a tree with string keys only, or a located error.
pub fn read(text: &str) -> Result<Value, Error> {
    let crate::tree::Tree(value) = if is_json(text) {
        serde_json::from_str(text).map_err(|e| json_error(&e))?
    } else {
        serde_yaml::from_str(text).map_err(|e| yaml_error(&e))?
    };
    guard(value, "#", 0)
}

/// A document's text as read: its tree, the text the tree was read from (the given one, or it
/// with a space added after each colon `rules::FLOW_COLON` read), and where those colons are.
pub struct Read<'a> {
    pub tree: Value,
    pub text: std::borrow::Cow<'a, str>,
    /// Line and column (from 1) of each colon a space was added after.
    pub repaired: Vec<(usize, usize)>,
}

/// [`read`], and a colon written without its space inside a flow collection (`{a: 1,
/// indexes:[ ]}`, `{key:"value"}`) is read as the separator it is meant as: js-yaml, which
/// tools that render documents use, reads it so, libyaml (serde_yaml) stops there. The text is
/// read again after each repair, so a document with many is slow, but only such a document.
pub fn read_leniently(text: &str) -> Result<Read<'_>, Error> {
    let mut repaired = Vec::new();
    let mut current = std::borrow::Cow::Borrowed(text);
    loop {
        if is_json(&current) {
            return Ok(Read {
                tree: read(&current)?,
                text: current,
                repaired,
            });
        }
        match serde_yaml::from_str::<crate::tree::Tree>(&current) {
            Ok(crate::tree::Tree(value)) => {
                return Ok(Read {
                    tree: guard(value, "#", 0)?,
                    text: current,
                    repaired,
                })
            }
            Err(e) => {
                let Some((offset, line_column)) = colon_without_space(&current, &e) else {
                    return Err(yaml_error(&e));
                };
                current.to_mut().insert(offset + 1, ' ');
                repaired.push(line_column);
            }
        }
    }
}

/// Where serde_yaml stopped at a colon that a flow collection's value follows without a space
/// (`[`, `{` or a quote): the colon's byte offset, and its line and column.
fn colon_without_space(text: &str, e: &serde_yaml::Error) -> Option<(usize, (usize, usize))> {
    if !e.to_string().contains("found unexpected ':'") {
        return None;
    }
    let location = e.location()?;
    let line_start = text
        .split_inclusive('\n')
        .take(location.line().checked_sub(1)?)
        .map(str::len)
        .sum::<usize>();
    let line = text[line_start..].lines().next()?;
    // libyaml counts characters; the column is of the colon, from 1.
    let (offset, _) = line.char_indices().nth(location.column().checked_sub(1)?)?;
    let rest = &line.as_bytes()[offset..];
    (rest.first() == Some(&b':') && matches!(rest.get(1), Some(b'[' | b'{' | b'"' | b'\'')))
        .then_some((line_start + offset, (location.line(), location.column())))
}

/// JSON text is read as JSON: YAML 1.2 reads most of it, not all (a `\ud83d\udc4d` surrogate
/// pair is refused).
pub(crate) fn is_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
}

/// serde_json reports a scalar where it finished reading it (its last byte); YAML, and readers,
/// want where it starts: back over the string or the number. A map or list is at its bracket.
pub(crate) fn json_node_start(text: &str, line: usize, column: usize) -> usize {
    text.lines()
        .nth(line - 1)
        .map_or(column, |text| json_column(text, column))
}

/// [`json_node_start`] on the text of the node's line, for callers that place many nodes (a
/// search from the document's start for each would make placing them quadratic).
pub(crate) fn json_column(line: &str, column: usize) -> usize {
    let Some(upto) = line.get(..column) else {
        return column;
    };
    let bytes = upto.as_bytes();
    let start = if bytes.last() == Some(&b'"') {
        // The opening quote: the last `"` before the closing one that no `\` escapes.
        (0..bytes.len() - 1).rev().find(|&i| {
            bytes[i] == b'"'
                && bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 0
        })
    } else {
        let scalar = |b: &u8| b.is_ascii_alphanumeric() || b"+-.".contains(b);
        match bytes.iter().rev().take_while(|b| scalar(b)).count() {
            0 => None,
            length => Some(bytes.len() - length),
        }
    };
    start.map_or(column, |i| i + 1)
}

fn json_error(e: &serde_json::Error) -> Error {
    let message = strip_location(&e.to_string());
    Error::Parse {
        message,
        at: Place {
            pointer: "#".to_owned(),
            line_column: Some((e.line(), e.column())),
            file: None,
        },
    }
}

fn yaml_error(e: &serde_yaml::Error) -> Error {
    let location = e.location().map(|l| (l.line(), l.column()));
    let message = strip_location(&e.to_string());
    // serde_yaml starts its messages with the path of the node (`paths./a.get: …`) when it has
    // one; a path is a single word, a message is not.
    let (pointer, message) = match message.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') => (path_to_pointer(path), rest.to_owned()),
        _ => ("#".to_owned(), message),
    };
    Error::Parse {
        message,
        at: Place {
            pointer,
            line_column: location,
            file: None,
        },
    }
}

/// `a.b[2].c` to `#/a/b/2/c`, for serde_yaml's and serde_path_to_error's paths.
pub fn path_to_pointer(path: &str) -> String {
    let mut pointer = String::from("#");
    for part in path.split('.').filter(|p| !p.is_empty() && *p != "?") {
        let mut rest = part;
        if let Some(open) = rest.find('[') {
            pointer.push('/');
            pointer.push_str(&escape(&rest[..open]));
            rest = &rest[open..];
            while let Some(close) = rest.find(']') {
                pointer.push('/');
                pointer.push_str(&rest[1..close]);
                rest = &rest[close + 1..];
            }
        } else {
            pointer.push('/');
            pointer.push_str(&escape(rest));
        }
    }
    pointer
}

pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

pub fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

fn guard(value: Value, pointer: &str, depth: usize) -> Result<Value, Error> {
    if depth > MAX_DEPTH {
        return Err(Error::invalid(
            pointer,
            format!("nested more than {MAX_DEPTH} levels deep"),
        ));
    }
    match value {
        Value::Tagged(tagged) => Err(Error::invalid(
            pointer,
            format!(
                "YAML tag `{}` (tags have no meaning in OpenAPI)",
                tagged.tag
            ),
        )),
        Value::Number(n) if n.as_f64().is_some_and(|f| !f.is_finite()) => Err(Error::invalid(
            pointer,
            format!("`{n}` is not a finite number, which JSON cannot hold"),
        )),
        Value::Sequence(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| guard(item, &format!("{pointer}/{i}"), depth + 1))
            .collect::<Result<_, _>>()
            .map(Value::Sequence),
        Value::Mapping(map) => {
            let mut out = Mapping::with_capacity(map.len());
            for (key, item) in map {
                let key = match key {
                    Value::String(s) => s,
                    // YAML reads `200:` as a number; OpenAPI means the string.
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    other => {
                        return Err(Error::invalid(
                            pointer,
                            format!("a key that is not a string: {other:?}"),
                        ))
                    }
                };
                let item_pointer = format!("{pointer}/{}", escape(&key));
                if out.contains_key(key.as_str()) {
                    return Err(Error::invalid(
                        &item_pointer,
                        format!("duplicate key `{key}`"),
                    ));
                }
                let item = guard(item, &item_pointer, depth + 1)?;
                out.insert(Value::String(key), item);
            }
            Ok(Value::Mapping(out))
        }
        other => Ok(other),
    }
}

/// serde_yaml writes " at line L column C" into its messages; the location is reported apart.
fn strip_location(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find(" at line ") {
        out.push_str(&rest[..start]);
        let after = &rest[start + " at line ".len()..];
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let line_end = digits(after);
        match after[line_end..].strip_prefix(" column ") {
            Some(column) if line_end > 0 => rest = &column[digits(column)..],
            _ => {
                out.push_str(" at line ");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The line and column of the node at `pointer`, if the text has one.
///
/// serde_yaml has no public syntax tree, but it stamps the position of the event being read on
/// every error; so this walks the text down the pointer, skipping everything else, and fails on
/// purpose at the node to learn where it is.
pub fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let path: Vec<String> = pointer
        .strip_prefix('#')?
        .split('/')
        .skip(1)
        .map(unescape)
        .collect();
    if is_json(text) {
        let error = Seek { path: &path }
            .deserialize(&mut serde_json::Deserializer::from_str(text))
            .err()?;
        return (error.to_string().contains(FOUND) && error.line() > 0).then(|| {
            (
                error.line(),
                json_node_start(text, error.line(), error.column()),
            )
        });
    }
    let error = Seek { path: &path }
        .deserialize(serde_yaml::Deserializer::from_str(text))
        .err()?;
    if !error.to_string().contains(FOUND) {
        return None;
    }
    error.location().map(|l| (l.line(), l.column()))
}

/// A map key as text: YAML reads `200:` as a number, OpenAPI means the string.
pub(crate) fn map_key(key: Value) -> String {
    match key {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

pub(crate) const FOUND: &str = "\u{0}found";

struct Seek<'p> {
    path: &'p [String],
}

impl<'de> DeserializeSeed<'de> for Seek<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if self.path.is_empty() {
            deserializer.deserialize_any(Found)
        } else {
            deserializer.deserialize_any(self)
        }
    }
}

impl<'de> Visitor<'de> for Seek<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a map or list")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Value>()? {
            let key = map_key(key);
            if key == self.path[0] {
                return map.next_value_seed(Seek {
                    path: &self.path[1..],
                });
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Ok(wanted) = self.path[0].parse::<usize>() else {
            return Ok(());
        };
        for _ in 0..wanted {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
        }
        seq.next_element_seed(Seek {
            path: &self.path[1..],
        })
        .map(|_| ())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_i128<E>(self, _: i128) -> Result<(), E> {
        Ok(())
    }
    fn visit_u128<E>(self, _: u128) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Fails on whatever node it is given, so that serde_yaml stamps that node's position.
struct Found;

impl<'de> Visitor<'de> for Found {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any node")
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(FOUND))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(FOUND))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    // Integers beyond 64 bits, which `tree` reads as floats.
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn json_text_is_read_as_json() {
        let text =
            "{\n  \"a\": \"\\ud83d\\udc4d\",\n  \"b\": [1, {\"c\": -99999999999999999999}]\n}";
        let tree = read(text).unwrap();
        assert_eq!(tree["a"], Value::from("\u{1f44d}"));
        assert_eq!(tree["b"][1]["c"].as_f64(), Some(-1e20));
        assert_eq!(locate(text, "#/b/1/c"), Some((3, 18)));
        assert_eq!(locate(text, "#/a"), Some((2, 8)));
        assert_eq!(locate(text, "#/b/1"), Some((3, 12)));
        let error = read("{\"a\": 1,\n \"a\": 2}").unwrap_err();
        assert_eq!(error.place().unwrap().line_column, Some((2, 4)));
        assert!(error.to_string().contains("duplicate entry with key \"a\""));
    }

    #[test]
    fn yaml_integers_beyond_64_bits_are_floats() {
        let tree = read("a: -9223372036854776000\nb: 99999999999999999999999").unwrap();
        assert_eq!(tree["a"].as_f64(), Some(-9223372036854775808.0));
        assert_eq!(tree["b"].as_f64(), Some(1e23));
        assert_eq!(locate("a: 1\nb: -9223372036854776000", "#/b"), Some((2, 4)));
    }
    use super::*;

    const TEXT: &str = "a:\n  b: 1\n  c:\n    - x\n    - {d: .nan, e: [1, 2]}\n'200': {f: g}\n";

    #[test]
    fn pointers_find_their_node() {
        assert_eq!(locate(TEXT, "#/a/c/1/d"), Some((5, 11)));
        assert_eq!(locate(TEXT, "#/a/c/1/e/1"), Some((5, 24)));
        assert_eq!(locate(TEXT, "#/200/f"), Some((6, 12)));
        assert_eq!(locate(TEXT, "#/a/missing"), None);
        assert_eq!(locate(TEXT, "#/a/c/7"), None);
    }

    #[test]
    fn the_guard_refuses_what_openapiv3_would_panic_on() {
        let error = read("a:\n  b: 1\n  b: 2\n").unwrap_err().to_string();
        assert!(
            error.contains("line 2, column 3") && error.contains("duplicate"),
            "{error}"
        );
        let error = read("a:\n  min: .nan\n").unwrap_err().to_string();
        assert!(error.contains("#/a/min"), "{error}");
        let error = read("a: !x 1\n").unwrap_err().to_string();
        assert!(error.contains("YAML tag"), "{error}");
        let deep = format!(
            "{}1{}",
            "[".repeat(MAX_DEPTH + 2),
            "]".repeat(MAX_DEPTH + 2)
        );
        let error = read(&deep).unwrap_err().to_string();
        assert!(error.contains("levels deep"), "{error}");
        let error = read("3: a\n'3': b\n").unwrap_err().to_string();
        assert!(error.contains("duplicate key `3`"), "{error}");
    }

    #[test]
    fn paths_become_pointers() {
        assert_eq!(path_to_pointer("paths./v2/x.get"), "#/paths/~1v2~1x/get");
        assert_eq!(path_to_pointer("a.b[2].c"), "#/a/b/2/c");
    }
}
