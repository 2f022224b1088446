//! Files sent as multipart parts: streamed from disk, with optional progress reports.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{stream, StreamExt};
use reqwest::multipart::Part;
use tokio_util::io::ReaderStream;

use crate::stall::Activity;
use crate::wire::Invalid;
use crate::Error;

/// Chunk size for reading files: large enough for throughput, small enough to keep memory flat.
const CHUNK: usize = 64 * 1024;

type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// A file to upload: a path on disk, read as it is sent, or bytes already in memory, with an
/// optional progress report ([`UploadFile::on_progress`]).
#[derive(Clone)]
pub struct UploadFile {
    source: Source,
    file_name: String,
    content_type: Option<String>,
    progress: Option<Progress>,
}

#[derive(Clone)]
enum Source {
    Path(PathBuf),
    Bytes(Bytes),
}

impl UploadFile {
    /// A file on disk. It is opened when the request is sent and never read whole into memory.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        Self::from_path(path.into())
    }

    // The work of `path`, not generic: compiled once, here, not in each crate that calls `path`.
    fn from_path(path: PathBuf) -> Self {
        let file_name = path
            .file_name()
            .map_or_else(|| "audio".to_owned(), |n| n.to_string_lossy().into_owned());
        Self {
            source: Source::Path(path),
            file_name,
            content_type: None,
            progress: None,
        }
    }

    /// Bytes already in memory, sent under `file_name`.
    pub fn bytes(file_name: impl Into<String>, data: impl Into<Bytes>) -> Self {
        Self {
            source: Source::Bytes(data.into()),
            file_name: file_name.into(),
            content_type: None,
            progress: None,
        }
    }

    /// Sets the media type; by default it is guessed from the file name's extension.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Calls `progress(sent, total)` as bytes are handed to the connection.
    pub fn on_progress(mut self, progress: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// The name the server sees.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// Builds the multipart part; called once per attempt, so a retry starts from the beginning.
    /// `activity` hears of every chunk handed to the connection.
    pub(crate) async fn part(&self, activity: &Activity) -> Result<Part, Error> {
        let content_type = self.media_type(None);
        let (body, total) = self.body(activity).await?;
        Part::stream_with_length(body, total)
            .file_name(self.file_name.clone())
            .mime_str(content_type)
            .map_err(|_| not_a_media_type(content_type))
    }

    /// The media type the file is sent as: the one set with [`UploadFile::content_type`], else
    /// `spec`'s (an endpoint's one media type) unless it is a range such as `image/*`, else one
    /// guessed from the file name.
    pub(crate) fn media_type<'s>(&'s self, spec: Option<&'s str>) -> &'s str {
        self.content_type
            .as_deref()
            .or(spec.filter(|media| !media.contains('*')))
            .unwrap_or_else(|| guess_content_type(Path::new(&self.file_name)))
    }

    /// The file as a streamed body, with its length; built once per attempt, so that a retry
    /// starts from the beginning.
    pub(crate) async fn body(&self, activity: &Activity) -> Result<(reqwest::Body, u64), Error> {
        let report = Report {
            progress: self.progress.clone(),
            activity: activity.clone(),
        };
        let (body, total) = match &self.source {
            Source::Path(path) => {
                let file = tokio::fs::File::open(path)
                    .await
                    .map_err(|e| Error::io(Some(path), e))?;
                let total = file
                    .metadata()
                    .await
                    .map_err(|e| Error::io(Some(path), e))?
                    .len();
                let chunks = ReaderStream::with_capacity(file, CHUNK);
                (
                    reqwest::Body::wrap_stream(counted(chunks, total, report)),
                    total,
                )
            }
            Source::Bytes(data) => {
                let total = data.len() as u64;
                let data = data.clone();
                let chunks = stream::iter((0..data.len()).step_by(CHUNK).map(move |start| {
                    Ok::<_, std::io::Error>(data.slice(start..(start + CHUNK).min(data.len())))
                }));
                (
                    reqwest::Body::wrap_stream(counted(chunks, total, report)),
                    total,
                )
            }
        };
        Ok((body, total))
    }
}

/// Who hears of the chunks an upload hands to the connection.
struct Report {
    progress: Option<Progress>,
    activity: Activity,
}

/// Reports the running total of the chunks that pass through.
fn counted<S>(
    chunks: S,
    total: u64,
    report: Report,
) -> impl futures_core::Stream<Item = Result<Bytes, std::io::Error>>
where
    S: futures_core::Stream<Item = Result<Bytes, std::io::Error>>,
{
    let mut sent = 0u64;
    chunks.map(move |chunk| {
        if let Ok(chunk) = &chunk {
            report.activity.touch();
            sent += chunk.len() as u64;
            if let Some(progress) = &report.progress {
                progress(sent, total);
            }
        }
        chunk
    })
}

/// A file's media type, set by hand or taken from the spec, that a header cannot carry.
pub(crate) fn not_a_media_type(media_type: &str) -> Error {
    let reason = format!("`{media_type}` is not a media type");
    Error::InvalidRequest(Invalid::new("content_type", reason))
}

/// Media types of common audio, video, image and document files; anything else is sent as bytes.
fn guess_content_type(name: &Path) -> &'static str {
    let extension = name
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("wav") => "audio/wav",
        Some("mp3") => "audio/mpeg",
        Some("m4a") => "audio/mp4",
        Some("aac") => "audio/aac",
        Some("flac") => "audio/flac",
        Some("ogg" | "opus") => "audio/ogg",
        Some("webm") => "audio/webm",
        Some("mp4") => "video/mp4",
        Some("mov") => "video/quicktime",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("pdf") => "application/pdf",
        Some("zip") => "application/zip",
        Some("json") => "application/json",
        Some("txt") => "text/plain",
        Some("csv") => "text/csv",
        _ => "application/octet-stream",
    }
}

impl From<PathBuf> for UploadFile {
    fn from(path: PathBuf) -> Self {
        Self::path(path)
    }
}

impl From<&Path> for UploadFile {
    fn from(path: &Path) -> Self {
        Self::path(path)
    }
}

impl From<&str> for UploadFile {
    /// A path on disk.
    fn from(path: &str) -> Self {
        Self::path(path)
    }
}

impl fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("UploadFile");
        match &self.source {
            Source::Path(path) => out.field("path", path),
            Source::Bytes(data) => out.field("bytes", &data.len()),
        };
        out.field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}
