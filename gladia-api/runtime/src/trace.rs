//! A span per request, with the feature `tracing`; nothing at all without it (the same calls,
//! empty), so that the transport reads the same either way.
//!
//! The span `request` has `method`, `path` (the spec's template, `/v2/pre-recorded/{id}`: no
//! id, no query), then, once the request is over, `status`, `request_id` (the `x-request-id`
//! answer header, or the one an error body gives), `retries` and `duration_ms`. A `retrying`
//! event in it gives each retry's reason and delay. Nothing else is recorded: never the key,
//! a header, a query or a body.

use std::time::Duration;
#[cfg(feature = "tracing")]
use std::time::Instant;

use reqwest::{Method, StatusCode};

use crate::request::Reply;
use crate::Error;

/// The header a request id is read from on a success answer.
#[cfg(feature = "tracing")]
const REQUEST_ID: &str = "x-request-id";

pub(crate) struct RequestSpan {
    #[cfg(feature = "tracing")]
    span: tracing::Span,
    #[cfg(feature = "tracing")]
    started: Instant,
}

impl RequestSpan {
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn new(method: &Method, path: &'static str) -> Self {
        Self {
            #[cfg(feature = "tracing")]
            span: tracing::info_span!(
                "request",
                method = %method,
                path,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
                retries = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
            ),
            #[cfg(feature = "tracing")]
            started: Instant::now(),
        }
    }

    /// `future`, run inside the span.
    #[cfg(feature = "tracing")]
    pub(crate) fn enter<F: std::future::Future>(
        &self,
        future: F,
    ) -> impl std::future::Future<Output = F::Output> {
        tracing::Instrument::instrument(future, self.span.clone())
    }

    #[cfg(not(feature = "tracing"))]
    pub(crate) fn enter<F: std::future::Future>(&self, future: F) -> F {
        future
    }

    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn retrying(&self, attempt: u32, delay: Duration, status: Option<StatusCode>) {
        #[cfg(feature = "tracing")]
        tracing::debug!(
            parent: &self.span,
            attempt,
            delay_ms = delay.as_millis() as u64,
            status = status.map(|s| s.as_u16()),
            "retrying"
        );
    }

    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn finish(&self, result: &Result<Reply, Error>, retries: u32) {
        #[cfg(feature = "tracing")]
        {
            let span = &self.span;
            span.record("retries", retries);
            span.record("duration_ms", self.started.elapsed().as_millis() as u64);
            let (status, request_id) = match result {
                Ok(reply) => {
                    let headers = reply.response.headers();
                    let id = headers.get(REQUEST_ID).and_then(|v| v.to_str().ok());
                    (Some(reply.response.status()), id.map(str::to_owned))
                }
                Err(Error::Api(api)) => (Some(api.status), api.request_id.clone()),
                Err(_) => (None, None),
            };
            if let Some(status) = status {
                span.record("status", status.as_u16());
            }
            if let Some(id) = request_id {
                span.record("request_id", id.as_str());
            }
        }
    }
}
