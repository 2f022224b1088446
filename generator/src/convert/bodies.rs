//! Request and response bodies: JSON, one file, multipart forms of several parts, url-encoded
//! forms and text; and which endpoint function each form of a body becomes.

use indexmap::IndexMap;
use openapiv3::{MediaType, ReferenceOr};

use super::operations::reference_text;
use super::Converter;
use crate::error::{Error, Warning};
use crate::ir::*;
use crate::naming;
use crate::rules;
use crate::source::escape;

/// One form of a request body, with its own function name when the body takes several.
pub(super) type BodyForm = (Option<String>, Option<Body>);

impl<'a> Converter<'a> {
    /// The forms a request body takes, each with its function name when there are several.
    pub(super) fn request_bodies(
        &mut self,
        body: &'a ReferenceOr<openapiv3::RequestBody>,
        method: &str,
        owner: &str,
        pointer: &str,
    ) -> Result<Vec<BodyForm>, Error> {
        let body_pointer = format!("{pointer}/requestBody");
        let found = self.resolve.request_body(body, &body_pointer);
        let instead = "the body is read as any JSON value";
        let reference = reference_text(body);
        let Some(body) =
            self.unless_missing(found, "requestBodies", reference, &body_pointer, instead)?
        else {
            return Ok(vec![(None, Some(Body::Json(TypeRef::Json)))]);
        };
        // One function per kind of body: `image/png` and `image/jpeg` are one binary body (the
        // file says which it is), `application/json` and `application/merge-patch+json` one JSON.
        let mut kinds: Vec<&str> = Vec::new();
        let content: Vec<(&String, &MediaType)> = body
            .content
            .iter()
            .filter(|(media, _)| {
                let kind = body_kind(media);
                let first = !kinds.contains(&kind);
                kinds.push(kind);
                first
            })
            .collect();
        let several = content.len() > 1;
        let several_binary = kinds.iter().filter(|k| **k == "binary").count() > 1;
        let mut forms = Vec::new();
        for (media, media_type) in content {
            let media_pointer = format!("{body_pointer}/content/{}", escape(media));
            let (form, body) = match media_kind(media) {
                "application/json" => {
                    let ty =
                        self.media_schema(media_type, &format!("{owner}Body"), &media_pointer)?;
                    ("json", Body::Json(ty))
                }
                "multipart/form-data" => {
                    let name = format!("{owner}Form");
                    let form = self.media_schema(media_type, &name, &media_pointer)?;
                    let one_file = form == TypeRef::Scalar(Scalar::Binary);
                    if several && !one_file && !self.is_object(&form) {
                        self.leave_out_form(&media_pointer, "multipart");
                        continue;
                    }
                    ("multipart", self.multipart(&form, &name, &media_pointer)?)
                }
                "application/x-www-form-urlencoded" => {
                    let ty =
                        self.media_schema(media_type, &format!("{owner}Form"), &media_pointer)?;
                    if !self.is_object(&ty) {
                        if several {
                            self.leave_out_form(&media_pointer, "url-encoded");
                            continue;
                        }
                        return Err(Error::unsupported(
                            &format!("{media_pointer}/schema"),
                            "a url-encoded form whose schema is not an object",
                        ));
                    }
                    ("form", Body::UrlEncoded(ty))
                }
                "text/plain" => ("text", Body::Text),
                // Of several binary media types (`image/png`, `image/jpeg`), the file's own
                // decides: none is the spec's one.
                _ if several_binary => ("binary", Body::Binary("*/*".to_owned())),
                _ => ("binary", Body::Binary(media.clone())),
            };
            let name = if several {
                let explicit = method_extension(&media_type.extensions, &media_pointer)?;
                let name = naming::body_form_method(method, form, explicit).ok_or_else(|| {
                    Error::unsupported(
                        &format!("{media_pointer}/{}", naming::METHOD_EXTENSION),
                        "no ASCII letter or digit to make a function name from",
                    )
                })?;
                Some(name)
            } else {
                None
            };
            forms.push((name, Some(body)));
        }
        if body.content.is_empty() {
            // PrusaLink's `requestBody: {content: {}}`: a body that says it holds nothing.
            self.warnings.push(Warning::new(
                rules::BODY_WITHOUT_CONTENT,
                &body_pointer,
                "a request body without content; the function sends none",
            ));
            return Ok(vec![(None, None)]);
        }
        if forms.is_empty() {
            return Err(Error::unsupported(
                &body_pointer,
                "a request body whose every form's schema is not an object",
            ));
        }
        if let [(name, _)] = forms.as_mut_slice() {
            *name = None;
        }
        Ok(forms)
    }

    /// A form whose schema has no fields to make parts or pairs of (Flagsmith's list), beside
    /// other media types of the body (JSON): the others are the body's functions.
    fn leave_out_form(&mut self, media_pointer: &str, form: &str) {
        self.warnings.push(Warning::new(
rules::FORM_NOT_OBJECT,
            &format!("{media_pointer}/schema"),
            format!("a {form} form whose schema is not an object; left out, the body's other media types are sent"),
        ));
    }

    /// Whether values of the type are JSON objects, which a form spells as its fields: a
    /// struct, a union (of structs), a map.
    fn is_object(&self, ty: &TypeRef) -> bool {
        // Aliases followed in a loop, not recursively: a loop of aliases (an error that
        // `passes::check_alias_cycles` reports later) must not overflow the stack first.
        let mut ty = ty;
        let mut followed = 0;
        loop {
            return match ty {
                TypeRef::Named(name) => match self.find_type(name).map(|t| &t.kind) {
                    Some(TypeKind::Struct(_) | TypeKind::Untagged(_) | TypeKind::Tagged { .. }) => {
                        true
                    }
                    Some(TypeKind::Alias(target)) if followed < self.types.len() => {
                        followed += 1;
                        ty = target;
                        continue;
                    }
                    _ => false,
                },
                TypeRef::Map(_) | TypeRef::JsonObject | TypeRef::Json => true,
                _ => false,
            };
        }
    }

