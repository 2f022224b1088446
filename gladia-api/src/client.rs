//! The transport every generated endpoint function calls: URL building, authentication,
//! redirects, retries and error mapping.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, LOCATION, USER_AGENT};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, DecodeError};
use crate::wire::Invalid;
use crate::{Download, Error, RetryPolicy, UploadFile};

/// Where requests go unless told otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.gladia.io";

const KEY_HEADER: HeaderName = HeaderName::from_static("x-gladia-key");
const MAX_REDIRECTS: usize = 10;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// A Gladia API client. Cheap to clone: clones share one connection pool.
///
/// The API key is sent in the `x-gladia-key` header to the configured base URL only: never to
/// another origin a redirect points at, and never shown by `Debug` or in an error.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    api_key: HeaderValue,
    headers: HeaderMap,
    timeout: Option<Duration>,
    retry: RetryPolicy,
}

impl Client {
    /// A client for `https://api.gladia.io` with the default settings.
    pub fn new(api_key: impl Into<String>) -> Result<Self, Error> {
        Self::builder(api_key).build()
    }

    /// A client configured from `GLADIA_API_KEY` and, when set, `GLADIA_API_URL`.
    pub fn from_env() -> Result<Self, Error> {
        let api_key = std::env::var("GLADIA_API_KEY").map_err(|_| {
            Error::Config("GLADIA_API_KEY is not set; it holds your Gladia API key".into())
        })?;
        let mut builder = Self::builder(api_key);
        if let Some(url) = std::env::var("GLADIA_API_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            builder = builder.base_url(url);
        }
        builder.build()
    }

