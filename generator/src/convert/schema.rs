//! Schemas to types: `$ref`s to type names, `allOf`s merged into one struct, `oneOf`/`anyOf` to
//! unions, enums, and inline schemas named after where they sit.

use std::borrow::Borrow;
use std::collections::HashMap;

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty,
};

use super::Converter;
use crate::error::{Error, Warning};
use crate::ir::*;
use crate::rules;
use crate::source::escape;
use crate::{naming, typemap};

type Properties = IndexMap<String, ReferenceOr<Box<Schema>>>;

/// How deep `allOf`s over unions are distributed inside one another, and over how many members
/// at most, before the rest is merged as it is (and a union part refused): each level multiplies
/// the types, so hostile documents must not make millions.
const MAX_DISTRIBUTION: usize = 2;

/// On a property: its value is decoded on its own (see `ir::Field::lenient`).
pub const LENIENT_EXTENSION: &str = "x-rust-lenient";
const MAX_DISTRIBUTED_MEMBERS: usize = 64;

impl Converter<'_> {
    pub(super) fn define_component(
        &mut self,
        rust_name: &str,
        schema: &ReferenceOr<Schema>,
        pointer: &str,
    ) -> Result<(), Error> {
        let (ty, docs) = match schema {
            ReferenceOr::Reference { reference } => {
                let ty = self.schema_ref(reference, pointer);
                (self.or_any_value(ty)?, Docs::default())
            }
            ReferenceOr::Item(schema) => {
                let ty = self.schema(schema, rust_name, pointer);
                (self.or_any_value(ty)?, docs(schema))
            }
        };
        // A component that is itself a struct, enum or union was defined under its own name by
        // `schema`; anything else (a string, an array, another component, itself) becomes an
        // alias, and an alias of itself is reported by `passes::check_alias_cycles`.
        if self.find_type(rust_name).is_none() {
            self.types.push(TypeDef {
                name: rust_name.to_owned(),
                pointer: pointer.to_owned(),
                docs,
                kind: TypeKind::Alias(ty),
                validated: false,
                sent: false,
            });
        }
        Ok(())
    }

    /// A schema or `$ref` in a position that holds a value (field, item, parameter, body).
    pub(super) fn type_ref<S: Borrow<Schema>>(
        &mut self,
        schema: &ReferenceOr<S>,
        name: &str,
        pointer: &str,
    ) -> Result<TypeRef, Error> {
        match schema {
            ReferenceOr::Reference { reference } => {
                let ty = self.schema_ref(reference, pointer);
                self.or_any_value(ty)
            }
            // A schema met again inside itself (an `allOf` that includes a component holding it,
            // whose properties are then merged anew): no Rust type can expand it forever.
            ReferenceOr::Item(_) if self.in_progress.iter().any(|p| p == pointer) => {
                self.warnings.push(Warning::new(
                    rules::ALL_OF_OF_ITSELF,
                    pointer,
                    "a schema that contains itself through an allOf; read as any JSON value",
                ));
                Ok(TypeRef::Json)
            }
            ReferenceOr::Item(schema) => {
                self.in_progress.push(pointer.to_owned());
                let ty = self.schema(schema.borrow(), name, pointer);
                self.in_progress.pop();
                self.or_any_value(ty)
            }
        }
    }

    /// A schema no rule turns into a type (a scalar `allOf` part beside an object one, a `$ref`
    /// to a missing place inside a component or in a loop) is any JSON value, warned of with
    /// the error that says why. Name collisions stay errors: no value hides them.
    fn or_any_value(&mut self, ty: Result<TypeRef, Error>) -> Result<TypeRef, Error> {
        match ty {
            Err(
                error @ (Error::Parse { .. }
                | Error::Unsupported { .. }
                | Error::UnresolvedRef { .. }),
            ) => {
                self.warnings.push(Warning::unreadable(
                    rules::UNREADABLE_SCHEMA,
                    &error,
                    "read as any JSON value",
                ));
                Ok(TypeRef::Json)
            }
            ty => ty,
        }
    }

    /// The type a schema `$ref` names; a component the document does not have is any JSON
    /// value, with a warning.
    fn schema_ref(&mut self, reference: &str, pointer: &str) -> Result<TypeRef, Error> {
        let name = self.resolve.schema_name(reference, pointer);
        let instead = "read as any JSON value";
        Ok(
            match self.unless_missing(name, "schemas", reference, pointer, instead)? {
                Some(name) => TypeRef::Named(name),
                None => TypeRef::Json,
            },
        )
    }

    /// The type of an inline schema; structs, enums and unions are defined under `name`.
    #[expect(clippy::too_many_lines, reason = "one arm per schema kind, each short")]
    fn schema(&mut self, schema: &Schema, name: &str, pointer: &str) -> Result<TypeRef, Error> {
        match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                // The description wrapper: `allOf: [$ref]` with docs or `nullable` beside it.
                // An inline single part is the schema itself, so it takes over the wrapper's
                // name instead of colliding with it.
                [single] => {
                    let at = format!("{pointer}/allOf/0");
                    if let ReferenceOr::Item(_) = single {
                        self.hand_over(name, pointer, &at);
                    }
                    self.type_ref(single, name, &at)
                }
                [] => Err(Error::unsupported(pointer, "empty allOf")),
                parts if self.distributing < MAX_DISTRIBUTION => {
                    if let Some(union) = self.distribute_over_union(schema, parts, pointer) {
                        self.distributing += 1;
                        let ty = self.schema(&union, name, pointer);
                        self.distributing -= 1;
                        return ty;
                    }
                    self.all_of(schema, parts, name, pointer)
                }
                parts => self.all_of(schema, parts, name, pointer),
            },
            SchemaKind::OneOf { one_of } => self.union(schema, one_of, "oneOf", name, pointer),
            SchemaKind::AnyOf { any_of } => self.union(schema, any_of, "anyOf", name, pointer),
            SchemaKind::Not { .. } => Err(Error::unsupported(pointer, "not")),
            SchemaKind::Any(any) => {
                if *any == Default::default() {
                    Ok(TypeRef::Json)
                } else {
                    Err(Error::unsupported(pointer, mixed_keywords(any)))
                }
            }
            SchemaKind::Type(Type::Boolean(_)) => Ok(TypeRef::Scalar(Scalar::Boolean)),
            SchemaKind::Type(Type::String(string)) => {
                let format = known_format(&string.format);
                if string.enumeration.is_empty() {
                    return Ok(TypeRef::Scalar(typemap::string_format(format.as_deref())));
                }
                let wires = present(&string.enumeration);
                let values = self.enum_values(wires, |w| w.clone(), pointer)?;
                self.define(name, pointer, docs(schema), TypeKind::StringEnum(values))
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                let format = known_format(&integer.format);
                if integer.enumeration.is_empty() {
                    return Ok(TypeRef::Scalar(typemap::integer_format(format.as_deref())));
                }
                let wires = present(&integer.enumeration);
                let values = self.enum_values(wires, |w| w.to_string(), pointer)?;
                self.define(name, pointer, docs(schema), TypeKind::IntegerEnum(values))
            }
            SchemaKind::Type(Type::Number(number)) => {
                if !number.enumeration.is_empty() {
                    // Whole-valued ones became integer enums in `normalize`; a Rust enum
                    // cannot be matched on fractions, so the number is read as it is.
                    self.warnings.push(Warning::new(
                        rules::FRACTIONAL_ENUM,
                        &format!("{pointer}/enum"),
                        "an enum of numbers that are not all whole; read as a number",
                    ));
                }
                Ok(TypeRef::Scalar(typemap::number_format(
                    known_format(&number.format).as_deref(),
                )))
            }
            SchemaKind::Type(Type::Array(array)) => {
                let item = match &array.items {
                    Some(items) => {
                        let item = self.type_ref(
                            items,
                            &naming::inline_type_name(name, "Item"),
                            &format!("{pointer}/items"),
                        )?;
                        maybe_null(items, item)
                    }
                    None => TypeRef::Json,
                };
                Ok(TypeRef::Array(Box::new(item)))
            }
            SchemaKind::Type(Type::Object(object)) => {
                if object.properties.is_empty() {
                    return match &object.additional_properties {
                        Some(AdditionalProperties::Schema(schema)) => {
                            let value = self.type_ref(
                                schema,
                                &naming::inline_type_name(name, "Value"),
                                &format!("{pointer}/additionalProperties"),
                            )?;
                            Ok(TypeRef::Map(Box::new(maybe_null(schema, value))))
                        }
                        _ => Ok(TypeRef::JsonObject),
                    };
                }
                let places = HashMap::new();
                let mut fields =
                    self.fields(&object.properties, &object.required, name, pointer, &places)?;
                if let Some(AdditionalProperties::Schema(value)) = &object.additional_properties {
                    let at = format!("{pointer}/additionalProperties");
                    let value =
                        self.type_ref(value, &naming::inline_type_name(name, "Value"), &at)?;
                    let field_name = naming::ADDITIONAL_PROPERTIES;
                    if let Some(other) = fields.iter().find(|f| f.name == field_name) {
                        let first = format!("{pointer}/properties/{}", escape(&other.wire));
                        return Err(Error::collision(field_name, first, &at));
                    }
                    fields.push(flattened_map(
                        value,
                        "The properties the spec does not list, by name.",
                    ));
                }
                if object.additional_properties != Some(AdditionalProperties::Any(false)) {
                    fields.extend(other_keys(&fields));
                }
                self.define(name, pointer, docs(schema), TypeKind::Struct(fields))
            }
        }
    }

    /// The struct of an `allOf`: every part's properties merged.
    fn all_of(
        &mut self,
        schema: &Schema,
        parts: &[ReferenceOr<Schema>],
        name: &str,
        pointer: &str,
    ) -> Result<TypeRef, Error> {
        let scalar = |part: &ReferenceOr<Schema>| {
            let target = match part {
                ReferenceOr::Reference { reference } => self.resolve.schema(reference, "#").ok(),
                ReferenceOr::Item(item) => Some((item, String::new())),
            };
            target.is_some_and(|(schema, _)| {
                matches!(
                    schema.schema_kind,
                    SchemaKind::Type(
                        Type::String(_) | Type::Integer(_) | Type::Number(_) | Type::Boolean(_)
                    )
                )
            })
        };
        // Parts that constrain nothing (`{nullable: true}`, `{}`) take nothing away from the
        // others: OpenAPI 3.0's `nullable` applies to its own schema, not to the allOf.
        let kept: Vec<usize> = (0..parts.len())
            .filter(|&i| !unconstrained(&parts[i]))
            .collect();
        if let [index] = kept[..] {
            let at = format!("{pointer}/allOf/{index}");
            if let ReferenceOr::Item(_) = &parts[index] {
                self.hand_over(name, pointer, &at);
            }
            return self.type_ref(&parts[index], name, &at);
        }
        if kept.iter().all(|&i| scalar(&parts[i])) {
            // Values that fit every part (OpenAlex's two enums of field names): the first part's
            // type reads them all (enums keep unlisted values).
            self.warnings.push(Warning::new(
                rules::SCALAR_ALL_OF,
                &format!("{pointer}/allOf"),
                "an allOf of values that are not objects; read as its first part",
            ));
            let index = kept.first().copied().unwrap_or(0);
            let at = format!("{pointer}/allOf/{index}");
            return self.type_ref(&parts[index], name, &at);
        }
        if let Some(&index) = kept.iter().find(|&&i| scalar(&parts[i])) {
            // No value is both an object and a scalar. A union of scalars distributed over an
            // object part (`allOf: [Base, {oneOf: [$ref: Colour, $ref: Size]}]`) reads as its
            // scalar members, as a scalar member beside `properties` does.
            self.warnings.push(Warning::new(
                rules::OBJECT_AND_SCALAR_ALL_OF,
                &format!("{pointer}/allOf/{index}"),
                "an allOf of an object and a value that is not one; read as that value",
            ));
            let at = format!("{pointer}/allOf/{index}");
            return self.type_ref(&parts[index], name, &at);
        }
        let mut properties = IndexMap::new();
        let mut required = Vec::new();
        let mut places = HashMap::new();
        let mut within = vec![pointer.to_owned()];
        self.collect_all_of(
            parts,
            pointer,
            &mut within,
            (&mut properties, &mut places),
            &mut required,
        )?;
        let mut fields = self.fields(&properties, &required, name, pointer, &places)?;
        fields.extend(other_keys(&fields));
        self.define(name, pointer, docs(schema), TypeKind::Struct(fields))
    }

    /// `allOf: [$ref: U, X]` where U is a union of A and B holds what A and X, or B and X, hold:
    /// the union of `allOf: [A, X]` and `allOf: [B, X]` (text-generation-inference's `Message`).
    /// `None` when no part is a union.
    fn distribute_over_union(
        &self,
        schema: &Schema,
        parts: &[ReferenceOr<Schema>],
        pointer: &str,
    ) -> Option<Schema> {
        // A union of this schema and its siblings names their family: not distributed over.
        let this = [pointer.to_owned()];
        let unions: Vec<(usize, Vec<ReferenceOr<Schema>>)> = parts
            .iter()
            .enumerate()
            .filter_map(|(index, part)| Some((index, self.union_choices(part)?)))
            .filter(|(_, choices)| !self.lists_any_of(choices, &this))
            .collect();
        // One union part only: two would multiply.
        let [(index, choices)] = unions.as_slice() else {
            return None;
        };
        if choices.len() > MAX_DISTRIBUTED_MEMBERS {
            return None;
        }
        let one_of = choices
            .iter()
            .map(|choice| {
                let mut all_of = parts.to_vec();
                all_of[*index] = choice.clone();
                ReferenceOr::Item(Schema {
                    schema_data: Default::default(),
                    schema_kind: SchemaKind::AllOf { all_of },
                })
            })
            .collect();
        let mut schema_data = schema.schema_data.clone();
        schema_data.discriminator = None;
        Some(Schema {
            schema_data,
            schema_kind: SchemaKind::OneOf { one_of },
        })
    }

    /// What an `allOf` part that is a union may be, one schema per member: the members of a
    /// union, or, for a part that is itself an `allOf` with one union part (Meilisearch's
    /// `SearchResultWithIndex` over `SearchResult` over `HitsInfo`), that `allOf` with each
    /// member in the union's place.
    fn union_choices(&self, part: &ReferenceOr<Schema>) -> Option<Vec<ReferenceOr<Schema>>> {
        let target = match part {
            ReferenceOr::Reference { reference } => self.resolve.schema(reference, "#").ok()?.0,
            ReferenceOr::Item(item) => item,
        };
        fn members_of(schema: &Schema) -> Option<&Vec<ReferenceOr<Schema>>> {
            match &schema.schema_kind {
                SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members }
                    if members.len() > 1 =>
                {
                    Some(members)
                }
                _ => None,
            }
        }
        if let Some(members) = members_of(target) {
            return Some(members.clone());
        }
        let SchemaKind::AllOf { all_of: inner } = &target.schema_kind else {
            return None;
        };
        let unions: Vec<(usize, &Vec<ReferenceOr<Schema>>)> = inner
            .iter()
            .enumerate()
            .filter_map(|(index, part)| {
                let schema = match part {
                    ReferenceOr::Reference { reference } => {
                        self.resolve.schema(reference, "#").ok()?.0
                    }
                    ReferenceOr::Item(item) => item,
                };
                Some((index, members_of(schema)?))
            })
            .collect();
        let [(index, members)] = unions.as_slice() else {
            return None;
        };
        let choices = members.iter().map(|member| {
            let mut all_of = inner.clone();
            all_of[*index] = member.clone();
            ReferenceOr::Item(Schema {
                schema_data: Default::default(),
                schema_kind: SchemaKind::AllOf { all_of },
            })
        });
        Some(choices.collect())
    }

    /// One variant per distinct value, in the spec's order; a repeated value is folded into the
    /// first with a warning, two values that make one variant name are an error.
    fn enum_values<T: PartialEq>(
        &mut self,
        wires: Vec<(usize, T)>,
        text: impl Fn(&T) -> String,
        pointer: &str,
    ) -> Result<Vec<EnumValue<T>>, Error> {
        let mut values: Vec<EnumValue<T>> = Vec::with_capacity(wires.len());
        for (position, wire) in wires {
            let shown = text(&wire);
            if values.iter().any(|v| v.wire == wire) {
                self.warnings.push(Warning::new(
                    rules::REPEATED_ENUM_VALUE,
                    &format!("{pointer}/enum/{position}"),
                    format!("enum value {shown:?} is listed twice; it is one variant"),
                ));
                continue;
            }
            values.push(EnumValue {
                variant: naming::variant_name(&shown, position),
                wire,
            });
        }
        let mut names: Vec<String> = values.iter().map(|v| v.variant.clone()).collect();
        for (index, wanted) in dedupe_variants(&mut names) {
            self.warnings.push(Warning::new(
                rules::RENAMED_ENUM_VALUE,
                pointer,
                format!(
                    "enum value {:?} is the variant `{}`: `{wanted}` is an earlier value's",
                    text(&values[index].wire),
                    names[index]
                ),
            ));
        }
        for (value, name) in values.iter_mut().zip(names) {
            value.variant = name;
        }
        Ok(values)
    }

    /// The fields of `properties`; `places` names the schema that holds a property when it is
    /// not `pointer` (the part of an `allOf` it came from), so that errors point into the text.
    pub(super) fn fields(
        &mut self,
        properties: &Properties,
        required: &[String],
        owner: &str,
        pointer: &str,
        places: &HashMap<String, String>,
    ) -> Result<Vec<Field>, Error> {
        let mut fields: Vec<Field> = Vec::with_capacity(properties.len());
        let place = |wire: &str| {
            let holder = places.get(wire).map_or(pointer, String::as_str);
            format!("{holder}/properties/{}", escape(wire))
        };
        for (wire, schema) in properties {
            let field_pointer = place(wire);
            // A property named `""` (SendGrid's) or only punctuation still holds a value: its
            // field is `field` (then `field_2`…, as any taken name), its docs give the wire name.
            let named = naming::field_name(wire);
            let mut field_docs_note = None;
            if named.is_none() {
                self.warnings.push(Warning::new(
rules::UNNAMABLE_NAME,
                    &field_pointer,
                    format!(
                        "property `{wire}` has no ASCII letter or digit to make a field name from; named `{}`",
                        naming::UNNAMABLE_FIELD
                    ),
                ));
                field_docs_note = Some(format!("The property `{wire}` in the JSON."));
            }
            let part = if named.is_none() {
                naming::UNNAMABLE_FIELD
            } else {
                wire
            };
            let name = named.unwrap_or_else(|| naming::UNNAMABLE_FIELD.to_owned());
            let name = if let Some(other) = fields.iter().find(|f| f.name == name) {
                // The first property in the spec's order keeps the name.
                let fresh = naming::numbered(&name, "_", |c| fields.iter().any(|f| f.name == c));
                field_docs_note = Some(format!(
                    "{}Named `{fresh}` in Rust: `{name}` is the field of the property `{}`.",
                    field_docs_note.map_or(String::new(), |note| format!("{note} ")),
                    other.wire
                ));
                fresh
            } else {
                name
            };
            let ty = self.type_ref(
                schema,
                &naming::inline_type_name(owner, part),
                &field_pointer,
            )?;
            let (nullable, mut field_docs) = match schema {
                ReferenceOr::Item(schema) => (schema.schema_data.nullable, docs(schema)),
                ReferenceOr::Reference { .. } => (false, Docs::default()),
            };
            if let Some(note) = field_docs_note {
                super::add_note(&mut field_docs, note);
            }
            let lenient = self.lenient(schema, &ty, &field_pointer);
            fields.push(Field {
                name,
                wire: wire.clone(),
                ty,
                required: required.contains(wire),
                nullable,
                boxed: false,
                flatten: false,
                lenient,
                page_items: false,
                constant: None,
                docs: field_docs,
            });
        }
        for (index, wire) in required.iter().enumerate() {
            if !properties.contains_key(wire) {
                self.warnings.push(Warning::new(
                    rules::REQUIRED_WITHOUT_PROPERTY,
                    &format!("{pointer}/required/{index}"),
                    format!("`{wire}` is required but is not among the properties; ignored"),
                ));
            }
        }
        Ok(fields)
    }

    /// Whether a property is decoded on its own (`x-rust-lenient: true`). Only a property of a
    /// named type can be: its value, kept as received when it does not fit, is still that
    /// type's JSON, and the type's own decoder is what tries it.
    fn lenient(&mut self, schema: &ReferenceOr<Box<Schema>>, ty: &TypeRef, pointer: &str) -> bool {
        let ReferenceOr::Item(schema) = schema else {
            return false;
        };
        match schema.schema_data.extensions.get(LENIENT_EXTENSION) {
            None | Some(serde_json::Value::Bool(false)) => false,
            Some(serde_json::Value::Bool(true)) if matches!(ty, TypeRef::Named(_)) => true,
            Some(value) => {
                let why = if value.is_boolean() {
                    "applies only to a property whose type is a named schema".to_owned()
                } else {
                    format!("is `true` or `false`, not `{value}`")
                };
                self.warnings.push(Warning::new(
                    rules::LENIENT_EXTENSION,
                    &format!("{pointer}/{LENIENT_EXTENSION}"),
                    format!("`{LENIENT_EXTENSION}` {why}; ignored"),
                ));
                false
            }
        }
    }

    /// Gathers the properties of every part of an `allOf`, following `$ref`s and nested `allOf`s.
    /// `within` holds the schemas being gathered, so that one that includes itself is an error;
    /// `places` records, for each property, the schema whose `properties` hold it.
    fn collect_all_of(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        pointer: &str,
        within: &mut Vec<String>,
        (properties, places): (&mut Properties, &mut HashMap<String, String>),
        required: &mut Vec<String>,
    ) -> Result<(), Error> {
        for (index, part) in parts.iter().enumerate() {
            let part_pointer = format!("{pointer}/allOf/{index}");
            let (schema, at) = match part {
                ReferenceOr::Reference { reference } => {
                    self.resolve.schema(reference, &part_pointer)?
                }
                ReferenceOr::Item(schema) => (schema, part_pointer.clone()),
            };
            if within.contains(&at) {
                return Err(Error::unsupported(
                    &part_pointer,
                    format!("an allOf that includes itself (through {at})"),
                ));
            }
            within.push(at.clone());
            match &schema.schema_kind {
                SchemaKind::Type(Type::Object(object)) => {
                    for (key, value) in &object.properties {
                        let which = properties
                            .get(key)
                            .map(|first| narrower(self.values_of(first), self.values_of(value)));
                        match which {
                            None | Some(Some(Narrower::Second)) => {
                                properties.insert(key.clone(), value.clone());
                                places.insert(key.clone(), at.clone());
                            }
                            Some(Some(Narrower::First)) => {}
                            // The later part refines the earlier (an extension redefining
                            // a base's property): it wins, with a warning.
                            Some(None) => {
                                self.warnings.push(Warning::new(
                                    rules::ALL_OF_PROPERTY_TWICE,
                                    &format!("{at}/properties/{}", escape(key)),
                                    format!(
                                        "property `{key}` is defined by two parts of the allOf \
                                         with different types; the later one is used"
                                    ),
                                ));
                                properties.insert(key.clone(), value.clone());
                                places.insert(key.clone(), at.clone());
                            }
                        }
                    }
                    for key in &object.required {
                        if !required.contains(key) {
                            required.push(key.clone());
                        }
                    }
                }
                SchemaKind::AllOf { all_of } => {
                    self.collect_all_of(all_of, &at, within, (properties, places), required)?
                }
                SchemaKind::Any(any) if *any == AnySchema::default() => {}
                // Palo Alto's `Relative: allOf: [$ref: TimeRange, {…}]` where `TimeRange` is
                // the union of `Relative` and its siblings: the part names the family, and adds
                // no field of its own.
                SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members }
                    if self.lists_any_of(members, within) =>
                {
                    self.warnings.push(Warning::new(
                        rules::UNION_OF_EXTENSIONS,
                        &part_pointer,
                        "an allOf part that is a union holding this schema; ignored",
                    ));
                }
                _ => {
                    return Err(Error::unsupported(
                        &part_pointer,
                        "an allOf part that is not an object",
                    ))
                }
            }
            within.pop();
        }
        Ok(())
    }

    /// Whether a union's members name one of `schemas` (pointers), themselves or as a part of
    /// theirs (properties beside the union were merged into each member as `allOf` parts).
    fn lists_any_of(&self, members: &[ReferenceOr<Schema>], schemas: &[String]) -> bool {
        members.iter().any(|member| match member {
            ReferenceOr::Reference { reference } => self
                .resolve
                .schema(reference, "#")
                .is_ok_and(|(_, at)| schemas.contains(&at)),
            ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::AllOf { all_of },
                ..
            }) => self.lists_any_of(all_of, schemas),
            ReferenceOr::Item(_) => false,
        })
    }

    /// `oneOf` or `anyOf`: tagged by its discriminator if it has one, else untagged (the first
    /// variant that fits wins, which is what `anyOf` allows too).
    #[expect(
        clippy::too_many_lines,
        reason = "issue 20: tagging and variant naming to be split out"
    )]
    fn union(
        &mut self,
        schema: &Schema,
        members: &[ReferenceOr<Schema>],
        keyword: &str,
        name: &str,
        pointer: &str,
    ) -> Result<TypeRef, Error> {
        let discriminator = schema.schema_data.discriminator.as_ref();
        if let ([single], None) = (members, discriminator) {
            // 3.1's nullable X (`anyOf: [X, {type: 'null'}]`, the null dropped in `normalize`):
            // X itself, as the single-part allOf reads it.
            let at = format!("{pointer}/{keyword}/0");
            if let ReferenceOr::Item(_) = single {
                self.hand_over(name, pointer, &at);
            }
            return self.type_ref(single, name, &at);
        }
        // An inline member of a discriminated union is named by its tag's one value; without one,
        // the union is read untagged (each variant tried in turn).
        let discriminator = discriminator.filter(|d| {
            let tagged = members.iter().all(|m| match m {
                ReferenceOr::Reference { .. } => true,
                ReferenceOr::Item(member) => tag_value(member, &d.property_name).is_some(),
            });
            if !tagged {
                self.warnings.push(Warning::new(
                    rules::UNTAGGED_INLINE_MEMBERS,
                    &format!("{pointer}/discriminator"),
                    "an inline member without one value of the tag; the union is read untagged",
                ));
            }
            tagged
        });
        let mut variants = Vec::with_capacity(members.len());
        for (index, member) in members.iter().enumerate() {
            let member_pointer = format!("{pointer}/{keyword}/{index}");
            let variant = match discriminator {
                Some(discriminator) => {
                    let ReferenceOr::Reference { reference } = member else {
                        let wire = match member {
                            ReferenceOr::Item(item) => {
                                tag_value(item, &discriminator.property_name)
                            }
                            ReferenceOr::Reference { .. } => None,
                        }
                        .unwrap_or_default();
                        let ty = self.type_ref(
                            member,
                            &naming::inline_type_name(name, &naming::variant_name(&wire, index)),
                            &member_pointer,
                        )?;
                        variants.push(Variant {
                            name: naming::variant_name(&wire, index),
                            wire: Some(wire),
                            ty,
                            boxed: false,
                        });
                        continue;
                    };
                    let ty = self.resolve.schema_name(reference, &member_pointer)?;
                    // One schema listed once per tag value that names it (GetStream's five
                    // export errors): each listing takes the next of those values.
                    let listed_before = members[..index]
                        .iter()
                        .filter(|m| matches!(m, ReferenceOr::Reference { reference: r } if r == reference))
                        .count();
                    let mut values = discriminator
                        .mapping
                        .iter()
                        .filter(|(_, target)| *target == reference)
                        .map(|(value, _)| value);
                    let wire = values
                        .clone()
                        .nth(listed_before)
                        .or_else(|| values.next())
                        .cloned()
                        .unwrap_or_else(|| {
                            reference.rsplit('/').next().unwrap_or_default().to_owned()
                        });
                    Variant {
                        name: naming::variant_name(&wire, index),
                        wire: Some(wire),
                        ty: TypeRef::Named(ty),
                        boxed: false,
                    }
                }
                None => {
                    // A member that extends a component (`allOf: [shared, $ref: A]`, as shared
                    // properties beside a union become) is named after it: variant `A`, type
                    // `{Union}A`; an inline member after its `title`, else an object after the
                    // property only it has (`ResourceId`).
                    let extended = self
                        .extended_component(member)
                        .or_else(|| titled(member))
                        .or_else(|| own_property(members, index));
                    let part = extended
                        .clone()
                        .unwrap_or_else(|| format!("Variant{index}"));
                    let ty = self.type_ref(
                        member,
                        &naming::inline_type_name(name, &part),
                        &member_pointer,
                    )?;
                    Variant {
                        name: extended.unwrap_or_else(|| variant_name_for(&ty)),
                        wire: None,
                        ty,
                        boxed: false,
                    }
                }
            };
            variants.push(variant);
        }
        if let Some(discriminator) = discriminator {
            // A tag value that names a member no listing took is a variant of its own.
            for (value, target) in &discriminator.mapping {
                let member = members.iter().any(
                    |m| matches!(m, ReferenceOr::Reference { reference } if reference == target),
                );
                if member && !variants.iter().any(|v| v.wire.as_ref() == Some(value)) {
                    let ty = self
                        .resolve
                        .schema_name(target, &format!("{pointer}/discriminator"))?;
                    variants.push(Variant {
                        name: naming::variant_name(value, variants.len()),
                        wire: Some(value.clone()),
                        ty: TypeRef::Named(ty),
                        boxed: false,
                    });
                }
            }
        }
        let mut names: Vec<String> = variants.iter().map(|v| v.name.clone()).collect();
        if discriminator.is_none() && has_duplicates(&names) {
            // Untagged variants named after what they hold: a name two share says more.
            for (variant, name) in variants.iter().zip(names.iter_mut()) {
                if variants.iter().filter(|v| v.name == variant.name).count() > 1 {
                    *name = descriptive_variant_name(&variant.ty);
                }
            }
        }
        let mut union_docs = docs(schema);
        for (index, wanted) in dedupe_variants(&mut names) {
            super::add_note(
                &mut union_docs,
                format!(
                    "`{}` holds {pointer}/{keyword}/{index}: `{wanted}` is an earlier member's name.",
                    names[index]
                ),
            );
        }
        for (variant, name) in variants.iter_mut().zip(names) {
            variant.name = name;
        }
        let kind = match discriminator {
            Some(discriminator) => TypeKind::Tagged {
                tag: discriminator.property_name.clone(),
                variants,
            },
            None => TypeKind::Untagged(variants),
        };
        self.define(name, pointer, union_docs, kind)
    }
}

