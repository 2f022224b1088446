//! Gladia's document reduced to its facts, and what changes between two of them.
//!
//! Facts are what the project may take from Gladia's document: paths, names, types, enum values,
//! status codes, bounds. Its prose (descriptions, summaries, titles, examples) is Gladia's text
//! and is left out; the project's overlay gives its own words.

use std::collections::{BTreeSet, HashSet};

use serde_yaml::{Mapping, Value};

use super::path::{pointer, Step};

/// Keywords whose value is prose, wherever a keyword stands.
const PROSE: [&str; 6] = [
    "description",
    "summary",
    "title",
    "example",
    "examples",
    "externalDocs",
];

/// Keys whose value is a map of names chosen by the document (property names, paths, status
/// codes…): its keys are never keywords, so a property called `description` stays.
const NAME_MAPS: [&str; 17] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
    "paths",
    "webhooks",
    "callbacks",
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "securitySchemes",
    "content",
    "encoding",
    "variables",
];

/// The document without its prose. `info.title` and `info.version` are kept: they name it.
pub fn strip_prose(document: &Value) -> Value {
    let mut facts = strip(document, false);
    if let (Some(info), Some(Value::Mapping(kept))) = (document.get("info"), facts.get_mut("info"))
    {
        for key in ["title", "version"] {
            if let Some(value) = info.get(key) {
                kept.insert(key.into(), value.clone());
            }
        }
    }
    facts
}

/// `names`: the map's keys are names, not keywords.
fn strip(node: &Value, names: bool) -> Value {
    match node {
        Value::Mapping(map) => {
            let mut kept = Mapping::new();
            for (key, value) in map {
                let key_text = key.as_str().unwrap_or_default();
                if !names && PROSE.contains(&key_text) {
                    continue;
                }
                // The values of a name map are objects again; a name map's own `properties`
                // key is a property's name, and its value a schema.
                let child_names = !names && NAME_MAPS.contains(&key_text) && value.is_mapping();
                kept.insert(key.clone(), strip(value, child_names));
            }
            Value::Mapping(kept)
        }
        Value::Sequence(list) => Value::Sequence(list.iter().map(|v| strip(v, false)).collect()),
        other => other.clone(),
    }
}

/// One fact that differs between two documents, by JSON pointer.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Added(String),
    Removed(String),
    /// The pointer, the old value, the new value (scalars, as YAML).
    Changed(String, String, String),
}

impl Change {
    /// Where it is: a pointer, perhaps followed by `: value` (a list's scalar) or the name of a
    /// parameter.
    pub fn place(&self) -> &str {
        match self {
            Change::Added(at) | Change::Removed(at) | Change::Changed(at, ..) => at,
        }
    }
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::Added(at) => write!(f, "+ {at}"),
            Change::Removed(at) => write!(f, "- {at}"),
            Change::Changed(at, old, new) => write!(f, "~ {at}: {old} -> {new}"),
        }
    }
}

/// What differs between two fact trees, in the newer one's order. A whole new or removed map
/// is one change; lists of scalars (`enum`, `required`, `type`) change value by value;
/// parameter lists are matched by `name` and `in`, other lists by position.
pub fn changes(old: &Value, new: &Value) -> Vec<Change> {
    let mut found = Vec::new();
    compare(old, new, &mut Vec::new(), &mut found);
    found
}

