//! The client users hold. The transport is the runtime's; this crate wraps it so that the
//! generated endpoint functions (`operations.rs`) and Gladia's helpers (`jobs.rs`, `live/`) can be
//! its methods, which a crate cannot add to another crate's type, and so that it carries what
//! only Gladia has (the region of live sessions, Gladia's error bodies).

use std::fmt;
use std::time::Duration;

use gladia_api_runtime as runtime;
use reqwest::Url;
pub(crate) use runtime::client::Service;

use crate::types::LiveRegion;
use crate::{Error, RetryPolicy};

/// The variable [`Client::from_env`] reads the region of live sessions from, as Gladia's SDKs do.
const REGION_VAR: &str = "GLADIA_REGION";

/// A Gladia API client. Cheap to clone: clones share one connection pool.
///
/// The API key is sent, in the header the spec names (`x-gladia-key`), to the configured base
/// URL's origin only: never to another origin a redirect points at, and never shown by `Debug` or
/// in an error.
#[derive(Clone)]
pub struct Client {
    transport: runtime::Client,
    region: Option<LiveRegion>,
}

impl Client {
    /// The URL requests are sent to.
    pub fn base_url(&self) -> &Url {
        self.transport.base_url()
    }

    /// The region live sessions start in when the call does not name one: set by
    /// [`ClientBuilder::region`], or by `GLADIA_REGION` for [`Client::from_env`].
    pub fn region(&self) -> Option<&LiveRegion> {
        self.region.as_ref()
    }

    /// What generated endpoint functions and the helpers send through.
    pub(crate) fn transport(&self) -> &runtime::Client {
        &self.transport
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("transport", &self.transport)
            .field("region", &self.region)
            .finish()
    }
}

/// Configures a [`Client`]; start from [`Client::builder`].
#[derive(Debug)]
pub struct ClientBuilder {
    transport: runtime::ClientBuilder<runtime::Client>,
    region: Option<LiveRegion>,
}

impl ClientBuilder {
    #[doc(hidden)]
    pub fn new(service: Service, api_key: String) -> Self {
        Self::with(runtime::ClientBuilder::new(service, api_key), None)
    }

    /// The key from `GLADIA_API_KEY`, the base URL from `GLADIA_API_URL` and the region from
    /// `GLADIA_REGION`, when set.
    #[doc(hidden)]
    pub fn from_env(service: Service) -> Result<Self, Error> {
        let region = std::env::var(REGION_VAR).ok();
        let region = region
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(LiveRegion::from);
        Ok(Self::with(
            runtime::ClientBuilder::from_env(service)?,
            region,
        ))
    }

    fn with(
        transport: runtime::ClientBuilder<runtime::Client>,
        region: Option<LiveRegion>,
    ) -> Self {
        let transport = transport.error_body_reader(crate::error::read_error_body);
        Self { transport, region }
    }

    fn map(
        mut self,
        set: impl FnOnce(
            runtime::ClientBuilder<runtime::Client>,
        ) -> runtime::ClientBuilder<runtime::Client>,
    ) -> Self {
        self.transport = set(self.transport);
        self
    }

    /// The region live sessions start in when a call names none (`LiveInitQuery::region`):
    /// `live().start`, `start_with` and `create` take it; the generated `live().init` sends its
    /// query as given.
    pub fn region(mut self, region: LiveRegion) -> Self {
        self.region = Some(region);
        self
    }

    /// Sends requests to another server, such as a proxy or a test server. `https` is the
    /// default and should stay the rule: over plain `http` the key travels in clear.
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.map(|t| t.base_url(url))
    }

    /// Sends no API key: for a proxy in front of the API that adds it (the base URL then names
    /// the proxy). Without this, an empty key is refused.
    pub fn no_api_key(self) -> Self {
        self.map(|t| t.no_api_key())
    }

    /// How long the client waits, 60 seconds by default; an [`Error::Timeout`] of kind
    /// [`TimeoutKind::Request`](crate::TimeoutKind::Request) (a JSON call: each attempt answered
    /// and read whole) or [`TimeoutKind::Stall`](crate::TimeoutKind::Stall) (an upload or
    /// download standing still that long) when it is reached. Waiting for a job has its own
    /// deadline, [`WaitOptions::deadline`](crate::WaitOptions::deadline).
    pub fn timeout(self, timeout: Duration) -> Self {
        self.map(|t| t.timeout(timeout))
    }

    /// Removes the limits of [`ClientBuilder::timeout`]. The connect timeout stays.
    pub fn no_timeout(self) -> Self {
        self.map(|t| t.no_timeout())
    }

    /// The longest wait for a connection to open (TCP, TLS, a proxy's tunnel), 30 seconds by
    /// default, for requests and live sessions alike; reached, it is an [`Error::Timeout`] of
    /// kind [`TimeoutKind::Connect`](crate::TimeoutKind::Connect).
    pub fn connect_timeout(self, timeout: Duration) -> Self {
        self.map(|t| t.connect_timeout(timeout))
    }

    /// How failed requests are retried; [`RetryPolicy::none`] turns retries off.
    pub fn retry(self, retry: RetryPolicy) -> Self {
        self.map(|t| t.retry(retry))
    }

    /// The `User-Agent` header of requests and of live sessions' WebSocket,
    /// `gladia-api-rust/<version>` by default.
    pub fn user_agent(self, user_agent: impl Into<String>) -> Self {
        self.map(|t| t.user_agent(user_agent))
    }

    /// A header sent with every request and every live session's WebSocket upgrade.
    ///
    /// To another origin than the base URL's (a redirect's, a live session's URL on another
    /// host), headers that carry credentials (`Authorization`, `Proxy-Authorization`, `Cookie`,
    /// the API key's) are not sent; the others are.
    pub fn header(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.map(|t| t.header(name, value))
    }

    /// Sends requests through this `reqwest` client: its proxy, TLS and pool settings apply to
    /// requests (live sessions read the proxy from the environment, as reqwest's default does).
    /// Build it with `redirect(reqwest::redirect::Policy::none())`: this client follows
    /// redirects itself, so that the key is never sent to another origin.
    pub fn http_client(self, http: reqwest::Client) -> Self {
        self.map(|t| t.http_client(http))
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        Ok(Client {
            transport: self.transport.build()?,
            region: self.region,
        })
    }
}
