//! The part of JSONPath (RFC 9535) that Overlay targets use: `$`, member names (`.name`,
//! `['name']`, several as `['a', 'b']`), indices (`[0]`), wildcards (`.*`, `[*]`) and filters on a member, by equality
//! (`[?@.name == 'value']`, also written `[?(@.name=='value')]`) or existence
//! (`[?@.properties.status]`). A target outside it is an
//! error naming the character where it stops, never a silent miss.

use serde_yaml::{Mapping, Value};

#[derive(Debug, Clone, PartialEq)]
pub enum Selector {
    Name(String),
    /// `['a', 'b']`: each member named, in this order.
    Names(Vec<String>),
    Index(usize),
    Wildcard,
    /// The members of a list or map that have the member at `path`, equal to `value` if given.
    Filter {
        path: Vec<String>,
        value: Option<Value>,
    },
}

/// One step down the tree to a node that a target selected.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Key(String),
    Index(usize),
}

pub fn parse(target: &str) -> Result<Vec<Selector>, String> {
    let fail = |at: usize, what: &str| format!("target `{target}`, at character {at}: {what}");
    let bytes = target.as_bytes();
    if bytes.first() != Some(&b'$') {
        return Err(fail(0, "a target starts with `$`"));
    }
    let mut selectors = Vec::new();
    let mut at = 1;
    while at < bytes.len() {
        match bytes[at] {
            b'.' => {
                at += 1;
                if bytes.get(at) == Some(&b'*') {
                    selectors.push(Selector::Wildcard);
                    at += 1;
                    continue;
                }
                let start = at;
                while at < bytes.len()
                    && (bytes[at].is_ascii_alphanumeric() || b"_-$".contains(&bytes[at]))
                {
                    at += 1;
                }
                if start == at {
                    return Err(fail(
                        at,
                        "a member name follows `.`; quote other names: ['/a/b']",
                    ));
                }
                selectors.push(Selector::Name(target[start..at].to_owned()));
            }
            b'[' => {
                let (selector, next) =
                    bracket(target, at + 1).map_err(|(at, what)| fail(at, &what))?;
                selectors.push(selector);
                at = next;
            }
            _ => return Err(fail(at, "expected `.` or `[`")),
        }
    }
    Ok(selectors)
}

/// A bracketed selector from just after its `[`; returns it and the index after its `]`.
fn bracket(target: &str, mut at: usize) -> Result<(Selector, usize), (usize, String)> {
    let bytes = target.as_bytes();
    let close = |at: usize| match bytes.get(at) {
        Some(b']') => Ok(at + 1),
        _ => Err((at, "expected `]`".to_owned())),
    };
    match bytes.get(at) {
        Some(b'*') => Ok((Selector::Wildcard, close(at + 1)?)),
        Some(b'\'' | b'"') => {
            let (name, mut next) = quoted(target, at)?;
            let mut names = vec![name];
            while bytes.get(skip_spaces(bytes, next)) == Some(&b',') {
                let start = skip_spaces(bytes, skip_spaces(bytes, next) + 1);
                if !matches!(bytes.get(start), Some(b'\'' | b'"')) {
                    return Err((start, "a quoted name follows `,`".to_owned()));
                }
                let (name, after) = quoted(target, start)?;
                names.push(name);
                next = after;
            }
            let selector = match <[String; 1]>::try_from(names) {
                Ok([name]) => Selector::Name(name),
                Err(names) => Selector::Names(names),
            };
            Ok((selector, close(skip_spaces(bytes, next))?))
        }
        Some(b'0'..=b'9') => {
            let start = at;
            while bytes.get(at).is_some_and(u8::is_ascii_digit) {
                at += 1;
            }
            let index = target[start..at]
                .parse()
                .map_err(|_| (start, "an index too large".to_owned()))?;
            Ok((Selector::Index(index), close(at)?))
        }
        Some(b'?') => {
            at += 1;
            let parenthesised = bytes.get(at) == Some(&b'(');
            if parenthesised {
                at += 1;
            }
            let mut path = Vec::new();
            while target[at..].starts_with("@.")
                || (!path.is_empty() && bytes.get(at) == Some(&b'.'))
            {
                at += if bytes[at] == b'@' { 2 } else { 1 };
                let start = at;
                while bytes
                    .get(at)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || b"_-$".contains(b))
                {
                    at += 1;
                }
                if start == at {
                    return Err((at, "a member name".to_owned()));
                }
                path.push(target[start..at].to_owned());
            }
            if path.is_empty() {
                return Err((
                    at,
                    "a filter tests a member of `@`: `?@.name == 'value'` or `?@.name`".to_owned(),
                ));
            }
            at = skip_spaces(bytes, at);
            let mut value = None;
            if target[at..].starts_with("==") {
                at = skip_spaces(bytes, at + 2);
                let (literal, next) = literal(target, at)?;
                value = Some(literal);
                at = skip_spaces(bytes, next);
            } else if !matches!(bytes.get(at), Some(b']' | b')')) {
                return Err((at, "only `==` filters are read".to_owned()));
            }
            if parenthesised {
                if bytes.get(at) != Some(&b')') {
                    return Err((at, "expected `)`".to_owned()));
                }
                at += 1;
            }
            Ok((Selector::Filter { path, value }, close(at)?))
        }
        _ => Err((
            at,
            "expected a quoted name, an index, `*` or a `?` filter".to_owned(),
        )),
    }
}

