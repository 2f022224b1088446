//! Schemas made ready for openapiv3: 3.1 spellings rewritten as 3.0, keywords checked against
//! the type they apply to, compositions and references tidied (see the module above).

use serde_yaml::{Mapping, Value};

use super::*;

const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// Keywords checked to be numbers, whole numbers, strings and booleans.
const BOUNDS: [&str; 3] = ["minimum", "maximum", "multipleOf"];
const COUNTS: [&str; 6] = [
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];
const TEXTS: [&str; 4] = ["description", "title", "pattern", "format"];
const FLAGS: [&str; 5] = [
    "nullable",
    "deprecated",
    "readOnly",
    "writeOnly",
    "uniqueItems",
];

/// Whether a keyword's `null` value means it was not written (`default: null` and
/// `enum: [null]` mean a value).
fn null_is_unsaid(keyword: &str) -> bool {
    [&BOUNDS[..], &COUNTS, &TEXTS, &FLAGS]
        .iter()
        .any(|k| k.contains(&keyword))
        || [
            "exclusiveMinimum",
            "exclusiveMaximum",
            "externalDocs",
            "required",
            "properties",
            "items",
        ]
        .contains(&keyword)
}

/// Checks and rewrites one schema and every schema inside it. A schema no rule reads is any
/// JSON value, warned of with the error that says why; the warnings of what was inside it go
/// with it.
pub(super) fn schema(item: &mut Value, pointer: &str, w: &mut Vec<Warning>) {
    if let Value::Sequence(list) = item {
        let instead = if list.is_empty() {
            "an empty list where a schema belongs; read as a schema that says nothing"
        } else {
            "a list where a schema belongs; read as any JSON value"
        };
        w.push(Warning::new(rules::SCHEMA_AS_LIST, pointer, instead));
        *item = Value::Mapping(Mapping::new());
        return;
    }
    let said = w.len();
    if let Err(error) = read_schema(item, pointer, w) {
        w.truncate(said);
        w.push(Warning::unreadable(
            rules::UNREADABLE_SCHEMA,
            &error,
            "the schema is read as any JSON value",
        ));
        *item = Value::Mapping(Mapping::new());
    }
}

/// One schema, in the order its readings depend on: a schema that is not a map, the keywords
/// that end the reading (`$ref`, a URL never fetched), then compositions and types rewritten
/// (3.1's spellings and the lenient readings of `rules`), the shape of each keyword checked,
/// `required`, enums and tuples, and last the schemas inside it.
fn read_schema(item: &mut Value, pointer: &str, w: &mut Vec<Warning>) -> Result<(), Error> {
    if not_a_map(item, pointer, w)? {
        return Ok(());
    }
    let map = object(item, pointer, "a schema")?;
    // `description: null` (Exoscale's generator writes one for what it lacks) says nothing.
    map.retain(|keyword, value| !(value.is_null() && keyword.as_str().is_some_and(null_is_unsaid)));
    recursive_reference(map, pointer, w);
    if unfetched(map, pointer, "read as any JSON value", w) {
        map.retain(|keyword, _| {
            keyword
                .as_str()
                .is_some_and(|k| ANNOTATIONS.contains(&k) || k.starts_with("x-"))
        });
        return Ok(());
    }
    if map.contains_key("$ref") {
        reference(map, pointer)?;
        wrap_reference(map);
        return Ok(());
    }
    rewrite_compositions_and_types(map, pointer, w)?;
    check_bounds_and_shapes(map, pointer, w)?;
    read_required_enums_and_tuples(map, pointer, w)?;
    read_subschemas(map, pointer, w)
}

/// `true` (any value: read, nothing more to do), `false` (refused), and a type's name where a
/// schema belongs (`{type: name}`, read on as any schema).
fn not_a_map(item: &mut Value, pointer: &str, w: &mut Vec<Warning>) -> Result<bool, Error> {
    match item {
        Value::Bool(true) => {
            *item = Value::Mapping(Mapping::new());
            return Ok(true);
        }
        Value::Bool(false) => {
            return Err(Error::unsupported(pointer, "the `false` schema"));
        }
        // FIWARE's `oneOf: [string, number, boolean, array, object]`: each a type's name.
        // `type` is then read as any `type` is.
        Value::String(name) if read_as_type(name).is_some() => {
            w.push(Warning::new(
                rules::TYPE_NAME_AS_SCHEMA,
                pointer,
                format!(
                    "a type's name, `{name}`, where a schema belongs; read as `{{type: {name}}}`"
                ),
            ));
            let mut typed = Mapping::new();
            typed.insert("type".into(), Value::from(name.as_str()));
            *item = Value::Mapping(typed);
        }
        _ => {}
    }
    Ok(false)
}

