//! Live transcription: a session over Gladia's WebSocket that streams audio in and typed messages
//! out, survives dropped connections, and loses no audio.
//!
//! ```no_run
//! # async fn run() -> Result<(), gladia_api::Error> {
//! use futures_util::StreamExt;
//! use gladia_api::types::{InitLiveSessionRequest, LiveServerMessage};
//! use gladia_api::{Client, LiveEvent};
//!
//! let client = Client::from_env()?;
//! let session = client.live().start(&InitLiveSessionRequest::default()).await?;
//! let (sender, mut events) = session.split();
//! tokio::spawn(async move {
//!     for chunk in [vec![0u8; 3200], vec![0u8; 3200]] {
//!         sender.send_audio(chunk).await?;
//!     }
//!     sender.stop_recording().await
//! });
//! while let Some(event) = events.next().await {
//!     if let LiveEvent::Message(message) = event? {
//!         if let LiveServerMessage::Transcript(transcript) = *message {
//!             println!("{}", transcript.data.utterance.text);
//!         }
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! How it keeps the audio whole: the session asks for acknowledgments and keeps every byte sent
//! until the server acknowledges it (`byte_range`, counted from the session's first byte; see
//! `audio.rs` for the two readings of its end, both handled). When the connection drops, closes
//! with a code worth another try, stays silent past the heartbeat, or stops acknowledging audio
//! for [`LiveOptions::ack_timeout`], it connects again to the same URL and sends the
//! unacknowledged bytes again, in order, before any new one. Acknowledged bytes are never sent
//! again (for one-byte sample frames, 8-bit, a-law or u-law mono, as long as the server
//! acknowledges each message it receives, as Gladia's does: that tells its reading). Bytes the server
//! received but whose acknowledgment was lost with the connection are sent again, so the server
//! may receive them twice. At most [`LiveOptions::max_unacknowledged`] bytes are kept;
//! `send_audio` waits beyond that, so a fast producer facing a slow server never grows memory,
//! and it never waits forever: a server that acknowledges nothing over
//! [`RetryPolicy::max_attempts`] connections in a row ends the session with an error.
//!
//! On the wire: audio goes in binary frames of at most 512 KiB of whole sample frames (Gladia's
//! server closes a connection with 1009 on frames over 1 MiB; its SDKs send 512 KiB). Closes
//! follow Gladia's SDKs (`@gladiaio/sdk` `src/client.ts`, `gladiaio-sdk` `client_options.py`):
//! 1000 ends the session, 1001 and 4400–4499 end it with an error, any other code connects again;
//! the first connection, like each reconnection, is tried up to five times.
//!
//! The socket is always read, whatever the reader of the events does: events wait in an
//! unbounded queue until read. Acknowledgments are events only when the init request asked for
//! them (`messages_config.receive_acknowledgments`, as the SDKs do), and are the one kind of event
//! dropped, while the reader is more than [`LiveEvents::BACKLOG`] events behind.

mod audio;
mod driver;
mod trace;

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{mpsc, Semaphore};

use crate::operations::Live;
use reqwest::Url;

use crate::types::{
    InitLiveSessionRequest, InitLiveSessionResponse, LiveBitDepth, LiveEncoding, LiveInitQuery,
    LiveServerMessage,
};
use crate::{Error, LiveError, RetryPolicy};

/// How a live session behaves on the wire: [`LiveOptions::default`] and its setters
/// (`LiveOptions::default().heartbeat(Duration::from_secs(10))`). No value panics: bounds
/// saturate, and values that cannot work (zero durations, room for less than a sample) are an
/// [`Error::Config`] when the session starts.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LiveOptions {
    /// Attempts to connect, for the session's first connection and again after each drop, and
    /// the delays between them (as Gladia's SDKs: 5 attempts, 0.3 s doubling up to 2 s).
    /// Also how many connections in a row may acknowledge no audio before the session ends.
    pub reconnect: RetryPolicy,
    /// The most audio kept until the server acknowledges it, in bytes, 4 MiB by default;
    /// [`LiveSender::send_audio`] waits while it is reached.
    pub max_unacknowledged: usize,
    /// How often a quiet connection is checked with a ping, 5 s by default. A connection that
    /// brings nothing for twice as long (no message, no pong), or does not take a frame for as
    /// long, counts as dropped; so does a connection attempt that takes as long.
    pub heartbeat: Duration,
    /// How long sent audio may go without any acknowledgment, 10 s by default; past it the
    /// connection counts as dropped and the audio is sent again on a new one.
    pub ack_timeout: Duration,
}

