//! Paths to endpoint functions: parameters, request bodies, responses, paging, and the
//! resources (tags) they are grouped into.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};

use super::bodies::method_extension;
use super::schema::docs;
use super::Converter;
use crate::error::{Error, Warning};
use crate::ir::*;
use crate::naming::{self, OperationName};
use crate::rules;
use crate::source::escape;

/// An operation of the spec and where it is.
struct SpecOperation<'a, 's> {
    path: &'s str,
    item: &'a openapiv3::PathItem,
    method: &'s str,
    operation: &'a openapiv3::Operation,
    path_pointer: &'s str,
    pointer: &'s str,
}

/// The names operations have claimed so far, to give each its own or report a clash.
struct Claimed {
    /// `{resource}().{function}` to the spec place it came from.
    functions: HashMap<String, String>,
    /// Resource handle type to the tag it came from.
    handles: HashMap<String, String>,
    /// The operations the REST convention gives one name: each named by its `operationId`.
    by_operation_id: HashSet<String>,
}

/// What an operation's forms (one per request body media type) share.
struct Shared<'o> {
    name: &'o OperationName,
    http_method: HttpMethod,
    path: &'o str,
    pointer: &'o str,
    docs: &'o Docs,
    path_params: &'o [Field],
    query: Option<&'o QueryArgument>,
    responses: &'o [Response],
    /// The page type and its item, when the answer is one page of a list.
    paged: Option<&'o (String, TypeRef)>,
}

