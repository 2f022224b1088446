//! The generic tree made ready for openapiv3 2.x, a model of OpenAPI 3.0: the version is checked,
//! OpenAPI 3.1 / JSON Schema 2020-12 spellings are rewritten into their 3.0 equivalents, and the
//! shape of every schema keyword is checked, so that an error names the keyword instead of
//! openapiv3's "did not match any variant" at the top of a component.
//!
//! Rewrites keep the keys where they were, so JSON pointers into the original text stay valid:
//! - `type: [T, "null"]` → `type: T` + `nullable: true`; `anyOf`/`oneOf` with a `{type: "null"}`
//!   member → the other members + `nullable: true`;
//! - `const: v` → `enum: [v]`; `examples: [a, …]` → `example: a`;
//! - numeric `exclusiveMinimum: n` → `minimum: n` + `exclusiveMinimum: true` (and maximum);
//! - a `number` enum whose values are all whole → an `integer` enum;
//! - boolean schemas: `true` → `{}`; a 3.1 document without `paths` gets an empty one;
//! - a `$ref` with `description`, `nullable`… beside it (which 3.1 reads, and most 3.0 writers
//!   mean) → `allOf: [{$ref}]` with them beside it, the wrapper conversion reads;
//! - `properties`/`required` beside an `allOf` (which openapiv3 would drop) → one more `allOf`
//!   member that holds them;
//! - a schema without `type` whose keywords belong to one type gets that type (`properties` →
//!   `object`, `items` → `array`, `enum` of strings → `string`…).

use serde_yaml::{Mapping, Value};

use crate::error::{Error, Warning};
use crate::source::escape;

const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

type Visit = fn(&mut Value, &str, &mut Vec<Warning>) -> Result<(), Error>;

/// Checks the version and rewrites the tree in place; returns what it ignored, as warnings.
pub fn normalize(doc: &mut Value) -> Result<Vec<Warning>, Error> {
    let mut warnings = Vec::new();
    let Value::Mapping(root) = doc else {
        return Err(Error::invalid("#", "an OpenAPI document is a map"));
    };
    check_version(root)?;
    root.entry(Value::from("paths"))
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    if let Some(Value::Mapping(components)) = root.get_mut("components") {
        let sections: [(&str, Visit); 5] = [
            ("schemas", schema),
            ("parameters", parameter),
            ("headers", parameter),
            ("responses", response),
            ("requestBodies", body),
        ];
        for (section, visit) in sections {
            if let Some(Value::Mapping(items)) = components.get_mut(section) {
                for (name, item) in items.iter_mut() {
                    let pointer = format!("#/components/{section}/{}", key(name));
                    visit(item, &pointer, &mut warnings)?;
                }
            }
        }
    }
    if let Some(Value::Mapping(paths)) = root.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            path_item(item, &format!("#/paths/{}", key(path)), &mut warnings)?;
        }
    }
    Ok(warnings)
}

fn check_version(root: &Mapping) -> Result<(), Error> {
    if let Some(swagger) = root.get("swagger") {
        return Err(Error::invalid(
            "#/swagger",
            format!(
                "Swagger {} is not read; convert the document to OpenAPI 3.0 or 3.1",
                scalar_text(swagger)
            ),
        ));
    }
    match root.get("openapi") {
        None => Err(Error::invalid(
            "#",
            "not an OpenAPI document: no `openapi` version",
        )),
        Some(Value::String(version))
            if ["3.0.", "3.1."].iter().any(|v| version.starts_with(v))
                || version == "3.0"
                || version == "3.1" =>
        {
            Ok(())
        }
        Some(other) => Err(Error::invalid(
            "#/openapi",
            format!(
                "OpenAPI version `{}`; only 3.0.x and 3.1.x are read (quote the version as a string)",
                scalar_text(other)
            ),
        )),
    }
}

/// A YAML scalar as the text it would be written with, for messages.
pub(crate) fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}

fn key(name: &Value) -> String {
    escape(&scalar_text(name))
}

fn path_item(item: &mut Value, pointer: &str, w: &mut Vec<Warning>) -> Result<(), Error> {
    let Value::Mapping(item) = item else {
        return Err(Error::invalid(pointer, "a path item is a map"));
    };
    parameters(item, pointer, w)?;
    for method in HTTP_METHODS {
        if let Some(operation) = item.get_mut(method) {
            let pointer = format!("{pointer}/{method}");
            let Value::Mapping(operation) = operation else {
                return Err(Error::invalid(&pointer, "an operation is a map"));
            };
            if operation.contains_key("$ref") {
                return Err(Error::unsupported(
                    &format!("{pointer}/$ref"),
                    "an operation that is a `$ref` (OpenAPI has none); bundle the document first \
                     (e.g. with `redocly bundle`)",
                ));
            }
            check_keywords(operation, &pointer, &OPERATION_KEYWORDS)?;
            if let Some(tags) = operation.get("tags") {
                let strings = tags
                    .as_sequence()
                    .is_some_and(|tags| tags.iter().all(Value::is_string));
                if !strings {
                    return Err(Error::invalid(
                        &format!("{pointer}/tags"),
                        "a list of tag names",
                    ));
                }
            }
            parameters(operation, &pointer, w)?;
            if let Some(request) = operation.get_mut("requestBody") {
                body(request, &format!("{pointer}/requestBody"), w)?;
            }
            match operation.get_mut("responses") {
                Some(Value::Mapping(responses)) => {
                    for (status, item) in responses.iter_mut() {
                        response(item, &format!("{pointer}/responses/{}", key(status)), w)?;
                    }
                }
                Some(_) => {
                    return Err(Error::invalid(
                        &format!("{pointer}/responses"),
                        "`responses` is a map of status codes",
                    ))
                }
                // Optional in 3.1, required by openapiv3: none is an operation that lists no
                // answer, which conversion reads as any 2xx without a body.
                None => {
                    operation.insert("responses".into(), Value::Mapping(Mapping::new()));
                }
            }
        }
    }
    Ok(())
}

