//! From a parsed OpenAPI document to the IR: resolves `$ref`s, merges `allOf`s, names inline
//! schemas, and checks that no two spec names become one Rust name.

use std::collections::{BTreeSet, HashMap};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, Components, MediaType, OpenAPI, Parameter, ParameterSchemaOrContent,
    ReferenceOr, RequestBody, Schema, SchemaKind, StatusCode, Type, VariantOrUnknownOrEmpty,
};

use crate::error::Error;
use crate::ir::*;
use crate::naming;
use crate::typemap;

/// One form of a request body, with its own function name when the body takes several.
type BodyForm = (Option<String>, Option<Body>);

const SCHEMA_PREFIX: &str = "#/components/schemas/";
const PARAMETER_PREFIX: &str = "#/components/parameters/";
const RESPONSE_PREFIX: &str = "#/components/responses/";
const REQUEST_BODY_PREFIX: &str = "#/components/requestBodies/";

pub fn convert(spec: &OpenAPI) -> Result<Api, Error> {
    static EMPTY: std::sync::OnceLock<Components> = std::sync::OnceLock::new();
    let mut converter = Converter {
        components: spec
            .components
            .as_ref()
            .unwrap_or_else(|| EMPTY.get_or_init(Components::default)),
        types: Vec::new(),
        owners: HashMap::new(),
    };
    converter.reserve_component_names()?;
    for (name, schema) in &converter.components.schemas {
        let pointer = format!("{SCHEMA_PREFIX}{}", escape_pointer(name));
        let rust_name = naming::type_name(name);
        converter.define_component(&rust_name, schema, &pointer)?;
    }
    let operations = converter.operations(spec)?;
    let mut types = converter.types;
    box_cycles(&mut types);
    inherit_docs(&mut types);
    mark_validated(&mut types, &operations);
    let resources = resources(spec, &operations);
    Ok(Api {
        types,
        resources,
        operations,
    })
}

struct Converter<'a> {
    components: &'a Components,
    types: Vec<TypeDef>,
    /// Rust type name to the spec place it came from, to report collisions.
    owners: HashMap<String, String>,
}

impl<'a> Converter<'a> {
    /// Component schemas claim their names first, so that an inline schema that happens to derive
    /// the same name is the one reported.
    fn reserve_component_names(&mut self) -> Result<(), Error> {
        // Generated code spells these without a path, so no spec type may take their names.
        for name in naming::RESERVED_TYPE_NAMES {
            self.owners
                .insert(name.to_owned(), format!("Rust's own `{name}`"));
        }
        for name in self.components.schemas.keys() {
            let pointer = format!("{SCHEMA_PREFIX}{}", escape_pointer(name));
            self.claim(&naming::type_name(name), &pointer)?;
        }
        Ok(())
    }

    fn claim(&mut self, rust_name: &str, pointer: &str) -> Result<(), Error> {
        match self.owners.get(rust_name) {
            Some(first) if first != pointer => Err(Error::NameCollision {
                rust_name: rust_name.to_owned(),
                first: first.clone(),
                second: pointer.to_owned(),
            }),
            _ => {
                self.owners.insert(rust_name.to_owned(), pointer.to_owned());
                Ok(())
            }
        }
    }

    fn push(&mut self, def: TypeDef) {
        self.types.push(def);
    }

    fn define_component(
        &mut self,
        rust_name: &str,
        schema: &ReferenceOr<Schema>,
        pointer: &str,
    ) -> Result<(), Error> {
        match schema {
            ReferenceOr::Reference { reference } => {
                let target = self.schema_ref(reference, pointer)?;
                self.push(TypeDef {
                    name: rust_name.to_owned(),
                    docs: Docs::default(),
                    kind: TypeKind::Alias(target),
                    validated: false,
                });
                Ok(())
            }
            ReferenceOr::Item(schema) => {
                let ty = self.schema(schema, rust_name, pointer)?;
                // A component that is itself a struct, enum or union was defined under its own
                // name by `schema`; anything else (a string, an array...) becomes an alias.
                if ty != TypeRef::Named(rust_name.to_owned()) {
                    self.push(TypeDef {
                        name: rust_name.to_owned(),
                        docs: docs(schema),
                        kind: TypeKind::Alias(ty),
                        validated: false,
                    });
                }
                Ok(())
            }
        }
    }

    /// Resolves a `$ref` to a component schema into the Rust type it names.
    fn schema_ref(&self, reference: &str, used_at: &str) -> Result<TypeRef, Error> {
        let name = reference
            .strip_prefix(SCHEMA_PREFIX)
            .filter(|name| {
                self.components
                    .schemas
                    .contains_key(&unescape_pointer(name))
            })
            .ok_or_else(|| Error::UnresolvedRef {
                reference: reference.to_owned(),
                used_at: used_at.to_owned(),
            })?;
        Ok(TypeRef::Named(naming::type_name(&unescape_pointer(name))))
    }

