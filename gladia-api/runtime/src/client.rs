//! The transport every generated endpoint function calls: URL building, authentication,
//! redirects, retries and error mapping.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::{self, BoxFuture, Either};
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, COOKIE, LOCATION, PROXY_AUTHORIZATION,
    USER_AGENT,
};
use reqwest::{Method, StatusCode, Url};

use crate::error::{ApiError, ErrorBodyReader, TimeoutKind};
use crate::request::{Reply, Request, Timeouts};
use crate::stall::Activity;
use crate::trace::RequestSpan;
use crate::{Error, RetryPolicy};

/// What the generated code knows of its API and the transport does not: the generated crate's
/// name and version (for the environment variables and the user agent), the spec's first server
/// and the header that carries the key (with its prefix, `Bearer ` for bearer tokens).
#[derive(Debug, Clone, Copy)]
pub struct Service {
    pub crate_name: &'static str,
    pub crate_version: &'static str,
    pub base_url: Option<&'static str>,
    pub key_header: Option<(&'static str, &'static str)>,
}

const MAX_REDIRECTS: usize = 10;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// The transport of a generated client. Cheap to clone: clones share one connection pool.
///
/// The API key is sent, in the header the spec names, to the configured base URL's origin only:
/// never to another origin a redirect points at, and never shown by `Debug` or in an error.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    /// The header that carries the key, and its value; `None` for an API without keys.
    key: Option<(HeaderName, HeaderValue)>,
    headers: HeaderMap,
    timeouts: Timeouts,
    retry: RetryPolicy,
    error_body: Option<ErrorBodyReader>,
    /// The connect timeout of sockets this crate opens itself (`connect_socket`), whoever built
    /// the HTTP client.
    connect_timeout: Duration,
}

impl Client {
    /// The URL requests are sent to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// What generated endpoint functions send through. A crate with this file as its own
    /// `client` module calls this type directly; gladia-api's `Client` wraps it and has a
    /// `transport()` of its own, so generated code reads the same in both.
    #[doc(hidden)]
    pub fn transport(&self) -> &Client {
        self
    }

    /// Sends a request, following redirects and retrying as the policy allows, and returns the
    /// success answer; error answers become [`Error::Api`].
    ///
    /// Boxed, behind a function that is not generic: the future (the retry loop, and reqwest's
    /// futures inside it) is compiled once, here, instead of in every crate whose code awaits an
    /// endpoint function; one allocation per request is what it costs.
    #[doc(hidden)]
    pub fn send<'a>(&'a self, request: &'a Request) -> BoxFuture<'a, Result<Reply, Error>> {
        Box::pin(self.send_with_retries(request))
    }

    async fn send_with_retries(&self, request: &Request) -> Result<Reply, Error> {
        let span = RequestSpan::new(&request.method, request.template);
        let mut attempt = 1;
        let result = span
            .enter(self.attempts(request, &span, &mut attempt))
            .await;
        span.finish(&result, attempt - 1);
        result
    }

