//! An AsyncAPI 3 document, the messages of an API's WebSocket, folded into the OpenAPI tree it
//! complements, before `normalize`: from there on, one document goes through one pipeline.
//!
//! - Its `components.schemas` join the OpenAPI document's; a name in both is a collision.
//! - `$ref`s into the OpenAPI document (`gladia.yaml#/components/schemas/UtteranceDTO`) become
//!   local, so that shared shapes are written once and generated once.
//! - Each operation that names a Rust type with `x-rust-type` becomes a tagged union of its JSON
//!   messages' payloads, told apart by the property `x-discriminator` names (`type` by default),
//!   whose `const` in each payload is the variant's value. Binary messages carry no JSON and are
//!   left to the runtime.

use serde_yaml::{Mapping, Value};

use crate::error::Error;
use crate::normalize::scalar_text as text;
use crate::source::escape;

const SCHEMAS: &str = "#/components/schemas/";
const DEFAULT_TAG: &str = "type";

/// Merges `asyncapi` into `openapi`; `openapi_name` is the file name the AsyncAPI document uses
/// to refer to the OpenAPI one. Errors carry pointers into the AsyncAPI document.
pub fn merge(openapi: &mut Value, asyncapi: &Value, openapi_name: &str) -> Result<(), Error> {
    let Value::Mapping(root) = asyncapi else {
        return Err(Error::invalid("#", "an AsyncAPI document is a map"));
    };
    match root.get("asyncapi") {
        Some(Value::String(version)) if version.starts_with("3.") => {}
        Some(other) => {
            return Err(Error::invalid(
                "#/asyncapi",
                format!("AsyncAPI {} is not supported; 3.x is", text(other)),
            ))
        }
        None => {
            return Err(Error::invalid(
                "#",
                "no `asyncapi` version: not an AsyncAPI document",
            ))
        }
    }
    let schemas = match root.get("components").and_then(|c| c.get("schemas")) {
        Some(Value::Mapping(schemas)) => schemas.clone(),
        Some(_) => return Err(Error::invalid("#/components/schemas", "expected a map")),
        None => Mapping::new(),
    };
    let mut unions = Vec::new();
    if let Some(operations) = root.get("operations") {
        let Value::Mapping(operations) = operations else {
            return Err(Error::invalid("#/operations", "expected a map"));
        };
        for (name, operation) in operations {
            let pointer = format!("#/operations/{}", escape(&text(name)));
            if let Some(union) = union(root, &schemas, operation, &pointer)? {
                unions.push(union);
            }
        }
    }

    let target = openapi_schemas(openapi)?;
    for (name, schema) in schemas {
        let pointer = format!("{SCHEMAS}{}", escape(&text(&name)));
        let mut schema = schema;
        localize_refs(&mut schema, openapi_name, &pointer, 0)?;
        if target.contains_key(&name) {
            return Err(Error::collision(
                &text(&name),
                format!("the OpenAPI document's `{}`", text(&name)),
                &pointer,
            ));
        }
        target.insert(name, schema);
    }
    for (name, schema, pointer) in unions {
        if target.contains_key(name.as_str()) {
            return Err(Error::collision(
                &name,
                format!("the schema `{name}`"),
                &format!("{pointer}/x-rust-type"),
            ));
        }
        target.insert(Value::from(name), schema);
    }
    Ok(())
}

/// The tagged union an operation asks for with `x-rust-type`, with the pointer of the operation.
fn union(
    root: &Mapping,
    schemas: &Mapping,
    operation: &Value,
    pointer: &str,
) -> Result<Option<(String, Value, String)>, Error> {
    let Some(rust_type) = operation.get("x-rust-type") else {
        return Ok(None);
    };
    let Value::String(rust_type) = rust_type else {
        return Err(Error::invalid(
            &format!("{pointer}/x-rust-type"),
            "expected a type name",
        ));
    };
    let tag = match operation.get("x-discriminator") {
        None => DEFAULT_TAG.to_owned(),
        Some(Value::String(tag)) => tag.clone(),
        Some(_) => {
            let at = format!("{pointer}/x-discriminator");
            return Err(Error::invalid(&at, "expected a property name"));
        }
    };
    let Some(Value::Sequence(messages)) = operation.get("messages") else {
        let at = format!("{pointer}/messages");
        return Err(Error::invalid(
            &at,
            "an operation with `x-rust-type` lists its messages",
        ));
    };
    let mut one_of = Vec::new();
    let mut mapping = Mapping::new();
    for (index, reference) in messages.iter().enumerate() {
        let at = format!("{pointer}/messages/{index}");
        let message = follow(root, reference, &at)?;
        if !carries_json(message) {
            continue;
        }
        let Some(Value::String(payload)) = message.get("payload").and_then(|p| p.get("$ref"))
        else {
            return Err(Error::unsupported(
                &at,
                "a JSON message whose payload is not a `$ref` to components.schemas: name it",
            ));
        };
        let name = payload.strip_prefix(SCHEMAS).ok_or_else(|| {
            Error::unsupported(
                &at,
                format!("payload `{payload}` outside components.schemas"),
            )
        })?;
        let value = schemas
            .get(name)
            .and_then(|schema| schema.get("properties"))
            .and_then(|properties| properties.get(tag.as_str()))
            .and_then(tag_value)
            .ok_or_else(|| {
                Error::unsupported(
                    &format!("{SCHEMAS}{}", escape(name)),
                    format!("a message payload without a `const` string `{tag}` to tell it apart"),
                )
            })?;
        if mapping.contains_key(value.as_str()) {
            return Err(Error::collision(
                rust_type,
                format!("another message whose `{tag}` is `{value}`"),
                &at,
            ));
        }
        let mut option = Mapping::new();
        option.insert("$ref".into(), payload.clone().into());
        one_of.push(Value::Mapping(option));
        mapping.insert(value.into(), payload.clone().into());
    }
    let mut discriminator = Mapping::new();
    discriminator.insert("propertyName".into(), tag.into());
    discriminator.insert("mapping".into(), Value::Mapping(mapping));
    let mut schema = Mapping::new();
    let description = operation
        .get("description")
        .or_else(|| operation.get("summary"))
        .cloned();
    if let Some(description) = description {
        schema.insert("description".into(), description);
    }
    schema.insert("oneOf".into(), Value::Sequence(one_of));
    schema.insert("discriminator".into(), Value::Mapping(discriminator));
    Ok(Some((
        rust_type.clone(),
        Value::Mapping(schema),
        pointer.to_owned(),
    )))
}

