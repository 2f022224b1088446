//! The task that runs a live session's WebSocket: sends the audio and the commands, reads the
//! server's messages, keeps the heartbeat, and connects again when the connection drops.

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, Semaphore};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::audio::Unacknowledged;
use super::{Command, LiveEvent, LiveOptions};
use crate::types::{LiveMessageError, LiveServerMessage};
use crate::{ApiError, Error, LiveError};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const STOP_RECORDING: &str = r#"{"type":"stop_recording"}"#;

/// How one connection ended.
enum Outcome {
    /// `end_session`, a normal close, or the client's own close: the session is over.
    Ended,
    /// Lost without a normal close: worth connecting again.
    Dropped(String),
    /// The server refused to go on: the session is over, with this error.
    Fatal(Error),
}

pub(super) struct Driver {
    session_id: String,
    /// Carries the session token: never shown, and taken out of every message that could.
    url: String,
    options: LiveOptions,
    commands: mpsc::UnboundedReceiver<Command>,
    commands_open: bool,
    events: mpsc::Sender<Result<LiveEvent, Error>>,
    /// Given back a permit per byte the server acknowledges.
    room: Arc<Semaphore>,
    unacknowledged: Unacknowledged,
    /// Sent once; sent again after a reconnection, after the audio.
    stop_sent: bool,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Wakes any `send_audio` waiting for room: the session is over.
        self.room.close();
    }
}

impl Driver {
    pub(super) fn new(
        session_id: String,
        url: String,
        options: LiveOptions,
        commands: mpsc::UnboundedReceiver<Command>,
        events: mpsc::Sender<Result<LiveEvent, Error>>,
        room: Arc<Semaphore>,
    ) -> Self {
        Self {
            session_id,
            url,
            options,
            commands,
            commands_open: true,
            events,
            room,
            unacknowledged: Unacknowledged::default(),
            stop_sent: false,
        }
    }

    /// The first connection: any failure is the caller's error.
    pub(super) async fn connect(&self) -> Result<Socket, Error> {
        self.open().await.map_err(|failure| match failure {
            Failure::Refused(error) => error,
            Failure::Lost(reason) => self.error(None, reason),
        })
    }

    pub(super) async fn run(mut self, mut socket: Socket) {
        loop {
            match self.serve(&mut socket).await {
                Outcome::Ended => {
                    // The session is over either way; a failed close changes nothing.
                    let _ = socket.close(None).await;
                    return;
                }
                Outcome::Fatal(error) => return self.emit(Err(error)).await,
                Outcome::Dropped(reason) => match self.reconnect(reason).await {
                    Ok(again) => socket = again,
                    Err(error) => return self.emit(Err(error)).await,
                },
            }
        }
    }

    /// Runs one connection until it ends.
    async fn serve(&mut self, socket: &mut Socket) -> Outcome {
        let heartbeat = self.options.heartbeat;
        let mut last_heard = Instant::now();
        let mut ticker =
            tokio::time::interval_at(tokio::time::Instant::now() + heartbeat, heartbeat);
        loop {
            tokio::select! {
                command = self.commands.recv(), if self.commands_open => {
                    let sent = match command {
                        // Audio a sender queued while another stopped the recording comes too late.
                        Some(Command::Audio(chunk)) if self.stop_sent => {
                            self.room.add_permits(chunk.len());
                            Ok(())
                        }
                        Some(Command::Audio(chunk)) => {
                            self.unacknowledged.push(chunk.clone());
                            self.send(socket, Message::Binary(chunk)).await
                        }
                        // Every sender gone is a stop too: no more audio can come.
                        Some(Command::Stop) | None => {
                            self.commands_open = command.is_some();
                            self.stop(socket).await
                        }
                        Some(Command::Close) => {
                            let close = CloseFrame { code: CloseCode::Normal, reason: "".into() };
                            // Closing anyway: an error here has no one to tell.
                            let _ = socket.close(Some(close)).await;
                            return Outcome::Ended;
                        }
                    };
                    if let Err(reason) = sent {
                        return Outcome::Dropped(reason);
                    }
                }
                frame = socket.next() => {
                    last_heard = Instant::now();
                    match frame {
                        Some(Ok(Message::Text(text))) => {
                            if let Some(outcome) = self.receive(text.as_str()).await {
                                return outcome;
                            }
                        }
                        Some(Ok(Message::Close(frame))) => return self.closed(frame),
                        // Pongs and pings (answered by tungstenite) only show the peer is there.
                        Some(Ok(_)) => {}
                        Some(Err(error)) => return Outcome::Dropped(self.redact(&error.to_string())),
                        None => return Outcome::Dropped("the connection closed without a close frame".into()),
                    }
                }
                _ = ticker.tick() => {
                    let silent = last_heard.elapsed();
                    if silent >= heartbeat * 2 {
                        return Outcome::Dropped(format!("nothing heard for {silent:.1?}"));
                    }
                    if let Err(reason) = self.send(socket, Message::Ping(Bytes::new())).await {
                        return Outcome::Dropped(reason);
                    }
                }
            }
        }
    }

