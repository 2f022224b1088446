//! Request and response bodies: JSON, one file, multipart forms of several parts, url-encoded
//! forms and text; and which endpoint function each form of a body becomes.

use indexmap::IndexMap;
use openapiv3::{MediaType, ReferenceOr};

use super::Converter;
use crate::error::Error;
use crate::ir::*;
use crate::naming;
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
        let body = self.resolve.request_body(body, &body_pointer)?;
        let several = body.content.len() > 1;
        let mut forms = Vec::new();
        for (media, media_type) in &body.content {
            let media_pointer = format!("{body_pointer}/content/{}", escape(media));
            let (form, body) = match media.as_str() {
                "application/json" => {
                    let ty =
                        self.media_schema(media_type, &format!("{owner}Body"), &media_pointer)?;
                    ("json", Body::Json(ty))
                }
                "multipart/form-data" => {
                    let name = format!("{owner}Form");
                    let form = self.media_schema(media_type, &name, &media_pointer)?;
                    ("multipart", self.multipart(&form, &name, &media_pointer)?)
                }
                "application/x-www-form-urlencoded" => {
                    let ty =
                        self.media_schema(media_type, &format!("{owner}Form"), &media_pointer)?;
                    if !self.is_struct(&ty) {
                        return Err(Error::unsupported(
                            &format!("{media_pointer}/schema"),
                            "a url-encoded form whose schema is not an object with properties",
                        ));
                    }
                    ("form", Body::UrlEncoded(ty))
                }
                "text/plain" => ("text", Body::Text),
                other => {
                    return Err(Error::unsupported(
                        &media_pointer,
                        format!("request body media type `{other}`"),
                    ))
                }
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
        if forms.is_empty() {
            return Err(Error::unsupported(
                &body_pointer,
                "a request body without content",
            ));
        }
        Ok(forms)
    }

    fn is_struct(&self, ty: &TypeRef) -> bool {
        matches!(ty, TypeRef::Named(name)
            if self.find_type(name).is_some_and(|t| matches!(t.kind, TypeKind::Struct(_))))
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
        let Some(fields) = fields else {
            return Err(Error::unsupported(
                &schema_pointer,
                "a multipart form whose schema is not an object with properties",
            ));
        };
        let is_file = |f: &Field| f.ty == TypeRef::Scalar(Scalar::Binary);
        if let [field] = fields.as_slice() {
            if is_file(field) {
                return Ok(Body::Multipart {
                    part: field.wire.clone(),
                    param: field.name.clone(),
                });
            }
        }
        if let Some(list) = fields.iter().find(
            |f| matches!(&f.ty, TypeRef::Array(item) if **item == TypeRef::Scalar(Scalar::Binary)),
        ) {
            return Err(Error::unsupported(
                &format!("{schema_pointer}/properties/{}", escape(&list.wire)),
                "a list of files in one part",
            ));
        }
        let files: Vec<FilePart> = fields
            .iter()
            .filter(|f| is_file(f))
            .map(|f| FilePart {
                part: f.wire.clone(),
                param: f.name.clone(),
                required: !f.is_optional(),
            })
            .collect();
        let text: Vec<Field> = fields.into_iter().filter(|f| !is_file(f)).collect();
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
        let Some((media, media_type)) = content.first() else {
            return Ok(ResponseBody::Empty);
        };
        let media_pointer = format!("{pointer}/content/{}", escape(media));
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