    /// Attempts until one answers with success, or no retry is left; `attempt` is the last one.
    async fn attempts(
        &self,
        request: &Request,
        span: &RequestSpan,
        attempt: &mut u32,
    ) -> Result<Reply, Error> {
        let operation = request.operation();
        let url = self.url(request);
        let retry = &self.inner.retry;
        loop {
            let (delay, status) = match self.send_once(request, url.clone()).await {
                Ok(response) if response.status().is_success() => {
                    return Ok(Reply {
                        response,
                        operation,
                        timeouts: self.inner.timeouts,
                    })
                }
                Ok(response) => {
                    let status = response.status();
                    if *attempt >= retry.max_attempts
                        || !retry.retries_status(&request.method, status)
                    {
                        let body = response.text().await.unwrap_or_default();
                        return Err(self.api_error(status, body));
                    }
                    (
                        retry.delay(*attempt, Some(response.headers())),
                        Some(status),
                    )
                }
                Err(Failure::Transport(error)) => {
                    if *attempt >= retry.max_attempts
                        || !retry.retries_transport(&request.method, &error)
                    {
                        return Err(self.inner.timeouts.error(
                            &operation,
                            error,
                            request.streaming,
                        ));
                    }
                    (retry.delay(*attempt, None), None)
                }
                Err(Failure::Other(error)) => return Err(error),
            };
            span.retrying(*attempt, delay, status);
            tokio::time::sleep(delay).await;
            *attempt += 1;
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
            let headers = headers_for(&url, &inner.base_url, &inner.headers, inner.key.as_ref());
            let mut builder = inner
                .http
                .request(method.clone(), url.clone())
                .headers(headers);
            for (name, value) in &request.headers {
                builder = builder.header(name.clone(), value.clone());
            }
            let activity = Activity::start();
            if with_body {
                builder = request
                    .attach_body(builder, &activity)
                    .await
                    .map_err(Failure::Other)?;
            }
            let response = match (inner.timeouts.request, request.streaming) {
                (Some(limit), false) => builder.timeout(limit).send().await,
                // A streamed body may take as long as it needs while it moves.
                (Some(limit), true) => {
                    let send = std::pin::pin!(builder.send());
                    let stalled = std::pin::pin!(activity.stalled(limit));
                    match future::select(send, stalled).await {
                        Either::Left((response, _)) => response,
                        Either::Right(((), _)) => {
                            return Err(Failure::Other(Error::timeout(
                                TimeoutKind::Stall,
                                request.operation(),
                                limit,
                            )))
                        }
                    }
                }
                (None, _) => builder.send().await,
            };
            let response = response.map_err(Failure::Transport)?;
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

    /// A TCP connection to a WebSocket URL (`ws`, `wss`) with this client's connect timeout,
    /// through the proxy the environment names for it, as reqwest picks one. TLS and the
    /// upgrade are the caller's.
    #[doc(hidden)]
    pub async fn connect_socket(&self, url: &Url) -> std::io::Result<tokio::net::TcpStream> {
        crate::tunnel::connect(url, self.inner.connect_timeout).await
    }

    /// The headers this client sends with a request to `url` (`ws` and `wss` count as `http` and
    /// `https` for its origin): the user agent and default headers, and the key and other
    /// credentials only on the base URL's origin.
    #[doc(hidden)]
    pub fn headers_for(&self, url: &Url) -> HeaderMap {
        let mut target = url.clone();
        let scheme = match url.scheme() {
            "wss" => Some("https"),
            "ws" => Some("http"),
            _ => None,
        };
        // `set_scheme` refuses to change a special scheme into another; parsed again, a URL
        // that fails keeps its own and so counts as another origin.
        if let Some(scheme) = scheme {
            let rest = &url.as_str()[url.scheme().len()..];
            target = Url::parse(&format!("{scheme}{rest}")).unwrap_or(target);
        }
        let inner = &*self.inner;
        headers_for(&target, &inner.base_url, &inner.headers, inner.key.as_ref())
    }

    /// An error answer, its body read as the API's crate reads it.
    #[doc(hidden)]
    pub fn api_error(&self, status: StatusCode, body: String) -> Error {
        Error::Api(Box::new(ApiError::new(status, body, self.inner.error_body)))
    }

    fn url(&self, request: &Request) -> Url {
        let mut url = self.inner.base_url.clone();
        if let Some((path, query)) = &request.link {
            url.set_path(path);
            url.set_query(query.as_deref());
            return url;
        }
        if let Ok(mut segments) = url.path_segments_mut() {
            // `build` refuses base URLs that cannot take a path, so this branch always runs.
            segments.pop_if_empty().extend(request.segments());
        }
        if !request.query.is_empty() || !request.object_query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(&request.query)
                .extend_pairs(&request.object_query);
        }
        url
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("api_key", &"<redacted>")
            .field("timeouts", &self.inner.timeouts)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Configures a client; start from the generated `Client::builder`.
///
/// `C` is the client it builds: the generated crate's own `Client` when that wraps this
/// transport (a crate cannot add methods to another crate's type).
pub struct ClientBuilder<C = Client> {
    settings: Settings,
    client: PhantomData<fn() -> C>,
}

// What the builder holds, apart from the client type: its work is not generic, so it is
// compiled once, in this crate, whatever client wraps the transport.
struct Settings {
    service: Service,
    /// `None` after `no_api_key`.
    api_key: Option<String>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    retry: RetryPolicy,
    user_agent: String,
    headers: Vec<(String, String)>,
    http: Option<reqwest::Client>,
    error_body: Option<ErrorBodyReader>,
}

impl<C: From<Client>> ClientBuilder<C> {
    #[doc(hidden)]
    pub fn new(service: Service, api_key: String) -> Self {
        Self::with(Settings::new(service, api_key))
    }

    /// The key from `{CRATE}_KEY` and, when set, the base URL from `{CRATE}_URL`, `{CRATE}` being
    /// the generated crate's name in capitals (`GLADIA_API_KEY`, `GLADIA_API_URL`).
    #[doc(hidden)]
    pub fn from_env(service: Service) -> Result<Self, Error> {
        Settings::from_env(service).map(Self::with)
    }

    fn with(settings: Settings) -> Self {
        Self {
            settings,
            client: PhantomData,
        }
    }

    /// Sends requests to another server, such as a proxy or a test server. `https` is the
    /// default and should stay the rule: over plain `http` the key travels in clear.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.settings.base_url = Some(url.into());
        self
    }

    /// How long the client waits, 60 seconds by default; [`Error::Timeout`] when it is reached.
    ///
    /// - A JSON call (every endpoint but uploads and downloads): each attempt must be answered
    ///   and read whole within this time.
    /// - An upload or a download takes as long as its file needs, but must not stand still for
    ///   this long: no byte handed to the connection, no byte received, or no answer once the
    ///   last byte is sent. A server that stops reading ends the upload within about this time.
    ///
    /// Opening the connection has its own limit, [`ClientBuilder::connect_timeout`]. Helpers that
    /// wait for a job have their own deadline.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = Some(timeout);
        self
    }

    /// Removes the limits of [`ClientBuilder::timeout`]: requests wait as long as the server
    /// takes. The connect timeout stays.
    pub fn no_timeout(mut self) -> Self {
        self.settings.timeout = None;
        self
    }

    /// The longest wait for a connection to open (TCP and TLS), 30 seconds by default; reached,
    /// it is an [`Error::Timeout`] that gives this duration. A client given with
    /// [`ClientBuilder::http_client`] keeps its own.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = timeout;
        self
    }