    fn resolve_schema<'s>(&'s self, reference: &str, used_at: &str) -> Result<&'s Schema, Error> {
        let unresolved = || Error::UnresolvedRef {
            reference: reference.to_owned(),
            used_at: used_at.to_owned(),
        };
        let name = reference
            .strip_prefix(SCHEMA_PREFIX)
            .ok_or_else(unresolved)?;
        match self.components.schemas.get(&unescape_pointer(name)) {
            Some(ReferenceOr::Item(schema)) => Ok(schema),
            Some(ReferenceOr::Reference { reference: next }) => {
                self.resolve_schema(next, &format!("{SCHEMA_PREFIX}{name}"))
            }
            None => Err(unresolved()),
        }
    }

    /// A schema or `$ref` in a position that holds a value (field, item, parameter, body).
    fn type_ref(
        &mut self,
        schema: &ReferenceOr<Schema>,
        name: &str,
        pointer: &str,
    ) -> Result<TypeRef, Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.schema_ref(reference, pointer),
            ReferenceOr::Item(schema) => self.schema(schema, name, pointer),
        }
    }

    fn boxed_type_ref(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        name: &str,
        pointer: &str,
    ) -> Result<TypeRef, Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.schema_ref(reference, pointer),
            ReferenceOr::Item(schema) => self.schema(schema, name, pointer),
        }
    }

    /// The type of an inline schema; structs, enums and unions are defined under `name`.
    fn schema(&mut self, schema: &Schema, name: &str, pointer: &str) -> Result<TypeRef, Error> {
        match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                // The description wrapper: `allOf: [$ref]` with docs or `nullable` beside it.
                [single] => self.type_ref(single, name, &format!("{pointer}/allOf/0")),
                [] => Err(Error::unsupported(pointer, "empty allOf")),
                parts => {
                    let fields = self.merge_all_of(parts, name, pointer)?;
                    self.define(name, pointer, docs(schema), TypeKind::Struct(fields))
                }
            },
            SchemaKind::OneOf { one_of } => self.one_of(schema, one_of, name, pointer),
            SchemaKind::AnyOf { .. } => Err(Error::unsupported(pointer, "anyOf")),
            SchemaKind::Not { .. } => Err(Error::unsupported(pointer, "not")),
            SchemaKind::Any(any) => {
                if *any == Default::default() {
                    Ok(TypeRef::Json)
                } else {
                    Err(Error::unsupported(
                        pointer,
                        format!(
                            "schema of type {:?} with keywords that do not fit it",
                            any.typ.as_deref().unwrap_or("(none)")
                        ),
                    ))
                }
            }
            SchemaKind::Type(Type::Boolean(_)) => Ok(TypeRef::Scalar(Scalar::Boolean)),
            SchemaKind::Type(Type::String(string)) => {
                let format = known_format(&string.format);
                if string.enumeration.is_empty() {
                    return Ok(TypeRef::Scalar(typemap::string_format(format.as_deref())));
                }
                let values = string
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|wire| EnumValue {
                        wire: wire.clone(),
                        variant: naming::variant_name(wire),
                    })
                    .collect::<Vec<_>>();
                check_variants(values.iter().map(|v| (&v.variant, v.wire.clone())), pointer)?;
                self.define(name, pointer, docs(schema), TypeKind::StringEnum(values))
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                let format = known_format(&integer.format);
                if integer.enumeration.is_empty() {
                    return Ok(TypeRef::Scalar(typemap::integer_format(format.as_deref())));
                }
                let values = integer
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|wire| EnumValue {
                        wire: *wire,
                        variant: naming::variant_name(&wire.to_string()),
                    })
                    .collect::<Vec<_>>();
                check_variants(
                    values.iter().map(|v| (&v.variant, v.wire.to_string())),
                    pointer,
                )?;
                self.define(name, pointer, docs(schema), TypeKind::IntegerEnum(values))
            }
            SchemaKind::Type(Type::Number(number)) => {
                if !number.enumeration.is_empty() {
                    return Err(Error::unsupported(
                        pointer,
                        "enum of type number; declare it `type: integer` if its values are whole",
                    ));
                }
                Ok(TypeRef::Scalar(typemap::number_format(
                    known_format(&number.format).as_deref(),
                )))
            }
            SchemaKind::Type(Type::Array(array)) => {
                let item = match &array.items {
                    Some(items) => self.boxed_type_ref(
                        items,
                        &naming::inline_type_name(name, "Item"),
                        &format!("{pointer}/items"),
                    )?,
                    None => TypeRef::Json,
                };
                Ok(TypeRef::Array(Box::new(item)))
            }
            SchemaKind::Type(Type::Object(object)) => {
                if object.properties.is_empty() {
                    return match &object.additional_properties {
                        Some(AdditionalProperties::Schema(value)) => {
                            let value = self.type_ref(
                                value,
                                &naming::inline_type_name(name, "Value"),
                                &format!("{pointer}/additionalProperties"),
                            )?;
                            Ok(TypeRef::Map(Box::new(value)))
                        }
                        _ => Ok(TypeRef::JsonObject),
                    };
                }
                if matches!(
                    object.additional_properties,
                    Some(AdditionalProperties::Schema(_))
                ) {
                    return Err(Error::unsupported(
                        pointer,
                        "an object with both properties and typed additionalProperties",
                    ));
                }
                let fields = self.fields(&object.properties, &object.required, name, pointer)?;
                self.define(name, pointer, docs(schema), TypeKind::Struct(fields))
            }
        }
    }

    fn define(
        &mut self,
        name: &str,
        pointer: &str,
        docs: Docs,
        kind: TypeKind,
    ) -> Result<TypeRef, Error> {
        self.claim(name, pointer)?;
        self.push(TypeDef {
            name: name.to_owned(),
            docs,
            kind,
            validated: false,
        });
        Ok(TypeRef::Named(name.to_owned()))
    }

    fn fields(
        &mut self,
        properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        owner: &str,
        pointer: &str,
    ) -> Result<Vec<Field>, Error> {
        let mut fields: Vec<Field> = Vec::with_capacity(properties.len());
        for (wire, schema) in properties {
            let field_pointer = format!("{pointer}/properties/{}", escape_pointer(wire));
            let name = naming::field_name(wire);
            if let Some(other) = fields.iter().find(|f| f.name == name) {
                return Err(Error::NameCollision {
                    rust_name: name,
                    first: format!("{pointer}/properties/{}", escape_pointer(&other.wire)),
                    second: field_pointer,
                });
            }
            let ty = self.boxed_type_ref(
                schema,
                &naming::inline_type_name(owner, wire),
                &field_pointer,
            )?;
            let (nullable, field_docs) = match schema {
                ReferenceOr::Item(schema) => (schema.schema_data.nullable, docs(schema)),
                ReferenceOr::Reference { .. } => (false, Docs::default()),
            };
            fields.push(Field {
                name,
                wire: wire.clone(),
                ty,
                required: required.contains(wire),
                nullable,
                boxed: false,
                docs: field_docs,
            });
        }
        for wire in required {
            if !properties.contains_key(wire) {
                return Err(Error::unsupported(
                    pointer,
                    format!("`{wire}` is required but is not among the properties"),
                ));
            }
        }
        Ok(fields)
    }

    /// `allOf` of several parts: one struct with the properties of every part, in order.
    fn merge_all_of(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        name: &str,
        pointer: &str,
    ) -> Result<Vec<Field>, Error> {
        let mut properties = IndexMap::new();
        let mut required = Vec::new();
        self.collect_all_of(parts, pointer, &mut properties, &mut required)?;
        self.fields(&properties, &required, name, pointer)
    }

    /// Gathers the properties of every part of an `allOf`, following `$ref`s and nested `allOf`s.
    fn collect_all_of(
        &self,
        parts: &[ReferenceOr<Schema>],
        pointer: &str,
        properties: &mut IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &mut Vec<String>,
    ) -> Result<(), Error> {
        for (index, part) in parts.iter().enumerate() {
            let part_pointer = format!("{pointer}/allOf/{index}");
            let schema = match part {
                ReferenceOr::Reference { reference } => {
                    self.resolve_schema(reference, &part_pointer)?
                }
                ReferenceOr::Item(schema) => schema,
            };
            self.collect_object(schema, &part_pointer, properties, required)?;
        }
        Ok(())
    }

    fn collect_object(
        &self,
        schema: &Schema,
        pointer: &str,
        properties: &mut IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &mut Vec<String>,
    ) -> Result<(), Error> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                for (key, value) in &object.properties {
                    if properties.insert(key.clone(), value.clone()).is_some() {
                        return Err(Error::unsupported(
                            pointer,
                            format!("property `{key}` is defined by two parts of the allOf"),
                        ));
                    }
                }
                required.extend(object.required.iter().cloned());
                Ok(())
            }
            SchemaKind::AllOf { all_of } => {
                self.collect_all_of(all_of, pointer, properties, required)
            }
            _ => Err(Error::unsupported(
                pointer,
                "an allOf part that is not an object",
            )),
        }
    }

    fn one_of(
        &mut self,
        schema: &Schema,
        one_of: &[ReferenceOr<Schema>],
        name: &str,
        pointer: &str,
    ) -> Result<TypeRef, Error> {
        let mut variants = Vec::with_capacity(one_of.len());
        let kind = if let Some(discriminator) = &schema.schema_data.discriminator {
            for (index, option) in one_of.iter().enumerate() {
                let option_pointer = format!("{pointer}/oneOf/{index}");
                let ReferenceOr::Reference { reference } = option else {
                    return Err(Error::unsupported(
                        &option_pointer,
                        "a discriminated oneOf option must be a $ref",
                    ));
                };
                let ty = self.schema_ref(reference, &option_pointer)?;
                let schema_name = reference.trim_start_matches(SCHEMA_PREFIX);
                let wire = discriminator
                    .mapping
                    .iter()
                    .find(|(_, target)| *target == reference)
                    .map(|(value, _)| value.clone())
                    .unwrap_or_else(|| schema_name.to_owned());
                variants.push(Variant {
                    name: naming::variant_name(&wire),
                    wire: Some(wire),
                    ty,
                });
            }
            TypeKind::Tagged {
                tag: discriminator.property_name.clone(),
                variants,
            }
        } else {
            for (index, option) in one_of.iter().enumerate() {
                let option_pointer = format!("{pointer}/oneOf/{index}");
                let ty = self.type_ref(
                    option,
                    &naming::inline_type_name(name, &format!("Variant{index}")),
                    &option_pointer,
                )?;
                variants.push(Variant {
                    name: variant_name_for(&ty),
                    wire: None,
                    ty,
                });
            }
            TypeKind::Untagged(variants)
        };
        let (TypeKind::Tagged { variants, .. } | TypeKind::Untagged(variants)) = &kind else {
            unreachable!("built just above")
        };
        check_variants(
            variants
                .iter()
                .map(|v| (&v.name, v.wire.clone().unwrap_or_else(|| v.name.clone()))),
            pointer,
        )?;
        self.define(name, pointer, docs(schema), kind)
    }

    fn operations(&mut self, spec: &'a OpenAPI) -> Result<Vec<Operation>, Error> {
        let mut operations: Vec<Operation> = Vec::new();
        // Function name to the spec place it came from, to report collisions.
        let mut functions: HashMap<String, String> = HashMap::new();
        for (path, item) in &spec.paths.paths {
            let path_pointer = format!("#/paths/{}", escape_pointer(path));
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    return Err(Error::unsupported(&path_pointer, "a $ref path item"))
                }
            };
            for (method, operation) in item.iter() {
                let pointer = format!("{path_pointer}/{method}");
                let explicit = method_extension(&operation.extensions, &pointer)?;
                let name = naming::operation_name(
                    operation.tags.first().map(String::as_str),
                    method,
                    path,
                    explicit,
                );
                let stem = name.type_stem();
                let parameters = item.parameters.iter().chain(&operation.parameters);
                let mut path_params = Vec::new();
                let mut query = Vec::new();
                for (index, parameter) in parameters.enumerate() {
                    let param_pointer = format!("{pointer}/parameters/{index}");
                    let parameter = self.resolve_parameter(parameter, &param_pointer)?;
                    match parameter {
                        Parameter::Path { parameter_data, .. } => {
                            let (field, _) =
                                self.parameter(parameter_data, &stem, &param_pointer)?;
                            path_params.push(field);
                        }
                        Parameter::Query { parameter_data, .. } => {
                            let (field, json) =
                                self.parameter(parameter_data, &stem, &param_pointer)?;
                            let max_length =
                                max_length_extension(&parameter_data.extensions, &param_pointer)?;
                            query.push(QueryParam {
                                field,
                                json,
                                max_length,
                            });
                        }
                        Parameter::Header { parameter_data, .. }
                        | Parameter::Cookie { parameter_data, .. } => {
                            return Err(Error::unsupported(
                                &param_pointer,
                                format!("header and cookie parameters (`{}`)", parameter_data.name),
                            ))
                        }
                    }
                }
                for segment in path.split('/') {
                    let placeholder = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
                    if let Some(placeholder) = placeholder {
                        if !path_params.iter().any(|p: &Field| p.wire == placeholder) {
                            return Err(Error::unsupported(
                                &pointer,
                                format!(
                                    "path placeholder `{{{placeholder}}}` without a path parameter"
                                ),
                            ));
                        }
                    }
                }
                let query = if query.is_empty() {
                    None
                } else {
                    let query_name = naming::inline_type_name(&stem, "Query");
                    let query_docs = Docs {
                        description: Some(format!(
                            "Query parameters of `{} {path}`.",
                            method.to_uppercase()
                        )),
                        ..Docs::default()
                    };
                    self.define(
                        &query_name,
                        &format!("{pointer}/parameters"),
                        query_docs,
                        TypeKind::Query(query),
                    )?;
                    Some(query_name)
                };
                let bodies = match &operation.request_body {
                    Some(body) => self.request_bodies(body, &name.method, &stem, &pointer)?,
                    None => vec![(None, None)],
                };
                let responses = self.responses(&operation.responses, &stem, &pointer)?;
                let paged = self.paged(&responses);
                let op_docs = Docs {
                    description: join_docs(&operation.summary, &operation.description),
                    deprecated: operation.deprecated,
                    ..Docs::default()
                };
                for (form_method, body) in bodies {
                    let mut name = name.clone();
                    if let Some(form_method) = form_method {
                        name.method = form_method;
                    }
                    let mut claimed = vec![name.method.clone()];
                    if paged.is_some() {
                        claimed.push(naming::all_pages_method(&name.method));
                    }
                    for function in claimed {
                        let key = format!("{}().{function}", name.resource);
                        if let Some(first) = functions.insert(key.clone(), pointer.clone()) {
                            return Err(Error::NameCollision {
                                rust_name: key,
                                first,
                                second: pointer,
                            });
                        }
                    }
                    operations.push(Operation {
                        name,
                        operation_id: operation.operation_id.clone(),
                        http_method: method.to_owned(),
                        path: path.clone(),
                        docs: op_docs.clone(),
                        path_params: path_params.clone(),
                        query: query.clone(),
                        body,
                        responses: responses.clone(),
                        paged: paged.clone(),
                    });
                }
            }
        }
        Ok(operations)
    }

    fn responses(
        &mut self,
        responses: &'a openapiv3::Responses,
        stem: &str,
        pointer: &str,
    ) -> Result<Vec<Response>, Error> {
        let mut out = Vec::new();
        for (status, response) in &responses.responses {
            let StatusCode::Code(code) = status else {
                return Err(Error::unsupported(
                    pointer,
                    format!("response status range {status}"),
                ));
            };
            let response_pointer = format!("{pointer}/responses/{code}");
            let response = match response {
                ReferenceOr::Item(response) => response,
                ReferenceOr::Reference { reference } => self
                    .components
                    .responses
                    .get(reference.trim_start_matches(RESPONSE_PREFIX))
                    .filter(|_| reference.starts_with(RESPONSE_PREFIX))
                    .and_then(|r| r.as_item())
                    .ok_or_else(|| Error::UnresolvedRef {
                        reference: reference.clone(),
                        used_at: response_pointer.clone(),
                    })?,
            };
            let body = self.response_body(
                &response.content,
                &format!("{stem}{code}Response"),
                &response_pointer,
            )?;
            out.push(Response {
                status: *code,
                description: response.description.clone(),
                body,
            });
        }
        if !out.iter().any(|r| (200..300).contains(&r.status)) {
            return Err(Error::unsupported(
                &format!("{pointer}/responses"),
                "an operation without a 2xx response",
            ));
        }
        Ok(out)
    }

    /// A success answer with an `items` list and a nullable `next` link is one page of a list.
    fn paged(&self, responses: &[Response]) -> Option<Paged> {
        let success = responses.iter().find(|r| (200..300).contains(&r.status))?;
        let ResponseBody::Json(TypeRef::Named(page)) = &success.body else {
            return None;
        };
        let def = self.types.iter().find(|t| t.name == *page)?;
        let TypeKind::Struct(fields) = &def.kind else {
            return None;
        };
        let field = |wire: &str| fields.iter().find(|f| f.wire == wire);
        let items = field("items").filter(|f| !f.is_optional())?;
        let next = field("next")?;
        let TypeRef::Array(item) = &items.ty else {
            return None;
        };
        let is_link = matches!(next.ty, TypeRef::Scalar(Scalar::String | Scalar::Uri));
        (is_link && next.is_optional()).then(|| Paged {
            page: page.clone(),
            item: (**item).clone(),
        })
    }

    fn resolve_parameter(
        &self,
        parameter: &'a ReferenceOr<Parameter>,
        pointer: &str,
    ) -> Result<&'a Parameter, Error> {
        let components = self.components;
        match parameter {
            ReferenceOr::Item(parameter) => Ok(parameter),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix(PARAMETER_PREFIX)
                .and_then(|name| components.parameters.get(name))
                .and_then(|p| p.as_item())
                .ok_or_else(|| Error::UnresolvedRef {
                    reference: reference.clone(),
                    used_at: pointer.to_owned(),
                }),
        }
    }

    fn parameter(
        &mut self,
        data: &openapiv3::ParameterData,
        owner: &str,
        pointer: &str,
    ) -> Result<(Field, bool), Error> {
        let inline_name = naming::inline_type_name(owner, &data.name);
        let (schema, json, schema_pointer) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                (schema, false, format!("{pointer}/schema"))
            }
            ParameterSchemaOrContent::Content(content) => {
                let (media, media_type) = content
                    .first()
                    .ok_or_else(|| Error::unsupported(pointer, "a parameter with empty content"))?;
                if media != "application/json" || content.len() > 1 {
                    return Err(Error::unsupported(
                        pointer,
                        format!("parameter content `{media}`; only application/json is supported"),
                    ));
                }
                let schema = media_type.schema.as_ref().ok_or_else(|| {
                    Error::unsupported(pointer, "a JSON parameter without a schema")
                })?;
                (
                    schema,
                    true,
                    format!("{pointer}/content/application~1json/schema"),
                )
            }
        };
        let ty = self.type_ref(schema, &inline_name, &schema_pointer)?;
        if !json && !self.is_plain_text(&ty) {
            return Err(Error::unsupported(
                &schema_pointer,
                "a structured parameter that is not sent as JSON (use `content: application/json`)",
            ));
        }
        let mut field_docs = match schema {
            ReferenceOr::Item(schema) => docs(schema),
            ReferenceOr::Reference { .. } => Docs::default(),
        };
        if data.description.is_some() {
            field_docs.description = data.description.clone();
        }
        field_docs.deprecated |= data.deprecated.unwrap_or(false);
        Ok((
            Field {
                name: naming::field_name(&data.name),
                wire: data.name.clone(),
                ty,
                required: data.required,
                nullable: false,
                boxed: false,
                docs: field_docs,
            },
            json,
        ))
    }

    /// Whether a parameter can be written as plain text: a scalar, an enum, or a list of them
    /// (sent as repeated keys).
    fn is_plain_text(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Scalar(scalar) => *scalar != Scalar::Binary,
            TypeRef::Named(name) => self.types.iter().any(|t| {
                t.name == *name
                    && matches!(t.kind, TypeKind::StringEnum(_) | TypeKind::IntegerEnum(_))
            }),
            TypeRef::Array(item) => {
                !matches!(**item, TypeRef::Array(_)) && self.is_plain_text(item)
            }
            _ => false,
        }
    }

    /// The forms a request body takes, each with its function name when there are several.
    fn request_bodies(
        &mut self,
        body: &'a ReferenceOr<RequestBody>,
        method: &str,
        owner: &str,
        pointer: &str,
    ) -> Result<Vec<BodyForm>, Error> {
        let body_pointer = format!("{pointer}/requestBody");
        let body = match body {
            ReferenceOr::Item(body) => body,
            ReferenceOr::Reference { reference } => reference
                .strip_prefix(REQUEST_BODY_PREFIX)
                .and_then(|name| self.components.request_bodies.get(name))
                .and_then(|b| b.as_item())
                .ok_or_else(|| Error::UnresolvedRef {
                    reference: reference.clone(),
                    used_at: body_pointer.clone(),
                })?,
        };
        let several = body.content.len() > 1;
        let mut forms = Vec::new();
        for (media, media_type) in &body.content {
            let media_pointer = format!("{body_pointer}/content/{}", escape_pointer(media));
            let (form, body) = match media.as_str() {
                "application/json" => (
                    "json",
                    Body::Json(self.media_schema(
                        media_type,
                        &format!("{owner}Body"),
                        &media_pointer,
                    )?),
                ),
                "multipart/form-data" => {
                    let form =
                        self.media_schema(media_type, &format!("{owner}Form"), &media_pointer)?;
                    ("multipart", self.file_part(&form, &media_pointer)?)
                }
                other => {
                    return Err(Error::unsupported(
                        &media_pointer,
                        format!("request body media type `{other}`"),
                    ))
                }
            };
            let name = several
                .then(|| {
                    method_extension(&media_type.extensions, &media_pointer)
                        .map(|explicit| naming::body_form_method(method, form, explicit))
                })
                .transpose()?;
            forms.push((name, Some(body)));
        }
        if forms.is_empty() {
            return Err(Error::unsupported(
                &body_pointer,
                "a request body without content",
            ));
        }
        Ok(forms)
    }

    /// A multipart form is supported when it is one file part, streamed from disk or memory.
    fn file_part(&self, form: &TypeRef, pointer: &str) -> Result<Body, Error> {
        let fields = match form {
            TypeRef::Named(name) => {
                self.types
                    .iter()
                    .find(|t| t.name == *name)
                    .and_then(|t| match &t.kind {
                        TypeKind::Struct(fields) => Some(fields),
                        _ => None,
                    })
            }
            _ => None,
        };
        match fields.map(Vec::as_slice) {
            Some([field]) if field.ty == TypeRef::Scalar(Scalar::Binary) => Ok(Body::Multipart {
                part: field.wire.clone(),
                param: field.name.clone(),
            }),
            _ => Err(Error::unsupported(
                &format!("{pointer}/schema"),
                "a multipart form other than one binary file part",
            )),
        }
    }

    fn media_schema(
        &mut self,
        media_type: &MediaType,
        name: &str,
        pointer: &str,
    ) -> Result<TypeRef, Error> {
        match &media_type.schema {
            Some(schema) => self.type_ref(schema, name, &format!("{pointer}/schema")),
            None => Ok(TypeRef::Json),
        }
    }

    fn response_body(
        &mut self,
        content: &IndexMap<String, MediaType>,
        name: &str,
        pointer: &str,
    ) -> Result<ResponseBody, Error> {
        let Some((media, media_type)) = content.first() else {
            return Ok(ResponseBody::Empty);
        };
        let media_pointer = format!("{pointer}/content/{}", escape_pointer(media));
        if content.len() > 1 {
            return Err(Error::unsupported(
                &media_pointer,
                "a response with several media types",
            ));
        }
        match media.as_str() {
            "application/json" => Ok(ResponseBody::Json(self.media_schema(
                media_type,
                name,
                &media_pointer,
            )?)),
            "application/octet-stream" => Ok(ResponseBody::Binary),
            media if media.starts_with("audio/") || media.starts_with("video/") => {
                Ok(ResponseBody::Binary)
            }
            other => Err(Error::unsupported(
                &media_pointer,
                format!("response media type `{other}`"),
            )),
        }
    }
}

