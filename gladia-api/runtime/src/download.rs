//! Binary answers (the audio of a job), streamed rather than buffered.

use std::path::Path;

use bytes::{Bytes, BytesMut};
use futures_util::stream;
use serde::de::DeserializeOwned;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::error::TimeoutKind;
use crate::request::Timeouts;
use crate::Error;

/// A `text/event-stream` answer: its events, each decoded, in order (see [`Download::events`]).
pub type EventStream<T> = futures_util::stream::BoxStream<'static, Result<T, Error>>;

/// Reads server-sent events out of a body, a line at a time.
struct Events {
    download: Download,
    /// Bytes received and not yet read as lines.
    buffer: Vec<u8>,
    /// The `data` of the event being read, once it has some.
    data: Option<String>,
    ended: bool,
}

impl Events {
    /// The data of the next event: the `data` lines up to a blank line (or the body's end).
    async fn next_data(&mut self) -> Result<Option<String>, Error> {
        loop {
            while let Some(end) = self.buffer.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = self.buffer.drain(..=end).collect();
                let line = String::from_utf8_lossy(&line);
                let line = line.trim_end_matches(['\r', '\n']);
                if line.is_empty() {
                    if let Some(data) = self.data.take() {
                        return Ok(Some(data));
                    }
                    continue;
                }
                let (field, value) = match line.split_once(':') {
                    Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
                    None => (line, ""),
                };
                if field == "data" {
                    match &mut self.data {
                        Some(data) => {
                            data.push('\n');
                            data.push_str(value);
                        }
                        None => self.data = Some(value.to_owned()),
                    }
                }
            }
            if self.ended {
                return Ok(self.data.take());
            }
            match self.download.chunk().await? {
                Some(chunk) => self.buffer.extend_from_slice(&chunk),
                None => {
                    self.ended = true;
                    // A last line without its newline is still a line.
                    self.buffer.push(b'\n');
                }
            }
        }
    }
}

/// A binary body on its way: read it as a stream, into a writer, or into a file.
///
/// It may take as long as it needs, but a body that stands still for the client's timeout ends
/// in [`Error::Timeout`].
#[derive(Debug)]
pub struct Download {
    response: reqwest::Response,
    operation: String,
    timeouts: Timeouts,
}

impl Download {
    pub(crate) fn new(response: reqwest::Response, operation: String, timeouts: Timeouts) -> Self {
        Self {
            response,
            operation,
            timeouts,
        }
    }

    /// Size announced by the server, if it gave one.
    pub fn content_length(&self) -> Option<u64> {
        self.response.content_length()
    }

    /// Media type announced by the server, such as `audio/mpeg`.
    pub fn content_type(&self) -> Option<&str> {
        self.response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }

    /// The body as a stream of chunks.
    pub fn into_stream(self) -> impl futures_core::Stream<Item = Result<Bytes, Error>> {
        stream::try_unfold(self, |mut download| async move {
            Ok(download.chunk().await?.map(|chunk| (chunk, download)))
        })
    }

    /// The body as server-sent events (`text/event-stream`): each event's `data` lines, joined
    /// by newlines, decoded as `T`, as they arrive. Comments and the `event`, `id` and `retry`
    /// fields carry no data; a `[DONE]` event (OpenAI's last) ends the stream.
    pub fn events<T: DeserializeOwned + Send + 'static>(self) -> EventStream<T> {
        let events = Events {
            download: self,
            buffer: Vec::new(),
            data: None,
            ended: false,
        };
        Box::pin(stream::try_unfold(events, |mut events| async move {
            let Some(data) = events.next_data().await? else {
                return Ok(None);
            };
            if data == "[DONE]" {
                return Ok(None);
            }
            let event = crate::request::decode(&events.download.operation, data.as_bytes())?;
            Ok(Some((event, events)))
        }))
    }

    /// Copies the body into `writer`, chunk by chunk; returns the number of bytes written.
    pub async fn write_to<W: AsyncWrite + Unpin>(mut self, writer: &mut W) -> Result<u64, Error> {
        self.copy(writer, None).await
    }

    /// Writes the body to the file at `path`. The file appears only once complete: the body goes
    /// to a temporary file beside it, renamed when the last byte is in.
    pub async fn save(mut self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let partial = partial_path(path);
        let result = async {
            let mut file = tokio::fs::File::create(&partial)
                .await
                .map_err(|e| Error::io(Some(&partial), e))?;
            let written = self.copy(&mut file, Some(&partial)).await?;
            file.sync_all()
                .await
                .map_err(|e| Error::io(Some(&partial), e))?;
            tokio::fs::rename(&partial, path)
                .await
                .map_err(|e| Error::io(Some(path), e))?;
            Ok(written)
        }
        .await;
        if result.is_err() {
            // Best effort: the error that matters is the one being returned.
            let _ = tokio::fs::remove_file(&partial).await;
        }
        result
    }

    /// The whole body in memory.
    pub async fn bytes(mut self) -> Result<Bytes, Error> {
        let mut body = BytesMut::new();
        while let Some(chunk) = self.chunk().await? {
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    /// The next chunk, or `None` at the end; an error once the body stands still too long.
    async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        let chunk = match self.timeouts.request {
            Some(limit) => tokio::time::timeout(limit, self.response.chunk())
                .await
                .map_err(|_| Error::timeout(TimeoutKind::Stall, &self.operation, limit))?,
            None => self.response.chunk().await,
        };
        chunk.map_err(|e| self.timeouts.error(&self.operation, e, true))
    }

    async fn copy<W: AsyncWrite + Unpin>(
        &mut self,
        writer: &mut W,
        path: Option<&Path>,
    ) -> Result<u64, Error> {
        let mut written = 0;
        while let Some(chunk) = self.chunk().await? {
            writer
                .write_all(&chunk)
                .await
                .map_err(|e| Error::io(path, e))?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(|e| Error::io(path, e))?;
        Ok(written)
    }
}

fn partial_path(path: &Path) -> std::path::PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "download".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.{}.partial", std::process::id()))
}
