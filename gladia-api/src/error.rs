//! Gladia's own errors, beside the runtime's generic ones: a job that failed, a live session's
//! error, and how Gladia's error bodies are read. They reach users as [`Error::Service`], read
//! back with [`Error::service_error`].

use std::fmt;

use gladia_api_runtime::ErrorBody;

use crate::Error;

/// A pre-recorded job that ended in error, from [`PreRecorded::wait`](crate::operations::PreRecorded::wait)
/// and [`Client::transcribe`](crate::Client::transcribe).
///
/// ```
/// # fn report(error: gladia_api::Error) {
/// if let Some(failed) = error.service_error::<gladia_api::JobFailed>() {
///     eprintln!("job {} failed with code {:?}", failed.id, failed.error_code);
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JobFailed {
    /// Id of the job.
    pub id: String,
    /// The code the server gave, an HTTP status like 500 or 422.
    pub error_code: Option<i64>,
}

impl fmt::Display for JobFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "job {} failed", self.id)?;
        if let Some(code) = self.error_code {
            write!(f, " with error code {code}")?;
        }
        Ok(())
    }
}

impl std::error::Error for JobFailed {}

impl From<JobFailed> for Error {
    fn from(failed: JobFailed) -> Self {
        Error::Service(Box::new(failed))
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
    /// An error that is neither fatal nor carried by a message; the fields say the rest.
    #[cfg_attr(not(feature = "live"), allow(dead_code))]
    pub(crate) fn new(session_id: String, reason: String) -> Self {
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

impl std::error::Error for LiveError {}

impl From<LiveError> for Error {
    fn from(error: LiveError) -> Self {
        Error::Service(Box::new(error))
    }
}

/// Gladia's error bodies: `message`, `request_id`, `validation_errors`, read field by field, so
/// that one field of another shape leaves the others readable.
pub(crate) fn read_error_body(body: &str) -> ErrorBody {
    let json = serde_json::from_str::<serde_json::Value>(body).ok();
    let field = |name: &str| json.as_ref().and_then(|json| json.get(name));
    let text = |name: &str| field(name).and_then(|v| v.as_str()).map(str::to_owned);
    let mut read = ErrorBody::default();
    read.message = text("message");
    read.request_id = text("request_id");
    read.validation_errors = field("validation_errors")
        .and_then(|v| v.as_array())
        .map(|lines| {
            let lines = lines.iter().filter_map(|line| line.as_str());
            lines.map(str::to_owned).collect()
        })
        .unwrap_or_default();
    read
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ApiError;
    use reqwest::StatusCode;

    fn api_error(status: StatusCode, body: &str) -> ApiError {
        ApiError::new(status, body.to_owned(), Some(read_error_body))
    }

    #[test]
    fn api_error_reads_like_the_server() {
        let body = r#"{"statusCode":422,"message":"Invalid parameter","request_id":"G-821fe9df",
            "path":"/v2/pre-recorded","timestamp":"2023-12-28T09:04:17.210Z"}"#;
        assert_eq!(
            api_error(StatusCode::UNPROCESSABLE_ENTITY, body).to_string(),
            "422 Unprocessable Entity (request G-821fe9df): Invalid parameter"
        );
    }

    #[test]
    fn api_error_fields_are_read_one_by_one() {
        let body = r#"{"message":{"en":"Invalid"},"request_id":"G-1",
            "validation_errors":["audio_url must be a URL",3]}"#;
        let error = api_error(StatusCode::UNPROCESSABLE_ENTITY, body);
        assert_eq!(error.message, None);
        assert_eq!(error.request_id.as_deref(), Some("G-1"));
        assert_eq!(error.validation_errors, ["audio_url must be a URL"]);
    }

    #[test]
    fn gladia_errors_are_read_back_from_the_one_error_type() {
        let error = Error::from(JobFailed {
            id: "j".into(),
            error_code: Some(500),
        });
        assert_eq!(error.to_string(), "job j failed with error code 500");
        assert_eq!(
            error.service_error::<JobFailed>().map(|f| f.error_code),
            Some(Some(500))
        );
        assert!(error.service_error::<LiveError>().is_none());
    }
}
