//! OpenAPI to Rust: spec text in, formatted Rust files out.
//!
//! The pipeline is `source` (text to a checked generic tree) → `asyncapi` (an optional AsyncAPI
//! document of the API's WebSocket messages, folded in) → `normalize` (version check,
//! OpenAPI 3.1 rewritten as 3.0, schema shapes checked) → openapiv3 → `convert` (to the IR in
//! [`ir`], with `resolve` for every `$ref`) → `passes` (boxing, docs, validation) → `emit` (to
//! tokens, formatted by prettyplease). Naming rules live in [`naming`], the type mapping in
//! [`typemap`]. [`diff`] compares the APIs of two specs, for the change report. Before
//! `normalize`, `bundle` reads the other files a document's `$ref`s reach: the only file system
//! access; the caller decides where generated files go.

#![warn(clippy::too_many_lines, clippy::cognitive_complexity)]

mod asyncapi;
mod bundle;
mod convert;
pub mod diff;
mod emit;
mod error;
pub mod ir;
mod locate;
pub mod naming;
mod normalize;
mod package;
mod passes;
mod resolve;
pub mod rules;
mod source;
mod tree;
pub mod typemap;

use std::path::Path;

pub use emit::PREAMBLE;
pub use error::{Error, Place, Warning};
pub use package::{crate_files, is_crate_name};

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

/// An AsyncAPI 3 document of the API's WebSocket messages, generated together with the OpenAPI
/// document: its schemas become types beside the others, and each operation with `x-rust-type`
/// a tagged union of its messages.
#[derive(Debug, Clone, Copy)]
pub struct Messages<'a> {
    pub text: &'a str,
    /// The OpenAPI document's file name, as this document's `$ref`s to it spell it.
    pub openapi_name: &'a str,
}

/// Parses OpenAPI YAML (or JSON) into the IR, with the warnings it gave.
pub fn parse(spec: &str) -> Result<(ir::Api, Vec<Warning>), Error> {
    parse_with(spec, None)
}

/// [`parse`], with the WebSocket messages of the API. Places are looked up in the OpenAPI text,
/// then in the AsyncAPI text: the two documents' schema names never overlap.
pub fn parse_with(
    spec: &str,
    messages: Option<Messages<'_>>,
) -> Result<(ir::Api, Vec<Warning>), Error> {
    parse_document(spec, None, None, messages)
}

/// [`parse_with`] of a document read from `path` (or given as text, without a path): `$ref`s to
/// other files are read relative to it, and places in them name their file. `$ref`s to URLs are
/// never fetched: they are read from the local copies in `refs` (`refs/host/path`, else
/// `refs/file-name`), else warned of and read as unknown.
pub fn parse_document(
    spec: &str,
    path: Option<&Path>,
    refs: Option<&Path>,
    messages: Option<Messages<'_>>,
) -> Result<(ir::Api, Vec<Warning>), Error> {
    let (tree, bundle) = bundle::bundle(spec, path, refs)?;
    let other = messages.map_or("", |m| m.text);
    match parse_tree(tree, messages) {
        Ok((api, mut warnings)) => {
            bundle.locate_all(warnings.iter_mut().map(|w| &mut w.at).collect());
            for warning in &mut warnings {
                warning.at.locate(other);
            }
            // The text's own come first: they were met first.
            let mut all = bundle.warnings.clone();
            all.append(&mut warnings);
            Ok((api, all))
        }
        Err(mut error) => {
            if let Some(place) = error.place_mut() {
                bundle.locate(place);
                place.locate(other);
            }
            Err(error)
        }
    }
}

fn parse_tree(
    mut tree: serde_yaml::Value,
    messages: Option<Messages<'_>>,
) -> Result<(ir::Api, Vec<Warning>), Error> {
    if let Some(messages) = messages {
        // Located in the AsyncAPI text alone: its pointers mean nothing in the OpenAPI one.
        let located = |e: Error| e.locate(messages.text);
        let document = source::read(messages.text).map_err(located)?;
        asyncapi::merge(&mut tree, &document, messages.openapi_name).map_err(located)?;
    }
    let mut warnings = normalize::normalize(&mut tree)?;
    let document: openapiv3::OpenAPI = serde_path_to_error::deserialize(tree).map_err(|e| {
        let pointer = source::path_to_pointer(&e.path().to_string());
        Error::invalid(&pointer, e.into_inner().to_string())
    })?;
    let (api, more) = convert::convert(&document)?;
    // A schema converted more than once (an allOf gathered for each union member that holds
    // it) says its warnings once.
    let mut said = std::collections::HashSet::new();
    warnings.extend(
        more.into_iter()
            .filter(|w| said.insert((w.at.pointer.clone(), w.message.clone()))),
    );
    Ok((api, warnings))
}

/// Generates every file from the spec text. Either all files or an error: never a partial set.
pub fn generate(spec: &str) -> Result<Output, Error> {
    generate_with(spec, None)
}

/// [`generate`], with the WebSocket messages of the API.
pub fn generate_with(spec: &str, messages: Option<Messages<'_>>) -> Result<Output, Error> {
    generate_document(spec, None, None, messages)
}

/// [`generate_with`] of a document read from `path`: `$ref`s to other files are read relative
/// to it (see [`parse_document`]).
pub fn generate_document(
    spec: &str,
    path: Option<&Path>,
    refs: Option<&Path>,
    messages: Option<Messages<'_>>,
) -> Result<Output, Error> {
    let (api, warnings) = parse_document(spec, path, refs, messages)?;
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
