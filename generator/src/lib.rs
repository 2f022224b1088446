//! OpenAPI to Rust: spec text in, formatted Rust files out.
//!
//! The pipeline is `parse` (YAML to openapiv3) → `convert` (to the IR in [`ir`]) → `emit` (to
//! tokens, formatted by prettyplease). Naming rules live in [`naming`], the type mapping in
//! [`typemap`]. Nothing here touches the file system: the caller decides where files go.

mod convert;
mod emit;
mod error;
pub mod ir;
pub mod naming;
pub mod typemap;

pub use emit::PREAMBLE;
pub use error::Error;

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

/// Parses OpenAPI YAML (or JSON) into the IR.
pub fn parse(spec: &str) -> Result<ir::Api, Error> {
    let document: openapiv3::OpenAPI = serde_yaml::from_str(spec).map_err(|e| {
        let location = e.location();
        Error::Parse {
            message: strip_location(&e.to_string()),
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
        }
    })?;
    convert::convert(&document)
}

/// Generates every file from the spec text. Either all files or an error: never a partial set.
pub fn generate(spec: &str) -> Result<Output, Error> {
    let api = parse(spec)?;
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
    Ok(Output { files, api })
}

/// serde_yaml writes " at line L column C" into its messages; the location is reported apart.
fn strip_location(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find(" at line ") {
        out.push_str(&rest[..start]);
        let after = &rest[start + " at line ".len()..];
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let line_end = digits(after);
        match after[line_end..].strip_prefix(" column ") {
            Some(column) if line_end > 0 => rest = &column[digits(column)..],
            _ => {
                out.push_str(" at line ");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