impl<'a> Converter<'a> {
    pub(super) fn operations(&mut self, spec: &'a OpenAPI) -> Result<Vec<Operation>, Error> {
        let mut operations: Vec<Operation> = Vec::new();
        let mut claimed = Claimed {
            functions: HashMap::new(),
            handles: naming::RESERVED_TYPE_NAMES
                .iter()
                .chain(&naming::RUNTIME_NAMES)
                .map(|name| {
                    (
                        name.to_string(),
                        format!("the runtime's or Rust's own `{name}`"),
                    )
                })
                .collect(),
            by_operation_id: convention_clashes(spec),
        };
        for (path, item) in &spec.paths.paths {
            let path_pointer = format!("#/paths/{}", escape(path));
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    return Err(Error::unsupported(&path_pointer, "a $ref path item"))
                }
            };
            for (method, operation) in item.iter() {
                let pointer = format!("{path_pointer}/{method}");
                let spec_operation = SpecOperation {
                    path,
                    item,
                    method,
                    operation,
                    path_pointer: &path_pointer,
                    pointer: &pointer,
                };
                operations.extend(self.operation(&spec_operation, &mut claimed)?);
            }
        }
        Ok(operations)
    }

    /// The endpoint functions of one operation: one per request body form.
    fn operation(
        &mut self,
        spec: &SpecOperation<'a, '_>,
        claimed: &mut Claimed,
    ) -> Result<Vec<Operation>, Error> {
        let (path, pointer) = (spec.path, spec.pointer);
        let http_method = HttpMethod::from_spec(spec.method)
            .ok_or_else(|| Error::unsupported(pointer, "an unknown HTTP method"))?;
        let name = self.operation_name(spec, claimed)?;
        let stem = name.type_stem();
        let (path_params, query) = self.operation_parameters(spec, &stem)?;
        let query = self.query_argument(query, &stem, http_method, path, pointer)?;
        let bodies = match &spec.operation.request_body {
            Some(body) => self.request_bodies(body, &name.method, &stem, pointer)?,
            None => vec![(None, None)],
        };
        let responses = self.responses(&spec.operation.responses, &stem, pointer)?;
        let paged = self.paged(&responses);
        let docs = Docs {
            description: join_docs(&spec.operation.summary, &spec.operation.description),
            deprecated: spec.operation.deprecated,
            ..Docs::default()
        };
        let shared = Shared {
            name: &name,
            http_method,
            path,
            pointer,
            docs: &docs,
            path_params: &path_params,
            query: query.as_ref(),
            responses: &responses,
            paged: paged.as_ref(),
        };
        bodies
            .into_iter()
            .map(|(form_method, body)| form_operation(&shared, form_method, body, claimed))
            .collect()
    }

    /// The resource and function names of an operation, its resource's handle claimed.
    fn operation_name(
        &mut self,
        spec: &SpecOperation<'a, '_>,
        claimed: &mut Claimed,
    ) -> Result<OperationName, Error> {
        let pointer = spec.pointer;
        let operation = spec.operation;
        let mut explicit = method_extension(&operation.extensions, pointer)?;
        let mut named_by = naming::METHOD_EXTENSION;
        if claimed.by_operation_id.contains(pointer) {
            explicit = operation.operation_id.as_deref();
            named_by = "operationId";
        }
        let tag = naming::resource_tag(&operation.tags);
        if let Some(unnamed) = operation.tags.first().filter(|t| Some(t.as_str()) != tag) {
            self.warnings.push(Warning::new(
                rules::UNNAMED_TAG,
                &format!("{pointer}/tags/0"),
                format!("tag `{unnamed}` gives no Rust name; the resource is named by the next tag or the path"),
            ));
        }
        let mut name =
            naming::operation_name(tag, spec.method, spec.path, explicit).map_err(|part| {
                let at = match part {
                    "the tag" => format!("{pointer}/tags/0"),
                    naming::METHOD_EXTENSION => format!("{pointer}/{named_by}"),
                    _ => pointer.to_owned(),
                };
                let part = if part == naming::METHOD_EXTENSION {
                    named_by
                } else {
                    part
                };
                Error::unsupported(
                    &at,
                    format!("{part} gives no Rust name (no ASCII letter or digit)"),
                )
            })?;
        let handles = &mut claimed.handles;
        let mut handle = naming::resource_type_name(&name.resource);
        let tag_place = format!("{pointer}/tags/0");
        let taken = |handle: &str| {
            handles
                .get(handle)
                .is_some_and(|first| !first.starts_with("#/paths"))
        };
        if naming::CLIENT_METHODS.contains(&name.resource.as_str()) || taken(&handle) {
            // A tag named like the client's methods or the runtime's types (WorkOS's
            // `client`): its resource is `{tag}_api`, documented in `resources`.
            name.resource = format!("{}{RENAMED_RESOURCE}", name.resource);
            handle = naming::resource_type_name(&name.resource);
        }
        match handles.get(&handle) {
            Some(first) if !first.starts_with("#/paths") => {
                return Err(Error::collision(&handle, first.clone(), &tag_place))
            }
            Some(_) => {}
            None => {
                handles.insert(handle, tag_place);
            }
        }
        Ok(name)
    }

    /// An operation's path parameters, in the order listed, and its query, header and cookie
    /// parameters.
    fn operation_parameters(
        &mut self,
        spec: &SpecOperation<'a, '_>,
        stem: &str,
    ) -> Result<(Vec<Field>, Vec<QueryParam>), Error> {
        let parameters =
            self.parameters(spec.item, spec.operation, spec.path_pointer, spec.pointer)?;
        let mut path_params = Vec::new();
        let mut query: Vec<QueryParam> = Vec::new();
        // Each converted where listed: inline types are named in the order they are met.
        for (param_pointer, parameter) in &parameters {
            let param_pointer = param_pointer.as_str();
            match parameter {
                Parameter::Path { parameter_data, .. } => {
                    let mut field = self.path_parameter(parameter_data, stem, param_pointer)?;
                    rename_if_taken(&mut field, |name| {
                        path_params.iter().any(|p: &Field| p.name == name)
                    });
                    path_params.push(field);
                }
                Parameter::Query {
                    parameter_data,
                    style,
                    ..
                } => {
                    let param = (ParamIn::Query, parameter_data, Some(style));
                    let mut param = self.query_parameter(param, stem, param_pointer)?;
                    rename_if_taken(&mut param.field, |name| {
                        query.iter().any(|q| q.field.name == name)
                    });
                    query.push(param);
                }
                Parameter::Header { parameter_data, .. }
                | Parameter::Cookie { parameter_data, .. } => {
                    let location = if matches!(parameter, Parameter::Header { .. }) {
                        ParamIn::Header
                    } else {
                        ParamIn::Cookie
                    };
                    let param = (location, parameter_data, None);
                    let mut param = self.query_parameter(param, stem, param_pointer)?;
                    rename_if_taken(&mut param.field, |name| {
                        query.iter().any(|q| q.field.name == name)
                    });
                    query.push(param);
                }
            }
        }
        check_placeholders(
            spec.path,
            &mut path_params,
            spec.pointer,
            &mut self.warnings,
        )?;
        Ok((path_params, query))
    }

    fn path_parameter(
        &mut self,
        data: &openapiv3::ParameterData,
        stem: &str,
        pointer: &str,
    ) -> Result<Field, Error> {
        let (mut field, _) = self.parameter(data, stem, pointer)?;
        if field.ty == TypeRef::Json {
            // A schema that says nothing (Grocy's `$ref` to a schema it lacks): a path
            // segment is text.
            self.warnings.push(Warning::new(
                rules::UNTYPED_PATH_PARAMETER,
                pointer,
                "a path parameter of any JSON value; read as a string",
            ));
            field.ty = TypeRef::Scalar(Scalar::String);
        }
        let list = matches!(&field.ty, TypeRef::Array(item) if self.is_plain_text(item));
        if !list && !matches!(field.ty, TypeRef::Scalar(_) | TypeRef::Named(_)) {
            return Err(Error::unsupported(
                pointer,
                "a path parameter that is not a single value",
            ));
        }
        Ok(field)
    }

    /// A query (with its `style`), header or cookie parameter.
    fn query_parameter(
        &mut self,
        (location, parameter_data, style): (
            ParamIn,
            &openapiv3::ParameterData,
            Option<&openapiv3::QueryStyle>,
        ),
        stem: &str,
        pointer: &str,
    ) -> Result<QueryParam, Error> {
        let (field, json) = self.parameter(parameter_data, stem, pointer)?;
        let plain = self.is_plain_text(&field.ty);
        // An object (or a list of objects) in the query string: spelled as its `style` says.
        let object = match style {
            Some(style) if !json && !plain => Some(match style {
                openapiv3::QueryStyle::DeepObject => ObjectStyle::Deep,
                _ if parameter_data.explode == Some(false) => ObjectStyle::Form,
                _ => ObjectStyle::Explode,
            }),
            _ => None,
        };
        let max_length = max_length_extension(&parameter_data.extensions, pointer)?;
        if location != ParamIn::Query {
            check_header_parameter(&field, pointer)?;
        }
        Ok(QueryParam {
            field,
            location,
            json,
            max_length,
            object,
            plain,
        })
    }

    /// The type of an operation's query, header and cookie parameters, and how its function
    /// takes and sends it.
    fn query_argument(
        &mut self,
        query: Vec<QueryParam>,
        stem: &str,
        http_method: HttpMethod,
        path: &str,
        pointer: &str,
    ) -> Result<Option<QueryArgument>, Error> {
        if query.is_empty() {
            return Ok(None);
        }
        let has = |test: fn(&QueryParam) -> bool| query.iter().any(test);
        let sends: Vec<QuerySend> = [
            (
                has(|p| p.location == ParamIn::Query && p.object.is_none()),
                QuerySend::Pairs,
            ),
            (has(|p| p.object.is_some()), QuerySend::Objects),
            (has(|p| p.location == ParamIn::Header), QuerySend::Headers),
            (has(|p| p.location == ParamIn::Cookie), QuerySend::Cookies),
        ]
        .into_iter()
        .filter_map(|(sent, send)| sent.then_some(send))
        .collect();
        // Named for what it holds: `Query`, or `Params` once headers or cookies join.
        let only_query = query.iter().all(|q| q.location == ParamIn::Query);
        let (suffix, what, argument) = if only_query {
            ("Query", "Query parameters", QUERY_ARGUMENT)
        } else {
            (
                "Params",
                "Query, header and cookie parameters",
                PARAMS_ARGUMENT,
            )
        };
        let query_name = naming::inline_type_name(stem, suffix);
        let query_docs = Docs {
            description: Some(format!("{what} of `{} {path}`.", http_method.as_upper())),
            ..Docs::default()
        };
        let defined = self.define(
            &query_name,
            &format!("{pointer}/parameters"),
            query_docs,
            TypeKind::Query(query),
        )?;
        Ok(match defined {
            TypeRef::Named(ty) => Some(QueryArgument {
                ty,
                name: argument.to_owned(),
                sends,
            }),
            _ => None,
        })
    }

    /// The parameters of an operation with the pointers of their definitions: the path item's,
    /// then the operation's; an operation parameter replaces the path item's of the same name
    /// and place.
    fn parameters(
        &mut self,
        item: &'a openapiv3::PathItem,
        operation: &'a openapiv3::Operation,
        path_pointer: &str,
        pointer: &str,
    ) -> Result<Vec<(String, &'a Parameter)>, Error> {
        // (where listed, where defined, the parameter)
        let mut out: Vec<(String, String, &'a Parameter)> = Vec::new();
        let all = item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("{path_pointer}/parameters/{i}"), p))
            .chain(
                operation
                    .parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (format!("{pointer}/parameters/{i}"), p)),
            );
        for (at, written) in all {
            let found = self.resolve.parameter(written, &at);
            let instead = "left out (a path placeholder it named is read as a string)";
            let reference = reference_text(written);
            let Some((parameter, defined_at)) =
                self.unless_missing(found, "parameters", reference, &at, instead)?
            else {
                continue;
            };
            let extensions = &parameter.parameter_data_ref().extensions;
            if extensions.contains_key(crate::normalize::LEFT_OUT) {
                continue;
            }
            let same = |other: &&Parameter| {
                std::mem::discriminant(*other) == std::mem::discriminant(parameter)
                    && other.parameter_data_ref().name == parameter.parameter_data_ref().name
            };
            let from_operation = |at: &str| at.starts_with(&format!("{pointer}/"));
            match out.iter().position(|(_, _, other)| same(other)) {
                Some(index) if from_operation(&at) && !from_operation(&out[index].0) => {
                    out[index] = (at, defined_at, parameter)
                }
                Some(_) => {
                    return Err(Error::unsupported(
                        &at,
                        format!(
                            "parameter `{}` is listed twice",
                            parameter.parameter_data_ref().name
                        ),
                    ))
                }
                None => out.push((at, defined_at, parameter)),
            }
        }
        Ok(out
            .into_iter()
            .map(|(_, defined_at, parameter)| (defined_at, parameter))
            .collect())
    }

    fn responses(
        &mut self,
        responses: &'a openapiv3::Responses,
        stem: &str,
        pointer: &str,
    ) -> Result<Vec<Response>, Error> {
        let mut out = Vec::new();
        let statuses = responses
            .responses
            .iter()
            .map(|(status, response)| (Some(status), response))
            .chain(responses.default.iter().map(|response| (None, response)));
        for (status, response) in statuses {
            let status = match status {
                Some(StatusCode::Code(code)) => Status::Code(*code),
                Some(StatusCode::Range(hundreds)) => Status::Range(*hundreds),
                None => Status::Default,
            };
            let response_pointer = format!("{pointer}/responses/{status}");
            let found = self.resolve.response(response, &response_pointer);
            let instead = "the answer's body is not read";
            let reference = reference_text(response);
            let Some(response) =
                self.unless_missing(found, "responses", reference, &response_pointer, instead)?
            else {
                out.push(Response {
                    status,
                    description: String::new(),
                    body: ResponseBody::Empty,
                });
                continue;
            };
            let body = self.response_body(
                &response.content,
                &naming::inline_type_name(stem, &format!("{status}Response")),
                &response_pointer,
            )?;
            out.push(Response {
                status,
                description: response.description.clone(),
                body,
            });
        }
        // An operation that lists no success (3.1 lets `responses` out; some list only errors)
        // still succeeds with some 2xx: the function returns `()` for any of them.
        if success(&out).is_none() {
            let at = if out.is_empty() {
                pointer.to_owned()
            } else {
                format!("{pointer}/responses")
            };
            self.warnings.push(Warning::new(
                rules::NO_SUCCESS_RESPONSE,
                &at,
                "no 2xx or default response: the function returns () for any 2xx answer",
            ));
        }
        Ok(out)
    }

    /// A success answer with an `items` list and a nullable `next` link is one page of a list:
    /// the page type and its item.
    fn paged(&self, responses: &[Response]) -> Option<(String, TypeRef)> {
        let success = success(responses)?;
        let ResponseBody::Json(TypeRef::Named(page)) = &success.body else {
            return None;
        };
        let TypeKind::Struct(fields) = &self.find_type(page)?.kind else {
            return None;
        };
        let field = |wire: &str| fields.iter().find(|f| f.wire == wire);
        let items = field(PAGE_ITEMS).filter(|f| !f.is_optional())?;
        let next = field("next")?;
        let TypeRef::Array(item) = &items.ty else {
            return None;
        };
        let is_link = matches!(next.ty, TypeRef::Scalar(Scalar::String | Scalar::Uri));
        (is_link && next.is_optional() && !next.boxed).then(|| (page.clone(), (**item).clone()))
    }

    fn parameter(
        &mut self,
        data: &openapiv3::ParameterData,
        owner: &str,
        pointer: &str,
    ) -> Result<(Field, bool), Error> {
        // A parameter named only with punctuation (or `""`) is still sent: its argument is
        // `field`, its docs give the wire name.
        let named = naming::field_name(&data.name);
        let unnamable = named.is_none();
        if unnamable {
            self.warnings.push(Warning::new(
                rules::UNNAMABLE_NAME,
                &format!("{pointer}/name"),
                format!(
                    "parameter `{}` has no ASCII letter or digit to make a name from; named `{}`",
                    data.name,
                    naming::UNNAMABLE_FIELD
                ),
            ));
        }
        let name = named.unwrap_or_else(|| naming::UNNAMABLE_FIELD.to_owned());
        let part = if unnamable { &name } else { &data.name };
        let inline_name = naming::inline_type_name(owner, part);
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
        // A header or cookie parameter whose schema is an object, a union, or a list of them
        // (Eclipse Ditto's `put-metadata`) is sent as the text of its value
        // (`crate::wire::plain_text`); a path parameter that is not one value is refused with
        // the path's other parameters.
        let ty = self.type_ref(schema, &inline_name, &schema_pointer)?;
        let mut field_docs = match schema {
            ReferenceOr::Item(schema) => docs(schema),
            ReferenceOr::Reference { .. } => Docs::default(),
        };
        if data.description.is_some() {
            field_docs.description = data.description.clone();
        }
        field_docs.deprecated |= data.deprecated.unwrap_or(false);
        if unnamable {
            super::add_note(
                &mut field_docs,
                format!("The parameter `{}` on the wire.", data.name),
            );
        }
        let field = Field {
            name,
            wire: data.name.clone(),
            ty,
            required: data.required,
            nullable: false,
            boxed: false,
            flatten: false,
            lenient: false,
            page_items: false,
            constant: None,
            docs: field_docs,
        };
        Ok((field, json))
    }

    /// Whether a parameter can be written as plain text: a scalar, an enum, or a list of them
    /// (sent as repeated keys).
    fn is_plain_text(&self, ty: &TypeRef) -> bool {
        self.is_plain_text_within(ty, self.types.len())
    }

    /// `aliases`: how many more aliases may be followed (a loop of them, an error reported
    /// later, must end here).
    fn is_plain_text_within(&self, ty: &TypeRef, aliases: usize) -> bool {
        match ty {
            TypeRef::Scalar(scalar) => *scalar != Scalar::Binary,
            TypeRef::Named(name) => self.find_type(name).is_some_and(|t| match &t.kind {
                TypeKind::StringEnum(_) | TypeKind::IntegerEnum(_) => true,
                // Elasticsearch's `_types.Name`, a string by another name.
                TypeKind::Alias(target) if !matches!(target, TypeRef::Array(_)) => {
                    aliases > 0 && self.is_plain_text_within(target, aliases - 1)
                }
                _ => false,
            }),
            TypeRef::Array(item) => {
                !matches!(**item, TypeRef::Array(_)) && self.is_plain_text_within(item, aliases)
            }
            _ => false,
        }
    }
}

