//! OpenAPI to Rust: spec text in, formatted Rust files out.
//!
//! The pipeline is `source` (text to a checked generic tree) → `normalize` (version check,
//! OpenAPI 3.1 rewritten as 3.0, schema shapes checked) → openapiv3 → `convert` (to the IR in
//! [`ir`], with `resolve` for every `$ref`) → `passes` (boxing, docs, validation) → `emit` (to
//! tokens, formatted by prettyplease). Naming rules live in [`naming`], the type mapping in
//! [`typemap`]. Nothing here touches the file system: the caller decides where files go.

mod convert;
mod emit;
mod error;
pub mod ir;
pub mod naming;
mod normalize;
mod passes;
mod resolve;
mod source;
pub mod typemap;

pub use emit::PREAMBLE;
pub use error::{Error, Place, Warning};

/// One generated file, relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: &'static str,
    pub contents: String,
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub files: Vec<GeneratedFile>,
    pub api: ir::Api,
    /// What the generator accepted but a maintainer should know (duplicate enum values…).
    pub warnings: Vec<Warning>,
}

impl Output {
    /// How many structs, unions, aliases and query types were generated (enums excluded).
    pub fn type_count(&self) -> usize {
        self.api.types.len() - self.enum_count()
    }

    /// How many enums were generated.
    pub fn enum_count(&self) -> usize {
        self.api
            .types
            .iter()
            .filter(|t| {
                matches!(
                    t.kind,
                    ir::TypeKind::StringEnum(_) | ir::TypeKind::IntegerEnum(_)
                )
            })
            .count()
    }
}

/// Parses OpenAPI YAML (or JSON) into the IR, with the warnings it gave.
pub fn parse(spec: &str) -> Result<(ir::Api, Vec<Warning>), Error> {
    parse_unlocated(spec)
        .map(|(api, warnings)| {
            let warnings = warnings.into_iter().map(|w| w.locate(spec)).collect();
            (api, warnings)
        })
        .map_err(|e| e.locate(spec))
}

fn parse_unlocated(spec: &str) -> Result<(ir::Api, Vec<Warning>), Error> {
    let mut tree = source::read(spec)?;
    normalize::normalize(&mut tree)?;
    let document: openapiv3::OpenAPI = serde_path_to_error::deserialize(tree).map_err(|e| {
        let pointer = source::path_to_pointer(&e.path().to_string());
        Error::invalid(&pointer, e.into_inner().to_string())
    })?;
    convert::convert(&document)
}

/// Generates every file from the spec text. Either all files or an error: never a partial set.
pub fn generate(spec: &str) -> Result<Output, Error> {
    let (api, warnings) = parse(spec)?;
    let files = vec![
        GeneratedFile {
            path: "types.rs",
            contents: emit::types_file(&api)?,
        },
        GeneratedFile {
            path: "operations.rs",
            contents: emit::operations_file(&api)?,
        },
    ];
    Ok(Output {
        files,
        api,
        warnings,
    })
}
