//! `cargo xtask fuzz --seconds N [--seed S] [--spec PATH] [--save DIR]`: runs the generator
//! in-process on random mutations of a spec and counts what happens. Every run must end in
//! generated files or a `generator::Error`; a panic or a run longer than the time limit is a
//! crash, and its input is saved (under `target/fuzz` by default) to become a regression spec.
//! The generator is a pure function of the text, so nothing else is ever written.

use std::panic;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_yaml::{Mapping, Value};

/// A run taking longer than this is a hang (Gladia's spec takes about 40 ms in release).
const RUN_LIMIT: Duration = Duration::from_secs(5);
/// Hung threads cannot be stopped; past this many the fuzzer stops rather than fill the cores.
const MAX_HANGS: usize = 4;

pub struct FuzzArgs {
    pub seconds: u64,
    pub seed: u64,
    pub spec: PathBuf,
    pub save: PathBuf,
}

#[derive(Default)]
struct Counts {
    runs: usize,
    generated: usize,
    errors: usize,
    /// Errors whose place has a line and column (the others have a pointer only).
    located: usize,
    /// `Error::Internal`: the generator made tokens that are not Rust, a generator bug.
    internal: usize,
    panics: usize,
    hangs: usize,
}

pub fn fuzz(args: &FuzzArgs) -> Result<bool, String> {
    let text = std::fs::read_to_string(&args.spec)
        .map_err(|e| format!("cannot read {}: {e}", args.spec.display()))?;
    let base: Value = serde_yaml::from_str(&text).map_err(|e| format!("base spec: {e}"))?;
    let panic_message = Arc::new(Mutex::new(String::new()));
    {
        let panic_message = Arc::clone(&panic_message);
        panic::set_hook(Box::new(move |info| {
            if let Ok(mut message) = panic_message.lock() {
                *message = info.to_string();
            }
        }));
    }
    let mut rng = Rng(args.seed.max(1));
    let mut counts = Counts::default();
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    while Instant::now() < deadline && counts.hangs < MAX_HANGS {
        let input = mutate(&base, &text, &mut rng);
        counts.runs += 1;
        let (sender, receiver) = mpsc::channel();
        let spec = input.clone();
        let worker = thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(move || {
                let outcome = panic::catch_unwind(|| generator::generate(&spec));
                let _ = sender.send(outcome);
            })
            .map_err(|e| format!("cannot start a run: {e}"))?;
        match receiver.recv_timeout(RUN_LIMIT) {
            Ok(Ok(Ok(_))) => counts.generated += 1,
            Ok(Ok(Err(error))) => {
                counts.errors += 1;
                match &error {
                    generator::Error::Internal { .. } => {
                        counts.internal += 1;
                        save(
                            args,
                            "internal",
                            counts.internal,
                            &input,
                            &error.to_string(),
                        );
                    }
                    other if other.place().is_some_and(|p| p.line_column.is_some()) => {
                        counts.located += 1
                    }
                    _ => {}
                }
            }
            Ok(Err(_)) => {
                counts.panics += 1;
                let message = panic_message.lock().map(|m| m.clone()).unwrap_or_default();
                save(args, "panic", counts.panics, &input, &message);
            }
            Err(_) => {
                counts.hangs += 1;
                save(args, "hang", counts.hangs, &input, "over the time limit");
            }
        }
        if counts.hangs == 0 {
            let _ = worker.join();
        }
    }
    let _ = panic::take_hook();
    println!(
        "fuzz: {} runs in {} s (seed {}): {} generated, {} errors ({} with line and column, {} internal), {} panics, {} hangs",
        counts.runs,
        args.seconds,
        args.seed,
        counts.generated,
        counts.errors,
        counts.located,
        counts.internal,
        counts.panics,
        counts.hangs
    );
    Ok(counts.panics == 0 && counts.hangs == 0 && counts.internal == 0)
}

fn save(args: &FuzzArgs, kind: &str, n: usize, input: &str, message: &str) {
    // The first few of each kind are enough to find the cause.
    if n > 20 {
        return;
    }
    let _ = std::fs::create_dir_all(&args.save);
    let path = args.save.join(format!("{kind}-{n}.yaml"));
    let first_line = message.lines().next().unwrap_or_default();
    let body = format!("# {kind}: {first_line}\n{input}");
    if std::fs::write(&path, body).is_ok() {
        eprintln!("{kind}: {} ({first_line})", path.display());
    }
}