/// Headers and cookies need an HTTP token as name.
fn check_header_parameter(field: &Field, pointer: &str) -> Result<(), Error> {
    let token = !field.wire.is_empty()
        && field
            .wire
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !token {
        return Err(Error::unsupported(
            &format!("{pointer}/name"),
            format!("`{}` as a header or cookie name", field.wire),
        ));
    }
    // A list is sent as one header per item, which HTTP reads as the comma-separated list; a
    // JSON one (Canva's `Asset-Upload-Metadata`) as its JSON text.
    Ok(())
}

/// The endpoint function's arguments: path parameters, `query`, the body's, each file part.
/// Renames a parameter whose Rust name an earlier one has, to the first free `{name}_2`,
/// `{name}_3`…, and says so in its docs.
fn rename_if_taken(field: &mut Field, taken: impl Fn(&str) -> bool) {
    if !taken(&field.name) {
        return;
    }
    let wanted = field.name.clone();
    field.name = naming::numbered(&wanted, "_", &taken);
    super::add_note(
        &mut field.docs,
        format!(
            "Named `{}` in Rust: `{wanted}` is an earlier parameter's name.",
            field.name
        ),
    );
}

/// One form of an operation: its function named (numbered when an earlier operation has the
/// name), path parameters spelled like the function's own arguments renamed.
fn form_operation(
    shared: &Shared<'_>,
    form_method: Option<String>,
    body: Option<Body>,
    claimed: &mut Claimed,
) -> Result<Operation, Error> {
    let pointer = shared.pointer;
    let mut name = shared.name.clone();
    if let Some(form_method) = form_method {
        name.method = form_method;
    }
    let query_arg = shared.query.map(|q| q.name.as_str());
    let mut path_params = shared.path_params.to_vec();
    for param in &mut path_params {
        // The generator's own arguments keep their names; a path parameter spelled like one
        // (`query`) is renamed.
        if Some(param.name.as_str()) == query_arg
            || (body.is_some() && [BODY_ARGUMENT, FORM_ARGUMENT].contains(&param.name.as_str()))
        {
            let taken = param.name.clone();
            param.name = format!("{taken}_path");
            super::add_note(
                &mut param.docs,
                format!(
                    "Named `{}` in Rust: `{taken}` is the function's argument of that name.",
                    param.name
                ),
            );
        }
    }
    check_arguments(&path_params, query_arg, body.as_ref(), pointer)?;
    let functions = &mut claimed.functions;
    let paged = shared.paged.is_some();
    let claims = |method: &str| {
        let mut claims = vec![method.to_owned()];
        if paged {
            claims.push(naming::all_pages_method(method));
            claims.push(naming::request_method(method));
        }
        claims
            .into_iter()
            .map(|function| format!("{}().{function}", name.resource))
            .collect::<Vec<_>>()
    };
    let mut docs = shared.docs.clone();
    if claims(&name.method)
        .iter()
        .any(|k| functions.contains_key(k))
    {
        // The operation first in the spec keeps the name.
        let wanted = name.method.clone();
        let first = functions[&claims(&wanted)
            .into_iter()
            .find(|k| functions.contains_key(k))
            .expect("one is taken")]
            .clone();
        let method = naming::numbered(&wanted, "_", |m| {
            claims(m).iter().any(|k| functions.contains_key(k))
        });
        super::add_note(
            &mut docs,
            format!("Named `{method}` in Rust: `{wanted}` is the function of {first}."),
        );
        name.method = method;
    }
    for key in claims(&name.method) {
        functions.insert(key, pointer.to_owned());
    }
    let paged = shared.paged.map(|(page, item)| Paged {
        page: page.clone(),
        item: item.clone(),
        all: naming::all_pages_method(&name.method),
        request: naming::request_method(&name.method),
    });
    Ok(Operation {
        name,
        http_method: shared.http_method,
        path: shared.path.to_owned(),
        docs,
        path_params,
        query: shared.query.cloned(),
        body,
        responses: shared.responses.to_vec(),
        paged,
    })
}

