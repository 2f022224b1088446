//! From a parsed OpenAPI document to the IR. `schema` turns schemas into types, `operations`
//! turns paths into endpoint functions; both name what they define through `naming` and claim
//! each name here, so that two spec places that become one Rust name are an error. The passes
//! that work on the finished IR (boxing, docs, validation) are in `passes`.

use std::collections::HashMap;

use openapiv3::{Components, OpenAPI};

use crate::error::{Error, Warning};
use crate::ir::*;
use crate::naming;
use crate::passes;
use crate::resolve::{schema_pointer, Resolver};
use crate::rules;

mod bodies;
mod operations;
mod schema;

pub fn convert(spec: &OpenAPI) -> Result<(Api, Vec<Warning>), Error> {
    static EMPTY: std::sync::OnceLock<Components> = std::sync::OnceLock::new();
    let components = spec
        .components
        .as_ref()
        .unwrap_or_else(|| EMPTY.get_or_init(Components::default));
    let mut converter = Converter {
        resolve: Resolver::new(components)?,
        types: Vec::new(),
        owners: HashMap::new(),
        warnings: Vec::new(),
        distributing: 0,
        in_progress: Vec::new(),
    };
    converter.reserve_component_names()?;
    for (name, schema) in &components.schemas {
        let rust_name = converter.component_name(name);
        converter.define_component(&rust_name, schema, &schema_pointer(name))?;
        if let Some(wanted) = converter.resolve.renamed.get(name.as_str()) {
            let note = format!(
                "Named `{rust_name}` in Rust (spec name `{name}`): `{wanted}` is the name of Rust's, the runtime's or an earlier schema's type."
            );
            if let Some(def) = converter.types.iter_mut().find(|t| t.name == rust_name) {
                add_note(&mut def.docs, note);
            }
        }
    }
    let operations = converter.operations(spec)?;
    let resources = operations::resources(spec, &operations);
    let mut types = converter.types;
    passes::check_alias_cycles(&types)?;
    passes::check_bounds(&types)?;
    passes::box_cycles(&mut types);
    passes::mark_page_items(&mut types, &operations);
    passes::constant_tags(&mut types, &operations);
    passes::describe_fields(&mut types);
    passes::mark_validated(&mut types, &operations);
    let service = service(spec, &mut converter.warnings);
    let api = Api {
        types,
        resources,
        operations,
        service,
    };
    Ok((api, converter.warnings))
}

/// The first server, and the first security scheme the client can use: an API key in a header,
/// or an HTTP bearer token. Other schemes are named in a warning: the client sends no credentials.
fn service(spec: &OpenAPI, warnings: &mut Vec<Warning>) -> Service {
    let base_url = spec.servers.first().map(|server| {
        let mut url = server.url.clone();
        for (name, variable) in server.variables.iter().flatten() {
            url = url.replace(&format!("{{{name}}}"), &variable.default);
        }
        url.trim_end_matches('/').to_owned()
    });
    let schemes = spec.components.iter().flat_map(|c| &c.security_schemes);
    let mut key = None;
    for (name, scheme) in schemes {
        let pointer = format!(
            "#/components/securitySchemes/{}",
            crate::source::escape(name)
        );
        let openapiv3::ReferenceOr::Item(scheme) = scheme else {
            continue;
        };
        let header = match scheme {
            openapiv3::SecurityScheme::APIKey {
                location: openapiv3::APIKeyLocation::Header,
                name,
                ..
            } => Some(KeyHeader {
                name: name.to_ascii_lowercase(),
                prefix: String::new(),
            }),
            openapiv3::SecurityScheme::HTTP { scheme, .. }
                if scheme.eq_ignore_ascii_case("bearer") =>
            {
                Some(KeyHeader {
                    name: "authorization".to_owned(),
                    prefix: "Bearer ".to_owned(),
                })
            }
            _ => None,
        };
        match (header, &key) {
            (Some(header), None) => key = Some(header),
            (Some(_), Some(_)) => {}
            (None, _) => warnings.push(Warning::new(
                rules::SECURITY_NOT_SENT,
                &pointer,
                "a security scheme the client does not send (only API keys in a header and HTTP \
                 bearer tokens); set the credentials with `ClientBuilder::header`",
            )),
        }
    }
    Service { base_url, key }
}