/// xorshift64*: small, fast, and the same sequence for the same seed on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Names that are hard to turn into Rust: empty, punctuation, digits first, non-ASCII,
/// underscores only, keywords, and the names of the runtime and the prelude.
const ODD_NAMES: [&str; 26] = [
    "", "-", "#", "123", "9Foo", "İ", "Ω", "½", "x²", "١٢٣", "_", "__", "_1", "type", "self",
    "Self", "crate", "fn", "Client", "Request", "Error", "Option", "String", "Unknown", "a b",
    "x-y",
];

const SCHEMA_KEYWORDS: [&str; 26] = [
    "type",
    "$ref",
    "items",
    "properties",
    "additionalProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "enum",
    "const",
    "required",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minItems",
    "format",
    "nullable",
    "default",
    "example",
    "examples",
    "discriminator",
    "externalDocs",
    "prefixItems",
    "readOnly",
    "multipleOf",
];

const ODD_VALUES: [&str; 12] = [
    "5",
    "x",
    "1.5",
    "true",
    "null",
    "{}",
    "[]",
    "[1, a]",
    "{a: 5}",
    "[{type: 'null'}]",
    "[string, 'null']",
    "{propertyName: 5}",
];

/// One to three random edits of the base spec, as YAML text.
fn mutate(base: &Value, text: &str, rng: &mut Rng) -> String {
    let mut doc = base.clone();
    let edits = 1 + rng.below(3);
    let mut truncate = false;
    let mut duplicate_line = false;
    for _ in 0..edits {
        match rng.below(12) {
            0 => truncate = true,
            1 => duplicate_line = true,
            kind => edit_tree(&mut doc, kind, rng),
        }
    }
    let mut out = if duplicate_line {
        // Text edits start from the original text, whose lines serde_yaml would not repeat.
        let lines: Vec<&str> = text.lines().collect();
        let at = rng.below(lines.len());
        let mut out: Vec<&str> = lines[..=at].to_vec();
        out.push(lines[at]);
        out.extend(&lines[at + 1..]);
        out.join("\n")
    } else {
        serde_yaml::to_string(&doc).unwrap_or_default()
    };
    if truncate && !out.is_empty() {
        let mut cut = rng.below(out.len());
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    out
}

fn edit_tree(doc: &mut Value, kind: usize, rng: &mut Rng) {
    let schema_names: Vec<String> = doc
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_mapping)
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    match kind {
        // Delete a key.
        2 => {
            if let Some(Value::Mapping(map)) = random_node(doc, rng, Value::is_mapping) {
                if !map.is_empty() {
                    let index = rng.below(map.len());
                    if let Some(key) = map.keys().nth(index).cloned() {
                        map.shift_remove(&key);
                    }
                }
            }
        }
        // Change a value's type.
        3 => {
            let replacement = match rng.below(9) {
                0 => Value::from("text"),
                1 => Value::from(-5),
                2 => Value::from(1.5),
                3 => Value::Bool(true),
                4 => Value::Null,
                5 => Value::Mapping(Mapping::new()),
                6 => Value::Sequence(Vec::new()),
                7 => Value::from(f64::NAN),
                _ => Value::from(f64::INFINITY),
            };
            if let Some(node) = random_node(doc, rng, |_| true) {
                *node = replacement;
            }
        }
        // A dangling `$ref`.
        4 => {
            if let Some(node) = random_node(doc, rng, is_schema_like) {
                *node = ref_to("DoesNotExist");
            }
        }
        // Cycles: a schema that is itself, an alias loop, an allOf of itself, a list of itself.
        5 => {
            if schema_names.is_empty() {
                return;
            }
            let a = rng.pick(&schema_names).clone();
            let b = rng.pick(&schema_names).clone();
            let Some(schemas) = doc
                .get_mut("components")
                .and_then(|c| c.get_mut("schemas"))
                .and_then(Value::as_mapping_mut)
            else {
                return;
            };
            let cycle = match rng.below(5) {
                0 => ref_to(&a),
                1 => {
                    schemas.insert(Value::from(b.clone()), ref_to(&a));
                    ref_to(&b)
                }
                2 => yaml(&format!(
                    "allOf: [{{$ref: '#/components/schemas/{a}'}}, {{type: object, properties: {{x: {{type: string}}}}}}]"
                )),
                3 => yaml(&format!("type: array\nitems: {{$ref: '#/components/schemas/{a}'}}")),
                _ => yaml(&format!(
                    "oneOf: [{{$ref: '#/components/schemas/{a}'}}, {{type: string}}]"
                )),
            };
            schemas.insert(Value::from(a), cycle);
        }
        // A repeated enum value.
        6 => {
            if let Some(Value::Mapping(map)) =
                random_node(doc, rng, |v| v.get("enum").is_some_and(Value::is_sequence))
            {
                if let Some(Value::Sequence(values)) = map.get_mut("enum") {
                    if let Some(first) = values.first().cloned() {
                        values.push(first);
                    }
                }
            }
        }
        // An odd name for a key, a tag or a function.
        7 => {
            let name = Value::from(*rng.pick(&ODD_NAMES));
            if let Some(Value::Mapping(map)) = random_node(doc, rng, Value::is_mapping) {
                if !map.is_empty() {
                    let index = rng.below(map.len());
                    let key = map.keys().nth(index).cloned();
                    if let Some(value) = key.and_then(|key| map.shift_remove(&key)) {
                        map.insert(name, value);
                    }
                }
            }
        }
        8 => {
            let name = Value::from(*rng.pick(&ODD_NAMES));
            let target = if rng.below(2) == 0 {
                "tags"
            } else {
                "x-rust-method"
            };
            if let Some(Value::Mapping(operation)) =
                random_node(doc, rng, |v| v.get("responses").is_some())
            {
                let value = if target == "tags" {
                    Value::Sequence(vec![name])
                } else {
                    name
                };
                operation.insert(Value::from(target), value);
            }
        }
        // Deep nesting.
        9 => {
            if let Some(node) = random_node(doc, rng, is_schema_like) {
                let mut nested = std::mem::replace(node, Value::Null);
                for _ in 0..(10 + rng.below(60)) {
                    let mut properties = Mapping::new();
                    properties.insert(Value::from("a"), nested);
                    let mut object = Mapping::new();
                    object.insert(Value::from("type"), Value::from("object"));
                    object.insert(Value::from("properties"), Value::Mapping(properties));
                    nested = Value::Mapping(object);
                }
                *node = nested;
            }
        }
        // Any schema keyword with a value of any type.
        10 => {
            let keyword = *rng.pick(&SCHEMA_KEYWORDS);
            let text: &&str = rng.pick(&ODD_VALUES);
            let value = yaml(text);
            if let Some(Value::Mapping(map)) = random_node(doc, rng, is_schema_like) {
                map.insert(Value::from(keyword), value);
            }
        }
        // A carriage return in a description, or an odd `type`.
        _ => {
            if let Some(Value::Mapping(map)) = random_node(doc, rng, is_schema_like) {
                if rng.below(2) == 0 {
                    map.insert(Value::from("description"), Value::from("one\rtwo"));
                } else {
                    let ty = rng
                        .pick(&["null", "banana", "number", "integer"])
                        .to_string();
                    map.insert(Value::from("type"), yaml(&format!("[{ty}, 'null']")));
                }
            }
        }
    }
}

