//! The client users hold. The transport is the runtime's; this crate wraps it so that the
//! generated endpoint functions (`operations.rs`) and Gladia's helpers (`jobs.rs`, `live/`) can be
//! its methods, which a crate cannot add to another crate's type.

use std::fmt;
use std::ops::Deref;

use gladia_api_runtime as runtime;
pub(crate) use runtime::client::Service;

/// A Gladia API client. Cheap to clone: clones share one connection pool.
///
/// The API key is sent, in the header the spec names (`x-gladia-key`), to the configured base
/// URL's origin only: never to another origin a redirect points at, and never shown by `Debug` or
/// in an error. The transport's own methods ([`base_url`](runtime::Client::base_url)) are
/// reached through `Deref`.
#[derive(Clone)]
pub struct Client(runtime::Client);

/// Configures a [`Client`]; start from [`Client::builder`].
pub type ClientBuilder = runtime::ClientBuilder<Client>;

impl From<runtime::Client> for Client {
    fn from(transport: runtime::Client) -> Self {
        Self(transport)
    }
}

impl Deref for Client {
    type Target = runtime::Client;

    fn deref(&self) -> &runtime::Client {
        &self.0
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
