//! Schemas made ready for openapiv3: 3.1 spellings rewritten as 3.0, keywords checked against
//! the type they apply to, compositions and references tidied (see the module above).

use serde_yaml::{Mapping, Value};

use super::*;

const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

pub(super) fn schema(item: &mut Value, pointer: &str, w: &mut Vec<Warning>) -> Result<(), Error> {
    match item {
        Value::Bool(true) => {
            *item = Value::Mapping(Mapping::new());
            return Ok(());
        }
        Value::Bool(false) => {
            return Err(Error::unsupported(pointer, "the `false` schema"));
        }
        _ => {}
    }
    let map = object(item, pointer, "a schema")?;
    if map.contains_key("$ref") {
        reference(map, pointer)?;
        wrap_reference(map);
        return Ok(());
    }
    let at = |keyword: &str| format!("{pointer}/{}", escape(keyword));
    lift_annotation_parts(map);
    type_keyword(map, &at("type"))?;
    fold_into_all_of(map);
    drop_type_beside_composition(map);
    infer_type(map);
    ignore_foreign_keywords(map, pointer, w);
    for keyword in ["anyOf", "oneOf"] {
        drop_null_member(map, keyword);
    }
    if let Some(value) = map.remove("const") {
        if !map.contains_key("enum") {
            map.insert("enum".into(), Value::Sequence(vec![value]));
        }
    }
    if let Some(examples) = map.remove("examples") {
        if let (false, Value::Sequence(mut examples)) = (map.contains_key("example"), examples) {
            if !examples.is_empty() {
                map.insert("example".into(), examples.swap_remove(0));
            }
        }
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        match map.get(exclusive) {
            Some(Value::Number(n)) => {
                let n = Value::Number(n.clone());
                map.insert(bound.into(), n);
                map.insert(exclusive.into(), Value::Bool(true));
            }
            Some(Value::Bool(_)) | None => {}
            Some(_) => return Err(Error::invalid(&at(exclusive), "a number or a boolean")),
        }
    }
    let integer = map.get("type").and_then(Value::as_str) == Some("integer");
    for keyword in ["minimum", "maximum", "multipleOf"] {
        match map.get(keyword) {
            Some(value) if !value.is_number() => {
                return Err(Error::invalid(&at(keyword), "a number"));
            }
            // openapiv3 reads an integer schema's bounds as integers: `1.0` is `1`; a bound
            // beyond `i64` (`-9223372036854776000`, JavaScript's `i64::MIN`) is the nearest.
            Some(value) if integer && value.as_i64().is_none() => {
                let whole = value
                    .as_f64()
                    .filter(|f| f.fract() == 0.0)
                    .ok_or_else(|| Error::invalid(&at(keyword), "a whole number"))?;
                let nearest = whole as i64; // saturates
                if whole.abs() >= 9e15 {
                    w.push(Warning::new(
                        &at(keyword),
                        format!(
                            "{} is not an exact 64-bit integer; read as {nearest}",
                            scalar_text(value)
                        ),
                    ));
                }
                map.insert(keyword.into(), Value::from(nearest));
            }
            _ => {}
        }
    }
    if let Some(docs) = map.get("externalDocs") {
        if !docs.get("url").is_some_and(Value::is_string) {
            return Err(Error::invalid(
                &at("externalDocs"),
                "a map with a `url` string",
            ));
        }
    }
    for keyword in [
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
    ] {
        if map.get(keyword).is_some_and(|v| v.as_u64().is_none()) {
            return Err(Error::invalid(&at(keyword), "a whole number, 0 or more"));
        }
    }
    for keyword in ["description", "title", "pattern", "format"] {
        if map.get(keyword).is_some_and(|v| !v.is_string()) {
            return Err(Error::invalid(&at(keyword), "a string"));
        }
    }
    for keyword in [
        "nullable",
        "deprecated",
        "readOnly",
        "writeOnly",
        "uniqueItems",
    ] {
        if map.get(keyword).is_some_and(|v| !v.is_bool()) {
            return Err(Error::invalid(&at(keyword), "true or false"));
        }
    }
    if let Some(required) = map.get("required") {
        let strings = required
            .as_sequence()
            .is_some_and(|items| items.iter().all(Value::is_string));
        if !strings {
            return Err(Error::invalid(&at("required"), "a list of property names"));
        }
    }
    discriminator(map, &at("discriminator"))?;
    enum_keyword(map, &at("enum"))?;
    if let Some(items) = map.get_mut("items") {
        if items.is_sequence() {
            return Err(Error::unsupported(&at("items"), "a list of item schemas"));
        }
        schema(items, &at("items"), w)?;
    }
    for keyword in ["$recursiveRef", "$dynamicRef"] {
        if map.contains_key(keyword) {
            return Err(Error::unsupported(
                &at(keyword),
                format!("`{keyword}`; write a `$ref` to the component instead"),
            ));
        }
    }
    if map.contains_key("prefixItems") {
        return Err(Error::unsupported(
            &at("prefixItems"),
            "tuples (`prefixItems`)",
        ));
    }
    if let Some(properties) = map.get_mut("properties") {
        let Value::Mapping(properties) = properties else {
            return Err(Error::invalid(&at("properties"), "a map of schemas"));
        };
        for (name, property) in properties.iter_mut() {
            schema(property, &format!("{}/{}", at("properties"), key(name)), w)?;
        }
    }
    if let Some(additional) = map.get_mut("additionalProperties") {
        if !additional.is_bool() {
            schema(additional, &at("additionalProperties"), w)?;
        }
    }
    for keyword in ["allOf", "oneOf", "anyOf"] {
        if let Some(members) = map.get_mut(keyword) {
            let Value::Sequence(members) = members else {
                return Err(Error::invalid(&at(keyword), "a list of schemas"));
            };
            for (i, member) in members.iter_mut().enumerate() {
                schema(member, &format!("{}/{i}", at(keyword)), w)?;
            }
        }
    }
    if let Some(not) = map.get_mut("not") {
        schema(not, &at("not"), w)?;
    }
    Ok(())
}

