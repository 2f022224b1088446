//! The one place where spec names become Rust names.
//!
//! - Types: UpperCamelCase (`transcription_result` → `TranscriptionResult`). A component whose
//!   name ends in `DTO`/`Dto`/`Enum` drops it (`DiarizationConfigDTO` → `DiarizationConfig`), unless
//!   another component already has the short name. Inline schemas are named after their owner
//!   and field.
//! - Fields, arguments, resources and functions: snake_case; keywords stay as they are in the IR
//!   (`type`) and become raw identifiers when emitted (`r#type`), except those Rust cannot make
//!   raw, which get a trailing `_` (`self_`, and `Self_` for a type or variant).
//! - Enum variants: UpperCamelCase of the wire value (`GDPR_SENSITIVE` → `GdprSensitive`,
//!   `wav/pcm` → `WavPcm`). A negative number says so (`-1` → `Minus1`, beside `1` → `V1`); a
//!   value that would take the catch-all's name `Unknown` is `UnknownValue`, so the catch-all
//!   keeps one name in every enum.
//! - Endpoint functions: `client.{resource}().{method}()`, the resource from the operation's tag,
//!   the method from `x-rust-method` or the REST convention (`GET /v2/pre-recorded/{id}` →
//!   `pre_recorded().get()`; version segments such as `v2` or `2.0` are skipped). Operations the
//!   convention names alike are named by their `operationId` (conversion decides, as only it
//!   sees every operation). See [`operation_name`].
//!
//! Every one goes through [`identifier`], the one rule for names that cannot be Rust names as
//! they are: comparison signs become words (`StartTime<` → `start_time_lt`, `>=` → `ge`); only
//! ASCII letters and digits are kept (heck splits words on everything else); a
//! name that starts with a digit gets a letter before it (`T` for types, `V` for variants, `n`
//! for snake_case names: `9Foo` → `T9Foo`, `8000` → `V8000`, `3d` → `n3d`); a name left with
//! nothing (`''`, `-`, `_`, `Ω`) is an error at its place in the spec, except for enum values:
//! `""` becomes `Empty` and any other such value `V` + its position in the list. Names that
//! generated code uses unqualified are reserved ([`RESERVED_TYPE_NAMES`], and for resources
//! [`RUNTIME_NAMES`] too, and [`CLIENT_METHODS`] for their accessors).
//!
//! Collisions are never resolved by renaming: callers report them as errors.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Suffixes that describe how the upstream server was written, not what the type is.
const DROPPED_TYPE_SUFFIXES: [&str; 2] = ["Dto", "Enum"];

/// The field that holds the properties an object's `additionalProperties` allows beside its
/// listed ones.
pub const ADDITIONAL_PROPERTIES: &str = "additional_properties";

/// Name of the catch-all variant every generated enum carries for values the spec does not list.
pub const UNKNOWN_VARIANT: &str = "Unknown";

/// Names that generated code uses unqualified (prelude types and traits, `Self`), which a spec
/// type must not shadow.
pub const RESERVED_TYPE_NAMES: [&str; 11] = [
    "Option", "String", "Vec", "Box", "Result", "Into", "From", "Default", "Ok", "Err", "Self",
];

/// The runtime's names that `operations.rs` imports, which a resource handle must not take.
pub const RUNTIME_NAMES: [&str; 3] = ["Client", "Request", "Error"];

/// The client's own methods, which a resource's accessor (`client.<resource>()`) must not take:
/// the same name twice does not compile, and an accessor named like a trait's method (`clone`)
/// would hide it. In a crate made by `--crate` the accessors are inherent methods of the
/// runtime's `Client`, so its private methods count too (a `send` tag met `Client::send`);
/// `package`'s tests check the list against the runtime's `impl Client`.
pub const CLIENT_METHODS: [&str; 15] = [
    "new",
    "from_env",
    "builder",
    "base_url",
    "transport",
    "send",
    "send_with_retries",
    "attempts",
    "send_once",
    "connect_socket",
    "headers_for",
    "api_error",
    "url",
    "clone",
    "to_owned",
];

/// What kind of name [`identifier`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// UpperCamelCase, for types.
    Type,
    /// UpperCamelCase, for enum variants.
    Variant,
    /// snake_case, for fields, arguments, resources and functions.
    Snake,
}

