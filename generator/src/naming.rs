//! The one place where spec names become Rust names.
//!
//! - Types: UpperCamelCase, with a trailing `DTO`/`Dto`/`Enum` dropped (`DiarizationConfigDTO` →
//!   `DiarizationConfig`). Inline schemas are named after their owner and field.
//! - Fields: snake_case; Rust keywords become raw identifiers (`r#type`), or get a trailing `_`
//!   where Rust forbids that (`self_`).
//! - Enum variants: UpperCamelCase of the wire value (`GDPR_SENSITIVE` → `GdprSensitive`,
//!   `wav/pcm` → `WavPcm`); a value that starts with a digit gets a `V` (`8000` → `V8000`).
//! - Endpoint functions: `client.{resource}().{method}()`, the resource from the operation's tag,
//!   the method from `x-rust-method` or the REST convention (`GET /v2/pre-recorded/{id}` →
//!   `pre_recorded().get()`). See [`operation_name`].
//!
//! Collisions are never resolved by renaming: callers report them as errors.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Suffixes that describe how the upstream server was written, not what the type is.
const DROPPED_TYPE_SUFFIXES: [&str; 2] = ["Dto", "Enum"];

/// Name of the catch-all variant every generated enum carries for values the spec does not list.
pub const UNKNOWN_VARIANT: &str = "Unknown";

/// Names that generated code uses unqualified (prelude types and traits), which a spec type
/// must not shadow.
pub const RESERVED_TYPE_NAMES: [&str; 10] = [
    "Option", "String", "Vec", "Box", "Result", "Into", "From", "Default", "Ok", "Err",
];

/// Rust name of a schema.
pub fn type_name(spec_name: &str) -> String {
    let camel = upper_camel(spec_name);
    for suffix in DROPPED_TYPE_SUFFIXES {
        if let Some(stem) = camel.strip_suffix(suffix) {
            if !stem.is_empty() {
                return stem.to_owned();
            }
        }
    }
    camel
}

/// Rust name of a schema that is defined inline, inside `owner`'s `part` (a field, `Item`, ...).
pub fn inline_type_name(owner: &str, part: &str) -> String {
    format!("{owner}{}", upper_camel(part))
}

/// Rust name of a struct field or function argument, ready to be parsed as an identifier.
pub fn field_name(wire: &str) -> String {
    let snake = wire.to_snake_case();
    let snake = if snake.is_empty() {
        "field".to_owned()
    } else if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{snake}")
    } else {
        snake
    };
    if NON_RAW_KEYWORDS.contains(&snake.as_str()) {
        format!("{snake}_")
    } else if KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// Rust name of an enum variant for a wire value.
pub fn variant_name(wire: &str) -> String {
    let camel = upper_camel(wire);
    if camel.is_empty() {
        "Empty".to_owned()
    } else if camel.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{camel}")
    } else {
        camel
    }
}

/// The spec extension that names an endpoint function when the REST convention does not fit:
/// on an operation (`x-rust-method: init`), or on each media type of a request body that takes
/// several (`multipart/form-data: {x-rust-method: file}`).
pub const METHOD_EXTENSION: &str = "x-rust-method";

/// Where an endpoint function lives and what it is called: `client.{resource}().{method}()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationName {
    /// The resource accessor on the client, snake_case.
    pub resource: String,
    /// The function on the resource, snake_case.
    pub method: String,
}

impl OperationName {
    /// The stem of the types generated for the operation (`PreRecordedList` + `Query`).
    pub fn type_stem(&self) -> String {
        type_name(&format!("{}_{}", self.resource, self.method))
    }
}

/// Names an operation: the resource is its first tag (`Pre-recorded` → `pre_recorded`), or the
/// first path segment after the version; the method is the spec's `x-rust-method` if it has one,
/// else the REST convention for the HTTP method and the shape of the path.
pub fn operation_name(
    tag: Option<&str>,
    http_method: &str,
    path: &str,
    explicit: Option<&str>,
) -> OperationName {
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && !is_version(s))
        .collect();
    let resource = resource_name(tag.or(segments.first().copied()).unwrap_or("root"));
    let has_id = segments.iter().any(|s| s.starts_with('{'));
    let tail: Vec<&str> = segments
        .iter()
        .skip(1)
        .filter(|s| !s.starts_with('{'))
        .copied()
        .collect();
    let method = match (explicit, http_method, has_id, tail.as_slice()) {
        (Some(explicit), ..) => explicit.to_snake_case(),
        (None, "get", false, []) => "list".to_owned(),
        (None, "get", true, []) => "get".to_owned(),
        (None, "post", false, []) => "create".to_owned(),
        (None, "put", true, []) => "replace".to_owned(),
        (None, "patch", true, []) => "update".to_owned(),
        (None, "delete", true, []) => "delete".to_owned(),
        (None, "get", _, tail) => tail.join("_").to_snake_case(),
        (None, http_method, _, tail) => {
            let mut parts = vec![http_method.to_owned()];
            parts.extend(tail.iter().map(|s| s.to_snake_case()));
            parts.join("_")
        }
    };
    OperationName { resource, method }
}