/// `allOf` parts that only annotate, `int-or-string`, `type`, `const`, enums without a type,
/// `null` members, `not`, unions beside each other or beside keywords, foreign keywords,
/// `examples` and 3.1's numeric exclusive bounds.
fn rewrite_compositions_and_types(
    map: &mut Mapping,
    pointer: &str,
    w: &mut Vec<Warning>,
) -> Result<(), Error> {
    let at = |keyword: &str| format!("{pointer}/{}", escape(keyword));
    lift_annotation_parts(map, pointer, w);
    int_or_string(map);
    type_keyword(map, &at("type"), w)?;
    if let Some(value) = map.remove("const") {
        if !map.contains_key("enum") {
            map.insert("enum".into(), Value::Sequence(vec![value]));
        }
    }
    untyped_enum(map, pointer, w);
    for keyword in ["anyOf", "oneOf"] {
        drop_null_member(map, keyword);
    }
    if map.remove("not").is_some() {
        w.push(Warning::new(
            rules::NOT,
            &at("not"),
            "`not` excludes values a Rust type cannot tell apart; ignored",
        ));
    }
    if map.contains_key("oneOf") && map.remove("anyOf").is_some() {
        // Both (ElevenLabs): a value matches one `oneOf` member, which is the narrower claim.
        w.push(Warning::new(
            rules::ANY_OF_BESIDE_ONE_OF,
            &at("anyOf"),
            "`anyOf` beside `oneOf`; ignored, the `oneOf` decides",
        ));
    }
    drop_constraint_unions(map, pointer, w);
    pull_union_out_of_all_of(map);
    fold_into_all_of(map);
    distribute_all_of_over_union(map);
    drop_type_beside_composition(map, pointer, w);
    infer_type(map);
    ignore_foreign_keywords(map, pointer, w);
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
    Ok(())
}

