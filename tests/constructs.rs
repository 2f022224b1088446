//! Compiles the types generated from every construct spec (see `build.rs`): recursion, keywords,
//! maps, unions… must be valid Rust, not only look right in a snapshot. Generated code reaches
//! its helpers as `crate::wire` (and `crate::UnreadableItem`), so this crate has the runtime's
//! `wire` module under that name.

#[allow(dead_code)]
#[path = "../gladia-api/src/wire.rs"]
mod wire;
// Page types name it at the crate root, as gladia-api re-exports it.
use wire::UnreadableItem;

#[allow(dead_code, clippy::all)]
mod constructs {
    include!(concat!(env!("OUT_DIR"), "/constructs.rs"));
}

#[test]
fn every_construct_spec_generates_types_that_compile() {
    let specs: Vec<String> = gladia_tests::specs("constructs")
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(
        constructs::COMPILED,
        specs.as_slice(),
        "a construct spec did not generate; `cargo test --test generator` says why"
    );
}

#[test]
fn gladias_published_document_generates_types_that_compile() {
    let reference = gladia_tests::root().join("../shared/reference/gladia-openapi-2024.json");
    if !reference.exists() {
        eprintln!("skipped: {} is absent", reference.display());
        return;
    }
    assert!(
        constructs::REFERENCE_COMPILED,
        "{} did not generate; `cargo test --test generator` says why",
        reference.display()
    );
}
