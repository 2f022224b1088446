//! Shared by the workspace's top-level tests: where things are.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

pub mod fixture;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace root")
        .to_owned()
}

/// The YAML files of a folder under `tests/specs`, sorted by name, as `(stem, text)`.
pub fn specs(folder: &str) -> Vec<(String, String)> {
    let dir = root().join("tests/specs").join(folder);
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("readable folder entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    entries.sort();
    entries
        .into_iter()
        .map(|path| {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            (stem, text)
        })
        .collect()
}

/// The text of `spec/gladia.yaml`.
pub fn gladia_spec() -> String {
    std::fs::read_to_string(root().join("spec/gladia.yaml")).expect("spec/gladia.yaml is readable")
}

/// The AsyncAPI document of the live WebSocket, generated together with spec/gladia.yaml.
pub fn gladia_live_spec() -> String {
    std::fs::read_to_string(root().join("spec/gladia-live.yaml"))
        .expect("spec/gladia-live.yaml is readable")
}

/// What `cargo xtask codegen` generates: spec/gladia.yaml with spec/gladia-live.yaml.
pub fn gladia_output() -> Result<generator::Output, generator::Error> {
    let live = gladia_live_spec();
    let messages = generator::Messages {
        text: &live,
        openapi_name: "gladia.yaml",
    };
    generator::generate_with(&gladia_spec(), Some(messages))
}

/// A JSON file of `tests/fixtures`.
pub fn fixture(name: &str) -> Value {
    let path = root().join("tests/fixtures").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// `spec/gladia.yaml` as JSON.
pub fn gladia_spec_json() -> Value {
    serde_yaml::from_str(&gladia_spec()).expect("spec/gladia.yaml is YAML")
}

/// A file of `../shared`, the reference documents that sit beside the repository and are never
/// copied into it; `None` in a clone without them, after saying which test stops and why. CI
/// sets `GLADIA_REQUIRE_SHARED=1` (`.ci/run`): there a missing file fails the test, which so
/// cannot pass without running.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let path = root().join("../shared").join(relative);
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var_os("GLADIA_REQUIRE_SHARED").is_none(),
        "{} is absent and GLADIA_REQUIRE_SHARED is set",
        path.display()
    );
    let test = std::thread::current().name().unwrap_or("a test").to_owned();
    eprintln!(
        "skipped {test}: needs {} (the reference documents beside the repository)",
        path.display()
    );
    None
}

/// Gladia's OpenAPI document as its API served it (`../shared/reference`): its examples are
/// what Gladia itself says the API sends, so tests decode them rather than examples of our own.
/// `None` without `../shared` (see [`shared`]): a test that needs it cannot forget to skip.
pub fn gladia_published_document() -> Option<Value> {
    let path = shared("reference/gladia-openapi-2026-08-19.json")?;
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (the shared reference documents)", path.display()));
    Some(serde_json::from_str(&text).expect("Gladia's document is JSON"))
}

/// A value of Gladia's component schema `name` (Gladia's name: `StreamingResponse`), built
/// from the examples of Gladia's published document. Only for tests that skip without it
/// (`shared`): it panics when the document is absent.
pub fn example(name: &str) -> Value {
    let document = gladia_published_document()
        .expect("Gladia's published document: the test checks `shared` first");
    let schema = &document["components"]["schemas"][name];
    assert!(
        schema.is_object(),
        "Gladia's document has no schema `{name}`"
    );
    example_for(schema, &document)
}

/// A value for `schema`: its example, else one built from its properties' examples.
pub fn example_for(schema: &Value, spec: &Value) -> Value {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/components/schemas/");
        return example_for(&spec["components"]["schemas"][name], spec);
    }
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = serde_json::Map::new();
        for part in parts {
            match example_for(part, spec) {
                Value::Object(fields) => merged.extend(fields),
                other if parts.len() == 1 => return other,
                other => panic!("allOf part is not an object: {other}"),
            }
        }
        return Value::Object(merged);
    }
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        return example_for(&options[0], spec);
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values[0].clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => Value::Object(
            schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|properties| {
                    properties
                        .iter()
                        .map(|(name, property)| (name.clone(), example_for(property, spec)))
                        .collect()
                })
                .unwrap_or_default(),
        ),
        Some("array") => match schema.get("items") {
            Some(items) => json!([example_for(items, spec)]),
            None => json!([]),
        },
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => json!("2024-01-02T03:04:05Z"),
            Some("date") => json!("2024-01-02"),
            _ => json!("text"),
        },
        Some("integer") => json!(schema.get("minimum").and_then(Value::as_i64).unwrap_or(1)),
        Some("number") => json!(schema.get("minimum").and_then(Value::as_f64).unwrap_or(0.5)),
        Some("boolean") => json!(true),
        _ => json!(null),
    }
}

/// The peak resident memory of this process so far, in MiB (Linux; NaN elsewhere).
pub fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(f64::NAN);
    kib / 1024.0
}