/// The function's argument of its query parameters, and of them with headers or cookies.
const QUERY_ARGUMENT: &str = "query";
const PARAMS_ARGUMENT: &str = "params";

fn check_arguments(
    path_params: &[Field],
    query: Option<&str>,
    body: Option<&Body>,
    pointer: &str,
) -> Result<(), Error> {
    let mut names: Vec<(&str, String)> = path_params
        .iter()
        .map(|p| (p.name.as_str(), format!("path parameter `{}`", p.wire)))
        .collect();
    if let Some(query) = query {
        names.push((query, format!("the {query} argument")));
    }
    match body {
        Some(Body::Multipart { param, part }) => names.push((param, format!("file part `{part}`"))),
        Some(Body::Form { fields, files }) => {
            if fields.is_some() {
                names.push((FORM_ARGUMENT, "the form argument".to_owned()));
            }
            for file in files {
                names.push((&file.param, format!("file part `{}`", file.part)));
            }
        }
        Some(_) => names.push((BODY_ARGUMENT, "the body argument".to_owned())),
        None => {}
    }
    for (i, (name, what)) in names.iter().enumerate() {
        if let Some((_, first)) = names[..i].iter().find(|(other, _)| other == name) {
            return Err(Error::unsupported(
                pointer,
                format!("{first} and {what} would both be the argument `{name}`; rename one"),
            ));
        }
    }
    Ok(())
}

