//! Typed Rust client for the [Gladia](https://gladia.io) speech-to-text API.
//!
//! Features:
//! - `client` (default): the HTTP client, `Client`, with one typed async function
//!   per endpoint, uploads, downloads, paging, waiting for jobs.
//! - `live` (default): live sessions over WebSocket, on top of the client.
//! - `webhook`: `webhook::Verifier` checks the Svix signature of Gladia's webhooks and decodes
//!   them; needs neither the client nor an HTTP stack. `http`: its headers as an
//!   `http::HeaderMap` (on with `client`).
//! - With `default-features = false`: every model, enum, callback and webhook payload and live
//!   message type in [`types`], with serde, serde_json and time, for services that only receive
//!   or store Gladia's payloads.
#![cfg_attr(
    feature = "client",
    doc = r##"
```no_run
use gladia_api::types::{InitTranscriptionRequest, LanguageConfig, TranscriptionLanguageCode};
use gladia_api::{Client, UploadFile, WaitOptions};

# async fn run() -> Result<(), gladia_api::Error> {
// GLADIA_API_KEY holds the key; GLADIA_API_URL, if set, another server.
let client = Client::from_env()?;

// Send a local file (streamed from disk), start a job on it, wait for the result.
let uploaded = client.upload().file(UploadFile::path("meeting.mp3")).await?;
let request = InitTranscriptionRequest {
    diarization: Some(true),
    language_config: Some(LanguageConfig {
        languages: Some(vec![TranscriptionLanguageCode::En]),
        ..Default::default()
    }),
    ..InitTranscriptionRequest::new(uploaded.audio_url)
};
let job = client.pre_recorded().create(&request).await?;
let done = client.pre_recorded().wait(&job.id, &WaitOptions::default()).await?;
for utterance in done.result.and_then(|r| r.transcription).map(|t| t.utterances).unwrap_or_default() {
    println!("[{:.1}s] speaker {:?}: {}", utterance.start, utterance.speaker, utterance.text);
}
# Ok(()) }
```

- Every endpoint is a typed async function on its resource: [`Client::pre_recorded`],
  [`Client::transcriptions`], [`Client::live`], [`Client::upload`]. They are generated from
  `spec/gladia.yaml` by `cargo xtask codegen`, like every model and enum in [`types`].
- Helpers built on them: [`PreRecorded::wait`](operations::PreRecorded::wait),
  [`Client::transcribe`], and the `list_all` streams that follow every page.
- Uploads stream from disk, with progress if asked:

```no_run
# async fn run(client: gladia_api::Client) -> Result<(), gladia_api::Error> {
use gladia_api::UploadFile;

let file = UploadFile::path("meeting.mp3")
    .on_progress(|sent, total| eprintln!("{sent}/{total} bytes"));
let uploaded = client.upload().file(file).await?;
println!("{}", uploaded.audio_url);
# Ok(()) }
```
- One [`Error`] type; failed requests are retried as [`RetryPolicy`] says.
- The transport, errors, retries, paging, uploads and downloads come from `gladia-api-runtime`
  (generic, and compiled once, whatever the spec), re-exported here.
- Every enum is `#[non_exhaustive]` and carries an `Unknown` variant: a value that a newer
  Gladia sends and this crate does not list is kept as received, and sent back unchanged.
"##
)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// docs.rs (`--cfg docsrs`, on nightly): each item says which feature it needs (`client`, `live`,
// `webhook`, `http`), as `doc_cfg` labels items behind a `cfg` by itself.
#![cfg_attr(docsrs, feature(doc_cfg))]

// Models: always there. The runtime's modules are imported where generated code looks for them
// (`crate::wire`, `crate::request`, …): generated code reads the same in a crate that embeds the
// runtime's files (`cargo xtask codegen --crate`) as here, where the runtime is a crate of its own.
use gladia_api_runtime::wire;
// Generated: formatted by the generator (prettyplease), not by rustfmt.
#[rustfmt::skip]
pub mod types;
pub use gladia_api_runtime::{Invalid, UnknownValue, UnreadableItem};

// The HTTP client (feature `client`): the runtime's transport wrapped as `Client`, the generated
// endpoint functions on it, then Gladia's helpers on top (`jobs`).
#[cfg(feature = "client")]
use gladia_api_runtime::{paging, request};
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "client")]
mod error;
#[cfg(feature = "client")]
mod jobs;
#[cfg(feature = "client")]
#[rustfmt::skip]
pub mod operations;

#[cfg(feature = "client")]
pub use client::{Client, ClientBuilder};
#[cfg(feature = "client")]
pub use error::{JobFailed, LiveError};
#[cfg(feature = "client")]
pub use gladia_api_runtime::{
    ApiError, DecodeError, Download, Error, EventStream, RetryPolicy, TimeoutKind, UploadFile,
};
#[cfg(feature = "client")]
pub use jobs::{AudioSource, WaitOptions};
#[cfg(feature = "client")]
pub use operations::DEFAULT_BASE_URL;

// The live session (feature `live`), on top of the client.
#[cfg(feature = "live")]
mod live;
#[cfg(feature = "live")]
pub use live::{LiveEvent, LiveEvents, LiveOptions, LiveSender, LiveSession};

// Verifying webhooks (feature `webhook`): needs the models only.
#[cfg(feature = "webhook")]
pub mod webhook;

// The README's examples, compiled with the other doctests.
#[cfg(all(doctest, feature = "live"))]
#[doc = include_str!("../../README.md")]
struct ReadmeQuickStart;
