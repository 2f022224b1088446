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
use crate::rules;
use crate::source::escape;

mod schema;
use schema::schema;

pub(crate) const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

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
    if let Some(Value::Sequence(tags)) = root.get_mut("tags") {
        // Tags only document; one described by something other than text loses the description.
        for (i, tag) in tags.iter_mut().enumerate() {
            if let Value::Mapping(tag) = tag {
                if tag.get("description").is_some_and(|d| !d.is_string()) {
                    tag.remove("description");
                    warnings.push(Warning::new(
                        rules::TAG_DESCRIPTION,
                        &format!("#/tags/{i}/description"),
                        "a tag description that is not a string; ignored",
                    ));
                }
            }
        }
    }
    if let Some(Value::Mapping(components)) = root.get_mut("components") {
        let sections: [(&str, Visit); 6] = [
            ("schemas", |item, pointer, w| {
                schema(item, pointer, w);
                Ok(())
            }),
            ("parameters", parameter),
            ("headers", parameter),
            ("responses", response),
            ("requestBodies", body),
            ("securitySchemes", security_scheme),
        ];
        for (section, visit) in sections {
            if let Some(Value::Mapping(items)) = components.get_mut(section) {
                items.retain(|name, item| {
                    let pointer = format!("#/components/{section}/{}", key(name));
                    let read = visit(item, &pointer, &mut warnings);
                    readable(read, "the component", &mut warnings)
                });
            }
        }
    }
    if let Some(Value::Mapping(paths)) = root.get_mut("paths") {
        paths.retain(|path, item| {
            let pointer = format!("#/paths/{}", key(path));
            let read = path_item(item, &pointer, &mut warnings);
            readable(read, "the path item", &mut warnings)
        });
    }
    Ok(warnings)
}

/// A security scheme as the OpenAPI model reads it. Published documents leave out what it
/// requires (Scramble writes an OAuth2 flow without `tokenUrl` or `scopes`); the client sends
/// only API keys and bearer tokens, so such a scheme is left out, not the document.
fn security_scheme(item: &mut Value, pointer: &str, _: &mut Vec<Warning>) -> Result<(), Error> {
    serde_yaml::from_value::<openapiv3::ReferenceOr<openapiv3::SecurityScheme>>(item.clone())
        .map(drop)
        .map_err(|error| Error::invalid(pointer, error.to_string()))
}

