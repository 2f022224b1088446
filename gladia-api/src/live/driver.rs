//! The task that runs a live session's WebSocket: sends the audio and the commands, reads the
//! server's messages, keeps the heartbeat, watches the acknowledgments, and connects again when
//! the connection drops, closes with a code worth it, or stops acknowledging audio.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use futures_util::{SinkExt, StreamExt};
use reqwest::{StatusCode, Url};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, Semaphore};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::audio::Unacknowledged;
use super::trace::{Counts, SessionSpan};
use super::{Command, LiveEvent, LiveEvents, LiveOptions, LiveSender};
use crate::types::{LiveMessageError, LiveServerMessage};
use crate::{Error, LiveError};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const STOP_RECORDING: &str = r#"{"type":"stop_recording"}"#;

/// What the session knows of its audio and of its reader, besides the options.
pub(super) struct Wire {
    /// Bytes per sample frame.
    pub(super) frame: usize,
    /// Whether the init request asked for acknowledgments as events.
    pub(super) acks_asked: bool,
    pub(super) options: LiveOptions,
    /// Whose settings the socket takes: user agent, default headers, connect timeout, and the
    /// proxy the environment names.
    pub(super) client: crate::Client,
}

/// How one connection ended.
enum Outcome {
    /// `end_session`, a normal close, or the client's own close: the session is over.
    Ended,
    /// Lost, or closed with a code worth another try.
    Dropped(String),
    /// Acknowledgments stopped: worth another try, a limited number of times in a row.
    Stalled(String),
    /// The server refused to go on: the session is over, with this error.
    Fatal(Error),
}

/// The reader's side of the session: never waited for.
pub(super) struct Events {
    sender: mpsc::UnboundedSender<Result<LiveEvent, Error>>,
    backlog: Arc<AtomicUsize>,
}

impl Events {
    pub(super) fn new(
        sender: mpsc::UnboundedSender<Result<LiveEvent, Error>>,
        backlog: Arc<AtomicUsize>,
    ) -> Self {
        Self { sender, backlog }
    }

