//! Typed Rust client for the [Gladia](https://gladia.io) speech-to-text API.
//!
//! ```no_run
//! use gladia_api::types::{InitTranscriptionRequest, LanguageConfig, TranscriptionLanguageCode};
//! use gladia_api::{Client, UploadFile, WaitOptions};
//!
//! # async fn run() -> Result<(), gladia_api::Error> {
//! // GLADIA_API_KEY holds the key; GLADIA_API_URL, if set, another server.
//! let client = Client::from_env()?;
//!
//! // Send a local file (streamed from disk), start a job on it, wait for the result.
//! let uploaded = client.upload().file(UploadFile::path("meeting.mp3")).await?;
//! let request = InitTranscriptionRequest {
//!     diarization: Some(true),
//!     language_config: Some(LanguageConfig {
//!         languages: Some(vec![TranscriptionLanguageCode::En]),
//!         ..Default::default()
//!     }),
//!     ..InitTranscriptionRequest::new(uploaded.audio_url)
//! };
//! let job = client.pre_recorded().create(&request).await?;
//! let done = client.pre_recorded().wait(&job.id, &WaitOptions::default()).await?;
//! for utterance in done.result.and_then(|r| r.transcription).map(|t| t.utterances).unwrap_or_default() {
//!     println!("[{:.1}s] speaker {:?}: {}", utterance.start, utterance.speaker, utterance.text);
//! }
//! # Ok(()) }
//! ```
//!
//! - Every endpoint is a typed async function on its resource: [`Client::pre_recorded`],
//!   [`Client::transcriptions`], [`Client::live`], [`Client::upload`]. They are generated from
//!   `spec/gladia.yaml` by `cargo xtask codegen`, like every model and enum in [`types`].
//! - Helpers built on them: [`PreRecorded::wait`](operations::PreRecorded::wait),
//!   [`Client::transcribe`], and the `list_all` streams that follow every page.
//! - One [`Error`] type; failed requests are retried as [`RetryPolicy`] says.
//! - Every enum is `#[non_exhaustive]` and carries an `Unknown` variant: a value that a newer
//!   Gladia sends and this crate does not list is kept as received, and sent back unchanged.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod client;
mod download;
mod error;
mod jobs;
mod live;
mod paging;
mod request;
mod retry;
mod stall;
mod upload;
mod wire;

// Generated: formatted by the generator (prettyplease), not by rustfmt.
#[rustfmt::skip]
pub mod operations;
#[rustfmt::skip]
pub mod types;

pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL};
pub use download::Download;
pub use error::{ApiError, DecodeError, Error, LiveError};
pub use jobs::{AudioSource, WaitOptions};
pub use live::{LiveEvent, LiveEvents, LiveOptions, LiveSender, LiveSession};
pub use retry::RetryPolicy;
pub use upload::UploadFile;
pub use wire::{Invalid, UnknownValue, UnreadableItem};

// The README's quick start, compiled with the other doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeQuickStart;