    /// Starts configuring a client.
    pub fn builder(api_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            api_key: api_key.into(),
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: Some(DEFAULT_TIMEOUT),
            retry: RetryPolicy::default(),
            user_agent: concat!("gladia-api-rust/", env!("CARGO_PKG_VERSION")).to_owned(),
            headers: Vec::new(),
            http: None,
        }
    }

    /// The URL requests are sent to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// Sends a request, following redirects and retrying as the policy allows, and returns the
    /// success answer; error answers become [`Error::Api`].
    pub(crate) async fn send(&self, request: &Request) -> Result<Reply, Error> {
        let operation = request.operation();
        let url = self.url(request);
        let retry = &self.inner.retry;
        let mut attempt = 1;
        loop {
            let delay = match self.send_once(request, url.clone()).await {
                Ok(response) if response.status().is_success() => {
                    return Ok(Reply {
                        response,
                        operation,
                        timeout: self.inner.timeout,
                    })
                }
                Ok(response) => {
                    let status = response.status();
                    if attempt >= retry.max_attempts
                        || !retry.retries_status(&request.method, status)
                    {
                        let body = response.text().await.unwrap_or_default();
                        return Err(Error::Api(Box::new(ApiError::new(status, body))));
                    }
                    retry.delay(attempt, Some(response.headers()))
                }
                Err(Failure::Transport(error)) => {
                    if attempt >= retry.max_attempts
                        || !retry.retries_transport(&request.method, &error)
                    {
                        return Err(transport_error(operation, self.inner.timeout, error));
                    }
                    retry.delay(attempt, None)
                }
                Err(Failure::Other(error)) => return Err(error),
            };
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// One attempt, following redirects by hand so that the key stays with its origin.
    async fn send_once(
        &self,
        request: &Request,
        mut url: Url,
    ) -> Result<reqwest::Response, Failure> {
        let inner = &*self.inner;
        let mut method = request.method.clone();
        let mut with_body = true;
        let mut redirects = 0;
        loop {
            let mut builder = inner
                .http
                .request(method.clone(), url.clone())
                .headers(inner.headers.clone());
            for (name, value) in &request.headers {
                builder = builder.header(name.clone(), value.clone());
            }
            if same_origin(&url, &inner.base_url) {
                builder = builder.header(KEY_HEADER, inner.api_key.clone());
            }
            if let (Some(timeout), false) = (inner.timeout, request.streaming) {
                builder = builder.timeout(timeout);
            }
            if with_body {
                builder = request.body.attach(builder).await.map_err(Failure::Other)?;
            }
            let response = builder.send().await.map_err(Failure::Transport)?;
            let status = response.status();
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|l| l.to_str().ok())
                .and_then(|l| url.join(l).ok());
            // Past the limit, the redirect itself is the answer: an `Error::Api` with its status.
            let Some(next) =
                location.filter(|_| status.is_redirection() && redirects < MAX_REDIRECTS)
            else {
                return Ok(response);
            };
            redirects += 1;
            // As browsers do: 303, and 301/302 after a POST, continue as a GET without the body.
            if status == StatusCode::SEE_OTHER
                || (method == Method::POST
                    && matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND))
            {
                method = Method::GET;
                with_body = false;
            }
            url = next;
        }
    }

    fn url(&self, request: &Request) -> Url {
        let mut url = self.inner.base_url.clone();
        if let Some((path, query)) = &request.link {
            url.set_path(path);
            url.set_query(query.as_deref());
            return url;
        }
        {
            // `build` refuses base URLs that cannot take a path, so this cannot fail.
            let mut segments = url
                .path_segments_mut()
                .expect("base URL checked by ClientBuilder::build");
            segments.pop_if_empty();
            let mut params = request.path_params.iter();
            for segment in request.template.split('/').filter(|s| !s.is_empty()) {
                match segment.starts_with('{') {
                    true => segments.push(params.next().map_or("", String::as_str)),
                    false => segments.push(segment),
                };
            }
        }
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&request.query);
        }
        url
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("api_key", &"<redacted>")
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`]; start from [`Client::builder`].
pub struct ClientBuilder {
    api_key: String,
    base_url: String,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: String,
    headers: Vec<(String, String)>,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// Sends requests to another server, such as a proxy or a test server. `https` is the
    /// default and should stay the rule: over plain `http` the key travels in clear.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Time limit of each attempt of a request, 60 seconds by default. Uploads and downloads
    /// are not limited, as their length follows the file's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Removes the time limit of requests.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// How failed requests are retried; [`RetryPolicy::none`] turns retries off.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The `User-Agent` header, `gladia-api-rust/<version>` by default.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// A header sent with every request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sends requests through this `reqwest` client: its proxy, TLS and pool settings apply.
    /// Build it with `redirect(reqwest::redirect::Policy::none())`: this client follows
    /// redirects itself, so that the key is never sent to another origin.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        if self.api_key.trim().is_empty() {
            return Err(Error::Config("the API key is empty".into()));
        }
        let mut api_key = HeaderValue::from_str(&self.api_key).map_err(|_| {
            Error::Config("the API key holds characters an HTTP header cannot carry".into())
        })?;
        api_key.set_sensitive(true);
        let base_url = parse_base_url(&self.base_url)?;
        let mut headers = HeaderMap::new();
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|_| {
            Error::Config(format!("`{}` is not a valid user agent", self.user_agent))
        })?;
        headers.insert(USER_AGENT, user_agent);
        for (name, value) in &self.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .ok()
                .zip(HeaderValue::from_str(value).ok())
                .ok_or_else(|| Error::Config(format!("`{name}: {value}` is not a valid header")))?;
            headers.append(header.0, header.1);
        }
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(Duration::from_secs(30))
                .read_timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                api_key,
                headers,
                timeout: self.timeout,
                retry: self.retry,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("api_key", &"<redacted>")
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

fn parse_base_url(raw: &str) -> Result<Url, Error> {
    let url = Url::parse(raw)
        .map_err(|e| Error::Config(format!("base URL `{raw}` is not a URL: {e}")))?;
    if !matches!(url.scheme(), "https" | "http") || url.cannot_be_a_base() {
        return Err(Error::Config(format!(
            "base URL `{raw}` must be an http(s) URL"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "base URL `{raw}` must not carry a query or a fragment"
        )));
    }
    Ok(url)
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

fn transport_error(operation: String, timeout: Option<Duration>, source: reqwest::Error) -> Error {
    match (source.is_timeout(), timeout) {
        (true, Some(after)) => Error::Timeout { operation, after },
        _ => Error::Transport { operation, source },
    }
}

enum Failure {
    Transport(reqwest::Error),
    Other(Error),
}

/// One request as a generated endpoint function describes it.
#[derive(Debug)]
pub(crate) struct Request {
    method: Method,
    /// The spec's path, such as `/v2/pre-recorded/{id}`; it also names the operation in errors.
    template: &'static str,
    path_params: Vec<String>,
    query: Vec<(&'static str, String)>,
    body: Payload,
    /// Uploads and downloads: no overall time limit.
    streaming: bool,
    /// Path and query of a `next` link, which replace the template's.
    link: Option<(String, Option<String>)>,
    /// Header and cookie parameters of the operation.
    headers: Vec<(HeaderName, HeaderValue)>,
}

#[derive(Debug)]
enum Payload {
    Empty,
    Json(Bytes),
    Multipart(&'static str, UploadFile),
    // The next three serve operations generated from specs with such bodies; Gladia's has none.
    /// A multipart form of text fields and files.
    #[allow(dead_code)]
    Form(Vec<(String, String)>, Vec<(&'static str, UploadFile)>),
    /// `application/x-www-form-urlencoded`, already encoded.
    #[allow(dead_code)]
    UrlEncoded(String),
    #[allow(dead_code)]
    Text(String),
}

impl Request {
    pub(crate) fn new(method: Method, template: &'static str) -> Self {
        Self {
            method,
            template,
            path_params: Vec::new(),
            query: Vec::new(),
            body: Payload::Empty,
            streaming: false,
            link: None,
            headers: Vec::new(),
        }
    }

    /// The next path parameter of the template. An empty one would silently turn
    /// `GET /v2/pre-recorded/{id}` into the list endpoint, so it is refused.
    pub(crate) fn path_param(mut self, name: &'static str, value: &str) -> Result<Self, Invalid> {
        if value.is_empty() {
            return Err(Invalid::new(name, "must not be empty"));
        }
        self.path_params.push(value.to_owned());
        Ok(self)
    }

    pub(crate) fn query(mut self, pairs: Vec<(&'static str, String)>) -> Self {
        self.query = pairs;
        self
    }

    pub(crate) fn json<T: serde::Serialize>(mut self, body: &T) -> Result<Self, Invalid> {
        let bytes = serde_json::to_vec(body).map_err(|e| Invalid::new("body", e.to_string()))?;
        self.body = Payload::Json(bytes.into());
        Ok(self)
    }

    pub(crate) fn multipart(mut self, part: &'static str, file: UploadFile) -> Self {
        self.body = Payload::Multipart(part, file);
        self.streaming = true;
        self
    }

    /// The answer is a binary body read as a stream.
    pub(crate) fn streaming(mut self) -> Self {
        self.streaming = true;
        self
    }

    /// The request for the page a `next` link points at. Only its path and query are kept: the
    /// page is fetched from the configured base URL, so the key goes nowhere else.
    pub(crate) fn follow(&self, link: &str, base: &Url) -> Result<Self, Error> {
        let url = base
            .join(link)
            .map_err(|e| Invalid::new("next", format!("`{link}` is not a URL: {e}")))?;
        Ok(Self {
            method: self.method.clone(),
            template: self.template,
            path_params: Vec::new(),
            query: Vec::new(),
            body: Payload::Empty,
            streaming: self.streaming,
            link: Some((url.path().to_owned(), url.query().map(str::to_owned))),
            headers: self.headers.clone(),
        })
    }

    fn operation(&self) -> String {
        format!("{} {}", self.method, self.template)
    }
}

impl Payload {
    async fn attach(
        &self,
        builder: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, Error> {
        Ok(match self {
            Payload::Empty => builder,
            Payload::Json(bytes) => builder
                .header(CONTENT_TYPE, "application/json")
                .body(bytes.clone()),
            Payload::Multipart(name, file) => {
                builder.multipart(reqwest::multipart::Form::new().part(*name, file.part().await?))
            }
            Payload::Form(fields, files) => {
                let mut form = reqwest::multipart::Form::new();
                for (name, value) in fields {
                    form = form.text(name.clone(), value.clone());
                }
                for (name, file) in files {
                    form = form.part(*name, file.part().await?);
                }
                builder.multipart(form)
            }
            Payload::UrlEncoded(text) => builder
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(text.clone()),
            Payload::Text(text) => builder
                .header(CONTENT_TYPE, "text/plain; charset=utf-8")
                .body(text.clone()),
        })
    }
}

/// A success answer, read the way the endpoint function expects.
pub(crate) struct Reply {
    response: reqwest::Response,
    operation: String,
    timeout: Option<Duration>,
}

impl Reply {
    pub(crate) async fn json<T: DeserializeOwned>(self) -> Result<T, Error> {
        let body = self
            .response
            .bytes()
            .await
            .map_err(|e| transport_error(self.operation.clone(), self.timeout, e))?;
        decode(&self.operation, &body)
    }

    pub(crate) async fn empty(self) -> Result<(), Error> {
        self.response
            .bytes()
            .await
            .map(drop)
            .map_err(|e| transport_error(self.operation, self.timeout, e))
    }

    pub(crate) fn download(self) -> Download {
        Download::new(self.response, self.operation)
    }
}

/// Decodes a body at full speed; only on failure is it decoded again, tracking the path, to say
/// where it failed.
pub(crate) fn decode<T: DeserializeOwned>(operation: &str, body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|error| {
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        let (path, error) = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Err(located) => (located.path().to_string(), located.into_inner()),
            // Only the end failed, on trailing characters: the path is the root.
            Ok(_) => (".".to_owned(), error),
        };
        Error::Decode(Box::new(DecodeError::new(
            operation.to_owned(),
            body,
            path,
            error,
        )))
    })
}

// Builders for the form and text bodies generated code sends: multipart forms with several
// parts, `application/x-www-form-urlencoded` and `text/plain`. Gladia's spec has none, so they
// are unused in this crate's own build.
#[allow(dead_code)]
impl Request {
    /// The text parts of a multipart form: one per field of `fields` (see [`form_fields`]).
    pub(crate) fn form<T: serde::Serialize>(mut self, fields: &T) -> Result<Self, Invalid> {
        let text = form_fields(fields)?;
        match &mut self.body {
            Payload::Form(existing, _) => existing.extend(text),
            _ => self.body = Payload::Form(text, Vec::new()),
        }
        self.streaming = true;
        Ok(self)
    }

    /// A file part of a multipart form; `None` leaves the part out.
    pub(crate) fn form_file(mut self, name: &'static str, file: Option<UploadFile>) -> Self {
        let Some(file) = file else { return self };
        match &mut self.body {
            Payload::Form(_, files) => files.push((name, file)),
            _ => self.body = Payload::Form(Vec::new(), vec![(name, file)]),
        }
        self.streaming = true;
        self
    }

    pub(crate) fn url_encoded<T: serde::Serialize>(mut self, fields: &T) -> Result<Self, Invalid> {
        let mut encoder = Url::parse("http://form.invalid/").expect("a valid URL");
        encoder.query_pairs_mut().extend_pairs(form_fields(fields)?);
        self.body = Payload::UrlEncoded(encoder.query().unwrap_or_default().to_owned());
        Ok(self)
    }

    pub(crate) fn text(mut self, body: &str) -> Self {
        self.body = Payload::Text(body.to_owned());
        self
    }

    /// Header parameters, as `(name, value)` pairs.
    pub(crate) fn headers(mut self, pairs: Vec<(&'static str, String)>) -> Result<Self, Invalid> {
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
    pub(crate) fn cookies(self, pairs: Vec<(&'static str, String)>) -> Result<Self, Invalid> {
        if pairs.is_empty() {
            return Ok(self);
        }
        let cookie: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        self.headers(vec![("cookie", cookie.join("; "))])
    }
}

#[allow(dead_code)]
/// A struct's fields as form fields, in name order: strings as they are, `null`s left out,
/// anything else as its JSON text (the only spelling a form field has for a number, a list or
/// an object).
fn form_fields<T: serde::Serialize>(fields: &T) -> Result<Vec<(String, String)>, Invalid> {
    match serde_json::to_value(fields).map_err(|e| Invalid::new("body", e.to_string()))? {
        serde_json::Value::Object(map) => Ok(map
            .into_iter()
            .filter(|(_, value)| !value.is_null())
            .map(|(name, value)| match value {
                serde_json::Value::String(text) => (name, text),
                other => (name, other.to_string()),
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

    #[derive(serde::Serialize)]
    struct Fields {
        name: &'static str,
        count: u32,
        tags: Vec<&'static str>,
        missing: Option<u32>,
    }

    const FIELDS: Fields = Fields {
        name: "a b&c",
        count: 2,
        tags: Vec::new(),
        missing: None,
    };

    #[test]
    fn form_fields_keep_strings_and_drop_nulls() {
        let fields = form_fields(&FIELDS).unwrap();
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
            .url_encoded(&FIELDS)
            .unwrap();
        match request.body {
            Payload::UrlEncoded(text) => assert_eq!(text, "count=2&name=a+b%26c&tags=%5B%5D"),
            other => panic!("not url-encoded: {other:?}"),
        }
    }
}