struct Converter<'a> {
    resolve: Resolver<'a>,
    types: Vec<TypeDef>,
    /// Rust type name to the spec place it came from, to report collisions.
    owners: HashMap<String, String>,
    warnings: Vec<Warning>,
    /// How many `allOf`s over a union are being distributed, one inside the other: a bound, so
    /// that a union that includes itself through its members cannot recurse without end.
    distributing: usize,
    /// The pointers of the inline schemas being converted, outermost first.
    in_progress: Vec<String>,
}

impl Converter<'_> {
    /// What a `$ref` to a component of `section` resolved to; one the document does not have
    /// is warned of at `at`, with what is made `instead` (`None`, for the caller to make it).
    fn unless_missing<T>(
        &mut self,
        found: Result<T, Error>,
        section: &str,
        reference: &str,
        at: &str,
        instead: &str,
    ) -> Result<Option<T>, Error> {
        let found = crate::resolve::unless_missing(found, section)?;
        if found.is_none() {
            self.warnings.push(Warning::new(
                rules::MISSING_COMPONENT,
                at,
                format!("`{reference}` does not exist; {instead}"),
            ));
        }
        Ok(found)
    }

    fn component_name(&self, spec_name: &str) -> String {
        self.resolve
            .rust_name(spec_name)
            .unwrap_or(spec_name)
            .to_owned()
    }

    /// Component schemas claim their names first, so that an inline schema that happens to derive
    /// the same name is the one reported.
    fn reserve_component_names(&mut self) -> Result<(), Error> {
        // Generated code spells these without a path, so no spec type may take their names.
        for name in naming::RESERVED_TYPE_NAMES {
            self.owners
                .insert(name.to_owned(), format!("Rust's own `{name}`"));
        }
        for name in self.resolve.components.schemas.keys() {
            let rust_name = self.component_name(name);
            self.claim(&rust_name, &schema_pointer(name))?;
        }
        Ok(())
    }

    fn claim(&mut self, rust_name: &str, pointer: &str) -> Result<(), Error> {
        match self.owners.get(rust_name) {
            Some(first) if first != pointer => {
                Err(Error::collision(rust_name, first.clone(), pointer))
            }
            _ => {
                self.owners.insert(rust_name.to_owned(), pointer.to_owned());
                Ok(())
            }
        }
    }

    /// The name `pointer` claimed passes to `to`, a schema inside it that is the same type.
    fn hand_over(&mut self, rust_name: &str, pointer: &str, to: &str) {
        if self
            .owners
            .get(rust_name)
            .is_some_and(|owner| owner == pointer)
        {
            self.owners.insert(rust_name.to_owned(), to.to_owned());
        }
    }

    /// Defines a type under `name`, or, when an earlier spec place has that name, under the
    /// first `{name}2`, `{name}3`… that is free, with the rename in its doc comment.
    fn define(
        &mut self,
        name: &str,
        pointer: &str,
        mut docs: Docs,
        kind: TypeKind,
    ) -> Result<TypeRef, Error> {
        let first = match self.owners.get(name) {
            Some(first) if first != pointer => Some(first.clone()),
            // The same place converted again, as a part the members of a union share: one type
            // when it reads the same, another name when the context made it another type.
            Some(_) => match self.find_type(name) {
                Some(existing) if existing.kind == kind => return Ok(TypeRef::Named(name.into())),
                Some(_) => Some(format!("{pointer} read in another context")),
                None => None,
            },
            None => None,
        };
        let name = match first {
            Some(first) => {
                let fresh = naming::numbered(name, "", |c| self.owners.contains_key(c));
                add_note(
                    &mut docs,
                    format!("Named `{fresh}` in Rust: `{name}` is the name of {first}."),
                );
                fresh
            }
            _ => name.to_owned(),
        };
        self.claim(&name, pointer)?;
        self.types.push(TypeDef {
            name: name.clone(),
            pointer: pointer.to_owned(),
            docs,
            kind,
            validated: false,
            sent: false,
        });
        Ok(TypeRef::Named(name))
    }

    fn find_type(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }
}

/// Adds a sentence to a doc comment (a rename, what a name stands for).
pub(crate) fn add_note(docs: &mut Docs, note: String) {
    docs.description = Some(match docs.description.take() {
        Some(description) if !description.is_empty() => format!("{description}\n\n{note}"),
        _ => note,
    });
}
