//! Generates the types of every construct spec (`specs/constructs/*.yaml`) into `OUT_DIR`, so
//! that the `constructs` test compiles them: a construct whose output does not compile fails the
//! build of that test. A spec that does not generate is left out; the `constructs` test names it.
//! Gladia's published 2024 document is compiled the same way from `../shared/reference` (it is
//! read where it is, never copied into the repository; without it the `constructs` test skips,
//! except in CI).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    let specs = manifest.join("specs/constructs");
    println!("cargo:rerun-if-changed={}", specs.display());
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&specs)
        .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    entries.sort();
    let mut modules = String::new();
    let mut names = Vec::new();
    for path in entries {
        let Some(name) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else {
            continue;
        };
        let Some(types) = generated_types(&path) else {
            println!("cargo:warning=construct {name} does not generate");
            continue;
        };
        let file = out.join(format!("construct_{name}.rs"));
        if std::fs::write(&file, types).is_err() {
            println!("cargo:warning=cannot write {}", file.display());
            continue;
        }
        let _ = writeln!(
            modules,
            "#[path = {:?}]\npub mod {name};",
            file.display().to_string()
        );
        names.push(name);
    }
    let reference = manifest.join("../../shared/reference/gladia-openapi-2024.json");
    println!("cargo:rerun-if-changed={}", reference.display());
    let reference_compiled = reference.exists()
        && match generated_types(&reference) {
            Some(types) => {
                let file = out.join("reference_2024.rs");
                let written = std::fs::write(&file, types).is_ok();
                if written {
                    let _ = writeln!(
                        modules,
                        "#[path = {:?}]\npub mod reference_2024;",
                        file.display().to_string()
                    );
                }
                written
            }
            None => false,
        };
    let _ = writeln!(modules, "pub const COMPILED: &[&str] = &{names:?};");
    let _ = writeln!(
        modules,
        "pub static REFERENCE_COMPILED: bool = {reference_compiled};"
    );
    if let Err(e) = std::fs::write(out.join("constructs.rs"), modules) {
        println!("cargo:warning=cannot write constructs.rs: {e}");
    }
}

fn generated_types(path: &Path) -> Option<String> {
    let spec = std::fs::read_to_string(path).ok()?;
    let output = generator::generate(&spec).ok()?;
    output
        .files
        .into_iter()
        .find(|f| f.path == "types.rs")
        .map(|f| f.contents)
}
