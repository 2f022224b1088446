//! The one error type of the crate.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::StatusCode;

use crate::wire::{locate_within, Invalid, UnreadableItem};

/// Everything that can go wrong when talking to the API.
///
/// `Display` says what this error is about, never its cause's text: the cause is
/// [`source()`](std::error::Error::source), so a reporter that walks the chain (`anyhow`, `{:#}`)
/// says each thing once.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status.
    Api(Box<ApiError>),
    /// A request or a wait took longer than allowed; `kind` says which limit.
    #[non_exhaustive]
    Timeout {
        /// What timed out, such as `GET /v2/pre-recorded/{id}`.
        operation: String,
        /// Which limit was reached.
        kind: TimeoutKind,
        /// The limit that was reached.
        after: Duration,
    },
    /// The request could not be sent or its response not read: DNS, TCP, TLS, a dropped connection.
    Transport {
        /// The request, such as `GET /v2/pre-recorded/{id}`.
        operation: String,
        /// What the HTTP client reported.
        source: reqwest::Error,
    },
    /// The server answered with a success status and a body that does not fit the expected type.
    Decode(Box<DecodeError>),
    /// One item of a list does not fit its type; the list's other items are not affected.
    UnreadableItem(Box<UnreadableItem>),
    /// A value the API would refuse, caught before sending anything.
    InvalidRequest(Invalid),
    /// A local file or writer could not be read or written.
    Io {
        /// The file, when there is one.
        path: Option<PathBuf>,
        /// What the system reported.
        source: std::io::Error,
    },
    /// The client was built with a value that cannot work: a missing key, a bad base URL.
    Config(String),
    /// An error of the API's own, reported by the helpers of the crate generated for it (for
    /// gladia-api: a job that failed, a live session's error); read it with
    /// [`Error::service_error`]. Shown as the error it holds.
    Service(Box<dyn std::error::Error + Send + Sync + 'static>),
}

/// Which limit an [`Error::Timeout`] reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Opening the connection (TCP, TLS, a proxy's tunnel): `ClientBuilder::connect_timeout`.
    Connect,
    /// A whole request, answer included: `ClientBuilder::timeout`, for JSON calls.
    Request,
    /// A streamed upload or download stood still: `ClientBuilder::timeout`, for files.
    Stall,
    /// Waiting for a long-running job of the API to finish.
    Wait,
}

impl Error {
    /// The HTTP status of an [`Error::Api`]; `None` for every other kind.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            _ => None,
        }
    }

    /// The limit an [`Error::Timeout`] reached; `None` for every other kind.
    pub fn timeout_kind(&self) -> Option<TimeoutKind> {
        match self {
            Error::Timeout { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// The API's own error an [`Error::Service`] holds, if it is a `T`.
    pub fn service_error<T: std::error::Error + 'static>(&self) -> Option<&T> {
        match self {
            Error::Service(error) => error.downcast_ref(),
            _ => None,
        }
    }

    /// An [`Error::Timeout`]: `operation` reached the limit of `kind`, `after`.
    pub fn timeout(kind: TimeoutKind, operation: impl Into<String>, after: Duration) -> Self {
        Error::Timeout {
            operation: operation.into(),
            kind,
            after,
        }
    }

    pub(crate) fn io(path: Option<&std::path::Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.map(ToOwned::to_owned),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(api) => api.fmt(f),
            Error::Timeout {
                operation,
                kind,
                after,
            } => {
                let what = match kind {
                    TimeoutKind::Connect => "no connection within",
                    TimeoutKind::Request => "no complete answer within",
                    TimeoutKind::Stall => "nothing moved for",
                    TimeoutKind::Wait => "not over within",
                };
                write!(f, "{operation}: {what} {after:?}")
            }
            // The cause (reqwest's error, then its own causes: a refused connection, a TLS
            // failure) is `source()`'s; the text does not repeat it, so a printed chain says
            // each thing once (as reqwest's own errors do).
            Error::Transport { operation, .. } => write!(f, "{operation} failed"),
            Error::Decode(decode) => decode.fmt(f),
            Error::UnreadableItem(item) => item.fmt(f),
            Error::InvalidRequest(_) => f.write_str("invalid request"),
            Error::Io {
                path: Some(path), ..
            } => write!(f, "{}", path.display()),
            Error::Io { path: None, .. } => f.write_str("I/O error"),
            Error::Config(message) => write!(f, "client configuration: {message}"),
            // Transparent: the held error's text, and its cause as this one's.
            Error::Service(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            Error::Decode(decode) => Some(&decode.source),
            Error::Io { source, .. } => Some(source),
            Error::InvalidRequest(invalid) => Some(invalid),
            Error::Service(error) => error.source(),
            _ => None,
        }
    }
}

impl From<UnreadableItem> for Error {
    fn from(item: UnreadableItem) -> Self {
        Error::UnreadableItem(Box::new(item))
    }
}

impl From<Invalid> for Error {
    fn from(invalid: Invalid) -> Self {
        Error::InvalidRequest(invalid)
    }
}

/// What an error body says, as the API's crate reads it (gladia-api reads Gladia's `message`,
/// `request_id` and `validation_errors`): the runtime knows no API's error shape.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorBody {
    /// The server's explanation.
    pub message: Option<String>,
    /// Id of the request on the server's side.
    pub request_id: Option<String>,
    /// One line per rejected field.
    pub validation_errors: Vec<String>,
}