/// Bounds (an integer's read as integers), `externalDocs`, counts, texts and flags.
fn check_bounds_and_shapes(
    map: &mut Mapping,
    pointer: &str,
    w: &mut Vec<Warning>,
) -> Result<(), Error> {
    let at = |keyword: &str| format!("{pointer}/{}", escape(keyword));
    let integer = map.get("type").and_then(Value::as_str) == Some("integer");
    for keyword in BOUNDS {
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
                        rules::INTEGER_BEYOND_I64,
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
    for keyword in COUNTS {
        if map.get(keyword).is_some_and(|v| v.as_u64().is_none()) {
            return Err(Error::invalid(&at(keyword), "a whole number, 0 or more"));
        }
    }
    for keyword in TEXTS {
        if map.get(keyword).is_some_and(|v| !v.is_string()) {
            return Err(Error::invalid(&at(keyword), "a string"));
        }
    }
    for keyword in FLAGS {
        if map.get(keyword).is_some_and(|v| !v.is_bool()) {
            return Err(Error::invalid(&at(keyword), "true or false"));
        }
    }
    Ok(())
}

/// `required` (one name, a flag, else a list of names), the discriminator, `enum`, and tuples.
fn read_required_enums_and_tuples(
    map: &mut Mapping,
    pointer: &str,
    w: &mut Vec<Warning>,
) -> Result<(), Error> {
    let at = |keyword: &str| format!("{pointer}/{}", escape(keyword));
    if let Some(Value::String(name)) = map.get("required") {
        // Kobo's `required: labels`: one name where a list of them belongs.
        let names = Value::Sequence(vec![Value::from(name.as_str())]);
        map.insert("required".into(), names);
        w.push(Warning::new(
            rules::REQUIRED_ONE_NAME,
            &at("required"),
            "`required` is one name, not a list of them; read as a list of one",
        ));
    }
    if map.get("required").is_some_and(Value::is_bool) {
        // A parameter's or Swagger 2 property's `required: true` on a schema (Alchemy): the
        // schema's own `required` lists property names, so this says nothing of them.
        map.remove("required");
        w.push(Warning::new(
            rules::REQUIRED_FLAG,
            &at("required"),
            "`required: true or false` on a schema (a list of property names there); ignored",
        ));
    }
    if let Some(required) = map.get("required") {
        let strings = required
            .as_sequence()
            .is_some_and(|items| items.iter().all(Value::is_string));
        if !strings {
            return Err(Error::invalid(&at("required"), "a list of property names"));
        }
    }
    discriminator(map, &at("discriminator"), w);
    enum_keyword(map, &at("enum"), w)?;
    if map.remove("prefixItems").is_some() {
        // A tuple's members have types of their own: no one Rust item type holds them all.
        map.remove("items");
        w.push(Warning::new(
            rules::PREFIX_ITEMS,
            &at("prefixItems"),
            "a tuple (`prefixItems`) is read as a list of JSON values",
        ));
    }
    if map.get("items").is_some_and(Value::is_sequence) {
        // Before 2020-12, a tuple: each item's schema by its position, as `prefixItems` now.
        map.remove("items");
        w.push(Warning::new(
            rules::ITEMS_TUPLE,
            &at("items"),
            "`items` as a list of schemas (a tuple) is read as a list of JSON values",
        ));
    }
    Ok(())
}

/// The schemas inside: `items`, `properties`, `additionalProperties`, compositions, `not`.
fn read_subschemas(map: &mut Mapping, pointer: &str, w: &mut Vec<Warning>) -> Result<(), Error> {
    let at = |keyword: &str| format!("{pointer}/{}", escape(keyword));
    if let Some(items) = map.get_mut("items") {
        schema(items, &at("items"), w);
    }
    if let Some(properties) = map.get_mut("properties") {
        let Value::Mapping(properties) = properties else {
            return Err(Error::invalid(&at("properties"), "a map of schemas"));
        };
        for (name, property) in properties.iter_mut() {
            schema(property, &format!("{}/{}", at("properties"), key(name)), w);
        }
    }
    if let Some(additional) = map.get_mut("additionalProperties") {
        if !additional.is_bool() {
            schema(additional, &at("additionalProperties"), w);
        }
    }
    for keyword in ["allOf", "oneOf", "anyOf"] {
        if let Some(members) = map.get_mut(keyword) {
            let Value::Sequence(members) = members else {
                return Err(Error::invalid(&at(keyword), "a list of schemas"));
            };
            for (i, member) in members.iter_mut().enumerate() {
                schema(member, &format!("{}/{i}", at(keyword)), w);
            }
        }
    }
    if let Some(not) = map.get_mut("not") {
        schema(not, &at("not"), w);
    }
    Ok(())
}

/// The JSON Schema type a `type` means, with the format it implies: one of them, or the same
/// with a stray character or case (ShipEngine's `string,`), or a name other languages give it
/// (`int`, `float`, `bool`), or a format's name (etalab's `date`, Swagger 2's `file`). `None`:
/// no type.
fn read_as_type(written: &str) -> Option<(&'static str, Option<&'static str>)> {
    const FORMATS: [&str; 8] = [
        "date",
        "date-time",
        "time",
        "uuid",
        "uri",
        "email",
        "binary",
        "byte",
    ];
    let word = written
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_ascii_lowercase();
    if let Some(ty) = TYPES.iter().chain(["null"].iter()).find(|t| **t == word) {
        return Some((ty, None));
    }
    if let Some(format) = FORMATS.iter().find(|f| **f == word) {
        return Some(("string", Some(format)));
    }
    Some(match word.as_str() {
        "int" | "int32" | "int64" | "long" => ("integer", None),
        "float" | "double" | "decimal" => ("number", None),
        "bool" => ("boolean", None),
        "str" => ("string", None),
        "file" => ("string", Some("binary")),
        "datetime" => ("string", Some("date-time")),
        "dict" | "map" => ("object", None),
        "list" => ("array", None),
        _ => return None,
    })
}

fn type_keyword(map: &mut Mapping, pointer: &str, w: &mut Vec<Warning>) -> Result<(), Error> {
    let written: Vec<String> = match map.get("type") {
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
    let mut types = Vec::with_capacity(written.len());
    for ty in written {
        match read_as_type(&ty) {
            Some((read, _)) if read == ty => types.push(ty),
            Some((read, format)) => {
                w.push(Warning::new(
                    rules::LOOSE_TYPE,
                    pointer,
                    format!("unknown type `{ty}`; read as `{read}`"),
                ));
                if let (Some(format), false) = (format, map.contains_key("format")) {
                    map.insert("format".into(), Value::from(format));
                }
                types.push(read.to_owned());
            }
            None => return Err(Error::invalid(pointer, format!("unknown type `{ty}`"))),
        }
    }
    let nullable = types.iter().any(|t| t == "null");
    let mut rest: Vec<&String> = types.iter().filter(|t| *t != "null").collect();
    rest.dedup();
    match rest.as_slice() {
        // Always `null`: the field holds nothing, any JSON value reads it.
        [] => {
            map.remove("type");
            map.insert("nullable".into(), Value::Bool(true));
            Ok(())
        }
        [one] => {
            let one = Value::from(one.as_str());
            map.insert("type".into(), one);
            if nullable {
                map.insert("nullable".into(), Value::Bool(true));
            }
            Ok(())
        }
        // `type: [string, integer]` is `oneOf` a schema of each type, each with the keywords
        // that apply to it; beside a composition, the members say the type already.
        many => {
            map.remove("type");
            if ["allOf", "oneOf", "anyOf"]
                .iter()
                .any(|k| map.contains_key(*k))
            {
                return Ok(());
            }
            let members = many
                .iter()
                .map(|ty| {
                    let mut member = Mapping::new();
                    member.insert("type".into(), Value::from(ty.as_str()));
                    for (keyword, types) in TYPED_KEYWORDS {
                        if types.contains(&ty.as_str()) {
                            if let Some(value) = map.get(keyword) {
                                member.insert(keyword.into(), value.clone());
                            }
                        }
                    }
                    if let Some(values) = map.get("enum") {
                        member.insert("enum".into(), values.clone());
                    }
                    Value::Mapping(member)
                })
                .collect();
            for (keyword, _) in TYPED_KEYWORDS {
                map.remove(keyword);
            }
            map.remove("enum");
            map.insert("oneOf".into(), Value::Sequence(members));
            if nullable {
                map.insert("nullable".into(), Value::Bool(true));
            }
            Ok(())
        }
    }
}

/// `$recursiveRef: '#'` and `$dynamicRef` (JSON Schema's references to the schema being
/// defined) as a `$ref` to the component they sit in; outside a component they cannot be
/// followed, and the schema is any JSON value.
fn recursive_reference(map: &mut Mapping, pointer: &str, w: &mut Vec<Warning>) {
    for keyword in ["$recursiveRef", "$dynamicRef"] {
        if map.remove(keyword).is_none() {
            continue;
        }
        let component = pointer
            .strip_prefix("#/components/schemas/")
            .map(|rest| rest.split('/').next().unwrap_or(rest));
        match component {
            Some(name) => {
                map.insert(
                    "$ref".into(),
                    Value::from(format!("#/components/schemas/{name}")),
                );
            }
            None => w.push(Warning::new(
rules::RECURSIVE_REF,
                &format!("{pointer}/{}", escape(keyword)),
                format!("`{keyword}` outside a component schema cannot be followed; read as any JSON value"),
            )),
        }
    }
}

/// Kubernetes' `IntOrString` (`format: int-or-string`, or `x-kubernetes-int-or-string`): a
/// value that is an integer or a string, so a union of the two, whatever `type` says.
fn int_or_string(map: &mut Mapping) {
    let marked = map.get("format").and_then(Value::as_str) == Some("int-or-string")
        || map.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true));
    if !marked {
        return;
    }
    map.remove("type");
    map.remove("format");
    map.remove("anyOf");
    let member = |ty: &str| {
        let mut member = Mapping::new();
        member.insert("type".into(), Value::from(ty));
        Value::Mapping(member)
    };
    map.insert(
        "oneOf".into(),
        Value::Sequence(vec![member("integer"), member("string")]),
    );
}