/// Two wire values that become one variant name would not compile: refuse them.
fn check_variants<'v>(
    variants: impl Iterator<Item = (&'v String, String)>,
    pointer: &str,
) -> Result<(), Error> {
    let mut seen: HashMap<&str, String> = HashMap::new();
    seen.insert(
        naming::UNKNOWN_VARIANT,
        "the catch-all variant for unlisted values".to_owned(),
    );
    for (variant, wire) in variants {
        let label = format!("{pointer} value {wire:?}");
        if let Some(first) = seen.insert(variant, label.clone()) {
            return Err(Error::NameCollision {
                rust_name: variant.clone(),
                first,
                second: label,
            });
        }
    }
    Ok(())
}

fn variant_name_for(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::Scalar(scalar) => format!("{scalar:?}"),
        TypeRef::Array(_) => "Array".to_owned(),
        TypeRef::Map(_) | TypeRef::JsonObject => "Object".to_owned(),
        TypeRef::Json => "Json".to_owned(),
    }
}

fn known_format<T>(format: &VariantOrUnknownOrEmpty<T>) -> Option<String>
where
    T: std::fmt::Debug,
{
    match format {
        VariantOrUnknownOrEmpty::Item(item) => Some(format_name(&format!("{item:?}"))),
        VariantOrUnknownOrEmpty::Unknown(name) => Some(name.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// `DateTime` (openapiv3's variant) to `date-time` (the spec's spelling).
fn format_name(variant: &str) -> String {
    let mut out = String::new();
    for (index, c) in variant.chars().enumerate() {
        if c.is_ascii_uppercase() && index > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn docs(schema: &Schema) -> Docs {
    let data = &schema.schema_data;
    let mut docs = Docs {
        description: data.description.clone().or_else(|| data.title.clone()),
        default: data.default.clone(),
        deprecated: data.deprecated,
        ..Docs::default()
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(t)) => {
            docs.minimum = t.minimum.map(|v| v.to_string());
            docs.maximum = t.maximum.map(|v| v.to_string());
            docs.format = known_format(&t.format);
        }
        SchemaKind::Type(Type::Number(t)) => {
            docs.minimum = t.minimum.map(|v| v.to_string());
            docs.maximum = t.maximum.map(|v| v.to_string());
            docs.format = known_format(&t.format);
        }
        SchemaKind::Type(Type::Array(t)) => {
            docs.min_items = t.min_items;
            docs.max_items = t.max_items;
        }
        SchemaKind::Type(Type::String(t)) => docs.format = known_format(&t.format),
        _ => {}
    }
    docs
}

fn join_docs(summary: &Option<String>, description: &Option<String>) -> Option<String> {
    match (summary, description) {
        (Some(summary), Some(description)) => Some(format!("{summary}\n\n{description}")),
        (Some(one), None) | (None, Some(one)) => Some(one.clone()),
        (None, None) => None,
    }
}

fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn unescape_pointer(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Marks the fields through which a type contains itself, directly or through other types held
/// by value, so that emission can `Box` them. `Vec` and maps already allocate and break the cycle.
fn box_cycles(types: &mut [TypeDef]) {
    let index: HashMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    let held: Vec<BTreeSet<usize>> = types
        .iter()
        .map(|t| {
            held_by_value(&t.kind)
                .filter_map(|n| index.get(n).copied())
                .collect()
        })
        .collect();
    for (owner, def) in types.iter_mut().enumerate() {
        let TypeKind::Struct(fields) = &mut def.kind else {
            continue;
        };
        for field in fields {
            if let TypeRef::Named(target) = &field.ty {
                if let Some(&target) = index.get(target) {
                    field.boxed = reaches(&held, target, owner);
                }
            }
        }
    }
}

fn named(ty: &TypeRef) -> Option<&String> {
    match ty {
        TypeRef::Named(name) => Some(name),
        _ => None,
    }
}

fn held_by_value(kind: &TypeKind) -> Box<dyn Iterator<Item = &String> + '_> {
    match kind {
        TypeKind::Struct(fields) => Box::new(fields.iter().filter_map(|f| named(&f.ty))),
        TypeKind::Untagged(variants) | TypeKind::Tagged { variants, .. } => {
            Box::new(variants.iter().filter_map(|v| named(&v.ty)))
        }
        TypeKind::Alias(ty) => Box::new(named(ty).into_iter()),
        _ => Box::new(std::iter::empty()),
    }
}

fn reaches(held: &[BTreeSet<usize>], from: usize, to: usize) -> bool {
    let mut seen = vec![false; held.len()];
    let mut stack = vec![from];
    while let Some(node) = stack.pop() {
        if node == to {
            return true;
        }
        if !std::mem::replace(&mut seen[node], true) {
            stack.extend(held[node].iter().copied());
        }
    }
    false
}

/// The `x-rust-method` of an operation or a media type.
fn method_extension<'e>(
    extensions: &'e IndexMap<String, serde_json::Value>,
    pointer: &str,
) -> Result<Option<&'e str>, Error> {
    match extensions.get(naming::METHOD_EXTENSION) {
        None => Ok(None),
        Some(serde_json::Value::String(name))
            if !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            Ok(Some(name))
        }
        Some(other) => Err(Error::unsupported(
            &format!("{pointer}/{}", naming::METHOD_EXTENSION),
            format!("`{other}` as a function name; use a snake_case identifier"),
        )),
    }
}

/// The `x-max-length` of a query parameter: the longest encoded value the server takes.
fn max_length_extension(
    extensions: &IndexMap<String, serde_json::Value>,
    pointer: &str,
) -> Result<Option<usize>, Error> {
    const KEY: &str = "x-max-length";
    match extensions.get(KEY) {
        None => Ok(None),
        Some(value) => value
            .as_u64()
            .filter(|n| *n > 0)
            .and_then(|n| usize::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| {
                Error::unsupported(
                    &format!("{pointer}/{KEY}"),
                    format!("`{value}` as a length; use a positive integer"),
                )
            }),
    }
}

/// The named type a reference holds, through lists and maps.
fn named_within(ty: &TypeRef) -> Option<&String> {
    match ty {
        TypeRef::Named(name) => Some(name),
        TypeRef::Array(item) | TypeRef::Map(item) => named_within(item),
        _ => None,
    }
}

/// A field the spec leaves undescribed takes the description of the type it holds, so that
/// every public item of the generated code is documented.
fn inherit_docs(types: &mut [TypeDef]) {
    let descriptions: HashMap<String, String> = types
        .iter()
        .filter_map(|t| Some((t.name.clone(), t.docs.description.clone()?)))
        .collect();
    for def in types.iter_mut() {
        let fields = match &mut def.kind {
            TypeKind::Struct(fields) => fields,
            _ => continue,
        };
        for field in fields {
            if field.docs.description.is_none() {
                field.docs.description = named_within(&field.ty)
                    .and_then(|name| descriptions.get(name))
                    .cloned();
            }
        }
    }
}

/// Whether a field carries a bound that `validate` checks.
fn has_bounds(field: &Field) -> bool {
    match &field.ty {
        TypeRef::Scalar(Scalar::Integer | Scalar::Integer32 | Scalar::Number | Scalar::Float) => {
            field.docs.minimum.is_some() || field.docs.maximum.is_some()
        }
        TypeRef::Array(_) => field.docs.min_items.is_some() || field.docs.max_items.is_some(),
        _ => false,
    }
}

/// Marks the types that requests send and that carry bounds, themselves or deeper down.
fn mark_validated(types: &mut [TypeDef], operations: &[Operation]) {
    let index: HashMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    // Each type's direct bounds and the types it holds, worked out once.
    fn fields_of(kind: &TypeKind) -> Vec<&Field> {
        match kind {
            TypeKind::Struct(fields) => fields.iter().collect(),
            TypeKind::Query(params) => params.iter().map(|p| &p.field).collect(),
            _ => Vec::new(),
        }
    }
    let bounded: Vec<bool> = types
        .iter()
        .map(|t| fields_of(&t.kind).into_iter().any(has_bounds))
        .collect();
    let children: Vec<Vec<usize>> = types
        .iter()
        .map(|t| {
            let refs: Vec<&TypeRef> = match &t.kind {
                TypeKind::Untagged(variants) | TypeKind::Tagged { variants, .. } => {
                    variants.iter().map(|v| &v.ty).collect()
                }
                other => fields_of(other).into_iter().map(|f| &f.ty).collect(),
            };
            refs.into_iter()
                .filter_map(|ty| named_within(ty).and_then(|n| index.get(n).copied()))
                .collect()
        })
        .collect();
    // Only what a request can carry.
    let mut sent = vec![false; types.len()];
    let mut stack: Vec<usize> = operations
        .iter()
        .flat_map(|op| {
            let body = match &op.body {
                Some(Body::Json(ty)) => named_within(ty),
                _ => None,
            };
            op.query.as_ref().into_iter().chain(body)
        })
        .filter_map(|name| index.get(name).copied())
        .collect();
    while let Some(node) = stack.pop() {
        if !std::mem::replace(&mut sent[node], true) {
            stack.extend(&children[node]);
        }
    }
    // Bounds anywhere below: repeat until nothing changes, as types may refer to each other.
    let mut validated: Vec<bool> = sent.iter().zip(&bounded).map(|(s, b)| *s && *b).collect();
    loop {
        let mut changed = false;
        for node in 0..types.len() {
            if sent[node] && !validated[node] && children[node].iter().any(|c| validated[*c]) {
                validated[node] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for (def, validated) in types.iter_mut().zip(validated) {
        def.validated = validated;
    }
}

/// One resource per tag that has operations, in the order of the spec's tag list, then of first
/// use; documented by the tag's description.
fn resources(spec: &OpenAPI, operations: &[Operation]) -> Vec<Resource> {
    let mut names: Vec<&str> = Vec::new();
    for op in operations {
        if !names.contains(&op.name.resource.as_str()) {
            names.push(&op.name.resource);
        }
    }
    let tag_of = |name: &str| {
        spec.tags
            .iter()
            .position(|t| naming::resource_name(&t.name) == name)
    };
    names.sort_by_key(|name| tag_of(name).unwrap_or(usize::MAX));
    names
        .into_iter()
        .map(|name| Resource {
            name: name.to_owned(),
            docs: Docs {
                description: tag_of(name).and_then(|i| spec.tags[i].description.clone()),
                ..Docs::default()
            },
        })
        .collect()
}
