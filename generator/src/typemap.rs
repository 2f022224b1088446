//! The one rule that maps spec types and formats to Rust types.
//!
//! | spec                              | Rust                          |
//! |-----------------------------------|-------------------------------|
//! | `string`                          | `String`                      |
//! | `string`, `format: uuid`          | `String` (ids are opaque)     |
//! | `string`, `format: uri`           | `String` (lenient, see below) |
//! | `string`, `format: date`          | `time::Date`                  |
//! | `string`, `format: date-time`     | `time::OffsetDateTime` (RFC 3339) |
//! | `string`, `format: binary`        | `Vec<u8>`                     |
//! | `integer` (`int32`)               | `i64` (`i32`)                 |
//! | `number` (`float`)                | `f64` (`f32`)                 |
//! | `boolean`                         | `bool`                        |
//! | `array`                           | `Vec<T>`                      |
//! | `object` with typed `additionalProperties` | `BTreeMap<String, T>` |
//! | `object` with no properties       | `serde_json::Map<String, Value>` |
//! | no type                           | `serde_json::Value`           |
//!
//! URLs and ids stay strings: the server writes them, and a URL that a strict parser rejects must
//! not make a whole response fail. Dates are parsed because they are compared and filtered on.
//! Any other format is kept as a plain string and named in the field's docs.

use crate::ir::{Scalar, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The scalar a `type: string` schema with this `format` becomes.
pub fn string_format(format: Option<&str>) -> Scalar {
    match format {
        Some("uuid") => Scalar::Uuid,
        Some("uri") | Some("url") => Scalar::Uri,
        Some("date") => Scalar::Date,
        Some("date-time") => Scalar::DateTime,
        Some("binary") => Scalar::Binary,
        _ => Scalar::String,
    }
}

/// The scalar a `type: integer` schema with this `format` becomes.
pub fn integer_format(format: Option<&str>) -> Scalar {
    match format {
        Some("int32") => Scalar::Integer32,
        _ => Scalar::Integer,
    }
}

/// The scalar a `type: number` schema with this `format` becomes.
pub fn number_format(format: Option<&str>) -> Scalar {
    match format {
        Some("float") => Scalar::Float,
        _ => Scalar::Number,
    }
}

/// The Rust type of a type reference.
pub fn rust_type(ty: &TypeRef) -> TokenStream {
    rust_type_in(ty, &TokenStream::new())
}

/// The Rust type, with generated types spelled through `module` (such as `crate::types::`).
pub fn rust_type_in(ty: &TypeRef, module: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            // Type names are checked by `naming::identifier` and are never keywords.
            let ident = format_ident!("{}", name);
            quote!(#module #ident)
        }
        TypeRef::Scalar(scalar) => scalar_type(*scalar),
        TypeRef::Array(item) => {
            let item = rust_type_in(item, module);
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = rust_type_in(value, module);
            quote!(std::collections::BTreeMap<String, #value>)
        }
        TypeRef::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::Nullable(inner) => {
            let inner = rust_type_in(inner, module);
            quote!(Option<#inner>)
        }
    }
}

fn scalar_type(scalar: Scalar) -> TokenStream {
    match scalar {
        Scalar::String | Scalar::Uuid | Scalar::Uri => quote!(String),
        Scalar::Boolean => quote!(bool),
        Scalar::Integer => quote!(i64),
        Scalar::Integer32 => quote!(i32),
        Scalar::Number => quote!(f64),
        Scalar::Float => quote!(f32),
        Scalar::Date => quote!(time::Date),
        Scalar::DateTime => quote!(time::OffsetDateTime),
        Scalar::Binary => quote!(Vec<u8>),
    }
}
