//! The one `$ref` resolver: local references to components (`#/components/{section}/{name}`),
//! followed through chains of references with loops reported, and the Rust name of every
//! component schema, decided once.

use std::collections::HashMap;

use indexmap::IndexMap;
use openapiv3::{Components, Parameter, ReferenceOr, RequestBody, Response, Schema};

use crate::error::Error;
use crate::naming;
use crate::source::{escape, unescape};

pub struct Resolver<'a> {
    pub components: &'a Components,
    /// Spec name of each component schema to its Rust name.
    rust_names: HashMap<&'a str, String>,
    /// Components whose Rust name another one took first (`nullTime` after `NullTime`), with
    /// the name they would have had.
    pub renamed: HashMap<&'a str, String>,
}

impl<'a> Resolver<'a> {
    /// Names every component schema. A name drops its `Dto`/`Enum` suffix only where no other
    /// component has, or would get, the short name.
    pub fn new(components: &'a Components) -> Result<Self, Error> {
        let mut full = IndexMap::new();
        for (name, schema) in &components.schemas {
            let pointer = schema_pointer(name);
            // A maintainer's overlay may name the type (`x-rust-name`), to keep a Rust name
            // when the document renames the schema.
            let chosen = match schema {
                ReferenceOr::Item(schema) => schema
                    .schema_data
                    .extensions
                    .get(naming::NAME_EXTENSION)
                    .and_then(|name| name.as_str()),
                ReferenceOr::Reference { .. } => None,
            };
            let name_from = chosen.unwrap_or(name);
            let rust = naming::type_name(name_from).ok_or_else(|| {
                Error::unsupported(
                    &pointer,
                    format!("`{name_from}` has no ASCII letter or digit to make a type name from"),
                )
            })?;
            full.insert(name.as_str(), rust);
        }
        let mut short_count: HashMap<&str, usize> = HashMap::new();
        for rust in full.values() {
            if let Some(short) = naming::short_type_name(rust) {
                *short_count.entry(short).or_default() += 1;
            }
        }
        let taken: std::collections::HashSet<&str> = full.values().map(String::as_str).collect();
        let mut rust_names = HashMap::new();
        let mut renamed = HashMap::new();
        // Rust's and the runtime's names are taken before any component's.
        let mut chosen_names: std::collections::HashSet<String> = naming::RESERVED_TYPE_NAMES
            .iter()
            .map(|name| (*name).to_owned())
            .collect();
        // In the spec's order: the first component keeps the name, the next gets a number.
        for (name, rust) in &full {
            let mut chosen = match naming::short_type_name(rust) {
                Some(short)
                    if !taken.contains(short)
                        && short_count[short] == 1
                        && !naming::RESERVED_TYPE_NAMES.contains(&short) =>
                {
                    short.to_owned()
                }
                _ => rust.clone(),
            };
            if chosen_names.contains(&chosen) {
                let wanted = chosen.clone();
                chosen = naming::numbered(&wanted, "", |c| {
                    chosen_names.contains(c) || taken.contains(c)
                });
                renamed.insert(*name, wanted);
            }
            chosen_names.insert(chosen.clone());
            rust_names.insert(*name, chosen);
        }
        Ok(Resolver {
            components,
            rust_names,
            renamed,
        })
    }

    /// The Rust name of a component schema, by its spec name.
    pub fn rust_name(&self, spec_name: &str) -> Option<&str> {
        self.rust_names.get(spec_name).map(String::as_str)
    }

    /// The Rust type a schema `$ref` names (the component itself, not what it refers to).
    pub fn schema_name(&self, reference: &str, used_at: &str) -> Result<String, Error> {
        let name = component_name(reference, "schemas")
            .filter(|name| self.components.schemas.contains_key(name))
            .ok_or_else(|| Error::unresolved(reference, used_at))?;
        Ok(self.rust_names[name.as_str()].clone())
    }

    /// The schema a `$ref` leads to, through any chain of references, with its pointer.
    pub fn schema(&self, reference: &str, used_at: &str) -> Result<(&'a Schema, String), Error> {
        follow(&self.components.schemas, "schemas", reference, used_at)
    }

    /// A parameter, with the pointer of its definition: a `$ref`'s component, where errors
    /// inside it are placed.
    pub fn parameter(
        &self,
        item: &'a ReferenceOr<Parameter>,
        used_at: &str,
    ) -> Result<(&'a Parameter, String), Error> {
        match item {
            ReferenceOr::Item(item) => Ok((item, used_at.to_owned())),
            ReferenceOr::Reference { reference } => follow(
                &self.components.parameters,
                "parameters",
                reference,
                used_at,
            ),
        }
    }

    pub fn response(
        &self,
        item: &'a ReferenceOr<Response>,
        used_at: &str,
    ) -> Result<&'a Response, Error> {
        item_or(&self.components.responses, "responses", item, used_at)
    }

    pub fn request_body(
        &self,
        item: &'a ReferenceOr<RequestBody>,
        used_at: &str,
    ) -> Result<&'a RequestBody, Error> {
        item_or(
            &self.components.request_bodies,
            "requestBodies",
            item,
            used_at,
        )
    }
}

/// A `$ref` to a component the document does not have (Keycloak's `oas_any_type_not_mapped`)
/// says nothing of what it stood for: `Ok(None)`, for the caller to warn of and read as
/// unknown. A pointer elsewhere that leads nowhere stays an error: it meant some part of the
/// text.
pub fn unless_missing<T>(found: Result<T, Error>, section: &str) -> Result<Option<T>, Error> {
    match found {
        Err(Error::UnresolvedRef { reference, .. })
            if component_name(&reference, section).is_some() =>
        {
            Ok(None)
        }
        found => found.map(Some),
    }
}

pub fn schema_pointer(name: &str) -> String {
    format!("#/components/schemas/{}", escape(name))
}

fn component_name(reference: &str, section: &str) -> Option<String> {
    let name = reference.strip_prefix(&format!("#/components/{section}/"))?;
    (!name.contains('/')).then(|| unescape(name))
}

fn item_or<'a, T>(
    items: &'a IndexMap<String, ReferenceOr<T>>,
    section: &str,
    item: &'a ReferenceOr<T>,
    used_at: &str,
) -> Result<&'a T, Error> {
    match item {
        ReferenceOr::Item(item) => Ok(item),
        ReferenceOr::Reference { reference } => {
            follow(items, section, reference, used_at).map(|(item, _)| item)
        }
    }
}

/// Follows `$ref`s in one section until an item; a loop of references is an error.
fn follow<'a, T>(
    items: &'a IndexMap<String, ReferenceOr<T>>,
    section: &str,
    reference: &str,
    used_at: &str,
) -> Result<(&'a T, String), Error> {
    let mut seen: Vec<&str> = Vec::new();
    let mut reference = reference;
    let mut used_at = used_at.to_owned();
    loop {
        let (name, item) = component_name(reference, section)
            .and_then(|name| items.get_key_value(&name))
            .ok_or_else(|| Error::unresolved(reference, &used_at))?;
        let pointer = format!("#/components/{section}/{}", escape(name));
        if seen.contains(&name.as_str()) {
            return Err(Error::unsupported(
                &pointer,
                format!(
                    "a loop of $refs that never reaches a definition: {} → {name}",
                    seen.join(" → ")
                ),
            ));
        }
        seen.push(name);
        match item {
            ReferenceOr::Item(item) => return Ok((item, pointer)),
            ReferenceOr::Reference { reference: next } => {
                reference = next;
                used_at = pointer;
            }
        }
    }
}
