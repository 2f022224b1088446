//! Gladia's helpers on top of the generated endpoint functions: waiting for a job and
//! transcribing in one call.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::operations::PreRecorded;
use crate::types::{InitTranscriptionRequest, PreRecordedResponse, TranscriptionStatus};
use crate::{Client, Error, JobFailed, TimeoutKind, UploadFile};

/// How [`PreRecorded::wait`] polls a job: [`WaitOptions::default`] and its setters
/// (`WaitOptions::default().deadline(Duration::from_secs(600))`). No value panics: a backoff
/// below 1 (or not a number) keeps the pause constant, and durations saturate.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Pause after the first poll.
    pub interval: Duration,
    /// Each pause is the previous one times this factor (1.0 keeps it constant)…
    pub backoff: f64,
    /// …up to this pause.
    pub max_interval: Duration,
    /// Give up with an [`Error::Timeout`] of kind [`TimeoutKind::Wait`] once this much time has
    /// passed, after a last poll at the deadline; `None` waits as long as the job takes.
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

impl WaitOptions {
    /// Pause after the first poll.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// Factor each pause is multiplied by.
    pub fn backoff(mut self, factor: f64) -> Self {
        self.backoff = factor;
        self
    }

    /// The longest pause.
    pub fn max_interval(mut self, max_interval: Duration) -> Self {
        self.max_interval = max_interval;
        self
    }

    /// Gives up after this long; without it, waits as long as the job takes.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }
}

impl PreRecorded<'_> {
    /// Polls the job until it is done, and returns it; a job that ends in error returns an
    /// [`Error::Service`] holding a [`JobFailed`] with its error code.
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
                    return Err(JobFailed {
                        id: job.id,
                        error_code: job.error_code,
                    }
                    .into())
                }
                _ => {}
            }
            let pause = match options.deadline {
                Some(deadline) => match deadline.checked_sub(started.elapsed()) {
                    Some(left) if !left.is_zero() => interval.min(left),
                    _ => {
                        return Err(Error::timeout(
                            TimeoutKind::Wait,
                            format!("job {id}"),
                            deadline,
                        ))
                    }
                },
                None => interval,
            };
            tokio::time::sleep(pause).await;
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
#[non_exhaustive]
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

impl From<&str> for AudioSource {
    /// As [`AudioSource::parse`] reads it.
    fn from(argument: &str) -> Self {
        Self::parse(argument)
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

impl Client {
    /// Uploads the audio if it is local, starts a pre-recorded job and waits for its result.
    ///
    /// `request` builds the job's settings around the audio URL:
    /// `InitTranscriptionRequest::new` for the defaults, or a closure for more.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), gladia_api::Error> {
    /// use gladia_api::types::InitTranscriptionRequest;
    /// use gladia_api::{AudioSource, Client, WaitOptions};
    ///
    /// let client = Client::from_env()?;
    /// let wait = WaitOptions::default();
    /// let job = client
    ///     .transcribe(AudioSource::parse("meeting.mp3"), InitTranscriptionRequest::new, &wait)
    ///     .await?;
    /// let transcript = job.result.and_then(|r| r.transcription);
    /// println!("{}", transcript.map(|t| t.full_transcript).unwrap_or_default());
    ///
    /// let with_speakers = |audio_url| InitTranscriptionRequest {
    ///     diarization: Some(true),
    ///     ..InitTranscriptionRequest::new(audio_url)
    /// };
    /// let job = client.transcribe("interview.wav", with_speakers, &wait).await?;
    /// # Ok(()) }
    /// ```
    pub async fn transcribe(
        &self,
        source: impl Into<AudioSource>,
        request: impl FnOnce(String) -> InitTranscriptionRequest,
        wait: &WaitOptions,
    ) -> Result<PreRecordedResponse, Error> {
        let audio_url = match source.into() {
            AudioSource::File(file) => self.upload().file(file).await?.audio_url,
            AudioSource::Url(url) => url,
        };
        let job = self.pre_recorded().create(&request(audio_url)).await?;
        self.pre_recorded().wait(&job.id, wait).await
    }
}