fn compare(old: &Value, new: &Value, at: &mut Vec<Step>, found: &mut Vec<Change>) {
    match (old, new) {
        (Value::Mapping(old_map), Value::Mapping(new_map)) => {
            for (key, value) in new_map {
                let Some(name) = key.as_str() else { continue };
                at.push(Step::Key(name.to_owned()));
                match old_map.get(key) {
                    Some(previous) => compare(previous, value, at, found),
                    None => found.push(Change::Added(pointer(at))),
                }
                at.pop();
            }
            for key in old_map.keys().filter(|k| !new_map.contains_key(*k)) {
                at.push(Step::Key(key.as_str().unwrap_or_default().to_owned()));
                found.push(Change::Removed(pointer(at)));
                at.pop();
            }
        }
        (Value::Sequence(old_list), Value::Sequence(new_list))
            if old_list.iter().chain(new_list).all(is_scalar) =>
        {
            let here = pointer(at);
            for value in new_list.iter().filter(|v| !old_list.contains(v)) {
                found.push(Change::Added(format!("{here}: {}", scalar_text(value))));
            }
            for value in old_list.iter().filter(|v| !new_list.contains(v)) {
                found.push(Change::Removed(format!("{here}: {}", scalar_text(value))));
            }
        }
        (Value::Sequence(old_list), Value::Sequence(new_list)) => {
            let key = |item: &Value| -> Option<String> {
                Some(format!(
                    "{}:{}",
                    item.get("in")?.as_str()?,
                    item.get("name")?.as_str()?
                ))
            };
            let keyed = old_list
                .iter()
                .chain(new_list)
                .all(|item| key(item).is_some());
            for (index, item) in new_list.iter().enumerate() {
                at.push(Step::Index(index));
                let previous = if keyed {
                    old_list.iter().find(|o| key(o) == key(item))
                } else {
                    old_list.get(index)
                };
                match previous {
                    Some(previous) => compare(previous, item, at, found),
                    None => found.push(Change::Added(describe(at, item))),
                }
                at.pop();
            }
            for (index, item) in old_list.iter().enumerate() {
                let gone = if keyed {
                    !new_list.iter().any(|n| key(n) == key(item))
                } else {
                    index >= new_list.len()
                };
                if gone {
                    at.push(Step::Index(index));
                    found.push(Change::Removed(describe(at, item)));
                    at.pop();
                }
            }
        }
        (old, new) if old != new => found.push(Change::Changed(
            pointer(at),
            scalar_text(old),
            scalar_text(new),
        )),
        _ => {}
    }
}

fn describe(at: &[Step], item: &Value) -> String {
    match (
        item.get("in").and_then(Value::as_str),
        item.get("name").and_then(Value::as_str),
    ) {
        (Some(place), Some(name)) => format!("{} ({place} parameter `{name}`)", pointer(at)),
        _ => pointer(at),
    }
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Mapping(_) | Value::Sequence(_))
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => "null".to_owned(),
        other => serde_yaml::to_string(other)
            .map(|t| t.trim_end().replace('\n', " "))
            .unwrap_or_default(),
    }
}

/// The document's component schemas, by name.
pub fn schemas(document: &Value) -> Option<&Mapping> {
    document.get("components")?.get("schemas")?.as_mapping()
}

/// The component schemas a client receives: reached from a response, a webhook, a callback,
/// or from no operation at all (Gladia lists its WebSocket and callback messages that way).
/// Those only requests reach are left out: a field removed from them can go.
pub fn received_schemas(document: &Value) -> HashSet<String> {
    let schemas = schemas(document);
    let mut sent = HashSet::new();
    let mut received = HashSet::new();
    let mut referenced = HashSet::new();
    if let Some(paths) = document.get("paths").and_then(Value::as_mapping) {
        for item in paths.values() {
            for (method, operation) in item.as_mapping().into_iter().flatten() {
                if method.as_str() == Some("parameters") {
                    collect_refs(operation, &mut sent);
                    continue;
                }
                for (key, part) in operation.as_mapping().into_iter().flatten() {
                    match key.as_str() {
                        Some("requestBody" | "parameters") => collect_refs(part, &mut sent),
                        _ => collect_refs(part, &mut received),
                    }
                }
            }
        }
    }
    if let Some(webhooks) = document.get("webhooks") {
        collect_refs(webhooks, &mut received);
    }
    if let Some(schemas) = schemas {
        for schema in schemas.values() {
            collect_refs(schema, &mut referenced);
        }
        for name in schemas.keys().filter_map(Value::as_str) {
            if !referenced.contains(name) && !sent.contains(name) && !received.contains(name) {
                received.insert(name.to_owned());
            }
        }
    }
    close_over_refs(schemas, received)
}

/// The schema names `$ref`s in `node` point at.
fn collect_refs(node: &Value, into: &mut HashSet<String>) {
    match node {
        Value::Mapping(map) => {
            for (key, value) in map {
                if key.as_str() == Some("$ref") {
                    if let Some(name) = value
                        .as_str()
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    {
                        into.insert(name.to_owned());
                    }
                } else {
                    collect_refs(value, into);
                }
            }
        }
        Value::Sequence(list) => list.iter().for_each(|v| collect_refs(v, into)),
        _ => {}
    }
}

fn close_over_refs(schemas: Option<&Mapping>, mut names: HashSet<String>) -> HashSet<String> {
    let mut todo: Vec<String> = names.iter().cloned().collect();
    while let Some(name) = todo.pop() {
        let mut found = HashSet::new();
        if let Some(schema) = schemas.and_then(|s| s.get(name.as_str())) {
            collect_refs(schema, &mut found);
        }
        for next in found {
            if names.insert(next.clone()) {
                todo.push(next);
            }
        }
    }
    names
}