    fn send(&self, event: Result<LiveEvent, Error>) {
        // A reader that went away wants no events; the session still runs for its sender.
        if self.sender.send(event).is_ok() {
            self.backlog.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn behind(&self) -> bool {
        self.backlog.load(Ordering::Relaxed) >= LiveEvents::BACKLOG
    }
}

pub(super) struct Driver {
    session_id: String,
    /// Carries the session token: never shown, and taken out of every message that could.
    url: String,
    /// `url`, parsed when the session was joined.
    target: Url,
    frame: usize,
    acks_asked: bool,
    options: LiveOptions,
    client: crate::Client,
    commands: mpsc::UnboundedReceiver<Command>,
    commands_open: bool,
    events: Events,
    /// Given back a permit per byte the server acknowledges.
    room: Arc<Semaphore>,
    unacknowledged: Unacknowledged,
    /// The start of a sample frame cut between two commands, held until the rest comes.
    partial: BytesMut,
    /// Since when the oldest unacknowledged byte has waited with no acknowledgment at all.
    waiting_since: Instant,
    /// Connections in a row that acknowledged nothing in time, or ended acknowledging nothing.
    stalls: u32,
    /// Whether the current connection acknowledged audio.
    acknowledging: bool,
    /// Sent once; sent again after a reconnection, after the audio, as Gladia's SDKs do.
    stop_sent: bool,
    /// The server has the stop: its refusal of one sent again ("Recording already stopped") is
    /// no error.
    stop_acknowledged: bool,
    /// The close code the last connection ended with, for the next reconnection's report.
    dropped_with: Option<u16>,
    trace: SessionSpan,
    counts: Counts,
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
        (url, target): (String, Url),
        wire: Wire,
        commands: mpsc::UnboundedReceiver<Command>,
        events: Events,
        room: Arc<Semaphore>,
    ) -> Self {
        let trace = SessionSpan::new(&session_id);
        Self {
            session_id,
            url,
            target,
            frame: wire.frame,
            acks_asked: wire.acks_asked,
            options: wire.options,
            client: wire.client,
            commands,
            commands_open: true,
            events,
            room,
            unacknowledged: Unacknowledged::new(wire.frame),
            partial: BytesMut::new(),
            waiting_since: Instant::now(),
            stalls: 0,
            acknowledging: false,
            stop_sent: false,
            stop_acknowledged: false,
            dropped_with: None,
            trace,
            counts: Counts::default(),
        }
    }

    /// The session's span, for the futures that run it.
    pub(super) fn span(&self) -> SessionSpan {
        self.trace.clone()
    }

    /// The first connection, tried as often as the policy allows (as Gladia's SDKs do); a
    /// refusal, or the last failure, is the caller's error.
    pub(super) async fn connect(&mut self) -> Result<Socket, Error> {
        let policy = self.options.reconnect.clone();
        let mut attempt = 1;
        loop {
            match self.open().await {
                Ok(socket) => {
                    self.counts.connects += 1;
                    self.trace.connected(attempt);
                    return Ok(socket);
                }
                Err(Failure::Refused(error)) => return Err(error),
                Err(Failure::Lost(reason)) if attempt >= policy.max_attempts => {
                    return Err(self.error(
                        None,
                        format!("no connection after {attempt} attempt(s): {reason}"),
                    ))
                }
                Err(Failure::Lost(_)) => {
                    tokio::time::sleep(policy.delay(attempt, None)).await;
                    attempt += 1;
                }
            }
        }
    }

    pub(super) async fn run(mut self, socket: Socket) {
        self.run_connections(socket).await;
        self.trace.record(&self.counts);
    }

    async fn run_connections(&mut self, mut socket: Socket) {
        loop {
            let reason = match self.serve(&mut socket).await {
                Outcome::Ended => {
                    // The session is over either way; a failed close changes nothing.
                    let _ = socket.close(None).await;
                    return;
                }
                Outcome::Fatal(error) => return self.events.send(Err(error)),
                // A connection that ends with audio sent and none acknowledged (a server that
                // closes each one on its first audio) is no better than one that stops
                // acknowledging: left uncounted, the session would resend forever.
                Outcome::Dropped(reason)
                    if self.unacknowledged.awaited() && !self.acknowledging =>
                {
                    match self.fruitless(format!("{reason}, no audio acknowledged")) {
                        Ok(reason) => reason,
                        Err(error) => return self.events.send(Err(error)),
                    }
                }
                Outcome::Dropped(reason) => reason,
                Outcome::Stalled(reason) => {
                    let reason = match self.fruitless(reason) {
                        Ok(reason) => reason,
                        Err(error) => return self.events.send(Err(error)),
                    };
                    // Said to the server too, which may still be listening.
                    let close = CloseFrame {
                        code: CloseCode::Away,
                        reason: "no acknowledgment".into(),
                    };
                    let _ = tokio::time::timeout(self.options.heartbeat, socket.close(Some(close)))
                        .await;
                    reason
                }
            };
            self.trace.record(&self.counts);
            match self.reconnect(reason).await {
                Ok(again) => socket = again,
                Err(error) => return self.events.send(Err(error)),
            }
        }
    }

    /// Counts a connection that acknowledged no audio; past the policy's attempts in a row, the
    /// error that ends the session.
    fn fruitless(&mut self, reason: String) -> Result<String, Error> {
        self.stalls += 1;
        if self.stalls < self.options.reconnect.max_attempts {
            return Ok(reason);
        }
        let reason = format!(
            "{reason}, on {} connection(s) in a row; the session is given up",
            self.stalls
        );
        Err(self.error(None, reason))
    }

    /// Runs one connection until it ends.
    async fn serve(&mut self, socket: &mut Socket) -> Outcome {
        let heartbeat = self.options.heartbeat;
        let ack_timeout = self.options.ack_timeout;
        // Often enough for both bounds; never zero, which `interval` refuses, and at least once a
        // day, so that no option value overflows the clock (`Instant + check` would panic).
        let check = (heartbeat.min(ack_timeout) / 2)
            .clamp(Duration::from_millis(1), Duration::from_secs(86_400));
        let mut last_heard = Instant::now();
        self.waiting_since = Instant::now();
        self.acknowledging = false;
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + check, check);
        let mut last_ping = Instant::now();
        loop {
            tokio::select! {
                command = self.commands.recv(), if self.commands_open => {
                    let sent = match command {
                        Some(Command::Audio(chunk)) => self.audio(socket, chunk).await,
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
                            if let Some(outcome) = self.receive(text.as_str()) {
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
                    if silent >= heartbeat.saturating_mul(2) {
                        return Outcome::Dropped(format!("nothing heard for {silent:.1?}"));
                    }
                    let waited = self.waiting_since.elapsed();
                    if self.unacknowledged.awaited() && waited >= ack_timeout {
                        return Outcome::Stalled(format!(
                            "{} bytes sent and no acknowledgment for {waited:.1?}",
                            self.unacknowledged.len()
                        ));
                    }
                    if last_ping.elapsed() >= heartbeat {
                        last_ping = Instant::now();
                        if let Err(reason) = self.send(socket, Message::Ping(Bytes::new())).await {
                            return Outcome::Dropped(reason);
                        }
                    }
                }
            }
        }
    }

    /// Sends the whole sample frames of `chunk` (with the start of a frame held from before),
    /// and holds what is left of a frame for the next chunk.
    async fn audio(&mut self, socket: &mut Socket, chunk: Bytes) -> Result<(), String> {
        // Audio a sender queued while another stopped the recording comes too late.
        if self.stop_sent {
            self.room.add_permits(chunk.len());
            return Ok(());
        }
        let whole = if self.partial.is_empty() && chunk.len().is_multiple_of(self.frame) {
            chunk
        } else {
            self.partial.extend_from_slice(&chunk);
            let end = self.partial.len() / self.frame * self.frame;
            self.partial.split_to(end).freeze()
        };
        self.send_new(socket, whole).await
    }

    /// Sends audio not sent before, and keeps it until it is acknowledged.
    async fn send_new(&mut self, socket: &mut Socket, audio: Bytes) -> Result<(), String> {
        if audio.is_empty() {
            return Ok(());
        }
        if !self.unacknowledged.awaited() {
            // The wait for an acknowledgment starts with the first byte that awaits one.
            self.waiting_since = Instant::now();
        }
        self.unacknowledged.push(audio.clone());
        self.counts.bytes_sent += audio.len() as u64;
        self.send(socket, Message::Binary(audio)).await
    }

    /// Handles one server message; returns how the connection ends, if it does.
    fn receive(&mut self, text: &str) -> Option<Outcome> {
        let message =
            match crate::request::decode::<LiveServerMessage>("live message", text.as_bytes()) {
                Ok(message) => message,
                Err(error) => {
                    // A message that reports an error may lack the rest: its error is the news.
                    let error = reported_error(text)
                        .map(|(kind, reported)| self.message_error(&kind, &reported))
                        .unwrap_or(error);
                    self.events.send(Err(error));
                    return None;
                }
            };
        let (message_type, error) = message_error(&message);
        // The refusal of a stop sent again after the server acknowledged one says only that the
        // server has it.
        let stop_again = matches!(&message, LiveServerMessage::StopRecording(ack)
            if !ack.acknowledged && self.stop_acknowledged);
        if let (Some(error), false) = (error, stop_again) {
            let error = self.message_error(message_type, error);
            self.events.send(Err(error));
        }
        let (ended, acknowledgment) = match &message {
            LiveServerMessage::AudioChunk(ack) => {
                let range = ack
                    .data
                    .as_ref()
                    .and_then(|data| data.byte_range.as_deref());
                if let (true, Some([first, end, ..])) = (ack.acknowledged, range) {
                    self.acknowledged(offset(*first), offset(*end));
                }
                (false, true)
            }
            LiveServerMessage::StopRecording(ack) => {
                self.stop_acknowledged |= ack.acknowledged;
                (false, true)
            }
            LiveServerMessage::EndSession(_) => (true, false),
            _ => (false, false),
        };
        // Acknowledgments the reader did not ask for are the session's business only; those it
        // asked for give way when it is far behind.
        if !acknowledgment || (self.acks_asked && !self.events.behind()) {
            self.events.send(Ok(LiveEvent::Message(Box::new(message))));
        }
        ended.then_some(Outcome::Ended)
    }

    fn acknowledged(&mut self, first: u64, end: u64) {
        let released = self.unacknowledged.acknowledge(first, end);
        self.counts.bytes_acknowledged += released;
        if released > 0 {
            self.room.add_permits(released as usize);
            self.waiting_since = Instant::now();
            self.stalls = 0;
            self.acknowledging = true;
        }
    }

    /// Close codes as Gladia's SDKs treat them (`@gladiaio/sdk` `src/client.ts`, `wsRetry`;
    /// `gladiaio-sdk` `client_options.py`, `WebSocketRetryOptions.close_codes`): 1000 is the end,
    /// 1001 and 4400–4499 are final, any other code is worth another connection.
    fn closed(&mut self, frame: Option<CloseFrame>) -> Outcome {
        let Some(frame) = frame else {
            return Outcome::Dropped("closed without a code".into());
        };
        let code = u16::from(frame.code);
        self.counts.close_code = Some(code);
        self.dropped_with = Some(code);
        let reason = self.redact(&frame.reason);
        match code {
            1000 => Outcome::Ended,
            1001 | 4400..=4499 => Outcome::Fatal(self.error(Some(code), reason)),
            _ => Outcome::Dropped(format!("closed with code {code}: {reason}")),
        }
    }

    /// Connects again, as often as the policy allows, and sends again what the server has not
    /// acknowledged.
    async fn reconnect(&mut self, mut reason: String) -> Result<Socket, Error> {
        let policy = self.options.reconnect.clone();
        let close_code = self.dropped_with.take();
        for attempt in 1..=policy.max_attempts.max(1) {
            let delay = policy.delay(attempt, None);
            self.trace.reconnecting(attempt, delay, close_code, &reason);
            self.events.send(Ok(LiveEvent::Reconnecting {
                attempt,
                delay,
                reason: reason.clone(),
            }));
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
                    self.counts.connects += 1;
                    self.counts.reconnects += 1;
                    self.trace.connected(attempt);
                    self.events.send(Ok(LiveEvent::Reconnected { resent }));
                    return Ok(socket);
                }
                Err(lost) => reason = lost,
            }
        }
        Err(self.error(
            None,
            format!(
                "connection lost ({reason}); no reconnection left after {} attempt(s)",
                policy.max_attempts.max(1)
            ),
        ))
    }