    /// Handles one server message; returns how the connection ends, if it does.
    async fn receive(&mut self, text: &str) -> Option<Outcome> {
        let message =
            match crate::request::decode::<LiveServerMessage>("live message", text.as_bytes()) {
                Ok(message) => message,
                Err(error) => {
                    // A message that reports an error may lack the rest: its error is the news.
                    let error = reported_error(text)
                        .map(|(kind, reported)| self.message_error(&kind, &reported))
                        .unwrap_or(error);
                    self.emit(Err(error)).await;
                    return None;
                }
            };
        if let (message_type, Some(error)) = message_error(&message) {
            let error = self.message_error(message_type, error);
            self.emit(Err(error)).await;
        }
        let ended = match &message {
            LiveServerMessage::AudioChunk(ack) if ack.acknowledged => {
                let last = ack
                    .data
                    .byte_range
                    .as_deref()
                    .and_then(|range| range.get(1));
                if let Some(&last) = last {
                    let released = self.unacknowledged.acknowledge(last.max(0) as u64);
                    self.room.add_permits(released as usize);
                }
                false
            }
            LiveServerMessage::EndSession(_) => true,
            _ => false,
        };
        self.emit(Ok(LiveEvent::Message(Box::new(message)))).await;
        ended.then_some(Outcome::Ended)
    }

    fn closed(&self, frame: Option<CloseFrame>) -> Outcome {
        let Some(frame) = frame else {
            return Outcome::Dropped("closed without a code".into());
        };
        let code = u16::from(frame.code);
        let reason = frame.reason.to_string();
        match frame.code {
            CloseCode::Normal => Outcome::Ended,
            // Going away, server error, restart, try again later: the session lives on.
            CloseCode::Away | CloseCode::Error | CloseCode::Restart | CloseCode::Again => {
                Outcome::Dropped(format!("closed with code {code}: {reason}"))
            }
            _ => Outcome::Fatal(self.error(Some(code), self.redact(&reason))),
        }
    }

    /// Connects again, as often as the policy allows, and sends again what the server has not
    /// acknowledged.
    async fn reconnect(&mut self, mut reason: String) -> Result<Socket, Error> {
        let policy = self.options.reconnect.clone();
        for attempt in 1..policy.max_attempts {
            let delay = policy.delay(attempt, None);
            self.emit(Ok(LiveEvent::Reconnecting {
                attempt,
                delay,
                reason: reason.clone(),
            }))
            .await;
            tokio::time::sleep(delay).await;
            let mut socket = match self.open().await {
                Ok(socket) => socket,
                Err(Failure::Refused(error)) => return Err(error),
                Err(Failure::Lost(lost)) => {
                    reason = lost;
                    continue;
                }
            };
            match self.resend(&mut socket).await {
                Ok(resent) => {
                    self.emit(Ok(LiveEvent::Reconnected { resent })).await;
                    return Ok(socket);
                }
                Err(lost) => reason = lost,
            }
        }
        Err(self.error(
            None,
            format!("connection lost ({reason}); no reconnection left"),
        ))
    }

    /// The unacknowledged audio in order, then `stop_recording` if it was sent before.
    async fn resend(&mut self, socket: &mut Socket) -> Result<u64, String> {
        let chunks: Vec<Bytes> = self.unacknowledged.chunks().cloned().collect();
        for chunk in chunks {
            self.send(socket, Message::Binary(chunk)).await?;
        }
        if self.stop_sent {
            self.send(socket, Message::text(STOP_RECORDING)).await?;
        }
        Ok(self.unacknowledged.len())
    }