impl Default for LiveOptions {
    fn default() -> Self {
        Self {
            reconnect: RetryPolicy::default()
                .max_attempts(5)
                .initial_delay(Duration::from_millis(300))
                .max_delay(Duration::from_secs(2)),
            max_unacknowledged: 4 * 1024 * 1024,
            heartbeat: Duration::from_secs(5),
            ack_timeout: Duration::from_secs(10),
        }
    }
}

impl LiveOptions {
    /// Attempts to connect, and the delays between them.
    pub fn reconnect(mut self, policy: RetryPolicy) -> Self {
        self.reconnect = policy;
        self
    }

    /// The most audio kept until the server acknowledges it, in bytes.
    pub fn max_unacknowledged(mut self, bytes: usize) -> Self {
        self.max_unacknowledged = bytes;
        self
    }

    /// How often a quiet connection is checked with a ping.
    pub fn heartbeat(mut self, heartbeat: Duration) -> Self {
        self.heartbeat = heartbeat;
        self
    }

    /// How long sent audio may go without any acknowledgment.
    pub fn ack_timeout(mut self, timeout: Duration) -> Self {
        self.ack_timeout = timeout;
        self
    }
}

/// What a live session reports.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum LiveEvent {
    /// A message of the server: transcripts, add-on results, lifecycle, and acknowledgments when
    /// the init request asked for them. Boxed: the final result is large, transcripts are many.
    Message(Box<LiveServerMessage>),
    /// The connection dropped; the session connects again after `delay`.
    Reconnecting {
        /// The attempt about to be made, from 1.
        attempt: u32,
        /// The pause before it.
        delay: Duration,
        /// Why the connection was lost.
        reason: String,
    },
    /// Connected again, and the audio the server had not acknowledged sent again.
    Reconnected {
        /// How many bytes were sent again.
        resent: u64,
    },
}

/// A live session: its id, a sender for the audio and a stream of events. Split it so that one
/// task feeds audio while another reads.
#[derive(Debug)]
pub struct LiveSession {
    id: String,
    sender: LiveSender,
    events: LiveEvents,
}

impl LiveSession {
    /// Id of the session, for `client.live().get(id)` once it is over.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The sender and the stream of events, to be used from different tasks.
    pub fn split(self) -> (LiveSender, LiveEvents) {
        (self.sender, self.events)
    }
}

enum Command {
    Audio(Bytes),
    Stop,
    Close,
}

/// Sends audio into a live session. Cheap to clone; when every clone is dropped, the recording
/// stops as with [`LiveSender::stop_recording`].
#[derive(Debug, Clone)]
pub struct LiveSender {
    shared: Arc<SenderShared>,
}

#[derive(Debug)]
struct SenderShared {
    session_id: String,
    commands: mpsc::UnboundedSender<Command>,
    /// One permit per byte that may still be kept unacknowledged.
    room: Arc<Semaphore>,
    /// The most bytes one command carries: whole sample frames, within a frame and the room.
    max_piece: usize,
    stopped: AtomicBool,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Command::Audio(chunk) => write!(f, "Audio({} bytes)", chunk.len()),
            Command::Stop => f.write_str("Stop"),
            Command::Close => f.write_str("Close"),
        }
    }
}

impl LiveSender {
    /// The largest binary frame sent, in bytes (rounded down to whole sample frames): Gladia's
    /// server refuses frames over 1 MiB, its SDKs send at most 512 KiB.
    pub const MAX_FRAME: usize = 512 * 1024;

    /// Sends audio in the format declared when the session started, in pieces of any size (a
    /// sample cut between two calls is sent whole). Waits while the server has not acknowledged
    /// [`LiveOptions::max_unacknowledged`] bytes; fails once the recording is stopped or the
    /// session is over, including when the server stopped acknowledging audio.
    pub async fn send_audio(&self, audio: impl Into<Bytes>) -> Result<(), Error> {
        let audio = audio.into();
        let shared = &*self.shared;
        for start in (0..audio.len()).step_by(shared.max_piece) {
            let piece = audio.slice(start..audio.len().min(start + shared.max_piece));
            if shared.stopped.load(Ordering::Acquire) {
                return Err(self.refused("the recording is stopped"));
            }
            // `max_piece` fits a u32, so the cast is exact.
            let permit = shared
                .room
                .acquire_many(piece.len() as u32)
                .await
                .map_err(|_| self.refused("the session is over"))?;
            // Given back by the session as the server acknowledges the bytes.
            permit.forget();
            shared
                .commands
                .send(Command::Audio(piece))
                .map_err(|_| self.refused("the session is over"))?;
        }
        Ok(())
    }