/// Whether a part was read; one that was not is left out, warned of by the error that says why
/// (a `$ref` to it then reads as a missing component).
fn readable(read: Result<(), Error>, part: &str, w: &mut Vec<Warning>) -> bool {
    match read {
        Ok(()) => true,
        Err(error) => {
            let instead = format!("{part} is left out");
            w.push(Warning::unreadable(
                rules::UNREADABLE_PART,
                &error,
                &instead,
            ));
            false
        }
    }
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
            if ["3.0", "3.1", "3.2"]
                .iter()
                .any(|v| version == v || version.starts_with(&format!("{v}."))) =>
        {
            Ok(())
        }
        Some(other) => Err(Error::invalid(
            "#/openapi",
            format!(
                "OpenAPI version `{}`; only 3.0.x, 3.1.x and 3.2.x are read (quote the version as a string)",
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
    // OpenAPI 3.2's QUERY method and methods of its own choosing: not generated yet.
    for key in ["query", "additionalOperations"] {
        if item.remove(key).is_some() {
            w.push(Warning::new(
                rules::OPENAPI_32_OPERATION,
                &format!("{pointer}/{key}"),
                format!("`{key}` (OpenAPI 3.2) is not generated; ignored"),
            ));
        }
    }
    body_parameters(item, false, pointer, w);
    parameters(item, pointer, w)?;
    for method in HTTP_METHODS {
        if let Some(read) = item.get_mut(method) {
            let pointer = format!("{pointer}/{method}");
            if !readable(operation(read, &pointer, w), "the operation", w) {
                item.remove(method);
            }
        }
    }
    Ok(())
}

fn operation(operation: &mut Value, pointer: &str, w: &mut Vec<Warning>) -> Result<(), Error> {
    let Value::Mapping(operation) = operation else {
        return Err(Error::invalid(pointer, "an operation is a map"));
    };
    if operation.contains_key("$ref") {
        return Err(Error::unsupported(
            &format!("{pointer}/$ref"),
            "an operation that is a `$ref` (OpenAPI has none); bundle the document first \
                     (e.g. with `redocly bundle`)",
        ));
    }
    check_keywords(operation, pointer, &OPERATION_KEYWORDS)?;
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
    body_parameters(operation, true, pointer, w);
    parameters(operation, pointer, w)?;
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
    Ok(())
}

fn parameters(owner: &mut Mapping, pointer: &str, w: &mut Vec<Warning>) -> Result<(), Error> {
    if owner.get("parameters").is_some_and(Value::is_null) {
        owner.remove("parameters");
    }
    match owner.get_mut("parameters") {
        None => Ok(()),
        Some(Value::Sequence(items)) => {
            for (i, item) in items.iter_mut().enumerate() {
                let read = parameter(item, &format!("{pointer}/parameters/{i}"), w);
                if !readable(read, "the parameter", w) {
                    *item = left_out_parameter();
                }
            }
            Ok(())
        }
        Some(_) => Err(Error::invalid(
            &format!("{pointer}/parameters"),
            "`parameters` is a list",
        )),
    }
}

/// The extension that marks a parameter conversion leaves out: its value went into the request
/// body, or it could not be read. The parameter stays where it was, so that pointers after it
/// keep their place.
pub(crate) const LEFT_OUT: &str = "x-generator-left-out";

/// A parameter that stands where one was, for conversion to leave out.
fn left_out_parameter() -> Value {
    let mut parameter = Mapping::new();
    parameter.insert("name".into(), Value::from(""));
    parameter.insert("in".into(), Value::from("query"));
    parameter.insert("schema".into(), Value::Mapping(Mapping::new()));
    parameter.insert(LEFT_OUT.into(), Value::Bool(true));
    Value::Mapping(parameter)
}

/// Swagger 2's `in: formData` and `in: body` parameters left in an OpenAPI 3 document
/// (AnythingLLM): an operation without a `requestBody` gets one made of them (a form of the
/// `formData` fields, multipart when one is a file; the `body` parameter's schema as JSON).
fn body_parameters(owner: &mut Mapping, operation: bool, pointer: &str, w: &mut Vec<Warning>) {
    let Some(Value::Sequence(items)) = owner.get_mut("parameters") else {
        return;
    };
    let mut fields = Mapping::new();
    let mut required = Vec::new();
    let mut json = None;
    let mut file = false;
    for (index, item) in items.iter_mut().enumerate() {
        let Value::Mapping(param) = item else {
            continue;
        };
        let text = |key: &str| param.get(key).and_then(Value::as_str).map(str::to_owned);
        let (place, name) = (
            text("in").unwrap_or_default(),
            text("name").unwrap_or_default(),
        );
        if place != "formData" && place != "body" {
            continue;
        }
        let schema = param
            .get("schema")
            .cloned()
            .unwrap_or_else(|| swagger2_schema(param));
        file |= schema.get("type").and_then(Value::as_str) == Some("file")
            || schema.get("format").and_then(Value::as_str) == Some("binary");
        if place == "body" {
            json.get_or_insert(schema);
        } else {
            if param.get("required").and_then(Value::as_bool) == Some(true) {
                required.push(Value::from(name.as_str()));
            }
            fields.insert(name.into(), schema);
        }
        param.insert("in".into(), Value::from("query"));
        param.insert(LEFT_OUT.into(), Value::Bool(true));
        // Its schema went into the body; the parameter itself is only left out.
        param.insert("schema".into(), Value::Mapping(Mapping::new()));
        w.push(Warning::new(
            rules::SWAGGER2_PARAMETER,
            &format!("{pointer}/parameters/{index}/in"),
            format!("`in: {place}` is Swagger 2's; read as part of the request body"),
        ));
    }
    if !operation || owner.contains_key("requestBody") {
        // A path item's, or an operation that has a body already: the parameters only go.
        return;
    }
    let (media, schema) = match json {
        Some(schema) => ("application/json", schema),
        None if fields.is_empty() => return,
        None => {
            let mut form = Mapping::new();
            form.insert("type".into(), Value::from("object"));
            form.insert("properties".into(), Value::Mapping(fields));
            if !required.is_empty() {
                form.insert("required".into(), Value::Sequence(required));
            }
            let media = if file {
                "multipart/form-data"
            } else {
                "application/x-www-form-urlencoded"
            };
            (media, Value::Mapping(form))
        }
    };
    let mut media_type = Mapping::new();
    media_type.insert("schema".into(), schema);
    let mut content = Mapping::new();
    content.insert(media.into(), Value::Mapping(media_type));
    let mut body = Mapping::new();
    body.insert("content".into(), Value::Mapping(content));
    owner.insert("requestBody".into(), Value::Mapping(body));
}

/// Swagger 2 writes a parameter's or header's schema keywords on the parameter itself.
fn swagger2_schema(param: &Mapping) -> Value {
    let keywords = [
        "type", "format", "items", "enum", "default", "minimum", "maximum",
    ];
    Value::Mapping(
        keywords
            .iter()
            .filter_map(|k| Some(((*k).into(), param.get(*k)?.clone())))
            .collect(),
    )
}

/// A parameter or header with neither `schema` nor `content` (Orthanc's response headers, a
/// Swagger 2 leftover): its Swagger 2 keywords, else a parameter's text.
fn schema_of_a_bare_parameter(map: &mut Mapping, pointer: &str, w: &mut Vec<Warning>) {
    if ["schema", "content", "$ref"]
        .iter()
        .any(|k| map.contains_key(*k))
    {
        return;
    }
    let mut schema = swagger2_schema(map);
    let is_parameter = map.contains_key("in");
    if let (Value::Mapping(keywords), true) = (&mut schema, is_parameter) {
        if keywords.is_empty() {
            keywords.insert("type".into(), Value::from("string"));
        }
        w.push(Warning::new(
rules::BARE_PARAMETER,
            pointer,
            "a parameter without `schema` or `content`; read as its Swagger 2 keywords, else a string",
        ));
    }
    map.insert("schema".into(), schema);
}

/// OpenAPI 3.2's `in: querystring`, the whole query string as one value (most often a form of
/// an object's fields): read as an object whose fields are the query's parameters, as an
/// exploded `form` object is sent.
fn whole_query(map: &mut Mapping, pointer: &str, w: &mut Vec<Warning>) {
    if map.get("in").and_then(Value::as_str) != Some("querystring") {
        return;
    }
    let schema = match map.remove("content") {
        Some(Value::Mapping(media_types)) => media_types
            .into_iter()
            .next()
            .and_then(|(_, media)| media.get("schema").cloned()),
        _ => None,
    };
    map.insert("in".into(), Value::from("query"));
    map.insert("style".into(), Value::from("form"));
    map.insert("explode".into(), Value::Bool(true));
    map.entry("schema".into()).or_insert_with(|| {
        schema.unwrap_or_else(|| serde_yaml::from_str("{type: object}").expect("YAML"))
    });
    w.push(Warning::new(
        rules::QUERYSTRING,
        &format!("{pointer}/in"),
        "`in: querystring` (OpenAPI 3.2): read as query parameters, the fields of its object",
    ));
}

fn parameter(item: &mut Value, pointer: &str, w: &mut Vec<Warning>) -> Result<(), Error> {
    let map = object(item, pointer, "a parameter")?;
    if unfetched(map, pointer, "the parameter is left out", w) {
        *item = left_out_parameter();
        return Ok(());
    }
    if map.contains_key("$ref") {
        return reference(map, pointer);
    }
    whole_query(map, pointer, w);
    schema_of_a_bare_parameter(map, pointer, w);
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
        schema(item, &format!("{pointer}/schema"), w);
    }
    content(map, pointer, w)
}

fn body(item: &mut Value, pointer: &str, w: &mut Vec<Warning>) -> Result<(), Error> {
    let map = object(item, pointer, "a request body")?;
    if unfetched(map, pointer, "the body is any JSON value", w) {
        *item = serde_yaml::from_str("content: {application/json: {schema: {}}}").expect("YAML");
        return Ok(());
    }
    if map.contains_key("$ref") {
        return reference(map, pointer);
    }
    content(map, pointer, w)
}

fn response(item: &mut Value, pointer: &str, w: &mut Vec<Warning>) -> Result<(), Error> {
    let map = object(item, pointer, "a response")?;
    if unfetched(map, pointer, "its body is not read", w) {
        *item = serde_yaml::from_str("description: ''").expect("YAML");
        return Ok(());
    }
    if map.contains_key("$ref") {
        return reference(map, pointer);
    }
    check_keywords(map, pointer, &RESPONSE_KEYWORDS)?;
    // Required by OpenAPI, yet often left out; nothing depends on it but docs.
    map.entry("description".into())
        .or_insert_with(|| Value::from(""));
    if let Some(Value::Mapping(headers)) = map.get_mut("headers") {
        for (name, header) in headers.iter_mut() {
            parameter(header, &format!("{pointer}/headers/{}", key(name)), w)?;
        }
    }
    content(map, pointer, w)
}

fn content(map: &mut Mapping, pointer: &str, w: &mut Vec<Warning>) -> Result<(), Error> {
    media_types_beside_content(map, pointer, w);
    match map.get_mut("content") {
        None => Ok(()),
        Some(Value::Mapping(media_types)) => {
            for (media, item) in media_types.iter_mut() {
                let pointer = format!("{pointer}/content/{}", key(media));
                let media = object(item, &pointer, "a media type")?;
                if let Some(item) = media.get_mut("schema") {
                    schema(item, &format!("{pointer}/schema"), w);
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

/// `content:` with its media types indented one level too little: YAML reads `content: null`
/// and each media type (a key with a `/`, holding a map) beside it. They are what `content`
/// meant.
fn media_types_beside_content(map: &mut Mapping, pointer: &str, w: &mut Vec<Warning>) {
    if !map.get("content").is_none_or(Value::is_null) {
        return;
    }
    let beside: Vec<Value> = map
        .iter()
        .filter(|(key, value)| key.as_str().is_some_and(|k| k.contains('/')) && value.is_mapping())
        .map(|(key, _)| key.clone())
        .collect();
    if beside.is_empty() {
        // `content: null` alone says nothing, as `description: null` does.
        map.remove("content");
        return;
    }
    let mut content = Mapping::new();
    for media in beside {
        w.push(Warning::new(
            rules::MEDIA_TYPE_BESIDE_CONTENT,
            &format!("{pointer}/{}", key(&media)),
            format!(
                "media type `{}` beside `content`, not in it; read as part of `content`",
                scalar_text(&media)
            ),
        ));
        if let Some(value) = map.remove(&media) {
            content.insert(media, value);
        }
    }
    map.insert("content".into(), Value::Mapping(content));
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

/// A keyword written as `null` (Exoscale's `description: null`) was not written; it is left out.
fn check_keywords(
    map: &mut Mapping,
    pointer: &str,
    keywords: &[(&str, char)],
) -> Result<(), Error> {
    for (keyword, kind) in keywords {
        if map.get(*keyword).is_some_and(Value::is_null) {
            map.remove(*keyword);
        }
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

/// A `$ref` to a URL `bundle` found no local copy of (`--refs`): never fetched, warned of with
/// what is made `instead`.
fn unfetched(map: &Mapping, pointer: &str, instead: &str, w: &mut Vec<Warning>) -> bool {
    let Some(target) = map.get("$ref").and_then(Value::as_str) else {
        return false;
    };
    if !crate::bundle::is_url(target) {
        return false;
    }
    w.push(Warning::new(
        rules::URL_REF,
        &format!("{pointer}/$ref"),
        format!("`{target}` is a URL, which is never fetched (`--refs DIR` reads local copies); {instead}"),
    ));
    true
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
