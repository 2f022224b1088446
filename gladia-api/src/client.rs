//! The client users hold. The transport is the runtime's; this crate wraps it so that the
//! generated endpoint functions (`operations.rs`) and Gladia's helpers (`jobs.rs`, `live/`) can be
//! its methods, which a crate cannot add to another crate's type.

use std::fmt;

use gladia_api_runtime as runtime;
use reqwest::Url;
pub(crate) use runtime::client::Service;

/// A Gladia API client. Cheap to clone: clones share one connection pool.
///
/// The API key is sent, in the header the spec names (`x-gladia-key`), to the configured base
/// URL's origin only: never to another origin a redirect points at, and never shown by `Debug` or
/// in an error.
#[derive(Clone)]
pub struct Client(runtime::Client);

/// Configures a [`Client`]; start from [`Client::builder`].
pub type ClientBuilder = runtime::ClientBuilder<Client>;

impl Client {
    /// The URL requests are sent to.
    pub fn base_url(&self) -> &Url {
        self.0.base_url()
    }

    /// What generated endpoint functions and the helpers send through.
    pub(crate) fn transport(&self) -> &runtime::Client {
        &self.0
    }
}

// What `ClientBuilder::build` makes its `Client` with.
#[doc(hidden)]
impl From<runtime::Client> for Client {
    fn from(transport: runtime::Client) -> Self {
        Self(transport)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
