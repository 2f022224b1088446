//! What a generated endpoint function hands the transport, and how the answer is read back.

use std::time::Duration;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use reqwest::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;

use crate::error::{DecodeError, TimeoutKind};
use crate::stall::Activity;
use crate::wire::Invalid;
use crate::{Download, Error, UploadFile};

/// One request as a generated endpoint function describes it.
#[derive(Debug)]
pub struct Request {
    pub(crate) method: Method,
    /// The spec's path, such as `/v2/pre-recorded/{id}`; it also names the operation in errors.
    pub(crate) template: &'static str,
    path_params: Vec<String>,
    pub(crate) query: Vec<(&'static str, String)>,
    /// Query parameters whose keys come from an object's (`filter[status]=open`).
    pub(crate) object_query: Vec<(String, String)>,
    body: Payload,
    /// Uploads and downloads: bounded by a stall limit, not by their total time.
    pub(crate) streaming: bool,
    /// The path and query of a `next` link, already placed under the base URL's path.
    pub(crate) link: Option<(String, Option<String>)>,
    /// Header and cookie parameters of the operation.
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

#[derive(Debug)]
enum Payload {
    Empty,
    Json(Bytes),
    Multipart(&'static str, UploadFile),
    // The next three serve operations generated from specs with such bodies.
    /// A multipart form of text fields and files.
    Form(Vec<(String, String)>, Vec<(&'static str, UploadFile)>),
    /// `application/x-www-form-urlencoded`, already encoded.
    UrlEncoded(String),
    Text(String),
    /// A file sent as the whole body (`application/octet-stream`, `image/png`…), with the
    /// spec's media type.
    Binary(&'static str, UploadFile),
}

impl Request {
    pub fn new(method: Method, template: &'static str) -> Self {
        Self {
            method,
            template,
            path_params: Vec::new(),
            query: Vec::new(),
            object_query: Vec::new(),
            body: Payload::Empty,
            streaming: false,
            link: None,
            headers: Vec::new(),
        }
    }

    /// The next path parameter of the template. An empty one would silently turn
    /// `GET /v2/pre-recorded/{id}` into the list endpoint, so it is refused.
    pub fn path_param(mut self, name: &'static str, value: &str) -> Result<Self, Invalid> {
        if value.is_empty() {
            return Err(Invalid::new(name, "must not be empty"));
        }
        self.path_params.push(value.to_owned());
        Ok(self)
    }

    pub fn query(mut self, pairs: Vec<(&'static str, String)>) -> Self {
        self.query = pairs;
        self
    }

    /// The query parameters that hold objects, after the others.
    pub fn object_query(mut self, pairs: Vec<(String, String)>) -> Self {
        self.object_query = pairs;
        self
    }

    pub fn json<T: serde::Serialize>(mut self, body: &T) -> Result<Self, Invalid> {
        let bytes = serde_json::to_vec(body).map_err(|e| Invalid::new("body", e.to_string()))?;
        self.body = Payload::Json(bytes.into());
        Ok(self)
    }

    pub fn multipart(mut self, part: &'static str, file: UploadFile) -> Self {
        self.body = Payload::Multipart(part, file);
        self.streaming = true;
        self
    }

    /// The answer is a binary body read as a stream.
    pub fn streaming(mut self) -> Self {
        self.streaming = true;
        self
    }

    /// The path segments of the template, with the parameters in place, in order: a whole
    /// segment (`{id}`) or inside one (`{Sid}.json`). The URL percent-encodes each segment.
    pub(crate) fn segments(&self) -> impl Iterator<Item = std::borrow::Cow<'_, str>> {
        let mut params = self.path_params.iter();
        self.template
            .split('/')
            .filter(|s| !s.is_empty())
            .map(move |segment| {
                if !segment.contains('{') {
                    return segment.into();
                }
                let mut filled = String::new();
                let mut rest = segment;
                while let Some((before, after)) = rest.split_once('{') {
                    let Some((_, tail)) = after.split_once('}') else {
                        break;
                    };
                    filled.push_str(before);
                    filled.push_str(params.next().map_or("", String::as_str));
                    rest = tail;
                }
                filled.push_str(rest);
                filled.into()
            })
    }

    /// The request for the page a `next` link points at. Only its path and query are kept, placed
    /// under the base URL's path: the page is fetched from the configured base URL (a proxy's
    /// prefix included), so the key goes nowhere else.
    pub(crate) fn follow(&self, link: &str, base: &Url) -> Result<Self, Error> {
        let url = base
            .join(link)
            .map_err(|e| Invalid::new("next", format!("`{link}` is not a URL: {e}")))?;
        let prefix = base.path().trim_end_matches('/');
        let under_base = crate::client::same_origin(&url, base)
            && url
                .path()
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        let path = match under_base {
            true => url.path().to_owned(),
            false => format!("{prefix}{}", url.path()),
        };
        Ok(Self {
            method: self.method.clone(),
            template: self.template,
            path_params: Vec::new(),
            query: Vec::new(),
            object_query: Vec::new(),
            body: Payload::Empty,
            streaming: self.streaming,
            link: Some((path, url.query().map(str::to_owned))),
            headers: self.headers.clone(),
        })
    }

    /// Names the request in errors, as in `GET /v2/pre-recorded/{id}`.
    pub(crate) fn operation(&self) -> String {
        format!("{} {}", self.method, self.template)
    }

    /// Adds the body; `activity` hears of every chunk a streamed body hands over.
    pub(crate) async fn attach_body(
        &self,
        builder: reqwest::RequestBuilder,
        activity: &Activity,
    ) -> Result<reqwest::RequestBuilder, Error> {
        Ok(match &self.body {
            Payload::Empty => builder,
            Payload::Json(bytes) => builder
                .header(CONTENT_TYPE, "application/json")
                .body(bytes.clone()),
            Payload::Multipart(name, file) => {
                let part = file.part(activity).await?;
                builder.multipart(reqwest::multipart::Form::new().part(*name, part))
            }
            Payload::Form(fields, files) => {
                let mut form = reqwest::multipart::Form::new();
                for (name, value) in fields {
                    form = form.text(name.clone(), value.clone());
                }
                for (name, file) in files {
                    form = form.part(*name, file.part(activity).await?);
                }
                builder.multipart(form)
            }
            Payload::UrlEncoded(text) => builder
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(text.clone()),
            Payload::Text(text) => builder
                .header(CONTENT_TYPE, "text/plain; charset=utf-8")
                .body(text.clone()),
            Payload::Binary(media, file) => {
                let media_type = file.media_type(Some(media));
                let value = HeaderValue::from_str(media_type)
                    .map_err(|_| crate::upload::not_a_media_type(media_type))?;
                let (body, length) = file.body(activity).await?;
                builder
                    .header(CONTENT_TYPE, value)
                    .header(reqwest::header::CONTENT_LENGTH, length)
                    .body(body)
            }
        })
    }
}

/// How long the client waits; `ClientBuilder::timeout` tells the rules.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeouts {
    /// The deadline of a JSON call; the longest a streamed body may stand still.
    pub(crate) request: Option<Duration>,
    /// Known when this crate built the HTTP client, which then applies it.
    pub(crate) connect: Option<Duration>,
}

impl Timeouts {
    /// The one mapping from the HTTP client's errors to [`Error`]; `streaming` tells a stall
    /// from a whole request's deadline.
    pub(crate) fn error(&self, operation: &str, source: reqwest::Error, streaming: bool) -> Error {
        let (limit, kind) = match (source.is_connect(), streaming) {
            (true, _) => (self.connect, TimeoutKind::Connect),
            (false, false) => (self.request, TimeoutKind::Request),
            (false, true) => (self.request, TimeoutKind::Stall),
        };
        match limit.filter(|_| source.is_timeout()) {
            Some(after) => Error::timeout(kind, operation, after),
            None => Error::Transport {
                operation: operation.to_owned(),
                source,
            },
        }
    }
}

/// A success answer, read the way the endpoint function expects.
pub struct Reply {
    pub(crate) response: reqwest::Response,
    pub(crate) operation: String,
    pub(crate) timeouts: Timeouts,
}

impl Reply {
    pub async fn json<T: DeserializeOwned>(self) -> Result<T, Error> {
        let (operation, body) = self.body().await?;
        decode(&operation, &body)
    }

    pub async fn empty(self) -> Result<(), Error> {
        self.body().await.map(drop)
    }

    /// A `text/plain` answer; bytes that are not UTF-8 are replaced, as a browser shows them.
    pub async fn text(self) -> Result<String, Error> {
        let (_, body) = self.body().await?;
        Ok(String::from_utf8_lossy(&body).into_owned())
    }

    // Boxed and not generic, as `Client::send` is: reading the body is compiled once, here,
    // not once per type `json` decodes in every crate that calls it.
    fn body(self) -> BoxFuture<'static, Result<(String, Bytes), Error>> {
        Box::pin(async move {
            match self.response.bytes().await {
                Ok(body) => Ok((self.operation, body)),
                Err(e) => Err(self.timeouts.error(&self.operation, e, false)),
            }
        })
    }

    pub fn download(self) -> Download {
        Download::new(self.response, self.operation, self.timeouts)
    }
}

/// Decodes a body at full speed; only on failure is it decoded again, as a buffered value and
/// tracking the path (as list items and unions are), to say where and why it failed. The place
/// in the text, for the snippet, is the first decoding's.
pub fn decode<T: DeserializeOwned>(operation: &str, body: &[u8]) -> Result<T, Error> {
    crate::wire::from_json(body).map_err(|error| {
        // `None` when the body is not one JSON value (cut short, trailing characters, a syntax
        // error): the first decoding's message and position then say what and where.
        let located = crate::wire::from_json::<serde_json::Value>(body)
            .ok()
            .and_then(|value| crate::wire::decode_located::<T>(&value).err());
        Error::Decode(Box::new(DecodeError::new(
            operation.to_owned(),
            body,
            located,
            error,
        )))
    })
}

// Builders for the form and text bodies generated code sends: multipart forms with several
// parts, `application/x-www-form-urlencoded` and `text/plain` (Gladia's spec has none).
impl Request {
    /// The text parts of a multipart form: one per field of `fields` (see [`form_fields`]).
    pub fn form<T: serde::Serialize>(mut self, fields: &T) -> Result<Self, Invalid> {
        let text = form_fields(fields)?;
        match &mut self.body {
            Payload::Form(existing, _) => existing.extend(text),
            _ => self.body = Payload::Form(text, Vec::new()),
        }
        self.streaming = true;
        Ok(self)
    }

    /// A file part of a multipart form; `None` leaves the part out.
    pub fn form_file(mut self, name: &'static str, file: Option<UploadFile>) -> Self {
        let Some(file) = file else { return self };
        match &mut self.body {
            Payload::Form(_, files) => files.push((name, file)),
            _ => self.body = Payload::Form(Vec::new(), vec![(name, file)]),
        }
        self.streaming = true;
        self
    }

    /// Files sent as parts of one name, in order.
    pub fn form_files(mut self, name: &'static str, files: Vec<UploadFile>) -> Self {
        for file in files {
            self = self.form_file(name, Some(file));
        }
        self
    }

    pub fn url_encoded<T: serde::Serialize>(mut self, fields: &T) -> Result<Self, Invalid> {
        let mut encoder = Url::parse("http://form.invalid/").expect("a valid URL");
        encoder.query_pairs_mut().extend_pairs(form_fields(fields)?);
        self.body = Payload::UrlEncoded(encoder.query().unwrap_or_default().to_owned());
        Ok(self)
    }

    pub fn text(mut self, body: &str) -> Self {
        self.body = Payload::Text(body.to_owned());
        self
    }

    /// A file as the whole body, streamed; `media` is the spec's media type for it.
    pub fn binary(mut self, media: &'static str, file: UploadFile) -> Self {
        self.body = Payload::Binary(media, file);
        self.streaming = true;
        self
    }

    /// Header parameters, as `(name, value)` pairs.
    pub fn headers(mut self, pairs: Vec<(&'static str, String)>) -> Result<Self, Invalid> {
        for (name, value) in pairs {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| Invalid::new(name, e.to_string()))?;
            let value = HeaderValue::from_str(&value)
                .map_err(|_| Invalid::new(name, "is not valid in an HTTP header"))?;
            self.headers.push((header, value));
        }
        Ok(self)
    }

    /// Cookie parameters, sent together in one `Cookie` header.
    pub fn cookies(self, pairs: Vec<(&'static str, String)>) -> Result<Self, Invalid> {
        if pairs.is_empty() {
            return Ok(self);
        }
        let cookie: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        self.headers(vec![("cookie", cookie.join("; "))])
    }
}

/// A struct's fields as form fields, in name order: strings as they are, `null`s left out,
/// anything else as its JSON text (the only spelling a form field has for a number, a list or
/// an object).
fn form_fields<T: serde::Serialize>(fields: &T) -> Result<Vec<(String, String)>, Invalid> {
    match serde_json::to_value(fields).map_err(|e| Invalid::new("body", e.to_string()))? {
        serde_json::Value::Object(map) => Ok(map
            .into_iter()
            .filter(|(_, value)| !value.is_null())
            .map(|(name, value)| {
                let text = crate::wire::value_text(&value);
                (name, text)
            })
            .collect()),
        other => Err(Invalid::new(
            "body",
            format!("a form is an object, not {other}"),
        )),
    }
}

#[cfg(test)]
mod form_tests {
    use super::*;

    fn fields() -> serde_json::Value {
        serde_json::json!({"name": "a b&c", "count": 2, "tags": [], "missing": null})
    }

    #[test]
    fn form_fields_keep_strings_and_drop_nulls() {
        let fields = form_fields(&fields()).unwrap();
        let expected = [("count", "2"), ("name", "a b&c"), ("tags", "[]")];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(fields, expected);
        assert!(form_fields(&3).is_err());
    }

    #[test]
    fn url_encoded_bodies_are_encoded_once() {
        let request = Request::new(Method::POST, "/x")
            .url_encoded(&fields())
            .unwrap();
        match request.body {
            Payload::UrlEncoded(text) => assert_eq!(text, "count=2&name=a+b%26c&tags=%5B%5D"),
            other => panic!("not url-encoded: {other:?}"),
        }
    }
}

#[cfg(test)]
mod path_tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_in_and_inside_segments_then_encoded() {
        let request = Request::new(Method::GET, "/v1/Accounts/{Sid}.json/{id}/thumb.{ext}")
            .path_param("Sid", "a/b c")
            .and_then(|r| r.path_param("id", "42"))
            .and_then(|r| r.path_param("ext", "png"))
            .unwrap();
        let segments: Vec<_> = request.segments().collect();
        assert_eq!(
            segments,
            ["v1", "Accounts", "a/b c.json", "42", "thumb.png"]
        );
        let mut url = Url::parse("https://api.example/base").unwrap();
        url.path_segments_mut().unwrap().extend(request.segments());
        assert_eq!(url.path(), "/base/v1/Accounts/a%2Fb%20c.json/42/thumb.png");
    }
}

#[cfg(test)]
mod decode_tests {
    use super::*;

    /// A body with a byte that is not UTF-8 is refused where serde_json finds it, like any
    /// other malformed body; a good one decodes, escapes and all.
    #[test]
    fn a_body_that_is_not_utf8_is_a_located_decode_error() {
        let body = b"{\"id\": \"caf\xe9\", \"n\": 1}";
        let Err(Error::Decode(error)) = decode::<serde_json::Value>("GET /x", body) else {
            panic!("not a decode error");
        };
        assert_eq!((error.source.line(), error.source.column()), (1, 12));
        assert!(error.to_string().contains("GET /x"), "{error}");
        let value: serde_json::Value =
            decode("GET /x", "{\"id\": \"café \\u00e9\"}".as_bytes()).unwrap();
        assert_eq!(value["id"], "café é");
    }
}