/// The properties an inline union member lists (its own, or its inline `allOf` parts'), the
/// required ones first.
fn inline_properties(member: &ReferenceOr<Schema>) -> Vec<&String> {
    let ReferenceOr::Item(member) = member else {
        return Vec::new();
    };
    let objects: Vec<&openapiv3::ObjectType> = match &member.schema_kind {
        SchemaKind::Type(Type::Object(object)) => vec![object],
        SchemaKind::AllOf { all_of } => all_of
            .iter()
            .filter_map(|part| match part {
                ReferenceOr::Item(Schema {
                    schema_kind: SchemaKind::Type(Type::Object(object)),
                    ..
                }) => Some(object),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut names: Vec<&String> = objects
        .iter()
        .flat_map(|o| o.properties.keys().filter(|k| o.required.contains(k)))
        .collect();
    names.extend(
        objects
            .iter()
            .flat_map(|o| o.properties.keys().filter(|k| !o.required.contains(k))),
    );
    names
}

/// The name of the first property member `index` lists and no other member does, as a variant
/// name (`resource_id` → `ResourceId`): what tells the member apart.
/// An inline member's `title` (`{title: Url, type: string}`), the name its writer gave it.
fn titled(member: &ReferenceOr<Schema>) -> Option<String> {
    let ReferenceOr::Item(member) = member else {
        return None;
    };
    naming::identifier(member.schema_data.title.as_deref()?, naming::Case::Variant)
}

fn own_property(members: &[ReferenceOr<Schema>], index: usize) -> Option<String> {
    let others: Vec<&String> = members
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != index)
        .flat_map(|(_, m)| inline_properties(m))
        .collect();
    inline_properties(&members[index])
        .into_iter()
        .find(|name| !others.contains(name))
        .and_then(|name| naming::identifier(name, naming::Case::Variant))
}

/// The one value an inline union member gives its discriminator property (`enum: [x]`, or
/// `const: x` before normalization).
fn tag_value(member: &Schema, tag: &str) -> Option<String> {
    let SchemaKind::Type(Type::Object(object)) = &member.schema_kind else {
        return None;
    };
    match object.properties.get(tag)? {
        ReferenceOr::Item(property) => match &property.schema_kind {
            SchemaKind::Type(Type::String(string)) => match string.enumeration.as_slice() {
                [Some(value)] => Some(value.clone()),
                _ => None,
            },
            _ => None,
        },
        ReferenceOr::Reference { .. } => None,
    }
}

impl Converter<'_> {
    /// The Rust name of the component an inline `allOf` member ends with, if it does.
    fn extended_component(&self, member: &ReferenceOr<Schema>) -> Option<String> {
        let ReferenceOr::Item(member) = member else {
            return None;
        };
        let SchemaKind::AllOf { all_of } = &member.schema_kind else {
            return None;
        };
        if all_of.len() < 2 {
            return None;
        }
        all_of.iter().rev().find_map(|part| match part {
            ReferenceOr::Reference { reference } => self.resolve.schema_name(reference, "#").ok(),
            ReferenceOr::Item(_) => None,
        })
    }
}

enum Narrower {
    First,
    Second,
}

/// What a property's schema allows, for comparing two definitions of it: the schema a `$ref` (or
/// a documented `allOf: [$ref]`) leads to, and whether it is a named component.
struct Values<'s> {
    kind: Option<&'s SchemaKind>,
    named: bool,
}