/// The accessor of a resource, from its tag or path segment (`Pre-recorded` → `pre_recorded`).
pub fn resource_name(tag: &str) -> String {
    tag.to_snake_case()
}

/// The function of one form of a body that comes in several (JSON or multipart): the media
/// type's `x-rust-method`, else the operation's method with the form appended (`create_json`).
pub fn body_form_method(operation_method: &str, form: &str, explicit: Option<&str>) -> String {
    match explicit {
        Some(explicit) => explicit.to_snake_case(),
        None => format!("{operation_method}_{form}"),
    }
}

/// The function that streams every item of a paged list (`list` → `list_all`).
pub fn all_pages_method(list_method: &str) -> String {
    format!("{list_method}_all")
}

/// Name of the handle type a resource accessor returns (`pre_recorded` → `PreRecorded`).
pub fn resource_type_name(resource: &str) -> String {
    upper_camel(resource)
}

fn is_version(segment: &str) -> bool {
    segment.len() > 1
        && segment.starts_with('v')
        && segment[1..].chars().all(|c| c.is_ascii_digit())
}

fn upper_camel(raw: &str) -> String {
    // heck splits on anything that is not alphanumeric, so `wav/pcm` and `pre-recorded` work; only
    // ASCII survives so that every name is a plain Rust identifier.
    raw.to_upper_camel_case()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

/// Keywords that `r#` can escape.
const KEYWORDS: [&str; 48] = [
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers.
const NON_RAW_KEYWORDS: [&str; 4] = ["self", "super", "crate", "Self"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_drop_transport_suffixes() {
        assert_eq!(type_name("DiarizationConfigDTO"), "DiarizationConfig");
        assert_eq!(type_name("CallbackConfigDto"), "CallbackConfig");
        assert_eq!(
            type_name("TranscriptionLanguageCodeEnum"),
            "TranscriptionLanguageCode"
        );
        assert_eq!(
            type_name("PiiRedactionEntityTypeEnum"),
            "PiiRedactionEntityType"
        );
        assert_eq!(type_name("SubtitlesFormatEnum"), "SubtitlesFormat");
        assert_eq!(type_name("Enum"), "Enum");
        assert_eq!(type_name("PreRecordedResponse"), "PreRecordedResponse");
    }

    #[test]
    fn variant_names_are_identifiers() {
        assert_eq!(variant_name("en"), "En");
        assert_eq!(variant_name("no"), "No");
        assert_eq!(variant_name("GDPR_SENSITIVE"), "GdprSensitive");
        assert_eq!(variant_name("wav/pcm"), "WavPcm");
        assert_eq!(variant_name("8000"), "V8000");
        assert_eq!(variant_name("pre-recorded"), "PreRecorded");
        assert_eq!(variant_name("solaria-1"), "Solaria1");
        assert_eq!(variant_name(""), "Empty");
    }

    #[test]
    fn field_names_escape_keywords() {
        assert_eq!(field_name("statusCode"), "status_code");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("crate"), "crate_");
        assert_eq!(field_name("3d"), "n3d");
    }

    #[test]
    fn operations_follow_resources() {
        let name = |tag, method, path, explicit| {
            let name = operation_name(tag, method, path, explicit);
            format!("{}.{}", name.resource, name.method)
        };
        let tag = Some("Pre-recorded");
        assert_eq!(
            name(tag, "post", "/v2/pre-recorded", None),
            "pre_recorded.create"
        );
        assert_eq!(
            name(tag, "get", "/v2/pre-recorded", None),
            "pre_recorded.list"
        );
        assert_eq!(
            name(tag, "get", "/v2/pre-recorded/{id}", None),
            "pre_recorded.get"
        );
        assert_eq!(name(None, "delete", "/v2/live/{id}", None), "live.delete");
        assert_eq!(name(None, "get", "/v2/live/{id}/file", None), "live.file");
        assert_eq!(
            name(None, "get", "/v2/live/{id}/file", Some("audio")),
            "live.audio"
        );
        assert_eq!(
            name(Some("Live"), "post", "/v2/live", Some("init")),
            "live.init"
        );
        assert_eq!(
            name(None, "post", "/v2/jobs/{id}/cancel", None),
            "jobs.post_cancel"
        );
        assert_eq!(body_form_method("create", "json", None), "create_json");
        assert_eq!(
            body_form_method("create", "multipart", Some("file")),
            "file"
        );
        assert_eq!(resource_type_name("pre_recorded"), "PreRecorded");
        assert_eq!(
            operation_name(tag, "get", "/v2/pre-recorded", None).type_stem(),
            "PreRecordedList"
        );
    }
}