/// Whether a union member only narrows what the schema beside it says (`{required: [a]}`,
/// `{properties: {kind: {enum: [x]}}}` for a property the schema has, `{}`): such members pick
/// among values of one Rust type, they are not variants of their own.
fn constrains_only(member: &Value, properties: Option<&Mapping>) -> bool {
    let Some(member) = member.as_mapping() else {
        return false;
    };
    member
        .iter()
        .all(|(keyword, value)| match keyword.as_str() {
            Some("required" | "not" | "minProperties" | "maxProperties") => true,
            Some("type") => value.as_str() == Some("object") && properties.is_some(),
            Some("properties") => value.as_mapping().is_some_and(|own| {
                own.keys()
                    .all(|name| properties.is_some_and(|p| p.contains_key(name)))
            }),
            Some(other) => ANNOTATIONS.contains(&other) || other.starts_with("x-"),
            None => false,
        })
}

/// A `oneOf`/`anyOf` beside `properties` or `allOf` whose members only narrow the schema (which
/// properties are required together, which value a property takes) constrains values, it does
/// not make variants: it is dropped, with a warning.
fn drop_constraint_unions(map: &mut Mapping, pointer: &str, w: &mut Vec<Warning>) {
    let beside = ["properties", "allOf", "type"]
        .iter()
        .any(|k| map.contains_key(*k));
    if !beside {
        return;
    }
    let properties = map.get("properties").and_then(Value::as_mapping).cloned();
    for keyword in ["oneOf", "anyOf"] {
        let Some(Value::Sequence(members)) = map.get(keyword) else {
            continue;
        };
        if members
            .iter()
            .all(|m| constrains_only(m, properties.as_ref()))
        {
            map.remove(keyword);
            w.push(Warning::new(
                rules::CONSTRAINT_UNION,
                &format!("{pointer}/{keyword}"),
                format!("`{keyword}` members that only narrow the schema beside them; ignored"),
            ));
        }
    }
}