impl<'a> Converter<'a> {
    fn values_of<'s>(&'s self, schema: &'s ReferenceOr<Box<Schema>>) -> Values<'s> {
        let target = |reference: &str| self.resolve.schema(reference, "#").ok();
        match schema {
            ReferenceOr::Reference { reference } => Values {
                kind: target(reference).map(|(s, _)| &s.schema_kind),
                named: true,
            },
            ReferenceOr::Item(item) => match &item.schema_kind {
                SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                    [ReferenceOr::Reference { reference }] => Values {
                        kind: target(reference).map(|(s, _)| &s.schema_kind),
                        named: true,
                    },
                    _ => Values {
                        kind: Some(&item.schema_kind),
                        named: false,
                    },
                },
                kind => Values {
                    kind: Some(kind),
                    named: false,
                },
            },
        }
    }
}

/// Two allOf parts that both define a property: the values must fit both, so the field takes
/// the narrower schema when one is (the same values documented again, or a string enum beside a
/// plain string, as Asana writes them); `None` when they differ otherwise. Of two that allow the
/// same values, a named component wins over an inline copy of it (OpenAI repeats enums so).
fn narrower(first: Values<'_>, second: Values<'_>) -> Option<Narrower> {
    let (a, b) = (first.kind?, second.kind?);
    if a == b {
        return Some(if second.named && !first.named {
            Narrower::Second
        } else {
            Narrower::First
        });
    }
    // Scalars of one type: an enum narrows a schema that has none; other keywords are bounds
    // and formats, which do not change the Rust type.
    let listed = |kind: &SchemaKind| match kind {
        SchemaKind::Type(Type::String(t)) => Some(("string", !t.enumeration.is_empty())),
        SchemaKind::Type(Type::Integer(t)) => Some(("integer", !t.enumeration.is_empty())),
        SchemaKind::Type(Type::Number(t)) => Some(("number", !t.enumeration.is_empty())),
        SchemaKind::Type(Type::Boolean(_)) => Some(("boolean", false)),
        _ => None,
    };
    match (listed(a)?, listed(b)?) {
        ((x, _), (y, _)) if x != y => None,
        ((_, true), (_, true)) => None,
        ((_, false), (_, true)) => Some(Narrower::Second),
        _ => Some(Narrower::First),
    }
}