fn parameters(owner: &mut Mapping, pointer: &str, w: &mut Vec<Warning>) -> Result<(), Error> {
    match owner.get_mut("parameters") {
        None => Ok(()),
        Some(Value::Sequence(items)) => items
            .iter_mut()
            .enumerate()
            .try_for_each(|(i, item)| parameter(item, &format!("{pointer}/parameters/{i}"), w)),
        Some(_) => Err(Error::invalid(
            &format!("{pointer}/parameters"),
            "`parameters` is a list",
        )),
    }
}

fn parameter(item: &mut Value, pointer: &str, w: &mut Vec<Warning>) -> Result<(), Error> {
    let map = object(item, pointer, "a parameter")?;
    if map.contains_key("$ref") {
        return reference(map, pointer);
    }
    check_keywords(map, pointer, &PARAMETER_KEYWORDS)?;
    let place = map.get("in").and_then(Value::as_str);
    // Header objects (under `headers`) have neither `name` nor `in`.
    if map.contains_key("in") || map.contains_key("name") {
        if !map.get("name").is_some_and(Value::is_string) {
            return Err(Error::invalid(pointer, "a parameter needs a `name` string"));
        }
        if !matches!(place, Some("query" | "header" | "path" | "cookie")) {
            return Err(Error::invalid(
                &format!("{pointer}/in"),
                "`in` is one of query, header, path, cookie",
            ));
        }
    }
    if let Some(item) = map.get_mut("schema") {
        schema(item, &format!("{pointer}/schema"), w)?;
    }
    content(map, pointer, w)
}

fn body(item: &mut Value, pointer: &str, w: &mut Vec<Warning>) -> Result<(), Error> {
    let map = object(item, pointer, "a request body")?;
    if map.contains_key("$ref") {
        return reference(map, pointer);
    }
    content(map, pointer, w)
}

fn response(item: &mut Value, pointer: &str, w: &mut Vec<Warning>) -> Result<(), Error> {
    let map = object(item, pointer, "a response")?;
    if map.contains_key("$ref") {
        return reference(map, pointer);
    }
    // Required by OpenAPI, yet often left out; nothing depends on it but docs.
    map.entry("description".into())
        .or_insert_with(|| Value::from(""));
    check_keywords(map, pointer, &RESPONSE_KEYWORDS)?;
    if let Some(Value::Mapping(headers)) = map.get_mut("headers") {
        for (name, header) in headers.iter_mut() {
            parameter(header, &format!("{pointer}/headers/{}", key(name)), w)?;
        }
    }
    content(map, pointer, w)
}

fn content(map: &mut Mapping, pointer: &str, w: &mut Vec<Warning>) -> Result<(), Error> {
    match map.get_mut("content") {
        None => Ok(()),
        Some(Value::Mapping(media_types)) => {
            for (media, item) in media_types.iter_mut() {
                let pointer = format!("{pointer}/content/{}", key(media));
                let media = object(item, &pointer, "a media type")?;
                if let Some(item) = media.get_mut("schema") {
                    schema(item, &format!("{pointer}/schema"), w)?;
                }
            }
            Ok(())
        }
        Some(_) => Err(Error::invalid(
            &format!("{pointer}/content"),
            "`content` is a map of media types",
        )),
    }
}

/// Keywords whose value must be a string (`S`) or a boolean (`B`).
const OPERATION_KEYWORDS: [(&str, char); 4] = [
    ("summary", 'S'),
    ("description", 'S'),
    ("operationId", 'S'),
    ("deprecated", 'B'),
];
const PARAMETER_KEYWORDS: [(&str, char); 5] = [
    ("name", 'S'),
    ("description", 'S'),
    ("required", 'B'),
    ("deprecated", 'B'),
    ("allowEmptyValue", 'B'),
];
const RESPONSE_KEYWORDS: [(&str, char); 1] = [("description", 'S')];

fn check_keywords(map: &Mapping, pointer: &str, keywords: &[(&str, char)]) -> Result<(), Error> {
    for (keyword, kind) in keywords {
        let fits = match (map.get(*keyword), kind) {
            (None, _) => true,
            (Some(value), 'S') => value.is_string(),
            (Some(value), _) => value.is_bool(),
        };
        if !fits {
            let what = if *kind == 'S' {
                "a string"
            } else {
                "true or false"
            };
            return Err(Error::invalid(&format!("{pointer}/{keyword}"), what));
        }
    }
    Ok(())
}

