//! How long `cargo xtask codegen` takes on a large document: Gladia's spec copied until the
//! document is about 4 MB (each copy's schemas, paths and tags renamed, so that every copy
//! generates its own types and resources), as YAML and as JSON; and the split document of
//! `tests/specs/multifile`, read from its files. The goal is under 1 s for 4 MB in release.
//! A document of your own: `CODEGEN_BENCH_SPEC=path/to/openapi.yaml`.
//!
//! `cargo bench -p gladia-tests --bench codegen`

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gladia_tests::{gladia_spec_json, root};
use serde_json::{Map, Value};

/// The `components` sections a copy renames; the others (security schemes) stay shared.
const SECTIONS: [&str; 5] = [
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
];

/// Gladia's spec, its components, paths, tags and operation ids copied `copies` times.
fn large_document(copies: usize) -> Value {
    let spec = gladia_spec_json();
    let mut out = spec.clone();
    let mut components: Map<String, Value> = Map::new();
    let mut paths = Map::new();
    for copy in 0..copies {
        let prefix = format!("Copy{copy}");
        let renamed = |value: &Value| -> Value {
            let mut text = value.to_string();
            for section in SECTIONS {
                let from = format!("\"#/components/{section}/");
                text = text.replace(&from, &format!("{from}{prefix}"));
            }
            serde_json::from_str(&text).unwrap()
        };
        for section in SECTIONS {
            let Some(items) = spec["components"][section].as_object() else {
                continue;
            };
            let target = components
                .entry(section)
                .or_insert_with(|| Value::Object(Map::new()));
            for (name, item) in items {
                target[format!("{prefix}{name}")] = renamed(item);
            }
        }
        for (path, item) in spec["paths"].as_object().unwrap() {
            let mut item = renamed(item);
            for operation in item.as_object_mut().unwrap().values_mut() {
                let Some(operation) = operation.as_object_mut() else {
                    continue;
                };
                if let Some(Value::Array(tags)) = operation.get_mut("tags") {
                    for tag in tags {
                        *tag = Value::from(format!("{} {copy}", tag.as_str().unwrap()));
                    }
                }
                if let Some(Value::String(id)) = operation.get_mut("operationId") {
                    id.push_str(&copy.to_string());
                }
            }
            paths.insert(format!("/copy{copy}{path}"), item);
        }
    }
    for (section, items) in components {
        out["components"][section] = items;
    }
    out["paths"] = Value::Object(paths);
    out.as_object_mut().unwrap().remove("tags");
    out
}

fn generate(text: &str, path: Option<&Path>) {
    let output =
        generator::generate_document(text, path, None, None).unwrap_or_else(|e| panic!("{e}"));
    assert!(!output.api.operations.is_empty());
}

fn codegen(c: &mut Criterion) {
    let mut group = c.benchmark_group("codegen");
    group.sample_size(10);
    let document = large_document(40);
    let json = serde_json::to_string_pretty(&document).unwrap();
    let yaml = serde_yaml::to_string(&document).unwrap();
    for (name, text) in [("4 MB-ish YAML", yaml), ("4 MB-ish JSON", json)] {
        let label = format!("{name} ({:.1} MB)", text.len() as f64 / 1e6);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(label, |b| b.iter(|| generate(&text, None)));
    }
    let split = root().join("tests/specs/multifile/split/openapi.yaml");
    let text = std::fs::read_to_string(&split).unwrap();
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("multi-file split document", |b| {
        b.iter(|| generate(&text, Some(&split)))
    });
    if let Some(path) = std::env::var_os("CODEGEN_BENCH_SPEC").map(PathBuf::from) {
        let text = std::fs::read_to_string(&path).unwrap();
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(path.display().to_string(), |b| {
            b.iter(|| generate(&text, Some(&path)))
        });
    }
    group.finish();
}

criterion_group!(benches, codegen);
criterion_main!(benches);