    /// The unacknowledged audio in order, in frames of at most [`LiveSender::MAX_FRAME`] bytes, then
    /// `stop_recording` if it was sent before.
    async fn resend(&mut self, socket: &mut Socket) -> Result<u64, String> {
        let limit = LiveSender::MAX_FRAME / self.frame * self.frame;
        let (messages, released) = self.unacknowledged.resend(limit);
        // A byte taken as received (an undecided one-byte frame, see `audio`) frees its room.
        self.room.add_permits(released as usize);
        for message in messages {
            self.counts.bytes_sent += message.len() as u64;
            self.send(socket, Message::Binary(message)).await?;
        }
        if self.stop_sent {
            self.send(socket, Message::text(STOP_RECORDING)).await?;
        }
        Ok(self.unacknowledged.len())
    }

    /// Sends what is held of a last, incomplete sample frame, then `stop_recording`.
    async fn stop(&mut self, socket: &mut Socket) -> Result<(), String> {
        if self.stop_sent {
            return Ok(());
        }
        let rest = self.partial.split().freeze();
        self.send_new(socket, rest).await?;
        self.stop_sent = true;
        self.send(socket, Message::text(STOP_RECORDING)).await
    }

    /// Sends a frame; a peer that does not take it within the heartbeat's bound counts as gone.
    async fn send(&self, socket: &mut Socket, message: Message) -> Result<(), String> {
        let limit = self.options.heartbeat.saturating_mul(2);
        match tokio::time::timeout(limit, socket.send(message)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(self.redact(&error.to_string())),
            Err(_) => Err(format!("the server took no data for {limit:?}")),
        }
    }