/// The operations that the REST convention gives one function name (`GET /users/{id}/posts` and
/// `GET /users/{id}/posts/{postId}` are both `users().posts`) and that all have an
/// `operationId`: each is named by its `operationId` instead (snake_case), so that none keeps
/// the name the others lost. Names an `x-rust-method` gives are never replaced.
fn convention_clashes(spec: &OpenAPI) -> HashSet<String> {
    let mut groups: IndexMap<String, Vec<(String, bool)>> = IndexMap::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, operation) in item.iter() {
            if operation.extensions.contains_key(naming::METHOD_EXTENSION) {
                continue;
            }
            let tag = naming::resource_tag(&operation.tags);
            let Ok(name) = naming::operation_name(tag, method, path, None) else {
                continue;
            };
            let pointer = format!("#/paths/{}/{method}", escape(path));
            let key = format!("{}().{}", name.resource, name.method);
            let has_id = operation
                .operation_id
                .as_deref()
                .and_then(|id| naming::identifier(id, naming::Case::Snake))
                .is_some();
            groups.entry(key).or_default().push((pointer, has_id));
        }
    }
    groups
        .into_values()
        .filter(|group| group.len() > 1 && group.iter().all(|(_, has_id)| *has_id))
        .flat_map(|group| group.into_iter().map(|(pointer, _)| pointer))
        .collect()
}

