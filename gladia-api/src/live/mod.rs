//! Live transcription: a session over Gladia's WebSocket that streams audio in and typed messages
//! out, survives dropped connections, and loses or repeats no audio.
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
//! until the server acknowledges it (`byte_range`, counted from the session's first byte). When
//! the connection drops without a normal close, or stays silent past the heartbeat, it connects
//! again to the same URL and sends the unacknowledged bytes again, in order, before any new one:
//! acknowledged bytes are never sent twice, the others are sent until acknowledged. At most
//! [`LiveOptions::max_unacknowledged`] bytes are kept; `send_audio` waits beyond that, so a
//! fast producer facing a slow server never grows memory.

mod audio;
mod driver;

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{mpsc, Semaphore};

use crate::operations::Live;
use crate::types::{InitLiveSessionRequest, LiveInitQuery, LiveServerMessage};
use crate::{Error, LiveError, RetryPolicy};

/// How a live session behaves on the wire.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveOptions {
    /// Reconnections after a connection drops: attempts per drop (the lost connection counts as
    /// the first) and the delays between them. [`RetryPolicy::none`] turns them off.
    pub reconnect: RetryPolicy,
    /// The most audio kept until the server acknowledges it, in bytes, 4 MiB by default;
    /// [`LiveSender::send_audio`] waits while it is reached.
    pub max_unacknowledged: usize,
    /// How often a quiet connection is checked with a ping, 5 s by default. A connection that
    /// brings nothing for twice as long (no message, no pong), or does not take a frame for as
    /// long, counts as dropped.
    pub heartbeat: Duration,
}

impl Default for LiveOptions {
    fn default() -> Self {
        Self {
            reconnect: RetryPolicy {
                max_attempts: 6,
                initial_delay: Duration::from_millis(250),
                max_delay: Duration::from_secs(5),
                ..RetryPolicy::default()
            },
            max_unacknowledged: 4 * 1024 * 1024,
            heartbeat: Duration::from_secs(5),
        }
    }
}

/// What a live session reports.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum LiveEvent {
    /// A message of the server: transcripts, add-on results, acknowledgments, lifecycle.
    /// Boxed: the final result is large, transcripts are many.
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
    max_chunk: usize,
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
    /// Sends audio in the format declared when the session started. Waits while the server has
    /// not acknowledged [`LiveOptions::max_unacknowledged`] bytes; fails once the recording is
    /// stopped or the session is over.
    pub async fn send_audio(&self, audio: impl Into<Bytes>) -> Result<(), Error> {
        let audio = audio.into();
        let shared = &*self.shared;
        for start in (0..audio.len()).step_by(shared.max_chunk) {
            let piece = audio.slice(start..audio.len().min(start + shared.max_chunk));
            if shared.stopped.load(Ordering::Acquire) {
                return Err(self.refused("the recording is stopped"));
            }
            // `max_chunk` fits a u32, so the cast is exact.
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
        Error::Live(Box::new(LiveError::new(
            self.shared.session_id.clone(),
            reason.to_owned(),
        )))
    }
}

/// The events of a live session, in order; the stream ends after `end_session`, after
/// [`LiveSender::close`], or after an error that ends the session (its last item). Other errors
/// (an `error` in one message, a message that does not decode) are items of their own, and the
/// stream goes on. Read it: the session waits for the reader when it falls behind.
#[derive(Debug)]
pub struct LiveEvents {
    events: mpsc::Receiver<Result<LiveEvent, Error>>,
}

impl futures_core::Stream for LiveEvents {
    type Item = Result<LiveEvent, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events.poll_recv(cx)
    }
}

impl Live<'_> {
    /// Starts a live session (`POST /v2/live`) and connects to it, with the default
    /// [`LiveOptions`]. Acknowledgments are turned on whatever the request says: the session
    /// needs them to send no audio twice, and reports them as events.
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
        if options.max_unacknowledged == 0 || options.heartbeat.is_zero() {
            return Err(Error::Config(
                "live options: `max_unacknowledged` and `heartbeat` must not be zero".into(),
            ));
        }
        let mut request = request.clone();
        request
            .messages_config
            .get_or_insert_with(Default::default)
            .receive_acknowledgments = Some(true);
        let session = self.init(query, &request).await?;
        connect(session.id, session.url, options).await
    }
}

/// Connects to a session's WebSocket URL and starts the task that runs it.
async fn connect(id: String, url: String, options: LiveOptions) -> Result<LiveSession, Error> {
    let max_chunk = options.max_unacknowledged.min(u32::MAX as usize);
    let room = Arc::new(Semaphore::new(max_chunk));
    let (commands, command_rx) = mpsc::unbounded_channel();
    // Room for a burst of messages; past it the session waits for the reader.
    let (event_tx, events) = mpsc::channel(256);
    let driver = driver::Driver::new(id.clone(), url, options, command_rx, event_tx, room.clone());
    let socket = driver.connect().await?;
    tokio::spawn(driver.run(socket));
    Ok(LiveSession {
        sender: LiveSender {
            shared: Arc::new(SenderShared {
                session_id: id.clone(),
                commands,
                room,
                max_chunk,
                stopped: AtomicBool::new(false),
            }),
        },
        events: LiveEvents { events },
        id,
    })
}