    /// A multipart form: one file part alone is streamed as it is; otherwise file parts become
    /// arguments and the other parts a struct. A form defined inline (named `name`) loses its
    /// file fields; a shared one is copied without them into `{name}Fields`.
    fn multipart(&mut self, form: &TypeRef, name: &str, pointer: &str) -> Result<Body, Error> {
        let schema_pointer = format!("{pointer}/schema");
        let fields = match form {
            TypeRef::Named(form_name) => self.find_type(form_name).and_then(|t| match &t.kind {
                TypeKind::Struct(fields) => Some(fields.clone()),
                _ => None,
            }),
            _ => None,
        };
        if *form == TypeRef::Scalar(Scalar::Binary) {
            // Listmonk's `multipart/form-data: {schema: {type: string, format: binary}}`: one
            // file, whose part the schema cannot name; `file`, as forms name it.
            self.warnings.push(Warning::new(
                rules::MULTIPART_ONE_FILE,
                &schema_pointer,
                "a multipart form whose schema is one file; sent as the part `file`",
            ));
            return Ok(Body::Multipart {
                part: "file".to_owned(),
                param: "file".to_owned(),
            });
        }
        let Some(fields) = fields else {
            // A union of forms (Discord), a map: its fields as text parts, no file.
            if self.is_object(form) {
                return Ok(Body::Form {
                    fields: Some(form.clone()),
                    files: Vec::new(),
                });
            }
            return Err(Error::unsupported(
                &schema_pointer,
                "a multipart form whose schema is not an object",
            ));
        };
        // A form's parts are the fields its schema lists: keys kept from a response have no
        // place in it.
        let fields: Vec<Field> = fields
            .into_iter()
            .filter(|f| !f.keeps_other_keys())
            .collect();
        let is_file = |f: &Field| f.ty == TypeRef::Scalar(Scalar::Binary);
        if let [field] = fields.as_slice() {
            if is_file(field) {
                return Ok(Body::Multipart {
                    part: field.wire.clone(),
                    param: field.name.clone(),
                });
            }
        }
        let is_files = |f: &Field| matches!(&f.ty, TypeRef::Array(item) if **item == TypeRef::Scalar(Scalar::Binary));
        let files: Vec<FilePart> = fields
            .iter()
            .filter(|f| is_file(f) || is_files(f))
            .map(|f| FilePart {
                part: f.wire.clone(),
                param: f.name.clone(),
                required: !f.is_optional(),
                list: is_files(f),
            })
            .collect();
        let text: Vec<Field> = fields
            .into_iter()
            .filter(|f| !is_file(f) && !is_files(f))
            .collect();
        let fields = if text.is_empty() {
            None
        } else if *form == TypeRef::Named(name.to_owned()) {
            if let Some(def) = self.types.iter_mut().find(|t| t.name == name) {
                def.kind = TypeKind::Struct(text);
            }
            Some(form.clone())
        } else {
            let fields_name = naming::inline_type_name(name, "Fields");
            let docs = Docs {
                description: Some(format!("The text parts of a [`{name}`]({name}) form.")),
                ..Docs::default()
            };
            Some(self.define(&fields_name, &schema_pointer, docs, TypeKind::Struct(text))?)
        };
        Ok(Body::Form { fields, files })
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

    pub(super) fn response_body(
        &mut self,
        content: &IndexMap<String, MediaType>,
        name: &str,
        pointer: &str,
    ) -> Result<ResponseBody, Error> {
        // Of several media types, JSON is read when offered (the client asks for nothing else);
        // otherwise the first, as bytes.
        let chosen = content
            .iter()
            .find(|(media, _)| media_kind(media) == "application/json")
            .or_else(|| content.first());
        let Some((media, media_type)) = chosen else {
            return Ok(ResponseBody::Empty);
        };
        let media_pointer = format!("{pointer}/content/{}", escape(media));
        match media_kind(media) {
            "application/json" => Ok(ResponseBody::Json(self.media_schema(
                media_type,
                name,
                &media_pointer,
            )?)),
            "text/event-stream" => Ok(ResponseBody::Events(self.media_schema(
                media_type,
                &format!("{name}Event"),
                &media_pointer,
            )?)),
            "text/plain" => Ok(ResponseBody::Text),
            // `*/*`, `application/zip`, images, audio: the bytes as they come.
            _ => Ok(ResponseBody::Binary),
        }
    }
}

/// Which function a request body's media type belongs to.
fn body_kind(media: &str) -> &str {
    match media_kind(media) {
        kind @ ("application/json"
        | "multipart/form-data"
        | "application/x-www-form-urlencoded"
        | "text/plain") => kind,
        _ => "binary",
    }
}

/// The media types that read alike: `application/json` for JSON by any name (`; charset=…`,
/// `application/problem+json`, `text/json`), else the media type without its parameters.
fn media_kind(media: &str) -> &str {
    let essence = media.split(';').next().unwrap_or(media).trim();
    let json = essence.eq_ignore_ascii_case("application/json")
        || essence.eq_ignore_ascii_case("text/json")
        || (essence.to_ascii_lowercase().ends_with("+json") && !essence.contains('*'));
    if json {
        "application/json"
    } else {
        essence
    }
}

/// The `x-rust-method` of an operation or a media type.
pub(super) fn method_extension<'e>(
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