/// A message, through the `$ref`s that lead to it (channel message, then component message).
fn follow<'a>(root: &'a Mapping, mut value: &'a Value, pointer: &str) -> Result<&'a Value, Error> {
    for _ in 0..8 {
        let Some(reference) = value.get("$ref") else {
            return Ok(value);
        };
        let Value::String(reference) = reference else {
            return Err(Error::invalid(pointer, "`$ref` is not a string"));
        };
        let path = reference
            .strip_prefix("#/")
            .ok_or_else(|| Error::unresolved(reference, pointer))?;
        let mut node = None::<&Value>;
        for segment in path.split('/') {
            let segment = crate::source::unescape(segment);
            node = match node {
                None => root.get(segment.as_str()),
                Some(parent) => parent.get(segment.as_str()),
            };
            if node.is_none() {
                return Err(Error::unresolved(reference, pointer));
            }
        }
        value = node.ok_or_else(|| Error::unresolved(reference, pointer))?;
    }
    Err(Error::unresolved("a chain of $refs", pointer))
}

/// Whether a message's payload is JSON: its `contentType` says so, or says nothing.
fn carries_json(message: &Value) -> bool {
    match message.get("contentType") {
        Some(Value::String(content_type)) => content_type.contains("json"),
        _ => true,
    }
}

/// The value a payload's tag property holds: its `const`, or the one value of its `enum`.
fn tag_value(property: &Value) -> Option<String> {
    if let Some(Value::String(value)) = property.get("const") {
        return Some(value.clone());
    }
    match property.get("enum") {
        Some(Value::Sequence(values)) if values.len() == 1 => values[0].as_str().map(str::to_owned),
        _ => None,
    }
}

/// Rewrites `$ref`s into the OpenAPI document (`{openapi_name}#/…`) as local ones; refuses any
/// other document.
fn localize_refs(
    value: &mut Value,
    openapi_name: &str,
    pointer: &str,
    depth: usize,
) -> Result<(), Error> {
    // `source::read` bounded the depth already; this keeps the recursion honest on its own.
    if depth > crate::source::MAX_DEPTH {
        return Err(Error::invalid(pointer, "nested too deeply"));
    }
    match value {
        Value::Mapping(map) => {
            for (key, child) in map.iter_mut() {
                let key = text(key);
                let at = format!("{pointer}/{}", escape(&key));
                if key == "$ref" {
                    if let Value::String(reference) = child {
                        if let Some((document, local)) = reference.split_once('#') {
                            if !document.is_empty() {
                                if document != openapi_name {
                                    return Err(Error::unsupported(
                                        &at,
                                        format!("a $ref into `{document}`, which is not `{openapi_name}`"),
                                    ));
                                }
                                *reference = format!("#{local}");
                            }
                        }
                    }
                } else {
                    localize_refs(child, openapi_name, &at, depth + 1)?;
                }
            }
        }
        Value::Sequence(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                localize_refs(item, openapi_name, &format!("{pointer}/{index}"), depth + 1)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The OpenAPI document's `components.schemas`, made if missing.
fn openapi_schemas(openapi: &mut Value) -> Result<&mut Mapping, Error> {
    let Value::Mapping(root) = openapi else {
        return Err(Error::invalid("#", "an OpenAPI document is a map"));
    };
    let components = root
        .entry("components".into())
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    let Value::Mapping(components) = components else {
        return Err(Error::invalid("#/components", "expected a map"));
    };
    let schemas = components
        .entry("schemas".into())
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    match schemas {
        Value::Mapping(schemas) => Ok(schemas),
        _ => Err(Error::invalid("#/components/schemas", "expected a map")),
    }
}