/// The one rule (see the module docs): a Rust identifier made from `raw`, or `None` if `raw`
/// has no ASCII letter or digit to make one from.
pub fn identifier(raw: &str, case: Case) -> Option<String> {
    let raw = &spell_comparisons(raw);
    let (cased, prefix) = match case {
        Case::Type => (upper_camel(raw), "T"),
        Case::Variant => (upper_camel(raw), "V"),
        Case::Snake => (snake(raw), "n"),
    };
    if cased.is_empty() {
        return None;
    }
    let name = if cased.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{prefix}{cased}")
    } else {
        cased
    };
    Some(if NON_RAW_KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    })
}

/// `<`, `>`, `<=`, `>=` as the words Rust's `PartialOrd` uses (`lt`, `gt`, `le`, `ge`): heck would
/// drop them, and Twilio's `StartTime<` and `StartTime>` filters would both be `start_time`.
fn spell_comparisons(raw: &str) -> std::borrow::Cow<'_, str> {
    if !raw.contains(['<', '>']) {
        return raw.into();
    }
    raw.replace("<=", "_le_")
        .replace(">=", "_ge_")
        .replace('<', "_lt_")
        .replace('>', "_gt_")
        .into()
}

/// Whether a name must be written `r#name` in Rust.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Rust name of a schema, before any suffix is dropped.
pub fn type_name(spec_name: &str) -> Option<String> {
    identifier(spec_name, Case::Type)
}

/// The name without its `Dto`/`Enum` suffix, if it has one and something is left.
pub fn short_type_name(name: &str) -> Option<&str> {
    DROPPED_TYPE_SUFFIXES
        .iter()
        .filter_map(|suffix| name.strip_suffix(suffix))
        .find(|stem| !stem.is_empty() && !stem.ends_with(|c: char| c.is_ascii_digit()))
}

/// Rust name of a schema that is defined inline, inside `owner`'s `part` (a field, `Item`, ...).
pub fn inline_type_name(owner: &str, part: &str) -> String {
    format!("{owner}{}", upper_camel(part))
}

/// The field or argument of a property or parameter whose name has no ASCII letter or digit
/// (`""`, `½`): numbered like any taken name when there are several.
pub const UNNAMABLE_FIELD: &str = "field";

/// The name a later comer gets when `wanted` is taken: the first free of `{wanted}{separator}2`,
/// `…3`… (`""` for type names, `"_"` for fields and functions). The spec's order decides who
/// keeps `wanted`; every rename goes through here, so they all read alike.
pub fn numbered(wanted: &str, separator: &str, taken: impl Fn(&str) -> bool) -> String {
    (2..)
        .map(|n| format!("{wanted}{separator}{n}"))
        .find(|candidate| !taken(candidate))
        .expect("some number is free")
}

/// Rust name of a struct field or function argument; keywords are left for emit to make raw.
pub fn field_name(wire: &str) -> Option<String> {
    // heck drops a sign, which would make GitHub's reactions `+1` and `-1` one field.
    for (sign, word) in [('+', "plus"), ('-', "minus")] {
        if let Some(rest) = wire
            .strip_prefix(sign)
            .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        {
            return identifier(&format!("{word}_{rest}"), Case::Snake);
        }
    }
    identifier(wire, Case::Snake)
}

/// Rust name of an enum variant for the wire value at `position` in its list.
pub fn variant_name(wire: &str, position: usize) -> String {
    if wire.is_empty() {
        return "Empty".to_owned();
    }
    // heck drops the sign, which would make `-1` and `1` one variant.
    if let Some(magnitude) = wire
        .strip_prefix('-')
        .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    {
        return format!("Minus{}", upper_camel(magnitude));
    }
    match identifier(wire, Case::Variant) {
        Some(name) if name == UNKNOWN_VARIANT => format!("{UNKNOWN_VARIANT}Value"),
        Some(name) => name,
        None => format!("V{position}"),
    }
}

/// The spec extension that names an endpoint function when the REST convention does not fit:
/// on an operation (`x-rust-method: init`), or on each media type of a request body that takes
/// several (`multipart/form-data: {x-rust-method: file}`).
pub const METHOD_EXTENSION: &str = "x-rust-method";
/// On a component schema: the Rust name of its type, instead of one made from the schema's.
pub const NAME_EXTENSION: &str = "x-rust-name";

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
        upper_camel(&format!("{}_{}", self.resource, self.method))
    }
}