/// `allOf: [X, {oneOf: [A, B]}]`: the union part moves beside the `allOf`, where
/// [`distribute_all_of_over_union`] reads it.
fn pull_union_out_of_all_of(map: &mut Mapping) {
    if map.contains_key("oneOf") || map.contains_key("anyOf") {
        return;
    }
    let Some(Value::Sequence(parts)) = map.get_mut("allOf") else {
        return;
    };
    let union_part = parts.iter().position(is_union_part);
    let Some(index) = union_part else { return };
    // Of several union parts, none: each pulled out would multiply the members of the others.
    if parts.iter().filter(|part| is_union_part(part)).count() > 1 {
        return;
    }
    let Value::Mapping(part) = parts.remove(index) else {
        return;
    };
    let alone = parts.is_empty();
    if alone {
        map.remove("allOf");
    }
    for (keyword, value) in part {
        if !map.contains_key(&keyword) {
            map.insert(keyword, value);
        }
    }
    for keyword in ["anyOf", "oneOf"] {
        if alone {
            drop_null_member(map, keyword);
        } else if let Some(Value::Sequence(members)) = map.get_mut(keyword) {
            // Beside the other parts, objects, a `null` member holds nothing (utoipa's
            // flattened `Option<T>`: `allOf: [{oneOf: [null, T]}, {properties}]`): the value is
            // never null, T's fields may be absent.
            members.retain(|m| !is_null_member(m));
            if members.is_empty() {
                map.remove(keyword);
            }
        }
    }
}

/// An `enum` without `type` whose values have no one type: `[null]` is a value that is always
/// null, any JSON value reads it; values of several types are any JSON value too (warned).
/// An `enum` of only `null` is that too, whatever `type` says (Lob's `type: object, enum: [null]`).
fn untyped_enum(map: &mut Mapping, pointer: &str, w: &mut Vec<Warning>) {
    let only_null = |values: &Vec<Value>| !values.is_empty() && values.iter().all(Value::is_null);
    if map
        .get("enum")
        .and_then(Value::as_sequence)
        .is_some_and(only_null)
    {
        map.remove("type");
    }
    if map.contains_key("type") {
        return;
    }
    let Some(Value::Sequence(values)) = map.get("enum") else {
        return;
    };
    let present: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
    let one_type = |test: fn(&Value) -> bool| present.iter().all(|v| test(v));
    if present.is_empty() {
        map.remove("enum");
        map.insert("nullable".into(), Value::Bool(true));
    } else if !(one_type(Value::is_string)
        || one_type(Value::is_number)
        || one_type(Value::is_bool))
    {
        map.remove("enum");
        w.push(Warning::new(
            rules::MIXED_ENUM,
            &format!("{pointer}/enum"),
            "enum values of several types; read as any JSON value",
        ));
    }
}

/// Whether a schema (or each of a list of `allOf` parts) is a union of several members, itself
/// or through its own `allOf`s. A union inside a property is the property's type, not the
/// schema's: it is not looked for there.
fn contains_union(value: &Value) -> bool {
    match value {
        Value::Mapping(map) => map.iter().any(|(key, value)| match key.as_str() {
            Some("oneOf" | "anyOf") => value.as_sequence().is_some_and(|m| m.len() > 1),
            Some("allOf") => contains_union(value),
            _ => false,
        }),
        Value::Sequence(parts) => parts.iter().any(contains_union),
        _ => false,
    }
}

/// An `allOf` part that is only a union (`{oneOf: [A, B]}`, annotated or not).
fn is_union_part(part: &Value) -> bool {
    part.as_mapping().is_some_and(|part| {
        (part.contains_key("oneOf") || part.contains_key("anyOf"))
            && part.keys().all(|k| {
                k.as_str().is_some_and(|k| {
                    matches!(k, "oneOf" | "anyOf" | "discriminator")
                        || ANNOTATIONS.contains(&k)
                        || k.starts_with("x-")
                })
            })
    })
}

