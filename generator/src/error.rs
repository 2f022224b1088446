//! Everything that can go wrong between spec text and Rust files. Each variant names the place in the
//! spec a maintainer has to look at; the generator never panics on bad input.

use std::fmt;

/// A spec the generator cannot turn into Rust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The text is not YAML, or not an OpenAPI document.
    Parse {
        message: String,
        line: Option<usize>,
        column: Option<usize>,
    },
    /// A `$ref` that names nothing in the document.
    UnresolvedRef { reference: String, used_at: String },
    /// A construct the generator does not turn into Rust.
    Unsupported { pointer: String, what: String },
    /// Two spec names that become the same Rust name.
    NameCollision {
        rust_name: String,
        first: String,
        second: String,
    },
    /// Generated tokens that do not parse as Rust: a generator bug, reported rather than panicked on.
    Internal { file: String, message: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Parse {
                message,
                line: Some(line),
                column: Some(column),
            } => write!(f, "invalid spec at line {line}, column {column}: {message}"),
            Error::Parse { message, .. } => write!(f, "invalid spec: {message}"),
            Error::UnresolvedRef { reference, used_at } => {
                write!(f, "unresolved $ref `{reference}` used at {used_at}")
            }
            Error::Unsupported { pointer, what } => write!(f, "unsupported at {pointer}: {what}"),
            Error::NameCollision {
                rust_name,
                first,
                second,
            } => write!(
                f,
                "name collision: {first} and {second} both become `{rust_name}` in Rust; rename one in the spec"
            ),
            Error::Internal { file, message } => {
                write!(f, "internal error: generated {file} is not valid Rust: {message}")
            }
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    pub(crate) fn unsupported(pointer: &str, what: impl Into<String>) -> Self {
        Error::Unsupported {
            pointer: pointer.to_owned(),
            what: what.into(),
        }
    }
}
