//! The one error type of the crate.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::StatusCode;

use crate::wire::{locate_within, Invalid, UnreadableItem};

/// Everything that can go wrong when talking to the API.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status.
    Api(Box<ApiError>),
    /// A request or a wait took longer than allowed.
    Timeout {
        /// What timed out, such as `GET /v2/pre-recorded/{id}`.
        operation: String,
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
    /// The job finished in error.
    JobFailed {
        /// Id of the job.
        id: String,
        /// The code the server gave, an HTTP status like 500 or 422.
        error_code: Option<i64>,
    },
    /// A local file or writer could not be read or written.
    Io {
        /// The file, when there is one.
        path: Option<PathBuf>,
        /// What the system reported.
        source: std::io::Error,
    },
    /// The client was built with a value that cannot work: a missing key, a bad base URL.
    Config(String),
    /// A live session's WebSocket failed, or the server reported an error in a message.
    Live(Box<LiveError>),
}

impl Error {
    /// The HTTP status of an [`Error::Api`]; `None` for every other kind.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            _ => None,
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
            Error::Timeout { operation, after } => {
                write!(f, "{operation} timed out after {after:?}")
            }
            // The cause (reqwest's error, then its own causes: a refused connection, a TLS
            // failure) is `source()`'s; the text does not repeat it, so a printed chain says
            // each thing once (as reqwest's own errors do).
            Error::Transport { operation, .. } => write!(f, "{operation} failed"),
            Error::Decode(decode) => decode.fmt(f),
            Error::UnreadableItem(item) => item.fmt(f),
            Error::InvalidRequest(_) => f.write_str("invalid request"),
            Error::JobFailed {
                id,
                error_code: Some(code),
            } => write!(f, "job {id} failed with error code {code}"),
            Error::JobFailed {
                id,
                error_code: None,
            } => write!(f, "job {id} failed"),
            Error::Io {
                path: Some(path), ..
            } => write!(f, "{}", path.display()),
            Error::Io { path: None, .. } => f.write_str("I/O error"),
            Error::Config(message) => write!(f, "client configuration: {message}"),
            Error::Live(live) => live.fmt(f),
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

/// What went wrong in a live session. Never shows the session's URL, whose token is a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LiveError {
    /// Id of the session.
    pub session_id: String,
    /// The WebSocket close code, when the server closed the connection.
    pub close_code: Option<u16>,
    /// The `type` of the message that carried the error, when a message did.
    pub message_type: Option<String>,
    /// Whether the session is over; `false` for an error reported in one message.
    pub fatal: bool,
    /// What happened, in the server's words where it gave some.
    pub reason: String,
}

impl LiveError {
    /// For the live session (in the generated crate): an error that is neither fatal nor carried
    /// by a message; the fields say the rest.
    #[doc(hidden)]
    pub fn new(session_id: String, reason: String) -> Self {
        Self {
            session_id,
            close_code: None,
            message_type: None,
            fatal: false,
            reason,
        }
    }
}

impl fmt::Display for LiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "live session {}", self.session_id)?;
        if let Some(message_type) = &self.message_type {
            write!(f, ", `{message_type}` message")?;
        }
        write!(f, ": {}", self.reason)?;
        if let Some(code) = self.close_code {
            write!(f, " (close code {code})")?;
        }
        Ok(())
    }
}

/// An error answer of the server.
///
/// Its fields are read from the body when it has the shape of Gladia's error bodies (`message`,
/// `request_id`, `validation_errors`), a common one. The typed body of each status, listed on each
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
    #[doc(hidden)]
    pub fn new(status: StatusCode, body: String) -> Self {
        // Read field by field: one field of another shape leaves the others readable.
        let json = serde_json::from_str::<serde_json::Value>(&body).ok();
        let field = |name: &str| json.as_ref().and_then(|json| json.get(name));
        let text = |name: &str| field(name).and_then(|v| v.as_str()).map(str::to_owned);
        let (message, request_id) = (text("message"), text("request_id"));
        let validation_errors = field("validation_errors")
            .and_then(|v| v.as_array())
            .map(|lines| {
                let lines = lines.iter().filter_map(|line| line.as_str());
                lines.map(str::to_owned).collect()
            })
            .unwrap_or_default();
        Self {
            status,
            message,
            request_id,
            validation_errors,
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
    /// Why it stopped there.
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
        write!(f, ": {} (near `{}`)", self.reason, self.snippet)
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

    #[test]
    fn api_error_reads_like_the_server() {
        let body = r#"{"statusCode":422,"message":"Invalid parameter","request_id":"G-821fe9df",
            "path":"/v2/pre-recorded","timestamp":"2023-12-28T09:04:17.210Z"}"#;
        let error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, body.to_owned());
        assert_eq!(
            error.to_string(),
            "422 Unprocessable Entity (request G-821fe9df): Invalid parameter"
        );
    }

    #[test]
    fn api_error_fields_are_read_one_by_one() {
        let body = r#"{"message":{"en":"Invalid"},"request_id":"G-1",
            "validation_errors":["audio_url must be a URL",3]}"#;
        let error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, body.to_owned());
        assert_eq!(error.message, None);
        assert_eq!(error.request_id.as_deref(), Some("G-1"));
        assert_eq!(error.validation_errors, ["audio_url must be a URL"]);
    }

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
        let error = ApiError::new(StatusCode::BAD_GATEWAY, "<html>upstream down</html>".into());
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