/// What a schema that is neither one type nor one composition holds, by keyword, so that the
/// message names what to remove (`properties` beside `oneOf`, two compositions…).
fn mixed_keywords(any: &openapiv3::AnySchema) -> String {
    let keywords = match serde_json::to_value(any) {
        Ok(serde_json::Value::Object(map)) => map
            .keys()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    };
    match &any.typ {
        Some(ty) => {
            format!("a schema of type {ty} with keywords that do not fit together: {keywords}")
        }
        None => format!("a schema with keywords that do not fit together: {keywords}"),
    }
}

/// The values of an enum with their positions in the spec's list; `null` is not a variant (the
/// field is an `Option` when the schema is nullable).
fn present<T: Clone>(values: &[Option<T>]) -> Vec<(usize, T)> {
    values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.clone().map(|v| (i, v)))
        .collect()
}

/// Two values or members that make one variant name would not compile: in the spec's order,
/// the first keeps the name and the next gets the first free `{name}2`, `{name}3`…
/// (`Unknown`, the catch-all variant, is never free). Returns the renamed positions with the
/// names they wanted.
fn dedupe_variants(names: &mut [String]) -> Vec<(usize, String)> {
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    seen.insert(naming::UNKNOWN_VARIANT.to_owned());
    let mut renamed = Vec::new();
    for index in 0..names.len() {
        if seen.contains(&names[index]) {
            let wanted = names[index].clone();
            let fresh = naming::numbered(&wanted, "", |c| {
                seen.iter().any(|s| s == c) || names.iter().any(|n| n == c)
            });
            names[index] = fresh;
            renamed.push((index, wanted));
        }
        seen.insert(names[index].clone());
    }
    renamed
}