/// Every `{placeholder}` of the path needs its parameter, and every path parameter its
/// placeholder.
/// A placeholder the spec declares no parameter for (Svix's `{app_id}` on some operations) is
/// a required string argument, with a warning; a parameter without a placeholder (Sonarr's
/// `path` on `/`) has nowhere to go in the URL and is dropped, with a warning.
fn check_placeholders(
    path: &str,
    params: &mut Vec<Field>,
    pointer: &str,
    warnings: &mut Vec<Warning>,
) -> Result<(), Error> {
    let placeholders = path_placeholders(path);
    for missing in &placeholders {
        if params.iter().any(|f| f.wire == *missing) {
            continue;
        }
        let name = naming::field_name(missing).ok_or_else(|| {
            Error::unsupported(
                pointer,
                format!("path placeholder `{{{missing}}}` without a path parameter"),
            )
        })?;
        warnings.push(Warning::new(
            rules::UNDECLARED_PLACEHOLDER,
            pointer,
            format!("path placeholder `{{{missing}}}` without a path parameter; read as a string"),
        ));
        let mut field = Field {
            name,
            wire: (*missing).to_owned(),
            ty: TypeRef::Scalar(Scalar::String),
            required: true,
            nullable: false,
            boxed: false,
            flatten: false,
            lenient: false,
            page_items: false,
            constant: None,
            docs: Docs::default(),
        };
        rename_if_taken(&mut field, |name| params.iter().any(|p| p.name == name));
        params.push(field);
    }
    params.retain(|param| {
        let used = placeholders.contains(&param.wire.as_str());
        if !used {
            warnings.push(Warning::new(
                rules::UNUSED_PATH_PARAMETER,
                pointer,
                format!(
                    "path parameter `{}` without a `{{{}}}` in the path; ignored",
                    param.wire, param.wire
                ),
            ));
        }
        used
    });
    Ok(())
}