    /// No more audio: the server finishes the transcription, sends the post-processing results
    /// (`post_transcript`, `post_final_transcript`, …) and ends the session, which ends the
    /// stream of events. Audio sent before is sent first.
    pub async fn stop_recording(&self) -> Result<(), Error> {
        self.finish(Command::Stop)
    }

    /// Ends the session now, without waiting for post-processing; the stream of events ends.
    pub fn close(&self) {
        // A session already over has nothing to close.
        let _ = self.finish(Command::Close);
    }

    fn finish(&self, command: Command) -> Result<(), Error> {
        self.shared.stopped.store(true, Ordering::Release);
        self.shared
            .commands
            .send(command)
            .map_err(|_| self.refused("the session is over"))
    }

    fn refused(&self, reason: &str) -> Error {
        LiveError::new(self.shared.session_id.clone(), reason.to_owned()).into()
    }
}

/// The events of a live session, in order; the stream ends after `end_session`, after
/// [`LiveSender::close`], or after an error that ends the session (its last item). Other errors
/// (an `error` in one message, a message that does not decode) are items of their own, and the
/// stream goes on. Reading late loses nothing but acknowledgments (see [`Self::BACKLOG`]): the
/// session reads the socket whether or not the stream is read.
#[derive(Debug)]
pub struct LiveEvents {
    events: mpsc::UnboundedReceiver<Result<LiveEvent, Error>>,
    /// Events queued and not read yet, shared with the session.
    backlog: Arc<AtomicUsize>,
}

impl LiveEvents {
    /// How many unread events the session keeps before it drops acknowledgments the reader
    /// asked for; other events are always kept.
    pub const BACKLOG: usize = 1024;
}

impl futures_core::Stream for LiveEvents {
    type Item = Result<LiveEvent, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.events.poll_recv(cx);
        if let Poll::Ready(Some(_)) = polled {
            self.backlog.fetch_sub(1, Ordering::Relaxed);
        }
        polled
    }
}

impl Live<'_> {
    /// Starts a live session (`POST /v2/live`) and connects to it, with the default
    /// [`LiveOptions`]. Acknowledgments are turned on whatever the request says: the session
    /// needs them to send no audio twice; they are events only if the request asked for them.
    /// The session runs in the client's region, if it has one ([`ClientBuilder::region`]).
    ///
    /// [`ClientBuilder::region`]: crate::ClientBuilder::region
    pub async fn start(&self, request: &InitLiveSessionRequest) -> Result<LiveSession, Error> {
        self.start_with(&LiveInitQuery::default(), request, LiveOptions::default())
            .await
    }

    /// [`Self::start`], with a region and options.
    pub async fn start_with(
        &self,
        query: &LiveInitQuery,
        request: &InitLiveSessionRequest,
        options: LiveOptions,
    ) -> Result<LiveSession, Error> {
        let audio = AudioFormat::of(request, &options)?;
        let session = self.create(query, request).await?;
        self.connect(&session.id, &session.url, audio, options)
            .await
    }

    /// Starts a session (`POST /v2/live`) for another party to join with [`Self::join`]: a
    /// backend holds the key, gives its client the id and URL. As [`Self::start`] does, it turns
    /// acknowledgments on (the joining session needs them) and takes the client's region when
    /// `query` names none.
    pub async fn create(
        &self,
        query: &LiveInitQuery,
        request: &InitLiveSessionRequest,
    ) -> Result<InitLiveSessionResponse, Error> {
        let mut request = request.clone();
        let messages = request.messages_config.get_or_insert_with(Default::default);
        messages.receive_acknowledgments = Some(true);
        let mut query = query.clone();
        if query.region.is_none() {
            query.region = self.client.region().cloned();
        }
        self.init(&query, &request).await
    }

    /// Joins a session started elsewhere (by [`Self::create`], or any backend's `POST /v2/live`
    /// with acknowledgments on), from its id and WebSocket URL, as Gladia's SDKs'
    /// `connectSession` does. `request` is what the session was started with, for its audio
    /// format (encoding, bit depth, channels) and whether acknowledgments are events; the rest
    /// of it is not read. No API key is needed: the URL's token is the credential, so a client
    /// built with [`ClientBuilder::no_api_key`](crate::ClientBuilder::no_api_key) joins.
    pub async fn join(
        &self,
        id: &str,
        url: &str,
        request: &InitLiveSessionRequest,
        options: LiveOptions,
    ) -> Result<LiveSession, Error> {
        let audio = AudioFormat::of(request, &options)?;
        self.connect(id, url, audio, options).await
    }

    async fn connect(
        &self,
        id: &str,
        url: &str,
        audio: AudioFormat,
        options: LiveOptions,
    ) -> Result<LiveSession, Error> {
        let target = Url::parse(url)
            .ok()
            .filter(|target| matches!(target.scheme(), "ws" | "wss"))
            .ok_or_else(|| {
                // Without the query: it holds the token.
                let shown = url.split('?').next().unwrap_or_default();
                Error::Config(format!(
                    "the session URL `{shown}` is not a ws:// or wss:// URL"
                ))
            })?;
        let wire = driver::Wire {
            frame: audio.frame,
            acks_asked: audio.acks_asked,
            options,
            client: self.client.clone(),
        };
        connect(id.to_owned(), (url.to_owned(), target), wire).await
    }
}