/// Reads an error body; given to the client by the API's crate.
pub type ErrorBodyReader = fn(&str) -> ErrorBody;

/// An error answer of the server.
///
/// `message`, `request_id` and `validation_errors` are what the API's crate reads of the body
/// (see [`ErrorBody`]); the runtime reads none. The typed body of each status, listed on each
/// endpoint function, can be decoded from [`ApiError::body`] with [`ApiError::decode_body`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// The server's explanation, when the body carries one.
    pub message: Option<String>,
    /// Id of the request on the server's side; quote it when asking for support.
    pub request_id: Option<String>,
    /// One line per rejected field, for validation errors.
    pub validation_errors: Vec<String>,
    /// The body as received.
    pub body: String,
}

impl ApiError {
    /// An error answer, its fields read from `body` by `reader` when there is one.
    pub fn new(status: StatusCode, body: String, reader: Option<ErrorBodyReader>) -> Self {
        let read = reader.map(|read| read(&body)).unwrap_or_default();
        Self {
            status,
            message: read.message,
            request_id: read.request_id,
            validation_errors: read.validation_errors,
            body,
        }
    }

    /// Decodes the body into the error type the spec gives for this status.
    pub fn decode_body<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.body)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status.as_u16())?;
        if let Some(reason) = self.status.canonical_reason() {
            write!(f, " {reason}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request {id})")?;
        }
        match &self.message {
            Some(message) => write!(f, ": {message}")?,
            None if !self.body.trim().is_empty() => write!(f, ": {}", snippet(&self.body, 0))?,
            None => {}
        }
        for (index, line) in self.validation_errors.iter().enumerate() {
            f.write_str(if index == 0 { ": " } else { "; " })?;
            f.write_str(line)?;
        }
        Ok(())
    }
}

/// A success body that does not fit the expected type.
#[derive(Debug)]
#[non_exhaustive]
pub struct DecodeError {
    /// The request, such as `GET /v2/pre-recorded/{id}`.
    pub operation: String,
    /// Where in the body decoding stopped, as in `result.transcription.utterances[3].start`.
    pub path: String,
    /// Why it stopped there: the source's words without their position, which `path` and
    /// `snippet` say better.
    pub reason: String,
    /// What serde reported.
    pub source: serde_json::Error,
    /// The body around the place where decoding stopped.
    pub snippet: String,
}

