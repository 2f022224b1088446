//! Everything that can go wrong between spec text and Rust files, and the warnings a run may
//! give. Each names the place in the spec a maintainer has to look at: its JSON pointer always,
//! its line and column where the text has the node. The generator never panics on bad input.

use std::fmt;

use crate::rules::Rule;

/// A node of the spec: its JSON pointer (`#/components/schemas/Foo`), and where the text has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub pointer: String,
    /// 1-based line and column of the node, filled in by [`Error::locate`].
    pub line_column: Option<(usize, usize)>,
    /// The file of a document split over several, when the node is not in the one `--spec`
    /// names (relative to that one's folder); `pointer` is then a pointer into that file.
    pub file: Option<String>,
}

impl Place {
    pub fn new(pointer: impl Into<String>) -> Self {
        Place {
            pointer: pointer.into(),
            line_column: None,
            file: None,
        }
    }

    pub(crate) fn locate(&mut self, text: &str) {
        if self.line_column.is_none() && self.file.is_none() && self.pointer.starts_with('#') {
            self.line_column = crate::locate::locate_all(text, &[&self.pointer])[0];
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file} ")?;
        }
        match self.line_column {
            Some((line, column)) => write!(f, "line {line}, column {column} ({})", self.pointer),
            None => f.write_str(&self.pointer),
        }
    }
}

/// A spec the generator cannot turn into Rust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The text is not YAML, or not an OpenAPI document of a version the generator reads.
    Parse { message: String, at: Place },
    /// A `$ref` that names nothing in the document, or only other `$ref`s in a loop.
    UnresolvedRef { reference: String, at: Place },
    /// A construct the generator does not turn into Rust.
    Unsupported { what: String, at: Place },
    /// Two spec names that become the same Rust name. `first` names the other place, or the
    /// Rust name it would shadow.
    NameCollision {
        rust_name: String,
        first: String,
        at: Place,
    },
    /// Generated tokens that do not parse as Rust: a generator bug, reported rather than panicked on.
    Internal { file: String, message: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Parse { message, at } => write!(f, "invalid spec at {at}: {message}"),
            Error::UnresolvedRef { reference, at } => {
                write!(f, "unresolved $ref `{reference}` at {at}")
            }
            Error::Unsupported { what, at } => write!(f, "unsupported at {at}: {what}"),
            Error::NameCollision {
                rust_name,
                first,
                at,
            } => {
                write!(
                    f,
                    "name collision at {at}: {first} and {} both become `{rust_name}` in Rust; rename one in the spec",
                    at.pointer
                )?;
                // Endpoint functions (`resource().method`) are named without renaming anything.
                if rust_name.contains("().") {
                    write!(
                        f,
                        ", or name one with `{}`",
                        crate::naming::METHOD_EXTENSION
                    )?;
                }
                Ok(())
            }
            Error::Internal { file, message } => {
                write!(
                    f,
                    "internal error: generated {file} is not valid Rust: {message}"
                )
            }
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    pub(crate) fn unsupported(pointer: &str, what: impl Into<String>) -> Self {
        Error::Unsupported {
            what: what.into(),
            at: Place::new(pointer),
        }
    }

    pub(crate) fn invalid(pointer: &str, message: impl Into<String>) -> Self {
        Error::Parse {
            message: message.into(),
            at: Place::new(pointer),
        }
    }

    pub(crate) fn unresolved(reference: &str, pointer: &str) -> Self {
        Error::UnresolvedRef {
            reference: reference.to_owned(),
            at: Place::new(pointer),
        }
    }

    pub(crate) fn collision(rust_name: &str, first: impl Into<String>, pointer: &str) -> Self {
        Error::NameCollision {
            rust_name: rust_name.to_owned(),
            first: first.into(),
            at: Place::new(pointer),
        }
    }

    /// The place the error names, if it names one.
    pub fn place(&self) -> Option<&Place> {
        match self {
            Error::Parse { at, .. }
            | Error::UnresolvedRef { at, .. }
            | Error::Unsupported { at, .. }
            | Error::NameCollision { at, .. } => Some(at),
            Error::Internal { .. } => None,
        }
    }

    pub(crate) fn place_mut(&mut self) -> Option<&mut Place> {
        match self {
            Error::Parse { at, .. }
            | Error::UnresolvedRef { at, .. }
            | Error::Unsupported { at, .. }
            | Error::NameCollision { at, .. } => Some(at),
            Error::Internal { .. } => None,
        }
    }

    /// Adds the line and column of the place, found in the spec text.
    pub(crate) fn locate(mut self, text: &str) -> Self {
        if let Some(at) = self.place_mut() {
            at.locate(text);
        }
        self
    }
}

/// Something the generator accepted but a maintainer should know: it is printed, not fatal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The name of the rule that read the place leniently ([`crate::rules`]).
    pub rule: &'static str,
    pub message: String,
    pub at: Place,
}

impl Warning {
    pub(crate) fn new(rule: &'static Rule, pointer: &str, message: impl Into<String>) -> Self {
        Warning {
            rule: rule.name,
            message: message.into(),
            at: Place::new(pointer),
        }
    }

    /// What a part no rule reads became, with the error that says why.
    pub(crate) fn unreadable(rule: &'static Rule, error: &Error, instead: &str) -> Self {
        let (pointer, what) = match error {
            Error::Parse { message, at } => (at.pointer.as_str(), message.clone()),
            Error::Unsupported { what, at } => {
                (at.pointer.as_str(), format!("unsupported: {what}"))
            }
            Error::UnresolvedRef { reference, at } => (
                at.pointer.as_str(),
                format!("unresolved $ref `{reference}`"),
            ),
            other => ("#", other.to_string()),
        };
        Warning::new(rule, pointer, format!("{what}; {instead}"))
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "warning[{}]: {} at {}", self.rule, self.message, self.at)
    }
}