fn skip_spaces(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at) == Some(&b' ') {
        at += 1;
    }
    at
}

/// A quoted name starting at its quote; `\` escapes the next character.
fn quoted(target: &str, at: usize) -> Result<(String, usize), (usize, String)> {
    let quote = target.as_bytes()[at] as char;
    let mut name = String::new();
    let mut chars = target[at + 1..].char_indices();
    while let Some((offset, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, escaped)) => name.push(escaped),
                None => break,
            },
            c if c == quote => return Ok((name, at + 1 + offset + 1)),
            c => name.push(c),
        }
    }
    Err((at, "a quoted name without its closing quote".to_owned()))
}

/// A filter's literal: a quoted string, `true`, `false`, `null` or a number.
fn literal(target: &str, at: usize) -> Result<(Value, usize), (usize, String)> {
    let bytes = target.as_bytes();
    if matches!(bytes.get(at), Some(b'\'' | b'"')) {
        let (text, next) = quoted(target, at)?;
        return Ok((Value::String(text), next));
    }
    let end = (at..bytes.len())
        .find(|&i| matches!(bytes[i], b' ' | b')' | b']'))
        .unwrap_or(bytes.len());
    let word = &target[at..end];
    let value = match word {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        number => serde_yaml::from_str::<serde_yaml::Number>(number)
            .map(Value::Number)
            .map_err(|_| (at, format!("`{word}` is not a literal")))?,
    };
    Ok((value, end))
}

/// Every node the selectors reach, as paths from the root, in document order.
pub fn select(root: &Value, selectors: &[Selector]) -> Vec<Vec<Step>> {
    let mut found = vec![(Vec::new(), root)];
    for selector in selectors {
        let mut next = Vec::new();
        for (path, node) in found {
            for (step, child) in children(node, selector) {
                let mut path = path.clone();
                path.push(step);
                next.push((path, child));
            }
        }
        found = next;
    }
    found.into_iter().map(|(path, _)| path).collect()
}

fn children<'a>(node: &'a Value, selector: &Selector) -> Vec<(Step, &'a Value)> {
    let entries: Vec<(Step, &Value)> = match node {
        Value::Mapping(map) => map
            .iter()
            .filter_map(|(k, v)| Some((Step::Key(k.as_str()?.to_owned()), v)))
            .collect(),
        Value::Sequence(list) => list
            .iter()
            .enumerate()
            .map(|(i, v)| (Step::Index(i), v))
            .collect(),
        _ => Vec::new(),
    };
    match selector {
        Selector::Wildcard => entries,
        Selector::Name(name) => entries
            .into_iter()
            .filter(|(step, _)| matches!(step, Step::Key(key) if key == name))
            .collect(),
        Selector::Names(names) => names
            .iter()
            .flat_map(|name| {
                entries
                    .iter()
                    .filter(move |(step, _)| matches!(step, Step::Key(key) if key == name))
                    .cloned()
            })
            .collect(),
        Selector::Index(index) => entries
            .into_iter()
            .filter(|(step, _)| *step == Step::Index(*index))
            .collect(),
        Selector::Filter { path, value } => entries
            .into_iter()
            .filter(|(_, child)| {
                let found = path.iter().try_fold(*child, |node, key| member(node, key));
                match value {
                    Some(value) => found == Some(value),
                    None => found.is_some(),
                }
            })
            .collect(),
    }
}

