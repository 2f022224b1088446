//! `$ref`s through `$id` and `$anchor` (JSON Schema 2020-12, which OpenAPI 3.1 schemas are): a
//! schema's `$id` sets the base URI its own `$ref`s resolve against (RFC 3986 §5.2), and names
//! the schema, so `"$ref": "vulnerability.schema.json"` may name another schema of the same
//! document rather than a file. Such `$ref`s become local pointers before any file is read;
//! a `$ref` that a URL base made a URL is written as that URL, for `bundle` to find a local copy
//! of, or not.
//!
//! Fragments that are pointers (`#/components/…`) are left as OpenAPI tools read them: relative
//! to the document, whatever `$id` is above them.

use std::collections::HashMap;

use serde_yaml::Value;

use crate::source::escape;

/// Rewrites the `$ref`s of `tree` that name a schema of it by its `$id` or `$anchor`.
pub(super) fn resolve(tree: &mut Value) {
    let mut names = HashMap::new();
    collect(tree, "#", None, &mut names);
    if names.is_empty() {
        return;
    }
    rewrite(tree, None, &names);
}

/// Keys whose values are data, not schemas: an `$id` there names nothing.
fn is_data(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "enum" | "const") || key.starts_with("x-")
}

/// The base URI of a map's schema: its `$id` resolved against the base above it.
fn base_of(map: &serde_yaml::Mapping, above: Option<&str>) -> Option<String> {
    match map.get("$id").and_then(Value::as_str) {
        Some(id) => Some(join(above, id.trim_end_matches('#'))),
        None => above.map(str::to_owned),
    }
}

/// Each `$id` (absolute, as resolved) and `$anchor` (`{base}#{anchor}`) to its pointer.
fn collect(node: &Value, pointer: &str, base: Option<&str>, names: &mut HashMap<String, String>) {
    match node {
        Value::Mapping(map) => {
            let own = base_of(map, base);
            if map.contains_key("$id") {
                if let Some(id) = &own {
                    names
                        .entry(id.clone())
                        .or_insert_with(|| pointer.to_owned());
                }
            }
            if let Some(anchor) = map.get("$anchor").and_then(Value::as_str) {
                let id = format!("{}#{anchor}", own.as_deref().unwrap_or_default());
                names.entry(id).or_insert_with(|| pointer.to_owned());
            }
            for (key, value) in map {
                let Some(key) = key.as_str() else { continue };
                if !is_data(key) {
                    let child = format!("{pointer}/{}", escape(key));
                    collect(value, &child, own.as_deref(), names);
                }
            }
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(item, &format!("{pointer}/{i}"), base, names);
            }
        }
        _ => {}
    }
}

fn rewrite(node: &mut Value, base: Option<&str>, names: &HashMap<String, String>) {
    match node {
        Value::Mapping(map) => {
            let own = base_of(map, base);
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                if let Some(local) = local(reference, own.as_deref(), names) {
                    *reference = local;
                }
            }
            for (key, value) in map.iter_mut() {
                if key.as_str().is_some_and(|k| !is_data(k)) {
                    rewrite(value, own.as_deref(), names);
                }
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|item| rewrite(item, base, names)),
        _ => {}
    }
}

/// What a `$ref` becomes: a local pointer when it names a schema by `$id` or `$anchor`; the
/// URL it resolves to, when a URL base made it one; `None` to leave it as written.
fn local(reference: &str, base: Option<&str>, names: &HashMap<String, String>) -> Option<String> {
    if reference.starts_with("#/") || reference == "#" {
        return None;
    }
    let resolved = join(base, reference);
    let (document, fragment) = match resolved.split_once('#') {
        Some((document, fragment)) => (document, fragment),
        None => (resolved.as_str(), ""),
    };
    if let Some(pointer) = names.get(document) {
        if fragment.is_empty() || fragment.starts_with('/') {
            return Some(format!("{pointer}{fragment}"));
        }
    }
    if let Some(pointer) = names.get(&resolved) {
        return Some(pointer.clone());
    }
    (is_url(&resolved) && resolved != reference).then_some(resolved)
}

/// Whether a reference names something on a network (`https://…`, `//host/…`); a Windows
/// drive letter is one letter, not a scheme.
pub(crate) fn is_url(reference: &str) -> bool {
    reference.starts_with("//") || scheme(reference).is_some_and(|s| s.len() > 1)
}

fn scheme(reference: &str) -> Option<&str> {
    let (scheme, _) = reference.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then_some(scheme)
}

/// `reference` resolved against `base` (RFC 3986 §5.2, without query strings).
fn join(base: Option<&str>, reference: &str) -> String {
    let Some(base) = base else {
        return reference.to_owned();
    };
    if scheme(reference).is_some() {
        return remove_dots(reference);
    }
    let base = base.split('#').next().unwrap_or_default();
    if reference.is_empty() {
        return base.to_owned();
    }
    if reference.starts_with('#') {
        return format!("{base}{reference}");
    }
    // The base's scheme and authority, and its path.
    let (prefix, path) = match base.find("://") {
        Some(at) => {
            let rest = &base[at + 3..];
            let end = rest.find('/').map_or(base.len(), |p| at + 3 + p);
            (&base[..end], &base[end..])
        }
        None => ("", base),
    };
    if let Some(network) = reference.strip_prefix("//") {
        let scheme = scheme(base).unwrap_or("https");
        return remove_dots(&format!("{scheme}://{network}"));
    }
    if reference.starts_with('/') {
        return remove_dots(&format!("{prefix}{reference}"));
    }
    let folder = match path.rfind('/') {
        Some(slash) => &path[..=slash],
        None if prefix.is_empty() => "",
        None => "/",
    };
    remove_dots(&format!("{prefix}{folder}{reference}"))
}

/// `a/./b/../c` → `a/c`, in the path only.
fn remove_dots(uri: &str) -> String {
    let (head, rest) = match uri.find("://") {
        Some(at) => {
            let after = &uri[at + 3..];
            let end = after.find('/').map_or(uri.len(), |p| at + 3 + p);
            uri.split_at(end)
        }
        None => ("", uri),
    };
    let (path, fragment) = match rest.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (rest, None),
    };
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "." => {}
            ".." if segments.len() > 1 || segments.first().is_some_and(|s| !s.is_empty()) => {
                segments.pop();
            }
            _ => segments.push(segment),
        }
    }
    let mut out = format!("{head}{}", segments.join("/"));
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve_against_their_base() {
        let base = Some("https://example.com/schemas/scan.json");
        assert_eq!(
            join(base, "vuln.json"),
            "https://example.com/schemas/vuln.json"
        );
        assert_eq!(
            join(base, "../common/a.json#/x"),
            "https://example.com/common/a.json#/x"
        );
        assert_eq!(join(base, "/b.json"), "https://example.com/b.json");
        assert_eq!(
            join(base, "#anchor"),
            "https://example.com/schemas/scan.json#anchor"
        );
        assert_eq!(join(base, "//other.org/c.json"), "https://other.org/c.json");
        assert_eq!(join(Some("dir/a.json"), "b.json"), "dir/b.json");
        assert_eq!(join(None, "b.json"), "b.json");
        assert_eq!(
            join(Some("https://example.com"), "b.json"),
            "https://example.com/b.json"
        );
    }

    #[test]
    fn urls_are_told_from_paths() {
        assert!(is_url("https://example.com/a.json"));
        assert!(is_url("//example.com/a.json"));
        assert!(!is_url("C:/specs/a.json"));
        assert!(!is_url("./a.json"));
        assert!(!is_url("#/components/schemas/A"));
    }
}