    async fn open(&self) -> Result<Socket, Failure> {
        let limit = self.options.heartbeat.saturating_mul(2);
        match tokio::time::timeout(limit, self.handshake()).await {
            Ok(Ok(socket)) => Ok(socket),
            Ok(Err(tungstenite::Error::Http(response))) => {
                let status = StatusCode::from_u16(response.status().as_u16())
                    .unwrap_or(StatusCode::BAD_GATEWAY);
                let body = response
                    .body()
                    .as_deref()
                    .map(|body| String::from_utf8_lossy(body).into_owned())
                    .unwrap_or_default();
                let passing = status.is_server_error()
                    || status == StatusCode::REQUEST_TIMEOUT
                    || status == StatusCode::TOO_MANY_REQUESTS;
                match passing {
                    true => Err(Failure::Lost(format!(
                        "the upgrade was refused with {status}"
                    ))),
                    // The token is refused or the session is over: trying again cannot help.
                    false => Err(Failure::Refused(
                        self.client
                            .transport()
                            .api_error(status, self.redact(&body)),
                    )),
                }
            }
            Ok(Err(error)) => Err(Failure::Lost(self.redact(&error.to_string()))),
            Err(_) => Err(Failure::Lost(format!("no connection within {limit:?}"))),
        }
    }