fn member<'a>(node: &'a Value, key: &str) -> Option<&'a Value> {
    node.as_mapping()?.get(key)
}

/// The node at `path`.
pub fn get<'a>(root: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(root, |node, step| match (node, step) {
        (Value::Mapping(map), Step::Key(key)) => map.get(key.as_str()),
        // A pointer's `/200` is a key where the tree has a map (a status code).
        (Value::Mapping(map), Step::Index(i)) => map.get(i.to_string().as_str()),
        (Value::Sequence(list), Step::Index(i)) => list.get(*i),
        _ => None,
    })
}

/// The node at `path`, to change it.
pub fn get_mut<'a>(root: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(root, |node, step| match (node, step) {
        (Value::Mapping(map), Step::Key(key)) => map.get_mut(key.as_str()),
        (Value::Sequence(list), Step::Index(i)) => list.get_mut(*i),
        _ => None,
    })
}

/// Removes the node at `path` from its parent.
pub fn remove(root: &mut Value, path: &[Step]) {
    let Some((last, parent)) = path.split_last() else {
        *root = Value::Mapping(Mapping::new());
        return;
    };
    match (get_mut(root, parent), last) {
        (Some(Value::Mapping(map)), Step::Key(key)) => {
            map.shift_remove(key.as_str());
        }
        (Some(Value::Sequence(list)), Step::Index(i)) if *i < list.len() => {
            list.remove(*i);
        }
        _ => {}
    }
}

/// The steps of a JSON pointer (`/paths/~1v2~1live/post`); an index is a step of a list only
/// where the tree has a list there, so `steps` needs no tree.
pub fn steps(pointer: &str) -> Vec<Step> {
    pointer
        .split('/')
        .skip(1)
        .map(|part| match part.parse() {
            Ok(index) => Step::Index(index),
            Err(_) => Step::Key(part.replace("~1", "/").replace("~0", "~")),
        })
        .collect()
}

/// The path as a JSON pointer, for messages.
pub fn pointer(path: &[Step]) -> String {
    path.iter()
        .map(|step| match step {
            Step::Key(key) => format!("/{}", key.replace('~', "~0").replace('/', "~1")),
            Step::Index(i) => format!("/{i}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::tree;

    fn pointers(root: &Value, target: &str) -> Vec<String> {
        select(root, &parse(target).unwrap())
            .iter()
            .map(|path| pointer(path))
            .collect()
    }

    #[test]
    fn names_quoted_names_wildcards_and_filters() {
        let doc = tree(
            "paths:\n  /v2/live:\n    post: {parameters: [{name: region, in: query}, {name: id, in: path}]}\n    get: {}\n",
        );
        assert_eq!(
            pointers(&doc, "$.paths['/v2/live'].post"),
            ["/paths/~1v2~1live/post"]
        );
        assert_eq!(
            pointers(&doc, "$.paths[\"/v2/live\"].*"),
            ["/paths/~1v2~1live/post", "/paths/~1v2~1live/get"]
        );
        assert_eq!(
            pointers(&doc, "$.paths.*.post.parameters[?@.name == 'id']"),
            ["/paths/~1v2~1live/post/parameters/1"]
        );
        assert_eq!(
            pointers(&doc, "$.paths.*.post.parameters[?(@.in=='query')].name"),
            ["/paths/~1v2~1live/post/parameters/0/name"]
        );
        assert_eq!(
            pointers(&doc, "$.paths.*.post.parameters[1].in"),
            ["/paths/~1v2~1live/post/parameters/1/in"]
        );
        assert!(pointers(&doc, "$.paths.missing").is_empty());
        assert_eq!(
            pointers(&doc, "$.paths['/v2/live']['get', \"post\" ,'put']"),
            ["/paths/~1v2~1live/get", "/paths/~1v2~1live/post"]
        );
    }

    #[test]
    fn a_target_outside_the_subset_says_where() {
        for (target, at) in [
            ("paths", "character 0"),
            ("$.paths..x", "character 8"),
            ("$.paths['/x'", "character 12"),
            ("$.paths['/x', 3]", "character 14"),
            ("$.a[?@.b > 1]", "character 9"),
            ("$.a[?@.b == nope]", "character 12"),
        ] {
            let error = parse(target).unwrap_err();
            assert!(error.contains(at), "{target}: {error}");
        }
    }
}