    /// How failed requests are retried; [`RetryPolicy::none`] turns retries off.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.settings.retry = retry;
        self
    }

    /// The `User-Agent` header, `<crate>-rust/<version>` by default (`gladia-api-rust/0.1.0`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.settings.user_agent = user_agent.into();
        self
    }

    /// A header sent with every request, a proxy's `Authorization` for instance.
    ///
    /// On a redirect to another origin, headers that carry credentials (`Authorization`,
    /// `Proxy-Authorization`, `Cookie`, the API key's) stay behind, as the API key does; the
    /// others follow.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.settings.headers.push((name.into(), value.into()));
        self
    }

    /// Sends requests through this `reqwest` client: its proxy, TLS and pool settings apply.
    /// Build it with `redirect(reqwest::redirect::Policy::none())`: this client follows
    /// redirects itself, so that the key is never sent to another origin.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.settings.http = Some(http);
        self
    }

    /// Sends no API key: for a proxy in front of the API that adds it (the base URL then names
    /// the proxy). Without this, an empty key is refused, as it is likely a mistake.
    pub fn no_api_key(mut self) -> Self {
        self.settings.api_key = None;
        self
    }

    /// How the API's crate reads its error bodies into [`ApiError`]'s fields.
    #[doc(hidden)]
    pub fn error_body_reader(mut self, reader: ErrorBodyReader) -> Self {
        self.settings.error_body = Some(reader);
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<C, Error> {
        self.settings.build().map(C::from)
    }
}