fn ref_to(name: &str) -> Value {
    let mut map = Mapping::new();
    map.insert(
        Value::from("$ref"),
        Value::from(format!("#/components/schemas/{name}")),
    );
    Value::Mapping(map)
}

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).unwrap_or(Value::Null)
}

fn is_schema_like(value: &Value) -> bool {
    value.get("type").is_some() || value.get("$ref").is_some() || value.get("allOf").is_some()
}

/// A uniformly chosen node of the tree among those `wanted` accepts.
fn random_node<'v>(
    doc: &'v mut Value,
    rng: &mut Rng,
    wanted: impl Fn(&Value) -> bool + Copy,
) -> Option<&'v mut Value> {
    let count = count_nodes(doc, wanted);
    if count == 0 {
        return None;
    }
    let mut target = rng.below(count);
    nth_node(doc, &mut target, wanted)
}

fn count_nodes(value: &Value, wanted: impl Fn(&Value) -> bool + Copy) -> usize {
    let own = usize::from(wanted(value));
    own + match value {
        Value::Mapping(map) => map.values().map(|v| count_nodes(v, wanted)).sum(),
        Value::Sequence(items) => items.iter().map(|v| count_nodes(v, wanted)).sum(),
        _ => 0,
    }
}

fn nth_node<'v>(
    value: &'v mut Value,
    n: &mut usize,
    wanted: impl Fn(&Value) -> bool + Copy,
) -> Option<&'v mut Value> {
    if wanted(value) {
        if *n == 0 {
            return Some(value);
        }
        *n -= 1;
    }
    match value {
        Value::Mapping(map) => map.values_mut().find_map(|v| nth_node(v, n, wanted)),
        Value::Sequence(items) => items.iter_mut().find_map(|v| nth_node(v, n, wanted)),
        _ => None,
    }
}
