//! Whole crates generated from whole documents compile on their own: Gladia's published 2024
//! document as it is (read from `../shared/reference`, never copied here), and this project's
//! spec. Each is written with `generator::crate_files`, what `cargo xtask codegen --crate` writes,
//! and checked by cargo, offline, with the workspace's lock file, so that the dependencies are the
//! ones already downloaded and the check needs no network.

use std::path::{Path, PathBuf};
use std::process::Command;

use gladia_tests::{gladia_spec, root, specs};

/// Writes the crate `name` generated from `spec` and returns its folder.
fn write_crate(spec: &str, name: &str) -> PathBuf {
    write_crate_from(spec, None, name)
}

/// [`write_crate`] of a document read from `path`, whose `$ref`s may reach other files.
fn write_crate_from(spec: &str, path: Option<&Path>, name: &str) -> PathBuf {
    let output = generator::generate_document(spec, path, None, None)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("crates")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    for file in generator::crate_files(&output.api, name).unwrap() {
        let path = dir.join(file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, file.contents).unwrap();
    }
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    dir
}

/// `cargo check` of a generated crate: its errors, or `None`.
fn check(dir: &Path) -> Option<String> {
    let (success, stderr) = cargo_check(dir, &[]);
    (!success).then_some(stderr)
}

/// [`check`] with more arguments (features), failing on warnings too.
fn check_with(dir: &Path, arguments: &[&str]) -> Option<String> {
    let (success, stderr) = cargo_check(dir, arguments);
    (!success || stderr.contains("warning")).then_some(stderr)
}

fn cargo_check(dir: &Path, arguments: &[&str]) -> (bool, String) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let result = Command::new(cargo)
        .args(["check", "--offline", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .args(arguments)
        // Shared by every generated crate and every run: the dependencies are checked once.
        .env("CARGO_TARGET_DIR", root().join("target/generated-crates"))
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    (result.status.success(), stderr)
}

#[test]
fn crates_from_whole_documents_compile() {
    let split = root().join("tests/specs/multifile/split/openapi.yaml");
    let split_text = std::fs::read_to_string(&split).unwrap();
    let mut documents = vec![
        ("gladia-rest", gladia_spec(), None),
        // A document split over files, YAML and JSON.
        ("multifile-split", split_text, Some(split.as_path())),
    ];
    // Gladia's published document where it sits beside the repository (always in CI).
    if let Some(published) = gladia_tests::shared("reference/gladia-openapi-2024.json") {
        let text = std::fs::read_to_string(&published).unwrap();
        documents.push(("gladia-2024", text, None));
    }
    let failures: Vec<String> = documents
        .iter()
        .filter_map(|(name, spec, path)| {
            check(&write_crate_from(spec, *path, name)).map(|e| format!("{name}:\n{e}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The construct specs that have operations, each a crate with the runtime: their endpoint
/// functions compile too (`tests/constructs.rs` compiles every construct's types alone).
#[test]
fn construct_crates_with_operations_compile() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for (name, spec) in specs("constructs") {
        let output = generator::generate(&spec).unwrap_or_else(|e| panic!("{name}: {e}"));
        if output.api.operations.is_empty() {
            continue;
        }
        let crate_name = format!("construct-{}", name.replace('_', "-"));
        if let Some(errors) = check(&write_crate(&spec, &crate_name)) {
            failures.push(format!("{name}:\n{errors}"));
        }
        checked += 1;
    }
    assert!(
        checked >= 8,
        "only {checked} construct specs with operations"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Generated code gives no warning: a document without operations imports nothing it does not
/// use (`Request`), and one whose query parameter is deprecated reads it without a warning.
#[test]
fn generated_crates_compile_without_warnings() {
    let no_operations = r#"
openapi: 3.1.0
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Pet:
      type: object
      properties:
        name: {type: string, deprecated: true}
"#;
    let deprecated_query = r#"
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /pets:
    get:
      parameters:
        - {name: owner, in: query, deprecated: true, schema: {type: string}}
      responses:
        '204': {description: ok}
"#;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    for (name, spec) in [
        ("no-operations", no_operations),
        ("deprecated-query", deprecated_query),
    ] {
        let dir = write_crate(spec, name);
        let result = Command::new(&cargo)
            .args(["check", "--offline", "--manifest-path"])
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", root().join("target/generated-crates"))
            .output()
            .expect("cargo runs");
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(result.status.success(), "{name}: {stderr}");
        assert!(!stderr.contains("warning"), "{name}: {stderr}");
    }
}

/// Each resource of a generated crate is a feature (`full`, the default, is all): with any one
/// of them, or none, the crate still compiles, without warnings, and leaves out the functions
/// and the types only the other resources use.
#[test]
fn each_resource_feature_compiles_alone() {
    let path = root().join("tests/specs/multifile/split/openapi.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let dir = write_crate_from(&text, Some(&path), "multifile-features");
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains(
            "default = [\"full\"]\nfull = [\"pets\", \"owners\"]\npets = []\nowners = []"
        ),
        "{manifest}"
    );
    let types = std::fs::read_to_string(dir.join("src/types.rs")).unwrap();
    assert!(types.contains(
        "#[cfg(feature = \"owners\")]\n#[derive(Debug, Clone, PartialEq, Default)]\npub struct OwnersList200response"
    ));
    let mut failures = Vec::new();
    for features in [
        &["--no-default-features"][..],
        &["--no-default-features", "--features", "pets"],
        &["--no-default-features", "--features", "owners"],
    ] {
        if let Some(errors) = check_with(&dir, features) {
            failures.push(format!("{features:?}:\n{errors}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