/// What a session needs of the request it was started with.
struct AudioFormat {
    /// Bytes per sample frame.
    frame: usize,
    /// Whether the request asked for acknowledgments as events.
    acks_asked: bool,
}

impl AudioFormat {
    /// Also checks `options` against the frame: they are refused before anything is sent.
    fn of(request: &InitLiveSessionRequest, options: &LiveOptions) -> Result<Self, Error> {
        let frame = sample_frame(request)?;
        if options.max_unacknowledged < frame
            || options.heartbeat.is_zero()
            || options.ack_timeout.is_zero()
        {
            return Err(Error::Config(format!(
                "live options: `max_unacknowledged` must hold a sample frame ({frame} bytes), \
                 `heartbeat` and `ack_timeout` must not be zero"
            )));
        }
        let acks_asked = request
            .messages_config
            .as_ref()
            .and_then(|messages| messages.receive_acknowledgments)
            == Some(true);
        Ok(Self { frame, acks_asked })
    }
}

/// Bytes per sample frame (one sample of every channel) of the audio a request declares, with
/// Gladia's defaults (16-bit PCM, one channel); a-law and u-law samples are one byte.
fn sample_frame(request: &InitLiveSessionRequest) -> Result<usize, Error> {
    let bytes = match (&request.encoding, request.bit_depth) {
        (Some(LiveEncoding::WavAlaw | LiveEncoding::WavUlaw), _) => 1,
        (_, None) => 2,
        (_, Some(depth)) => match depth {
            LiveBitDepth::V8 => 1,
            LiveBitDepth::V16 => 2,
            LiveBitDepth::V24 => 3,
            LiveBitDepth::V32 => 4,
            LiveBitDepth::Unknown(bits) if bits > 0 && bits % 8 == 0 && bits <= 64 => {
                bits as usize / 8
            }
            LiveBitDepth::Unknown(bits) => {
                return Err(Error::Config(format!("live request: bit depth {bits}")))
            }
        },
    };
    let channels = request.channels.unwrap_or(1);
    if !(1..=64).contains(&channels) {
        return Err(Error::Config(format!(
            "live request: {channels} channels; 1 to 64 are possible"
        )));
    }
    Ok(bytes * channels as usize)
}

/// Connects to a session's WebSocket URL and starts the task that runs it.
async fn connect(id: String, url: (String, Url), wire: driver::Wire) -> Result<LiveSession, Error> {
    let room_size = wire.options.max_unacknowledged.min(u32::MAX as usize);
    let max_piece = LiveSender::MAX_FRAME.min(room_size) / wire.frame * wire.frame;
    let room = Arc::new(Semaphore::new(room_size));
    let (commands, command_rx) = mpsc::unbounded_channel();
    let (event_tx, events) = mpsc::unbounded_channel();
    let backlog = Arc::new(AtomicUsize::new(0));
    let mut driver = driver::Driver::new(
        id.clone(),
        url,
        wire,
        command_rx,
        driver::Events::new(event_tx, backlog.clone()),
        room.clone(),
    );
    let span = driver.span();
    let socket = span.enter(driver.connect()).await?;
    tokio::spawn(span.enter(driver.run(socket)));
    Ok(LiveSession {
        sender: LiveSender {
            shared: Arc::new(SenderShared {
                session_id: id.clone(),
                commands,
                room,
                max_piece,
                stopped: AtomicBool::new(false),
            }),
        },
        events: LiveEvents { events, backlog },
        id,
    })
}