    async fn stop(&mut self, socket: &mut Socket) -> Result<(), String> {
        if self.stop_sent {
            return Ok(());
        }
        self.stop_sent = true;
        self.send(socket, Message::text(STOP_RECORDING)).await
    }

    /// Sends a frame; a peer that does not take it within the heartbeat's bound counts as gone.
    async fn send(&self, socket: &mut Socket, message: Message) -> Result<(), String> {
        let limit = self.options.heartbeat * 2;
        match tokio::time::timeout(limit, socket.send(message)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(self.redact(&error.to_string())),
            Err(_) => Err(format!("the server took no data for {limit:?}")),
        }
    }

    async fn open(&self) -> Result<Socket, Failure> {
        let limit = self.options.heartbeat * 2;
        let attempt = tokio_tungstenite::connect_async(self.url.as_str());
        match tokio::time::timeout(limit, attempt).await {
            Ok(Ok((socket, _))) => Ok(socket),
            Ok(Err(tungstenite::Error::Http(response))) => {
                let status = StatusCode::from_u16(response.status().as_u16())
                    .unwrap_or(StatusCode::BAD_GATEWAY);
                let body = response
                    .body()
                    .as_deref()
                    .map(|body| String::from_utf8_lossy(body).into_owned())
                    .unwrap_or_default();
                match status.is_client_error() {
                    // The token is refused or the session is over: trying again cannot help.
                    true => Err(Failure::Refused(Error::Api(Box::new(ApiError::new(
                        status,
                        self.redact(&body),
                    ))))),
                    false => Err(Failure::Lost(format!(
                        "the upgrade was refused with {status}"
                    ))),
                }
            }
            Ok(Err(error)) => Err(Failure::Lost(self.redact(&error.to_string()))),
            Err(_) => Err(Failure::Lost(format!("no connection within {limit:?}"))),
        }
    }

    fn message_error(&self, message_type: &str, error: &LiveMessageError) -> Error {
        let mut reason = error.message.clone().unwrap_or_else(|| "an error".into());
        if let Some(exception) = &error.exception {
            reason = format!("{exception}: {reason}");
        }
        let mut error = LiveError::new(self.session_id.clone(), reason);
        error.message_type = Some(message_type.to_owned());
        Error::Live(Box::new(error))
    }

    fn error(&self, close_code: Option<u16>, reason: String) -> Error {
        let mut error = LiveError::new(self.session_id.clone(), reason);
        error.close_code = close_code;
        error.fatal = true;
        Error::Live(Box::new(error))
    }

    /// `text` without the session URL's query, which holds the token.
    fn redact(&self, text: &str) -> String {
        match self.url.split_once('?') {
            Some((_, query)) if !query.is_empty() => text.replace(query, "<redacted>"),
            _ => text.to_owned(),
        }
    }

    async fn emit(&self, event: Result<LiveEvent, Error>) {
        // A reader that went away wants no events; the session still runs for its sender.
        let _ = self.events.send(event).await;
    }
}

enum Failure {
    /// The server answered the upgrade with a client error.
    Refused(Error),
    /// No connection, for a reason worth another try.
    Lost(String),
}

/// The `type` and `error` of a message that does not decode, if it carries an error.
fn reported_error(text: &str) -> Option<(String, LiveMessageError)> {
    let message: serde_json::Value = serde_json::from_str(text).ok()?;
    let kind = message.get("type")?.as_str()?.to_owned();
    let error = crate::wire::decode_located(message.get("error")?).ok()?;
    Some((kind, error))
}

/// The `type` of a message and the `error` it carries, if any.
fn message_error(message: &LiveServerMessage) -> (&'static str, Option<&LiveMessageError>) {
    use LiveServerMessage as M;
    match message {
        M::Translation(m) => ("translation", m.error.as_ref()),
        M::NamedEntityRecognition(m) => ("named_entity_recognition", m.error.as_ref()),
        M::SentimentAnalysis(m) => ("sentiment_analysis", m.error.as_ref()),
        M::PostChapterization(m) => ("post_chapterization", m.error.as_ref()),
        M::PostSummarization(m) => ("post_summarization", m.error.as_ref()),
        M::AudioChunk(m) => ("audio_chunk", m.error.as_ref()),
        M::StopRecording(m) => ("stop_recording", m.error.as_ref()),
        _ => ("", None),
    }
}