fn has_duplicates(names: &[String]) -> bool {
    names
        .iter()
        .enumerate()
        .any(|(i, name)| names[..i].contains(name))
}

/// A variant name that says what an untagged variant holds, lists and maps included:
/// `NumberArray`, `StringArrayArray`, `IntegerMap`.
fn descriptive_variant_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Array(item) => format!("{}Array", descriptive_variant_name(item)),
        TypeRef::Map(value) => format!("{}Map", descriptive_variant_name(value)),
        other => variant_name_for(other),
    }
}

/// A list item or map value whose schema allows `null` (3.1's `type: [T, 'null']`) is an
/// `Option`; JSON values and date-times (written by `wire::Rfc3339List`) hold theirs as they are.
fn maybe_null<S: Borrow<Schema>>(schema: &ReferenceOr<S>, ty: TypeRef) -> TypeRef {
    let nullable = match schema {
        ReferenceOr::Item(schema) => schema.borrow().schema_data.nullable,
        ReferenceOr::Reference { .. } => false,
    };
    match ty {
        TypeRef::Json | TypeRef::Scalar(Scalar::DateTime) => ty,
        ty if nullable => TypeRef::Nullable(Box::new(ty)),
        ty => ty,
    }
}

fn variant_name_for(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::Scalar(scalar) => format!("{scalar:?}"),
        TypeRef::Array(_) => "Array".to_owned(),
        TypeRef::Map(_) | TypeRef::JsonObject => "Object".to_owned(),
        TypeRef::Json => "Json".to_owned(),
        TypeRef::Nullable(inner) => variant_name_for(inner),
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

pub(super) fn docs(schema: &Schema) -> Docs {
    let data = &schema.schema_data;
    let mut docs = Docs {
        description: data.description.clone().or_else(|| data.title.clone()),
        default: data.default.clone(),
        deprecated: data.deprecated,
        ..Docs::default()
    };
    let bound = |value: Option<f64>, exclusive: bool| value.map(|value| Bound { value, exclusive });
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(t)) => {
            docs.minimum = bound(t.minimum.map(|v| v as f64), t.exclusive_minimum);
            docs.maximum = bound(t.maximum.map(|v| v as f64), t.exclusive_maximum);
            docs.format = known_format(&t.format);
        }
        SchemaKind::Type(Type::Number(t)) => {
            docs.minimum = bound(t.minimum, t.exclusive_minimum);
            docs.maximum = bound(t.maximum, t.exclusive_maximum);
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

/// An inline schema that holds any value: no keyword beyond annotations and `nullable`.
fn unconstrained(part: &ReferenceOr<Schema>) -> bool {
    matches!(part, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Any(any), .. }) if *any == AnySchema::default())
}

/// The map that keeps an object's keys its schema does not list, unless the schema forbids them
/// or a property already takes the name: a client that stores or forwards what the server sent
/// loses nothing, and a request can carry a field the spec does not know yet.
fn other_keys(fields: &[Field]) -> Option<Field> {
    let name = naming::ADDITIONAL_PROPERTIES;
    if fields.iter().any(|f| f.name == name || f.flatten) {
        return None;
    }
    Some(flattened_map(
        TypeRef::Json,
        "The keys the spec does not list, as received; they are written back as they are.",
    ))
}

/// The field of an object's other keys, each of type `value`, flattened into the object.
fn flattened_map(value: TypeRef, description: &str) -> Field {
    let name = naming::ADDITIONAL_PROPERTIES;
    Field {
        name: name.to_owned(),
        wire: name.to_owned(),
        ty: TypeRef::Map(Box::new(value)),
        required: true,
        nullable: false,
        boxed: false,
        flatten: true,
        lenient: false,
        page_items: false,
        constant: None,
        docs: Docs {
            description: Some(description.to_owned()),
            ..Docs::default()
        },
    }
}
