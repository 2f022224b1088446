//! Reading and writing the YAML tree by JSON pointer, and the text of references.

use std::path::{Component, Path, PathBuf};

use serde_yaml::{Mapping, Value};

use crate::source::unescape;

/// `#/components/{section}/{name}`: what the resolver reads.
pub(super) fn component_section(reference: &str) -> Option<&str> {
    let rest = reference.strip_prefix("#/components/")?;
    let (section, name) = rest.split_once('/')?;
    (!name.is_empty() && !name.contains('/')).then_some(section)
}

/// The `components` sections the resolver follows `$ref`s into; a `$ref` to any other (Lob's
/// `mediaTypes`) is copied in.
pub(super) fn is_resolved_section(section: &str) -> bool {
    matches!(
        section,
        "schemas" | "parameters" | "responses" | "requestBodies" | "headers"
    )
}

/// A discriminator's mapping value names a schema by name, or by a reference to a file.
pub(super) fn looks_like_file(value: &str) -> bool {
    let file = value.split('#').next().unwrap_or_default();
    [".yaml", ".yml", ".json"]
        .iter()
        .any(|ext| file.ends_with(ext))
}

pub(super) fn segments(pointer: &str) -> Option<impl Iterator<Item = String> + '_> {
    let rest = pointer.strip_prefix('#')?;
    Some(rest.split('/').skip(1).map(unescape))
}

pub(super) fn child<'v>(node: &'v Value, segment: &str) -> Option<&'v Value> {
    match node {
        Value::Mapping(map) => map.get(segment),
        Value::Sequence(items) => items.get(segment.parse::<usize>().ok()?),
        _ => None,
    }
}

pub(super) fn get<'v>(tree: &'v Value, pointer: &str) -> Option<&'v Value> {
    segments(pointer)?.try_fold(tree, |node, segment| child(node, &segment))
}

pub(super) fn get_mut<'v>(tree: &'v mut Value, pointer: &str) -> Option<&'v mut Value> {
    segments(pointer)?.try_fold(tree, |node, segment| match node {
        Value::Mapping(map) => map.get_mut(segment.as_str()),
        Value::Sequence(items) => items.get_mut(segment.parse::<usize>().ok()?),
        _ => None,
    })
}

pub(super) fn set(tree: &mut Value, pointer: &str, value: Value) {
    if let Some(node) = get_mut(tree, pointer) {
        *node = value;
    }
}

pub(super) fn keys(node: Option<&Value>) -> Vec<String> {
    match node {
        Some(Value::Mapping(map)) => map
            .keys()
            .filter_map(|key| key.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// The `$ref` of the node at `pointer` (or the string there, for a mapping value).
pub(super) fn reference_at(tree: &Value, pointer: &str, mapping: bool) -> Option<String> {
    let node = get(tree, pointer)?;
    let reference = if mapping {
        node
    } else {
        node.as_mapping()?.get("$ref")?
    };
    reference.as_str().map(str::to_owned)
}

pub(super) fn has_siblings(node: Option<&Value>) -> bool {
    node.and_then(Value::as_mapping)
        .is_some_and(|map| map.len() > 1)
}

pub(super) fn set_reference(tree: &mut Value, pointer: &str, mapping: bool, reference: String) {
    let Some(node) = get_mut(tree, pointer) else {
        return;
    };
    match node {
        Value::Mapping(map) if !mapping => {
            map.insert("$ref".into(), Value::String(reference));
        }
        _ => *node = Value::String(reference),
    }
}

pub(super) fn reference_node(reference: &str) -> Value {
    let mut map = Mapping::new();
    map.insert("$ref".into(), Value::String(reference.to_owned()));
    Value::Mapping(map)
}

pub(super) fn insert_component(tree: &mut Value, section: &str, name: String, content: Value) {
    let Value::Mapping(root) = tree else { return };
    let components = root
        .entry("components".into())
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    let Value::Mapping(components) = components else {
        return;
    };
    let items = components
        .entry(section.into())
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    if let Value::Mapping(items) = items {
        items.insert(Value::String(name), content);
    }
}

/// `a/./b/../c` → `a/c`, without asking the file system.
pub(super) fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A `$ref`'s fragment is a URI fragment, so the JSON pointer in it may be percent-encoded
/// (`%7B` for `{`, RFC 6901 §6). Every `$ref` of a tree is decoded once, as the tree is read, so
/// that whatever follows a reference (bundler, inner parts, resolver) reads plain pointers and
/// no escape is decoded twice.
pub(super) fn decode_fragments(node: &mut Value) {
    match node {
        Value::Mapping(map) => {
            for (key, value) in map.iter_mut() {
                match (key.as_str(), value) {
                    (Some("$ref"), Value::String(reference)) => {
                        if let Some((file, fragment)) = reference.split_once('#') {
                            if fragment.starts_with('/') && fragment.contains('%') {
                                *reference = format!("{file}#{}", percent_decode(fragment));
                            }
                        }
                    }
                    (_, value) => decode_fragments(value),
                }
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(decode_fragments),
        _ => {}
    }
}

/// `%7B` → `{`: references are URIs.
pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}