/// `allOf: [X]` beside `oneOf: [A, B]` holds what X and one of A, B hold: `oneOf: [allOf: [X, A],
/// allOf: [X, B]]`, a union of structs that each merge X's properties.
fn distribute_all_of_over_union(map: &mut Mapping) {
    let Some(keyword) = ["oneOf", "anyOf"]
        .into_iter()
        .find(|k| map.contains_key(*k))
    else {
        return;
    };
    if !map.get("allOf").is_some_and(Value::is_sequence) {
        return;
    }
    // Parts that hold unions themselves would be copied into every member and distributed
    // again there: members multiply at each level, so those are left as they are.
    if map.get("allOf").is_some_and(contains_union) {
        return;
    }
    let Some(Value::Sequence(parts)) = map.remove("allOf") else {
        return;
    };
    if let Some(Value::Sequence(members)) = map.get_mut(keyword) {
        // Object keywords constrain objects only: a scalar or list member (Lob's
        // `oneOf: [{type: boolean}, {type: object}]` beside `properties`) stays as it is.
        let not_object = |member: &Value| {
            member
                .get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| t != "object")
        };
        for member in members.iter_mut().filter(|m| !not_object(m)) {
            let mut all = parts.clone();
            all.push(std::mem::take(member));
            let mut wrapper = Mapping::new();
            wrapper.insert("allOf".into(), Value::Sequence(all));
            *member = Value::Mapping(wrapper);
        }
    }
}