/// Names an operation: the resource is its first tag (`Pre-recorded` → `pre_recorded`), or the
/// first path segment after the version; the method is the spec's `x-rust-method` if it has one,
/// else the REST convention for the HTTP method and the shape of the path. `Err` says which
/// part of the spec gives no Rust name.
pub fn operation_name(
    tag: Option<&str>,
    http_method: &str,
    path: &str,
    explicit: Option<&str>,
) -> Result<OperationName, &'static str> {
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && !is_version(s))
        .collect();
    let resource = match tag {
        Some(tag) => resource_name(tag).ok_or("the tag")?,
        None => match segments.first() {
            Some(first) => resource_name(first).ok_or("the first path segment")?,
            None => "root".to_owned(),
        },
    };
    let has_id = segments.iter().any(|s| s.starts_with('{'));
    let tail: Vec<&str> = segments
        .iter()
        .skip(1)
        .filter(|s| !s.starts_with('{'))
        .copied()
        .collect();
    let method = match (explicit, http_method, has_id, tail.as_slice()) {
        (Some(explicit), ..) => {
            return identifier(explicit, Case::Snake)
                .map(|method| OperationName { resource, method })
                .ok_or(METHOD_EXTENSION)
        }
        (None, "get", false, []) => "list".to_owned(),
        (None, "get", true, []) => "get".to_owned(),
        (None, "post", false, []) => "create".to_owned(),
        (None, "put", true, []) => "replace".to_owned(),
        (None, "patch", true, []) => "update".to_owned(),
        (None, "delete", true, []) => "delete".to_owned(),
        (None, "get", _, tail) => tail.join("_"),
        (None, http_method, _, tail) => {
            let mut parts = vec![http_method];
            parts.extend(tail.iter().copied());
            parts.join("_")
        }
    };
    let method = identifier(&method, Case::Snake).ok_or("the path")?;
    Ok(OperationName { resource, method })
}

/// The accessor of a resource, from its tag or path segment (`Pre-recorded` → `pre_recorded`).
pub fn resource_name(tag: &str) -> Option<String> {
    identifier(tag, Case::Snake)
}

/// The tag that names an operation's resource: its first tag that gives a Rust name (Bungie
/// tags some operations `""`); none, and the path names it.
pub fn resource_tag(tags: &[String]) -> Option<&str> {
    tags.iter()
        .map(String::as_str)
        .find(|tag| resource_name(tag).is_some())
}

/// The function of one form of a body that comes in several (JSON or multipart): the media
/// type's `x-rust-method`, else the operation's method with the form appended (`create_json`).
pub fn body_form_method(
    operation_method: &str,
    form: &str,
    explicit: Option<&str>,
) -> Option<String> {
    match explicit {
        Some(explicit) => identifier(explicit, Case::Snake),
        None => Some(format!("{operation_method}_{form}")),
    }
}

/// The function that streams every item of a paged list (`list` → `list_all`).
pub fn all_pages_method(list_method: &str) -> String {
    format!("{list_method}_all")
}

/// The private function that builds the first request of a paged list (`list` → `list_request`).
pub fn request_method(list_method: &str) -> String {
    format!("{list_method}_request")
}

/// Name of the handle type a resource accessor returns (`pre_recorded` → `PreRecorded`).
pub fn resource_type_name(resource: &str) -> String {
    upper_camel(resource)
}

/// `v2`, `v1.1`, `2.0`: a version, not a resource.
fn is_version(segment: &str) -> bool {
    let number = segment.strip_prefix('v').unwrap_or(segment);
    number.starts_with(|c: char| c.is_ascii_digit())
        && number.chars().all(|c| c.is_ascii_digit() || c == '.')
}

