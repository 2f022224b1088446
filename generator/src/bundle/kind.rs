//! What a `$ref` stands for, by where it is in the document, and the `$ref`s of a part of it.

use serde_yaml::Value;

use crate::source::escape;

/// What a `$ref` stands for, by where it is: the component sections it can be hoisted into,
/// the places where it is copied, and free-form data (examples, defaults, extensions) where a
/// `$ref` key means nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Document,
    Components,
    PathItems,
    PathItem,
    Operation,
    Callbacks,
    Parameters,
    Responses,
    Headers,
    MediaTypes,
    MediaType,
    Schemas,
    SchemaList,
    Discriminator,
    Schema,
    Parameter,
    Response,
    RequestBody,
    Header,
    RequestBodies,
    Other,
    Data,
}

impl Kind {
    /// The `components` section a `$ref` of this kind is hoisted into.
    pub(super) fn section(self) -> Option<&'static str> {
        match self {
            Kind::Schema => Some("schemas"),
            Kind::Parameter => Some("parameters"),
            Kind::Response => Some("responses"),
            Kind::RequestBody => Some("requestBodies"),
            Kind::Header => Some("headers"),
            _ => None,
        }
    }

    /// Where OpenAPI allows no `$ref`, yet documents write one (`content: {$ref: …}` to a map
    /// of media types kept under `components`): the part it names is copied in.
    pub(super) fn copied_in(self) -> bool {
        matches!(
            self,
            Kind::MediaTypes
                | Kind::MediaType
                | Kind::Parameters
                | Kind::Responses
                | Kind::Headers
                | Kind::Schemas
                | Kind::SchemaList
        )
    }

    /// The kind of the value under `key` (a map's key, or a list's index).
    pub(super) fn child(self, key: &str) -> Kind {
        // Extensions, except in maps whose keys are names (a header `x-request-id`).
        let named = matches!(
            self,
            Kind::PathItems
                | Kind::Callbacks
                | Kind::Parameters
                | Kind::Responses
                | Kind::Headers
                | Kind::MediaTypes
                | Kind::Schemas
                | Kind::SchemaList
                | Kind::RequestBodies
        );
        if key.starts_with("x-") && !named {
            return Kind::Data;
        }
        match (self, key) {
            (Kind::Data, _) => Kind::Data,
            (Kind::Document, "paths" | "webhooks") => Kind::PathItems,
            (Kind::Document, "components") => Kind::Components,
            (Kind::Components, "schemas") => Kind::Schemas,
            (Kind::Components, "parameters") => Kind::Parameters,
            (Kind::Components, "responses") => Kind::Responses,
            (Kind::Components, "requestBodies") => Kind::RequestBodies,
            (Kind::Components, "headers") => Kind::Headers,
            (Kind::Components, "pathItems") => Kind::PathItems,
            (Kind::Components, "callbacks") => Kind::Callbacks,
            (Kind::PathItems, _) => Kind::PathItem,
            (Kind::Callbacks, _) => Kind::PathItems,
            (Kind::PathItem, "parameters") | (Kind::Operation, "parameters") => Kind::Parameters,
            (Kind::PathItem, method) if crate::normalize::HTTP_METHODS.contains(&method) => {
                Kind::Operation
            }
            (Kind::Operation, "requestBody") => Kind::RequestBody,
            (Kind::Operation, "responses") => Kind::Responses,
            (Kind::Operation, "callbacks") => Kind::Callbacks,
            (Kind::Parameters, _) => Kind::Parameter,
            (Kind::RequestBodies, _) => Kind::RequestBody,
            (Kind::Responses, _) => Kind::Response,
            (Kind::Headers, _) => Kind::Header,
            (Kind::Schemas | Kind::SchemaList, _) => Kind::Schema,
            (Kind::MediaTypes, _) => Kind::MediaType,
            (Kind::Parameter | Kind::Header | Kind::MediaType, "schema") => Kind::Schema,
            (Kind::Parameter | Kind::Header | Kind::Response | Kind::RequestBody, "content") => {
                Kind::MediaTypes
            }
            (Kind::Response, "headers") => Kind::Headers,
            (
                Kind::Schema,
                "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas",
            ) => Kind::Schemas,
            (Kind::Schema, "allOf" | "oneOf" | "anyOf" | "prefixItems") => Kind::SchemaList,
            (
                Kind::Schema,
                "items"
                | "additionalProperties"
                | "not"
                | "contains"
                | "propertyNames"
                | "if"
                | "then"
                | "else"
                | "unevaluatedProperties"
                | "unevaluatedItems"
                | "additionalItems",
            ) => Kind::Schema,
            (Kind::Schema, "discriminator") => Kind::Discriminator,
            (_, "example" | "examples" | "default" | "enum" | "const") => Kind::Data,
            (Kind::Discriminator, "mapping") => Kind::Data,
            _ => Kind::Other,
        }
    }
}

/// A node holding a `$ref` to rewrite: a map with `$ref`, or a discriminator's mapping value.
pub(super) struct Site {
    pub(super) pointer: String,
    pub(super) kind: Kind,
    /// A discriminator's mapping value: the string itself is the reference.
    pub(super) mapping: bool,
}

/// Every `$ref` site under `node`, in the document's order; a `$ref` site is not entered.
pub(super) fn collect(
    node: &Value,
    pointer: &str,
    kind: Kind,
    enter_components: bool,
    out: &mut Vec<Site>,
) {
    if kind == Kind::Data {
        return;
    }
    match node {
        Value::Mapping(map) => {
            if matches!(map.get("$ref"), Some(Value::String(_))) {
                out.push(Site {
                    pointer: pointer.to_owned(),
                    kind,
                    mapping: false,
                });
                return;
            }
            if kind == Kind::Discriminator {
                if let Some(Value::Mapping(mapping)) = map.get("mapping") {
                    for (key, value) in mapping {
                        if let (Some(key), Value::String(_)) = (key.as_str(), value) {
                            out.push(Site {
                                pointer: format!("{pointer}/mapping/{}", escape(key)),
                                kind: Kind::Schema,
                                mapping: true,
                            });
                        }
                    }
                }
            }
            for (key, value) in map {
                let Some(key) = key.as_str() else { continue };
                if kind == Kind::Document && key == "components" && !enter_components {
                    continue;
                }
                let child = format!("{pointer}/{}", escape(key));
                collect(value, &child, kind.child(key), enter_components, out);
            }
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                let index = i.to_string();
                let child = format!("{pointer}/{index}");
                collect(item, &child, kind.child(&index), enter_components, out);
            }
        }
        _ => {}
    }
}