fn object<'v>(item: &'v mut Value, pointer: &str, what: &str) -> Result<&'v mut Mapping, Error> {
    match item {
        Value::Mapping(map) => Ok(map),
        _ => Err(Error::invalid(pointer, format!("{what} is a map"))),
    }
}

fn reference(map: &Mapping, pointer: &str) -> Result<(), Error> {
    match map.get("$ref") {
        Some(Value::String(target)) if target.starts_with('#') => Ok(()),
        Some(Value::String(target)) => Err(Error::unsupported(
            &format!("{pointer}/$ref"),
            format!(
                "`{target}`: external references are not supported; bundle the document first \
                 (e.g. with `redocly bundle`)"
            ),
        )),
        _ => Err(Error::invalid(
            &format!("{pointer}/$ref"),
            "`$ref` is a string",
        )),
    }
}

/// Checks and rewrites one schema and every schema inside it.
fn schema(item: &mut Value, pointer: &str, w: &mut Vec<Warning>) -> Result<(), Error> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The component schema `S` of a document, after normalisation.
    fn normalized(schema: &str) -> Value {
        let text = format!(
            "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\ncomponents:\n  schemas:\n    S: {schema}\n"
        );
        let mut doc: Value = serde_yaml::from_str(&text).unwrap();
        normalize(&mut doc).unwrap();
        doc["components"]["schemas"]["S"].clone()
    }

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn openapi_31_spellings_become_30() {
        assert_eq!(
            normalized("{type: [string, 'null']}"),
            yaml("{type: string, nullable: true}")
        );
        assert_eq!(
            normalized("{type: string, const: a}"),
            yaml("{type: string, enum: [a]}")
        );
        assert_eq!(
            normalized("{type: string, examples: [a, b]}"),
            yaml("{type: string, example: a}")
        );
        assert_eq!(
            normalized("{type: number, exclusiveMinimum: 0}"),
            yaml("{type: number, exclusiveMinimum: true, minimum: 0}")
        );
        assert_eq!(
            normalized("{anyOf: [{$ref: '#/x'}, {type: 'null'}]}"),
            yaml("{anyOf: [{$ref: '#/x'}], nullable: true}")
        );
        assert_eq!(
            normalized("{$ref: '#/x', description: d}"),
            yaml("{description: d, allOf: [{$ref: '#/x'}]}")
        );
        assert_eq!(
            normalized(
                "{type: object, allOf: [{$ref: '#/x'}], properties: {a: {}}, required: [a]}"
            ),
            yaml("{allOf: [{$ref: '#/x'}, {type: object, properties: {a: {}}, required: [a]}]}")
        );
    }

    #[test]
    fn types_follow_from_values_and_keywords() {
        assert_eq!(
            normalized("{type: number, enum: [1, 2.0], format: float}"),
            yaml("{type: integer, enum: [1, 2]}")
        );
        assert_eq!(
            normalized("{enum: [a, b]}"),
            yaml("{enum: [a, b], type: string}")
        );
        assert_eq!(
            normalized("{properties: {}}"),
            yaml("{properties: {}, type: object}")
        );
        assert_eq!(
            normalized("{format: int32}"),
            yaml("{format: int32, type: integer}")
        );
        assert_eq!(normalized("{description: d}"), yaml("{description: d}"));
        assert_eq!(
            normalized("{type: integer, minimum: 1.0}"),
            yaml("{type: integer, minimum: 1}")
        );
    }

    #[test]
    fn keywords_that_constrain_nothing_give_way() {
        assert_eq!(
            normalized("{type: object, allOf: [{$ref: '#/x'}, {description: d, x-y: 1}]}"),
            yaml("{allOf: [{$ref: '#/x'}], description: d, x-y: 1}")
        );
        assert_eq!(
            normalized("{description: mine, allOf: [{$ref: '#/x'}, {description: d}]}"),
            yaml("{description: mine, allOf: [{$ref: '#/x'}]}")
        );
        assert_eq!(
            normalized("{type: object, oneOf: [{$ref: '#/x'}]}"),
            yaml("{oneOf: [{$ref: '#/x'}]}")
        );
        assert_eq!(
            normalized("{type: string, minimum: 1, items: {}, maxLength: 2}"),
            yaml("{type: string, maxLength: 2}")
        );
    }

    #[test]
    fn versions_other_than_3_0_and_3_1_are_refused() {
        for text in [
            "swagger: '2.0'",
            "openapi: '2.0'",
            "openapi: 3.1",
            "openapi: '4.0.0'",
            "{}",
        ] {
            let mut doc: Value = serde_yaml::from_str(text).unwrap();
            assert!(normalize(&mut doc).is_err(), "{text}");
        }
        let mut doc: Value = serde_yaml::from_str("openapi: 3.0.3").unwrap();
        assert!(normalize(&mut doc).is_ok());
    }
}
