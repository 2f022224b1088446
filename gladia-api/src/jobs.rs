//! Helpers built on the generated endpoint functions: waiting for a job, transcribing in one call,
//! and walking every page of a list.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures_util::stream;
use serde::de::DeserializeOwned;

use crate::client::Request;
use crate::operations::PreRecorded;
use crate::types::{InitTranscriptionRequest, PreRecordedResponse, TranscriptionStatus};
use crate::{Client, Error, UploadFile};

/// How [`PreRecorded::wait`] polls a job.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitOptions {
    /// Pause after the first poll.
    pub interval: Duration,
    /// Each pause is the previous one times this factor (1.0 keeps it constant)…
    pub backoff: f64,
    /// …up to this pause.
    pub max_interval: Duration,
    /// Give up with [`Error::Timeout`] once this much time has passed; `None` waits as long as
    /// the job takes.
    pub deadline: Option<Duration>,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(1),
            backoff: 1.5,
            max_interval: Duration::from_secs(10),
            deadline: None,
        }
    }
}

impl PreRecorded<'_> {
    /// Polls the job until it is done, and returns it; a job that ends in error returns
    /// [`Error::JobFailed`] with its error code.
    pub async fn wait(
        &self,
        id: &str,
        options: &WaitOptions,
    ) -> Result<PreRecordedResponse, Error> {
        let started = Instant::now();
        let mut interval = options.interval;
        loop {
            let job = self.get(id).await?;
            match job.status {
                TranscriptionStatus::Done => return Ok(job),
                TranscriptionStatus::Error => {
                    return Err(Error::JobFailed {
                        id: job.id,
                        error_code: job.error_code,
                    })
                }
                _ => {}
            }
            if let Some(deadline) = options.deadline {
                if started.elapsed() + interval > deadline {
                    return Err(Error::Timeout {
                        operation: format!("waiting for job {id}"),
                        after: deadline,
                    });
                }
            }
            tokio::time::sleep(interval).await;
            // `try_from` rather than `mul_f64`, which panics on an absurd factor.
            let grown = interval.as_secs_f64() * options.backoff.max(1.0);
            interval = Duration::try_from_secs_f64(grown)
                .unwrap_or(options.max_interval)
                .min(options.max_interval);
        }
    }
}

/// The audio [`Client::transcribe`] works on.
#[derive(Debug, Clone)]
pub enum AudioSource {
    /// A local file or bytes, uploaded first.
    File(UploadFile),
    /// Audio Gladia fetches itself, or the `audio_url` of an earlier upload.
    Url(String),
}

impl AudioSource {
    /// Reads a command-line style argument: `http://` and `https://` are URLs, anything else a
    /// path.
    pub fn parse(argument: &str) -> Self {
        if argument.starts_with("https://") || argument.starts_with("http://") {
            Self::Url(argument.to_owned())
        } else {
            Self::File(UploadFile::path(argument))
        }
    }
}

impl From<UploadFile> for AudioSource {
    fn from(file: UploadFile) -> Self {
        Self::File(file)
    }
}

impl From<PathBuf> for AudioSource {
    fn from(path: PathBuf) -> Self {
        Self::File(UploadFile::path(path))
    }
}

impl From<&Path> for AudioSource {
    fn from(path: &Path) -> Self {
        Self::File(UploadFile::path(path))
    }
}

/// What [`Client::transcribe`] asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct TranscribeOptions {
    /// The job's settings; its `audio_url` is replaced by the source's.
    pub request: InitTranscriptionRequest,
    /// How the job is awaited.
    pub wait: WaitOptions,
}

impl Default for TranscribeOptions {
    fn default() -> Self {
        Self {
            request: InitTranscriptionRequest::new(String::new()),
            wait: WaitOptions::default(),
        }
    }
}

impl Client {
    /// Uploads the audio if it is local, starts a pre-recorded job and waits for its result.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), gladia_api::Error> {
    /// use gladia_api::{AudioSource, Client, TranscribeOptions};
    ///
    /// let client = Client::from_env()?;
    /// let job = client
    ///     .transcribe(AudioSource::parse("meeting.mp3"), TranscribeOptions::default())
    ///     .await?;
    /// let transcript = job.result.and_then(|r| r.transcription);
    /// println!("{}", transcript.map(|t| t.full_transcript).unwrap_or_default());
    /// # Ok(()) }
    /// ```
    pub async fn transcribe(
        &self,
        source: impl Into<AudioSource>,
        options: TranscribeOptions,
    ) -> Result<PreRecordedResponse, Error> {
        let audio_url = match source.into() {
            AudioSource::File(file) => self.upload().file(file).await?.audio_url,
            AudioSource::Url(url) => url,
        };
        let request = InitTranscriptionRequest {
            audio_url,
            ..options.request
        };
        let job = self.pre_recorded().create(&request).await?;
        self.pre_recorded().wait(&job.id, &options.wait).await
    }
}

/// A list answer: its items and the link to the next page.
pub(crate) trait Page: DeserializeOwned {
    type Item;
    fn into_parts(self) -> (Vec<Self::Item>, Option<String>);
}

enum Next {
    Page(Box<Request>),
    Failed(Error),
    Done,
}

/// Every item of every page, fetching the next page when the current one is used up.
pub(crate) fn items<P>(
    client: Client,
    first: Result<Request, Error>,
) -> impl futures_core::Stream<Item = Result<P::Item, Error>> + Send + Unpin + 'static
where
    P: Page + Send + 'static,
    P::Item: Send + 'static,
{
    let next = first.map_or_else(Next::Failed, |r| Next::Page(Box::new(r)));
    // Boxed so that callers can poll it without pinning it themselves.
    Box::pin(stream::unfold(
        (client, next, VecDeque::new()),
        |(client, mut next, mut buffer)| async move {
            loop {
                if let Some(item) = buffer.pop_front() {
                    return Some((Ok(item), (client, next, buffer)));
                }
                match next {
                    Next::Done => return None,
                    Next::Failed(error) => return Some((Err(error), (client, Next::Done, buffer))),
                    Next::Page(request) => {
                        let page = match client.send(&request).await {
                            Ok(reply) => reply.json::<P>().await,
                            Err(error) => Err(error),
                        };
                        let (items, link) = match page {
                            Ok(page) => page.into_parts(),
                            Err(error) => return Some((Err(error), (client, Next::Done, buffer))),
                        };
                        // An empty page that still links further would loop forever.
                        next = match link.filter(|_| !items.is_empty()) {
                            Some(link) => request
                                .follow(&link, client.base_url())
                                .map_or_else(Next::Failed, |r| Next::Page(Box::new(r))),
                            None => Next::Done,
                        };
                        buffer.extend(items);
                    }
                }
            }
        },
    ))
}