/// `allOf: [A]` with `properties` beside it means A's properties and these: the sibling
/// object keywords become the last member, so that merging sees them.
fn fold_into_all_of(map: &mut Mapping) {
    const OBJECT_KEYWORDS: [&str; 3] = ["properties", "required", "additionalProperties"];
    // `additionalProperties: false` beside a composition only forbids what the members do not
    // list, which their structs already ignore.
    if ["allOf", "oneOf", "anyOf"]
        .iter()
        .any(|k| map.contains_key(*k))
        && map.get("additionalProperties").is_some_and(Value::is_bool)
    {
        map.remove("additionalProperties");
    }
    let union = map.contains_key("oneOf") || map.contains_key("anyOf");
    if !union && !map.get("allOf").is_some_and(Value::is_sequence) {
        return;
    }
    if !OBJECT_KEYWORDS.iter().any(|k| map.contains_key(*k)) {
        return;
    }
    if !map.contains_key("allOf") {
        map.insert("allOf".into(), Value::Sequence(Vec::new()));
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
fn lift_annotation_parts(map: &mut Mapping, pointer: &str, w: &mut Vec<Warning>) {
    let Some(Value::Sequence(parts)) = map.get_mut("allOf") else {
        return;
    };
    // Beside a `$ref`, `{type: string, description: …}` only says again what the target is.
    let beside_reference = parts
        .iter()
        .any(|p| p.as_mapping().is_some_and(|p| p.contains_key("$ref")));
    // So does ODK's `{type: object, properties: {}}` beside a string enum: no property, none
    // required.
    // FIWARE's `allOf: [{$ref: positionArray}, {minItems: 2}]` only bounds the value: no type
    // changes.
    let says_nothing = |k: &str, v: &Value| match k {
        "properties" => v.as_mapping().is_some_and(Mapping::is_empty),
        "required" => v.as_sequence().is_some_and(Vec::is_empty),
        _ => is_bound(k),
    };
    let annotation_only = |part: &Value| {
        part.as_mapping().is_some_and(|part| {
            part.iter().all(|(k, v)| {
                k.as_str().is_some_and(|k| {
                    ANNOTATIONS.contains(&k)
                        || k.starts_with("x-")
                        || (beside_reference && (k == "type" || says_nothing(k, v)))
                })
            })
        })
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
            let name = keyword.as_str().unwrap_or_default();
            if is_bound(name) {
                w.push(Warning::new(
                    rules::BOUND_IN_ALL_OF,
                    &format!("{pointer}/allOf"),
                    format!("`{name}` in an allOf part beside a `$ref`; the bound is not checked"),
                ));
            }
            let annotates = ANNOTATIONS.contains(&name) || name.starts_with("x-");
            if annotates && !map.contains_key(&keyword) {
                map.insert(keyword, value);
            }
        }
    }
}

/// A keyword that bounds a value without changing its type.
fn is_bound(keyword: &str) -> bool {
    BOUNDS.contains(&keyword)
        || COUNTS.contains(&keyword)
        || [
            "pattern",
            "uniqueItems",
            "exclusiveMinimum",
            "exclusiveMaximum",
        ]
        .contains(&keyword)
}

/// `type: object` beside `allOf`/`oneOf`/`anyOf` says what the members already say (openapiv3
/// would read the schema as neither a type nor a composition): the members decide. Other keywords
/// of the type stay, and are refused by name in conversion.
fn drop_type_beside_composition(map: &mut Mapping, pointer: &str, w: &mut Vec<Warning>) {
    if !["allOf", "oneOf", "anyOf"]
        .iter()
        .any(|k| map.contains_key(*k))
    {
        return;
    }
    map.remove("type");
    if let Some(values) = map.remove("enum") {
        // `anyOf: [{type: string}, {type: 'null'}]` with an `enum` beside (ElevenLabs): the
        // values belong to the one member left; beside anything else the members decide.
        let keyword = ["anyOf", "oneOf"].into_iter().find(|k| {
            map.get(*k)
                .and_then(Value::as_sequence)
                .is_some_and(|m| m.len() == 1)
        });
        let single = match keyword.and_then(|k| map.get_mut(k)) {
            Some(Value::Sequence(members)) => members[0].as_mapping_mut(),
            _ => None,
        };
        match single {
            Some(member) if !member.contains_key("$ref") => {
                member.insert("enum".into(), values);
            }
            _ => w.push(Warning::new(
                rules::BESIDE_COMPOSITION,
                &format!("{pointer}/enum"),
                "`enum` beside a composition; ignored, its members decide",
            )),
        }
    }
    // Keywords of one scalar type (`format: date-time` beside an allOf of objects) say nothing
    // the members do not: the members decide.
    for (keyword, types) in TYPED_KEYWORDS {
        if !types.contains(&"object") && map.remove(keyword).is_some() {
            w.push(Warning::new(
                rules::BESIDE_COMPOSITION,
                &format!("{pointer}/{keyword}"),
                format!("`{keyword}` beside a composition; ignored, its members decide"),
            ));
        }
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
            rules::FOREIGN_KEYWORD,
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
    // `format`, `maxLength`… beside a `$ref` restate the target (PayPal writes them): the
    // target decides.
    for (keyword, types) in TYPED_KEYWORDS {
        if !types.contains(&"object") {
            map.remove(keyword);
        }
    }
    map.remove("enum");
    // `required` (or `properties`) beside a `$ref` (TripGo): the target with those too, as
    // `allOf: [$ref, {type: object, required}]` reads.
    let mut object = Mapping::new();
    for keyword in ["properties", "required", "additionalProperties"] {
        // Only what constrains the object: InfluxDB's `required: true` beside a `$ref` says
        // what its parent's list would, and stays where openapiv3 ignores it.
        let constrains = match map.get(keyword) {
            Some(Value::Sequence(names)) => !names.is_empty(),
            Some(Value::Mapping(properties)) => !properties.is_empty(),
            _ => false,
        };
        if let Some(value) = map.remove(keyword).filter(|_| constrains) {
            object.insert(keyword.into(), value);
        }
    }
    if object.is_empty() && !REFERENCE_SIBLINGS.iter().any(|k| map.contains_key(*k)) {
        return;
    }
    let mut reference = Mapping::new();
    if let Some(target) = map.remove("$ref") {
        reference.insert("$ref".into(), target);
    }
    let mut parts = vec![Value::Mapping(reference)];
    if !object.is_empty() {
        object.insert("type".into(), Value::from("object"));
        parts.push(Value::Mapping(object));
    }
    map.insert("allOf".into(), Value::Sequence(parts));
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
        "required",
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
    let before = members.len();
    members.retain(|m| !is_null_member(m));
    if members.len() == before || members.is_empty() {
        return;
    }
    // One member left stays under its keyword, so that its pointer is the text's when the null
    // member came last: conversion reads a one-member union as that member.
    map.insert("nullable".into(), Value::Bool(true));
}

fn is_null_member(member: &Value) -> bool {
    member
        .as_mapping()
        .is_some_and(|m| m.len() == 1 && m.get("type").and_then(Value::as_str) == Some("null"))
}

/// A discriminator without a `propertyName` (Revolut's has only a `mapping`), or with a
/// mapping that is not of strings, names no property to read the tag from: the union is read
/// untagged (each member tried in turn), with a warning.
fn discriminator(map: &mut Mapping, pointer: &str, w: &mut Vec<Warning>) {
    let Some(value) = map.get("discriminator") else {
        return;
    };
    let valid = value.as_mapping().is_some_and(|d| {
        d.get("propertyName").is_some_and(Value::is_string)
            && d.get("mapping").is_none_or(|m| {
                m.as_mapping()
                    .is_some_and(|m| m.values().all(Value::is_string))
            })
    });
    if !valid {
        map.remove("discriminator");
        w.push(Warning::new(
rules::MALFORMED_DISCRIMINATOR,
            pointer,
            "a discriminator is a map with a `propertyName` and a `mapping` of strings; ignored, the union is untagged",
        ));
    }
}

/// Enum values must have the schema's type: openapiv3 would fail without saying which one.
fn enum_keyword(map: &mut Mapping, pointer: &str, w: &mut Vec<Warning>) -> Result<(), Error> {
    let ty = map
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if ty == "string" {
        // `type: string, enum: [0, 1]` (Google Maps, Plaid): the values as the strings they
        // are written as, which is what a string-typed field carries.
        if let Some(Value::Sequence(values)) = map.get_mut("enum") {
            let mut converted = false;
            for value in values.iter_mut() {
                if matches!(value, Value::Number(_) | Value::Bool(_)) {
                    *value = Value::from(scalar_text(value));
                    converted = true;
                }
            }
            if converted {
                w.push(Warning::new(
                    rules::NUMBERS_IN_STRING_ENUM,
                    pointer,
                    "enum values that are not strings in a string schema; read as their text",
                ));
            }
        }
    }
    match map.get("enum") {
        None => return Ok(()),
        Some(Value::Sequence(_)) => {}
        Some(_) => return Err(Error::invalid(pointer, "`enum` is a list")),
    }
    let mut ty = ty.as_str();
    if ty == "array" {
        values_of_items(map, pointer, w);
        return Ok(());
    }
    if ty == "object" {
        ty = scalar_values_of_an_object(map, pointer, w);
    }
    if ty == "integer" || ty == "number" {
        numbers_written_as_text(map, ty, pointer, w);
    }
    let Some(Value::Sequence(values)) = map.get("enum") else {
        return Ok(());
    };
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

/// `type: array, enum: [a, b], items: {type: string}` (Vimeo): the values are what each item
/// may be, which is where a Rust type can say so. Lists as values are left as they are.
fn values_of_items(map: &mut Mapping, pointer: &str, w: &mut Vec<Warning>) {
    let scalars = map
        .get("enum")
        .and_then(Value::as_sequence)
        .is_some_and(|values| values.iter().all(|v| !v.is_sequence() && !v.is_mapping()));
    let Some(Value::Mapping(items)) = map.get("items") else {
        return;
    };
    if !scalars || items.contains_key("enum") || items.contains_key("$ref") {
        return;
    }
    let values = map.remove("enum").expect("checked above");
    if let Some(Value::Mapping(items)) = map.get_mut("items") {
        items.insert("enum".into(), values);
    }
    w.push(Warning::new(
        rules::ENUM_ON_LIST,
        pointer,
        "an enum of single values on a list; read as the values of its items",
    ));
}

/// `type: integer, enum: ["1", "2"]` (GetStream): numbers quoted by the writer, read as the
/// numbers they spell, since that is what a field of that type carries. Values that spell no
/// number leave the enum out: the type still holds.
fn numbers_written_as_text(map: &mut Mapping, ty: &str, pointer: &str, w: &mut Vec<Warning>) {
    let Some(Value::Sequence(values)) = map.get_mut("enum") else {
        return;
    };
    if !values.iter().any(Value::is_string) {
        return;
    }
    let number = |text: &str| -> Option<Value> {
        match ty {
            "integer" => text.trim().parse::<i64>().ok().map(Value::from),
            _ => text
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Value::from),
        }
    };
    let read: Option<Vec<Value>> = values
        .iter()
        .map(|value| match value {
            Value::String(text) => number(text),
            other => Some(other.clone()),
        })
        .collect();
    match read {
        Some(read) => {
            *values = read;
            w.push(Warning::new(
                rules::NUMBERS_AS_TEXT,
                pointer,
                format!("enum values written as text in a schema of type {ty}; read as numbers"),
            ));
        }
        None => {
            map.remove("enum");
            w.push(Warning::new(
                rules::NUMBERS_AS_TEXT,
                pointer,
                format!("enum values that are not of type {ty}; the enum is ignored"),
            ));
        }
    }
}

/// `type: object, enum: [GTFS, GBFS]` (Transitland): values of one scalar type say what the
/// schema holds better than its `type`; returns the type read.
fn scalar_values_of_an_object(
    map: &mut Mapping,
    pointer: &str,
    w: &mut Vec<Warning>,
) -> &'static str {
    let Some(Value::Sequence(values)) = map.get("enum") else {
        return "object";
    };
    if map.contains_key("properties") || map.contains_key("additionalProperties") {
        return "object";
    }
    let present: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
    let all = |test: fn(&Value) -> bool| !present.is_empty() && present.iter().all(|v| test(v));
    let ty = if all(Value::is_string) {
        "string"
    } else if all(|v| v.as_i64().is_some()) {
        "integer"
    } else if all(Value::is_number) {
        "number"
    } else if all(Value::is_bool) {
        "boolean"
    } else {
        return "object";
    };
    map.insert("type".into(), Value::from(ty));
    w.push(Warning::new(
        rules::SCALAR_ENUM_ON_OBJECT,
        pointer,
        format!("enum values of type {ty} in a schema of type object; read as type {ty}"),
    ));
    ty
}