fn upper_camel(raw: &str) -> String {
    // heck splits on anything that is not alphanumeric, so `wav/pcm` and `pre-recorded` work; only
    // ASCII survives so that every name is a plain Rust identifier.
    raw.to_upper_camel_case()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

fn snake(raw: &str) -> String {
    let kept: String = raw
        .to_snake_case()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    // Dropped characters leave `_`s behind: keep one between words, none at either end.
    kept.split('_')
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join("_")
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
        let short = |name: &str| short_type_name(&type_name(name).unwrap()).map(str::to_owned);
        assert_eq!(short("DiarizationConfigDTO").unwrap(), "DiarizationConfig");
        assert_eq!(short("CallbackConfigDto").unwrap(), "CallbackConfig");
        assert_eq!(
            short("PiiRedactionEntityTypeEnum").unwrap(),
            "PiiRedactionEntityType"
        );
        assert_eq!(short("Enum"), None);
        assert_eq!(short("V2Dto"), None);
        assert_eq!(short("PreRecordedResponse"), None);
    }

    #[test]
    fn names_that_cannot_be_identifiers() {
        for raw in ["", "-", "_", "__", "Ω", "½", "١٢٣"] {
            assert_eq!(identifier(raw, Case::Type), None, "{raw:?}");
            assert_eq!(identifier(raw, Case::Snake), None, "{raw:?}");
        }
        // Lower-cased, `İ` is an ASCII `i` and a combining dot.
        assert_eq!(type_name("İ"), None);
        assert_eq!(field_name("İ").unwrap(), "i");
        assert_eq!(type_name("9Foo").unwrap(), "T9foo");
        assert_eq!(type_name("123").unwrap(), "T123");
        assert_eq!(field_name("_1").unwrap(), "n1");
        assert_eq!(field_name("x²").unwrap(), "x");
        assert_eq!(field_name("a-½-b").unwrap(), "a_b");
        assert_eq!(variant_name("½", 3), "V3");
        assert_eq!(type_name("self").unwrap(), "Self_");
        assert_eq!(variant_name("self", 0), "Self_");
    }

    #[test]
    fn variant_names_are_identifiers() {
        let variant = |wire| variant_name(wire, 0);
        assert_eq!(variant("en"), "En");
        assert_eq!(variant("no"), "No");
        assert_eq!(variant("GDPR_SENSITIVE"), "GdprSensitive");
        assert_eq!(variant("wav/pcm"), "WavPcm");
        assert_eq!(variant("8000"), "V8000");
        assert_eq!(variant("pre-recorded"), "PreRecorded");
        assert_eq!(variant("solaria-1"), "Solaria1");
        assert_eq!(variant(""), "Empty");
        assert_eq!(variant("-1"), "Minus1");
        assert_eq!(variant("1"), "V1");
        assert_eq!(variant("-"), "V0");
        assert_eq!(variant("-a"), "A");
        assert_eq!(variant("unknown"), "UnknownValue");
        assert_eq!(variant("UNKNOWN"), "UnknownValue");
    }

    #[test]
    fn field_names_leave_keywords_to_emit() {
        let field = |wire| field_name(wire).unwrap();
        assert_eq!(field("statusCode"), "status_code");
        assert_eq!(field("type"), "type");
        assert!(is_keyword("type"));
        assert_eq!(field("self"), "self_");
        assert_eq!(field("crate"), "crate_");
        assert_eq!(field("3d"), "n3d");
        assert_eq!(field("+1"), "plus_1");
        assert_eq!(field("-1"), "minus_1");
        assert_eq!(field("StartTime<"), "start_time_lt");
        assert_eq!(field("StartTime>="), "start_time_ge");
        assert_eq!(variant_name("<", 0), "Lt");
    }

    #[test]
    fn operations_follow_resources() {
        let name = |tag, method, path, explicit| {
            let name = operation_name(tag, method, path, explicit).unwrap();
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
        assert_eq!(
            name(None, "get", "/2.0/repositories/{user}", None),
            "repositories.get"
        );
        assert_eq!(name(None, "get", "/v1.1/items", None), "items.list");
        assert_eq!(operation_name(Some("Ω"), "get", "/x", None), Err("the tag"));
        assert_eq!(
            operation_name(None, "get", "/x", Some("__")),
            Err(METHOD_EXTENSION)
        );
        assert_eq!(operation_name(None, "get", "/x/__", None), Err("the path"));
        assert_eq!(
            body_form_method("create", "json", None).unwrap(),
            "create_json"
        );
        assert_eq!(
            body_form_method("create", "multipart", Some("file")).unwrap(),
            "file"
        );
        assert_eq!(resource_type_name("pre_recorded"), "PreRecorded");
        let list = operation_name(tag, "get", "/v2/pre-recorded", None).unwrap();
        assert_eq!(list.type_stem(), "PreRecordedList");
    }
}