impl DecodeError {
    /// `located`: where and why decoding failed, when the body is one JSON value (see
    /// `request::decode`); otherwise serde's words, and the path inside a tagged union they
    /// carry. The snippet shows the place in the text either way.
    pub(crate) fn new(
        operation: String,
        body: &[u8],
        located: Option<(String, String)>,
        source: serde_json::Error,
    ) -> Self {
        let text = String::from_utf8_lossy(body);
        let offset = byte_offset(&text, source.line(), source.column());
        let (path, reason) = located.unwrap_or_else(|| {
            // serde's message without the position, which the snippet shows better.
            let message = source.to_string();
            let position = format!(" at line {} column {}", source.line(), source.column());
            let message = message.strip_suffix(&position).unwrap_or(&message);
            locate_within(".".to_owned(), message)
        });
        Self {
            operation,
            path,
            reason,
            snippet: snippet(&text, offset),
            source,
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unexpected response to {}", self.operation)?;
        if self.path != "." {
            write!(f, " at `{}`", self.path)?;
        }
        // Why is serde's error, the source: said here, a printed chain would say it twice.
        write!(f, " (near `{}`)", self.snippet)
    }
}

/// The byte offset of a 1-based line and column as serde_json reports them.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// About 80 characters of `text` around `offset`, on char boundaries, for error messages.
fn snippet(text: &str, offset: usize) -> String {
    const HALF: usize = 40;
    let mut start = offset.saturating_sub(HALF);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (offset + HALF).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(
        text[start..end]
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c }),
    );
    if end < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A body that is not one JSON value cannot be decoded again to be located; the path a
    /// tagged union put in serde's message is still read from it.
    #[test]
    fn a_decode_error_keeps_the_path_inside_a_union_when_the_body_is_cut_short() {
        let source = <serde_json::Error as serde::de::Error>::custom(
            "at `data.is_final`: invalid type: string \"yes\", expected a boolean",
        );
        let error = DecodeError::new("op".into(), br#"{"type":"transcript""#, None, source);
        assert_eq!(error.path, "data.is_final");
        assert_eq!(
            error.reason,
            "invalid type: string \"yes\", expected a boolean"
        );
    }

    /// Error reporters (anyhow, `{:#}`) walk `source()`: each underlying error is reachable, as
    /// its own type, and is not in the text of the one above it.
    /// The chain as `a: b: c`, walking `source()`; and each level's own text.
    fn chain(error: &dyn std::error::Error) -> (String, Vec<String>) {
        let mut levels = vec![error.to_string()];
        let mut source = error.source();
        while let Some(cause) = source {
            levels.push(cause.to_string());
            source = cause.source();
        }
        (levels.join(": "), levels)
    }

    #[test]
    fn a_printed_chain_says_each_cause_once() {
        let errors = [
            Error::Transport {
                operation: "GET /v2/x".into(),
                source: reqwest::Client::new().get("not a url").build().unwrap_err(),
            },
            Error::io(
                Some(std::path::Path::new("meeting.mp3")),
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
            ),
            Error::io(None, std::io::Error::other("disk full")),
            Error::InvalidRequest(Invalid::new("limit", "must be at most 100")),
        ];
        for error in &errors {
            let (printed, levels) = chain(error);
            assert!(levels.len() > 1, "{printed}: no source");
            for level in &levels[1..] {
                assert_eq!(
                    printed.matches(level.as_str()).count(),
                    1,
                    "{level:?} in {printed:?}"
                );
            }
        }
    }

    #[test]
    fn source_is_the_underlying_error() {
        use std::error::Error as _;
        let reqwest_error = reqwest::Client::new().get("not a url").build().unwrap_err();
        let shown = reqwest_error.to_string();
        let error = Error::Transport {
            operation: "GET /v2/x".into(),
            source: reqwest_error,
        };
        let source = error.source().expect("a transport error has a source");
        assert!(source.downcast_ref::<reqwest::Error>().is_some());
        assert_eq!(error.to_string(), "GET /v2/x failed");
        assert_eq!(source.to_string(), shown);

        let serde_error = serde_json::from_str::<u8>("true").unwrap_err();
        let error = Error::Decode(Box::new(DecodeError::new(
            "GET /v2/x".into(),
            b"true",
            None,
            serde_error,
        )));
        let source = error.source().expect("a decode error has a source");
        assert!(source.downcast_ref::<serde_json::Error>().is_some());

        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let error = Error::io(Some(std::path::Path::new("a.wav")), io);
        let source = error.source().expect("an I/O error has a source");
        assert_eq!(
            source.downcast_ref::<std::io::Error>().map(|e| e.kind()),
            Some(std::io::ErrorKind::NotFound)
        );
        assert!(Error::Config("no key".into()).source().is_none());
    }

    #[test]
    fn api_error_without_json_shows_the_body() {
        let error = ApiError::new(
            StatusCode::BAD_GATEWAY,
            "<html>upstream down</html>".into(),
            None,
        );
        assert_eq!(
            error.to_string(),
            "502 Bad Gateway: <html>upstream down</html>"
        );
        assert_eq!(error.request_id, None);
    }

    #[test]
    fn snippets_stay_on_char_boundaries() {
        let text = "é".repeat(100);
        let cut = snippet(&text, 51);
        assert!(cut.starts_with('…') && cut.ends_with('…'));
        assert_eq!(byte_offset("ab\ncd", 2, 2), 4);
    }
}