    /// TCP (through the environment's proxy, within the client's connect timeout), TLS for
    /// `wss`, then the upgrade, with the client's user agent and default headers.
    async fn handshake(&self) -> Result<Socket, tungstenite::Error> {
        let mut request = self.target.as_str().into_client_request()?;
        let transport = self.client.transport();
        request
            .headers_mut()
            .extend(transport.headers_for(&self.target));
        let stream = transport.connect_socket(&self.target).await?;
        let (socket, _) =
            tokio_tungstenite::client_async_tls_with_config(request, stream, None, None).await?;
        Ok(socket)
    }

    fn message_error(&self, message_type: &str, error: &LiveMessageError) -> Error {
        let mut reason = error.message.clone().unwrap_or_else(|| "an error".into());
        if let Some(exception) = &error.exception {
            reason = format!("{exception}: {reason}");
        }
        let mut error = LiveError::new(self.session_id.clone(), reason);
        error.message_type = Some(message_type.to_owned());
        error.into()
    }

    fn error(&self, close_code: Option<u16>, reason: String) -> Error {
        let mut error = LiveError::new(self.session_id.clone(), reason);
        error.close_code = close_code;
        error.fatal = true;
        error.into()
    }

    /// `text` without the session URL's query, which holds the token.
    fn redact(&self, text: &str) -> String {
        match self.url.split_once('?') {
            Some((_, query)) if !query.is_empty() => text.replace(query, "<redacted>"),
            _ => text.to_owned(),
        }
    }
}

/// An offset of a `byte_range`, which servers may write as a float.
fn offset(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 {
        value as u64
    } else {
        0
    }
}

enum Failure {
    /// The server answered the upgrade with an error that another try cannot mend.
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