fn type_keyword(map: &mut Mapping, pointer: &str) -> Result<(), Error> {
    let types: Vec<String> = match map.get("type") {
        None => return Ok(()),
        Some(Value::String(one)) => vec![one.clone()],
        Some(Value::Sequence(many)) => many
            .iter()
            .map(|t| t.as_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or_else(|| Error::invalid(pointer, "`type` is a string or a list of strings"))?,
        Some(_) => {
            return Err(Error::invalid(
                pointer,
                "`type` is a string or a list of strings",
            ))
        }
    };
    let nullable = types.iter().any(|t| t == "null");
    let mut rest: Vec<&String> = types.iter().filter(|t| *t != "null").collect();
    rest.dedup();
    if let Some(unknown) = rest.iter().find(|t| !TYPES.contains(&t.as_str())) {
        return Err(Error::invalid(pointer, format!("unknown type `{unknown}`")));
    }
    match rest.as_slice() {
        [] => Err(Error::unsupported(
            pointer,
            "a schema whose only type is `null`",
        )),
        [one] => {
            let one = Value::from(one.as_str());
            map.insert("type".into(), one);
            if nullable {
                map.insert("nullable".into(), Value::Bool(true));
            }
            Ok(())
        }
        _ => Err(Error::unsupported(
            pointer,
            format!(
                "a schema of several types ({}); use oneOf",
                rest.iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// `allOf: [A]` with `properties` beside it means A's properties and these: the sibling
/// object keywords become the last member, so that merging sees them.
fn fold_into_all_of(map: &mut Mapping) {
    const OBJECT_KEYWORDS: [&str; 3] = ["properties", "required", "additionalProperties"];
    if !map.get("allOf").is_some_and(Value::is_sequence)
        || !OBJECT_KEYWORDS.iter().any(|k| map.contains_key(*k))
    {
        return;
    }
    let mut member = Mapping::new();
    member.insert("type".into(), Value::from("object"));
    for keyword in OBJECT_KEYWORDS {
        if let Some(value) = map.remove(keyword) {
            member.insert(keyword.into(), value);
        }
    }
    if map.get("type").and_then(Value::as_str) == Some("object") {
        map.remove("type");
    }
    if let Some(Value::Sequence(members)) = map.get_mut("allOf") {
        members.push(Value::Mapping(member));
    }
}

/// Keywords that document a schema without constraining its values.
const ANNOTATIONS: [&str; 11] = [
    "description",
    "title",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "nullable",
    "externalDocs",
    "$comment",
];

/// `allOf: [{$ref: X}, {description: d}]`, the common way to document a use of X: a part that
/// only annotates constrains nothing, so its keywords move beside the `allOf` (where the schema
/// has none of its own) and the part goes, leaving the description wrapper conversion reads.
fn lift_annotation_parts(map: &mut Mapping) {
    let annotation_only = |part: &Value| {
        part.as_mapping().is_some_and(|part| {
            part.keys().all(|k| {
                k.as_str()
                    .is_some_and(|k| ANNOTATIONS.contains(&k) || k.starts_with("x-"))
            })
        })
    };
    let Some(Value::Sequence(parts)) = map.get_mut("allOf") else {
        return;
    };
    if !parts.iter().any(annotation_only) {
        return;
    }
    let (annotations, rest): (Vec<Value>, Vec<Value>) =
        std::mem::take(parts).into_iter().partition(annotation_only);
    if rest.is_empty() {
        map.remove("allOf");
    } else {
        *parts = rest;
    }
    for part in annotations {
        let Value::Mapping(part) = part else { continue };
        for (keyword, value) in part {
            if !map.contains_key(&keyword) {
                map.insert(keyword, value);
            }
        }
    }
}

/// `type: object` beside `allOf`/`oneOf`/`anyOf` says what the members already say (openapiv3
/// would read the schema as neither a type nor a composition): the members decide. Other keywords
/// of the type stay, and are refused by name in conversion.
fn drop_type_beside_composition(map: &mut Mapping) {
    if ["allOf", "oneOf", "anyOf"]
        .iter()
        .any(|k| map.contains_key(*k))
    {
        map.remove("type");
    }
}

/// The keywords that only constrain values of some types, with those types. JSON Schema ignores
/// such a keyword on a value of another type, so a `minimum` on a string constrains nothing.
const TYPED_KEYWORDS: [(&str, &[&str]); 18] = [
    ("pattern", &["string"]),
    ("minLength", &["string"]),
    ("maxLength", &["string"]),
    ("format", &["string", "number", "integer"]),
    ("minimum", &["number", "integer"]),
    ("maximum", &["number", "integer"]),
    ("exclusiveMinimum", &["number", "integer"]),
    ("exclusiveMaximum", &["number", "integer"]),
    ("multipleOf", &["number", "integer"]),
    ("properties", &["object"]),
    ("required", &["object"]),
    ("additionalProperties", &["object"]),
    ("minProperties", &["object"]),
    ("maxProperties", &["object"]),
    ("items", &["array"]),
    ("minItems", &["array"]),
    ("maxItems", &["array"]),
    ("uniqueItems", &["array"]),
];

/// A keyword that cannot apply to the schema's one type (`minimum` on a string, `format` on an
/// object) constrains nothing, so it is dropped with a warning naming it rather than refused.
fn ignore_foreign_keywords(map: &mut Mapping, pointer: &str, w: &mut Vec<Warning>) {
    let Some(ty) = map.get("type").and_then(Value::as_str).map(str::to_owned) else {
        return;
    };
    for (keyword, types) in TYPED_KEYWORDS {
        if !map.contains_key(keyword) || types.contains(&ty.as_str()) {
            continue;
        }
        map.remove(keyword);
        w.push(Warning::new(
            &format!("{pointer}/{keyword}"),
            format!("`{keyword}` does not apply to a schema of type {ty}; ignored"),
        ));
    }
}

/// Keywords beside a `$ref` that say something about the field holding it.
const REFERENCE_SIBLINGS: [&str; 7] = [
    "description",
    "title",
    "nullable",
    "deprecated",
    "default",
    "readOnly",
    "writeOnly",
];

fn wrap_reference(map: &mut Mapping) {
    if !REFERENCE_SIBLINGS.iter().any(|k| map.contains_key(*k)) {
        return;
    }
    let mut reference = Mapping::new();
    if let Some(target) = map.remove("$ref") {
        reference.insert("$ref".into(), target);
    }
    map.insert(
        "allOf".into(),
        Value::Sequence(vec![Value::Mapping(reference)]),
    );
    // `type: object` beside the `$ref` (Asana writes it) repeats what the target says.
    map.remove("type");
}

/// The type a schema's keywords imply, when it has none and is not a composition.
fn infer_type(map: &mut Mapping) {
    let composed = ["allOf", "oneOf", "anyOf", "not"];
    if map.contains_key("type") || composed.iter().any(|k| map.contains_key(*k)) {
        return;
    }
    let has = |keys: &[&str]| keys.iter().any(|k| map.contains_key(*k));
    let from_enum = map
        .get("enum")
        .and_then(Value::as_sequence)
        .and_then(|values| {
            let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            let all =
                |test: fn(&Value) -> bool| !values.is_empty() && values.iter().all(|v| test(v));
            if all(Value::is_string) {
                Some("string")
            } else if all(|v| v.as_i64().is_some()) {
                Some("integer")
            } else if all(Value::is_number) {
                Some("number")
            } else if all(Value::is_bool) {
                Some("boolean")
            } else {
                None
            }
        });
    let inferred = if has(&[
        "properties",
        "additionalProperties",
        "minProperties",
        "maxProperties",
    ]) {
        Some("object")
    } else if has(&["items", "minItems", "maxItems", "uniqueItems"]) {
        Some("array")
    } else if from_enum.is_some() {
        from_enum
    } else if has(&["minLength", "maxLength", "pattern", "format"]) {
        match map.get("format").and_then(Value::as_str) {
            Some("int32" | "int64") => Some("integer"),
            Some("float" | "double") => Some("number"),
            _ => Some("string"),
        }
    } else if has(&[
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
    ]) {
        Some("number")
    } else {
        None
    };
    if let Some(ty) = inferred {
        map.insert("type".into(), Value::from(ty));
    }
}

/// `anyOf: [X, {type: "null"}]`, 3.1's way to write a nullable X.
fn drop_null_member(map: &mut Mapping, keyword: &str) {
    let Some(Value::Sequence(members)) = map.get_mut(keyword) else {
        return;
    };
    let is_null = |m: &Value| {
        m.as_mapping()
            .is_some_and(|m| m.len() == 1 && m.get("type").and_then(Value::as_str) == Some("null"))
    };
    let before = members.len();
    members.retain(|m| !is_null(m));
    if members.len() == before || members.is_empty() {
        return;
    }
    // One member left stays under its keyword, so that its pointer is the text's when the null
    // member came last: conversion reads a one-member union as that member.
    map.insert("nullable".into(), Value::Bool(true));
}

fn discriminator(map: &Mapping, pointer: &str) -> Result<(), Error> {
    let Some(value) = map.get("discriminator") else {
        return Ok(());
    };
    let valid = value.as_mapping().is_some_and(|d| {
        d.get("propertyName").is_some_and(Value::is_string)
            && d.get("mapping").is_none_or(|m| {
                m.as_mapping()
                    .is_some_and(|m| m.values().all(Value::is_string))
            })
    });
    if valid {
        Ok(())
    } else {
        Err(Error::invalid(
            pointer,
            "a discriminator is a map with a `propertyName` and a `mapping` of strings",
        ))
    }
}

/// Enum values must have the schema's type: openapiv3 would fail without saying which one.
fn enum_keyword(map: &mut Mapping, pointer: &str) -> Result<(), Error> {
    let Some(values) = map.get("enum") else {
        return Ok(());
    };
    let Value::Sequence(values) = values else {
        return Err(Error::invalid(pointer, "`enum` is a list"));
    };
    let ty = map.get("type").and_then(Value::as_str).unwrap_or_default();
    let fits: fn(&Value) -> bool = match ty {
        "string" => Value::is_string,
        "integer" => |v| v.as_i64().is_some(),
        "number" => Value::is_number,
        "boolean" => Value::is_bool,
        _ => return Ok(()),
    };
    for (i, value) in values.iter().enumerate() {
        if !value.is_null() && !fits(value) {
            return Err(Error::invalid(
                &format!("{pointer}/{i}"),
                format!("enum value `{}` is not of type {ty}", scalar_text(value)),
            ));
        }
    }
    let whole = |v: &Value| {
        v.is_null()
            || v.as_i64().is_some()
            || v.as_f64()
                .is_some_and(|f| f.fract() == 0.0 && f.abs() < 9e15)
    };
    if ty == "number" && values.iter().all(whole) {
        let integers = values
            .iter()
            .map(|v| match v.as_f64() {
                Some(f) if v.as_i64().is_none() => Value::from(f as i64),
                _ => v.clone(),
            })
            .collect();
        map.insert("enum".into(), Value::Sequence(integers));
        map.insert("type".into(), Value::from("integer"));
        map.remove("format");
    }
    Ok(())
}