impl Settings {
    fn new(service: Service, api_key: String) -> Self {
        Self {
            service,
            api_key: Some(api_key),
            base_url: service.base_url.map(str::to_owned),
            timeout: Some(DEFAULT_TIMEOUT),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            user_agent: format!("{}-rust/{}", service.crate_name, service.crate_version),
            headers: Vec::new(),
            http: None,
            error_body: None,
        }
    }

    fn from_env(service: Service) -> Result<Self, Error> {
        let prefix = service.crate_name.to_ascii_uppercase().replace('-', "_");
        let key_var = format!("{prefix}_KEY");
        let api_key = match (std::env::var(&key_var), service.key_header) {
            (Ok(key), _) => key,
            // An API without keys needs none.
            (Err(_), None) => String::new(),
            (Err(_), Some(_)) => {
                return Err(Error::Config(format!(
                    "{key_var} is not set; it holds your API key"
                )))
            }
        };
        let mut settings = Self::new(service, api_key);
        if let Some(url) = std::env::var(format!("{prefix}_URL"))
            .ok()
            .filter(|u| !u.is_empty())
        {
            settings.base_url = Some(url);
        }
        Ok(settings)
    }

    fn build(self) -> Result<Client, Error> {
        let key = match (self.service.key_header, &self.api_key) {
            (Some((name, prefix)), Some(api_key)) => {
                if api_key.trim().is_empty() {
                    return Err(Error::Config(
                        "the API key is empty (`no_api_key` sends none, for a proxy that adds it)"
                            .into(),
                    ));
                }
                let mut value =
                    HeaderValue::from_str(&format!("{prefix}{api_key}")).map_err(|_| {
                        Error::Config(
                            "the API key holds characters an HTTP header cannot carry".into(),
                        )
                    })?;
                value.set_sensitive(true);
                let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                    Error::Config(format!(
                        "`{name}`, the spec's key header, is not a header name"
                    ))
                })?;
                Some((name, value))
            }
            _ => None,
        };
        let base_url = self.base_url.as_deref().ok_or_else(|| {
            Error::Config("no base URL: the spec names no server; set one with `base_url`".into())
        })?;
        let base_url = parse_base_url(base_url)?;
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
        // No client-wide read timeout: reqwest's runs from sending until the answer, so it would
        // cut long uploads short. `Client::send_once` sets each request's limit instead.
        let (http, connect) = match self.http {
            Some(http) => (http, None),
            None => {
                let http = reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .connect_timeout(self.connect_timeout)
                    .build()
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
                (http, Some(self.connect_timeout))
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                key,
                headers,
                timeouts: Timeouts {
                    request: self.timeout,
                    connect,
                },
                retry: self.retry,
                error_body: self.error_body,
                connect_timeout: self.connect_timeout,
            }),
        })
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.settings.fmt(f)
    }
}

impl fmt::Debug for Settings {
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

pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.origin() == b.origin()
}

/// The headers a hop to `url` carries: all of them on the base URL's origin; elsewhere, none that
/// carry credentials, whoever set them.
fn headers_for(
    url: &Url,
    base: &Url,
    headers: &HeaderMap,
    key: Option<&(HeaderName, HeaderValue)>,
) -> HeaderMap {
    let mut headers = headers.clone();
    if same_origin(url, base) {
        if let Some((name, value)) = key {
            headers.insert(name.clone(), value.clone());
        }
    } else {
        let key = key.map(|(name, _)| name);
        for name in [&AUTHORIZATION, &PROXY_AUTHORIZATION, &COOKIE]
            .into_iter()
            .chain(key)
        {
            headers.remove(name);
        }
    }
    headers
}

enum Failure {
    Transport(reqwest::Error),
    Other(Error),
}