/// Properties of received schemas that the new document dropped: `(schema, property, its old
/// facts)`, in the old document's order. Accounts still hold jobs and sessions made before, so
/// the client keeps reading them.
pub fn dropped_received_properties(old: &Value, new: &Value) -> Vec<(String, String, Value)> {
    let received = received_schemas(old);
    let empty = Mapping::new();
    let old_schemas = schemas(old).unwrap_or(&empty);
    let new_schemas = schemas(new).unwrap_or(&empty);
    let mut dropped = Vec::new();
    for (name, schema) in old_schemas {
        let Some(name) = name.as_str().filter(|n| received.contains(*n)) else {
            continue;
        };
        let Some(now) = new_schemas.get(name) else {
            continue;
        };
        let properties = |s: &Value| s.get("properties").and_then(Value::as_mapping).cloned();
        let (Some(before), after) = (properties(schema), properties(now).unwrap_or_default())
        else {
            continue;
        };
        for (property, facts) in &before {
            if !after.contains_key(property) {
                let property = property.as_str().unwrap_or_default().to_owned();
                dropped.push((name.to_owned(), property, facts.clone()));
            }
        }
    }
    dropped
}

/// The schemas a kept property names that the new document no longer has.
pub fn missing_schemas(kept: &Value, new: &Value) -> BTreeSet<String> {
    let mut named = HashSet::new();
    collect_refs(kept, &mut named);
    let has = |name: &str| schemas(new).is_some_and(|s| s.contains_key(name));
    named.into_iter().filter(|name| !has(name)).collect()
}

/// The places that still want the project's words: operations without a summary, schemas,
/// properties, parameters and tags without a description; as pointers, in document order.
pub fn needing_words(document: &Value) -> Vec<String> {
    let mut wanting = Vec::new();
    let lacks = |node: &Value, key: &str| {
        node.get(key)
            .and_then(Value::as_str)
            .is_none_or(|t| t.trim().is_empty())
    };
    for (index, tag) in document
        .get("tags")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if lacks(tag, "description") {
            wanting.push(format!("/tags/{index}"));
        }
    }
    if let Some(paths) = document.get("paths").and_then(Value::as_mapping) {
        for (path, item) in paths {
            let path = path
                .as_str()
                .unwrap_or_default()
                .replace('~', "~0")
                .replace('/', "~1");
            for (method, operation) in item.as_mapping().into_iter().flatten() {
                let method = method.as_str().unwrap_or_default();
                if method == "parameters" || !operation.is_mapping() {
                    continue;
                }
                if lacks(operation, "summary") && lacks(operation, "description") {
                    wanting.push(format!("/paths/{path}/{method}"));
                }
                let parameters = operation.get("parameters").and_then(Value::as_sequence);
                for (i, parameter) in parameters.into_iter().flatten().enumerate() {
                    if parameter.get("$ref").is_none() && lacks(parameter, "description") {
                        wanting.push(format!("/paths/{path}/{method}/parameters/{i}"));
                    }
                }
            }
        }
    }
    for (name, schema) in schemas(document).into_iter().flatten() {
        let name = name.as_str().unwrap_or_default();
        if lacks(schema, "description") {
            wanting.push(format!("/components/schemas/{name}"));
        }
        let properties = schema.get("properties").and_then(Value::as_mapping);
        for (property, facts) in properties.into_iter().flatten() {
            // A property that is only a `$ref` takes the description of what it names.
            if lacks(facts, "description") && facts.get("$ref").is_none() {
                let property = property.as_str().unwrap_or_default();
                wanting.push(format!("/components/schemas/{name}/properties/{property}"));
            }
        }
    }
    wanting
}

/// OpenAPI requires a description on every response; where neither Gladia's facts nor the
/// project's overlay give one, the status code's reason phrase stands in.
pub fn describe_responses(document: &mut Value) {
    if let Some(Value::Mapping(paths)) = document.get_mut("paths") {
        for item in paths.values_mut() {
            for operation in item
                .as_mapping_mut()
                .into_iter()
                .flat_map(|m| m.values_mut())
            {
                if let Some(Value::Mapping(codes)) = operation.get_mut("responses") {
                    for (code, response) in codes.iter_mut() {
                        let Value::Mapping(response) = response else {
                            continue;
                        };
                        if !response.contains_key("$ref") && !response.contains_key("description") {
                            let phrase = reason_phrase(code.as_str().unwrap_or_default());
                            response.insert("description".into(), phrase.into());
                        }
                    }
                }
            }
        }
    }
}