fn join_docs(summary: &Option<String>, description: &Option<String>) -> Option<String> {
    match (summary, description) {
        (Some(summary), Some(description)) => Some(format!("{summary}\n\n{description}")),
        (Some(one), None) | (None, Some(one)) => Some(one.clone()),
        (None, None) => None,
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

/// One resource per tag that has operations, in the order of the spec's tag list, then of first
/// use; documented by the tag's description.
pub(super) fn resources(spec: &OpenAPI, operations: &[Operation]) -> Vec<Resource> {
    let mut names: Vec<&str> = Vec::new();
    for op in operations {
        if !names.contains(&op.name.resource.as_str()) {
            names.push(&op.name.resource);
        }
    }
    let tag_of = |name: &str| {
        spec.tags
            .iter()
            .position(|t| naming::resource_name(&t.name).as_deref() == Some(name))
    };
    let tag_of =
        |name: &str| tag_of(name).or_else(|| name.strip_suffix(RENAMED_RESOURCE).and_then(tag_of));
    names.sort_by_key(|name| tag_of(name).unwrap_or(usize::MAX));
    names
        .into_iter()
        .map(|name| {
            let mut docs = Docs {
                description: tag_of(name).and_then(|i| spec.tags[i].description.clone()),
                ..Docs::default()
            };
            if let Some(tag) = name.strip_suffix(RENAMED_RESOURCE) {
                super::add_note(
                    &mut docs,
                    format!(
                        "Named `{name}` in Rust: `{tag}` is a name of the client or the runtime."
                    ),
                );
            }
            Resource {
                name: name.to_owned(),
                handle: naming::resource_type_name(name),
                docs,
            }
        })
        .collect()
}

/// What a resource whose tag is a name of the client or the runtime gets after its name.
const RENAMED_RESOURCE: &str = "_api";

/// The `$ref` written at a place, for messages.
pub(super) fn reference_text<T>(item: &ReferenceOr<T>) -> &str {
    match item {
        ReferenceOr::Reference { reference } => reference,
        ReferenceOr::Item(_) => "",
    }
}