fn reason_phrase(code: &str) -> &'static str {
    match code {
        "200" => "OK",
        "201" => "Created",
        "202" => "Accepted",
        "204" => "No Content",
        "400" => "Bad Request",
        "401" => "Unauthorized",
        "403" => "Forbidden",
        "404" => "Not Found",
        "409" => "Conflict",
        "413" => "Content Too Large",
        "422" => "Unprocessable Content",
        "429" => "Too Many Requests",
        "500" => "Internal Server Error",
        _ => "Response",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::tree;

    #[test]
    fn prose_goes_and_names_stay() {
        let document = tree(
            "info: {title: T, version: '1', description: prose}\n\
             components:\n  schemas:\n    description:\n      type: object\n      description: prose\n      title: prose\n      example: {a: 1}\n      properties:\n        summary: {type: string, description: prose, default: x}\n        title: {type: string, enum: [a]}\n",
        );
        assert_eq!(
            strip_prose(&document),
            tree(
                "info: {title: T, version: '1'}\n\
                 components:\n  schemas:\n    description:\n      type: object\n      properties:\n        summary: {type: string, default: x}\n        title: {type: string, enum: [a]}\n"
            )
        );
    }

    #[test]
    fn changes_name_each_fact_once() {
        let old = tree(
            "paths:\n  /a:\n    get:\n      parameters: [{name: x, in: query, schema: {type: string}}, {name: y, in: query}]\n\
             components: {schemas: {M: {enum: [a, b]}, Gone: {type: object}, K: {properties: {p: {type: string}}}}}\n",
        );
        let new = tree(
            "paths:\n  /a:\n    get:\n      parameters: [{name: z, in: query}, {name: x, in: query, schema: {type: integer}}]\n\
             components: {schemas: {M: {enum: [a, c]}, K: {properties: {p: {type: string}, q: {type: string}}}}}\n",
        );
        let changes: Vec<String> = changes(&old, &new)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            changes,
            [
                "+ /paths/~1a/get/parameters/0 (query parameter `z`)",
                "~ /paths/~1a/get/parameters/1/schema/type: string -> integer",
                "- /paths/~1a/get/parameters/1 (query parameter `y`)",
                "+ /components/schemas/M/enum: c",
                "- /components/schemas/M/enum: b",
                "+ /components/schemas/K/properties/q",
                "- /components/schemas/Gone",
            ]
        );
    }

    #[test]
    fn dropped_properties_are_kept_only_where_a_client_receives_them() {
        let old = tree(
            "paths:\n  /jobs:\n    post:\n      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Request'}}}}\n      responses: {'200': {content: {application/json: {schema: {$ref: '#/components/schemas/Job'}}}}}\n\
             components:\n  schemas:\n    Request: {properties: {old_option: {type: boolean}, keep: {type: boolean}}}\n    Job: {properties: {params: {$ref: '#/components/schemas/Params'}}}\n    Params: {properties: {old_result: {$ref: '#/components/schemas/OldShape'}}}\n    OldShape: {type: object}\n    Message: {properties: {legacy: {type: string}}}\n",
        );
        let new = tree(
            "paths:\n  /jobs:\n    post:\n      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Request'}}}}\n      responses: {'200': {content: {application/json: {schema: {$ref: '#/components/schemas/Job'}}}}}\n\
             components:\n  schemas:\n    Request: {properties: {keep: {type: boolean}}}\n    Job: {properties: {params: {$ref: '#/components/schemas/Params'}}}\n    Params: {properties: {}}\n    Message: {properties: {}}\n",
        );
        let dropped: Vec<(String, String)> = dropped_received_properties(&old, &new)
            .into_iter()
            .map(|(schema, property, _)| (schema, property))
            .collect();
        assert_eq!(
            dropped,
            [
                ("Params".to_owned(), "old_result".to_owned()),
                ("Message".to_owned(), "legacy".to_owned())
            ]
        );
        let kept = tree("{$ref: '#/components/schemas/OldShape'}");
        assert_eq!(
            missing_schemas(&kept, &new),
            BTreeSet::from(["OldShape".to_owned()])
        );
    }

    #[test]
    fn places_without_words_are_listed() {
        let document = tree(
            "tags: [{name: A}, {name: B, description: ours}]\n\
             paths: {/a: {get: {parameters: [{name: q, in: query}], responses: {}}}}\n\
             components: {schemas: {S: {description: ours, properties: {p: {type: string}, r: {$ref: '#/x'}, d: {description: ours}}}}}\n",
        );
        assert_eq!(
            needing_words(&document),
            [
                "/tags/0",
                "/paths/~1a/get",
                "/paths/~1a/get/parameters/0",
                "/components/schemas/S/properties/p"
            ]
        );
    }
}
