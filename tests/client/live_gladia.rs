//! Live sessions against a stand-in that behaves as Gladia's server does (issue 16): both
//! readings of `byte_range`, unacknowledged audio discarded at a cut, a 1 MiB frame limit,
//! acknowledgments that stop or do not decode, a reader that pauses, closes with 1011 and 4500,
//! a first upgrade answered 503, and the message shapes of Gladia's published document and SDKs.
//! In each, the server must end up with the session's audio, every byte once, in order.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use gladia_api::{LiveError, LiveEvent, LiveOptions, LiveSession};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

use super::live::{all_events, fast, finish, init_server, message, ws_server, Ws};
use super::*;

/// How the server means the end of a `byte_range`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Reading {
    /// The number of bytes it has, as Gladia's SDKs read it.
    Exclusive,
    /// The last byte it has, as Gladia's AsyncAPI document says.
    Inclusive,
}

/// What a connection of the stand-in does before it lets go.
#[derive(Debug, Clone, Copy)]
enum Until {
    /// Keeps and acknowledges every frame until `stop_recording`.
    Stop,
    /// Keeps and acknowledges this many frames, then reads a few more (audio in flight at the
    /// cut) and discards them, unacknowledged.
    Cut(usize),
    /// Keeps and acknowledges this many frames, then reads on, discarding everything and
    /// acknowledging nothing, until the client leaves.
    Silent(usize),
}

/// Gladia's server as far as audio goes.
#[derive(Clone)]
struct Gladia {
    /// The session's audio as the server has it, across connections.
    kept: Arc<Mutex<Vec<u8>>>,
    reading: Reading,
    /// `byte_range` written as floats (`3200.0`), as Gladia's published document types them.
    floats: bool,
    /// The largest binary frame received.
    largest: Arc<AtomicUsize>,
    /// Sent after each frame kept, if any: a transcript, say.
    chatter: Option<fn(usize) -> Message>,
    /// Acknowledges all it received but the last `lag` bytes (0: each frame whole), so that
    /// ranges end inside frames; what it has not acknowledged is lost at a cut, and
    /// acknowledged at the stop.
    lag: usize,
}

impl Gladia {
    fn new(reading: Reading) -> Self {
        Self {
            kept: Arc::default(),
            reading,
            floats: false,
            largest: Arc::default(),
            chatter: None,
            lag: 0,
        }
    }

    fn ack(&self, first: usize, received: usize) -> Message {
        let end = match self.reading {
            Reading::Exclusive => received,
            Reading::Inclusive => received - 1,
        };
        let range = match self.floats {
            true => json!([first as f64, end as f64]),
            false => json!([first, end]),
        };
        message(
            "audio_chunk",
            json!({"acknowledged": true, "error": null,
                "data": {"byte_range": range, "time_range": [0.0, 0.1]}}),
        )
    }

    /// Serves one connection; true when it ended with `stop_recording`.
    async fn take(&self, socket: &mut Ws, until: Until) -> bool {
        let mut acknowledged = 0;
        // Received on this connection, not acknowledged yet (`lag`).
        let mut pending = Vec::new();
        loop {
            let next = match (until, acknowledged) {
                (Until::Cut(frames), n) if n == frames => {
                    // What is in flight now is read and dropped, as a server that goes away
                    // loses what it did not acknowledge.
                    match tokio::time::timeout(Duration::from_millis(50), socket.next()).await {
                        Ok(next) => next,
                        Err(_) => return false,
                    }
                }
                _ => socket.next().await,
            };
            let Some(Ok(frame)) = next else { return false };
            match frame {
                Message::Binary(audio) => {
                    self.largest.fetch_max(audio.len(), Ordering::SeqCst);
                    if audio.len() > 1024 * 1024 {
                        let close = CloseFrame {
                            code: CloseCode::Size,
                            reason: "frame over 1 MiB".into(),
                        };
                        let _ = socket.close(Some(close)).await;
                        return false;
                    }
                    if let Until::Cut(frames) | Until::Silent(frames) = until {
                        if acknowledged == frames {
                            continue;
                        }
                    }
                    pending.extend_from_slice(&audio);
                    if pending.len() <= self.lag {
                        continue;
                    }
                    let (first, received) = self.keep(&mut pending, self.lag);
                    socket.send(self.ack(first, received)).await.unwrap();
                    if let Some(chatter) = self.chatter {
                        socket.send(chatter(received)).await.unwrap();
                    }
                    acknowledged += 1;
                }
                // Past the cut, a stop in flight is dropped like the audio before it.
                Message::Text(text) if text.contains("stop_recording") => match until {
                    Until::Cut(frames) | Until::Silent(frames) if acknowledged == frames => {}
                    _ => {
                        if !pending.is_empty() {
                            let (first, received) = self.keep(&mut pending, 0);
                            socket.send(self.ack(first, received)).await.unwrap();
                        }
                        return true;
                    }
                },
                _ => {}
            }
        }
    }
}

impl Gladia {
    /// Keeps all of `pending` but its last `lag` bytes: the range to acknowledge, as the
    /// offset of its first byte and the number of bytes kept after it.
    fn keep(&self, pending: &mut Vec<u8>, lag: usize) -> (usize, usize) {
        let mut kept = self.kept.lock().unwrap();
        let first = kept.len();
        kept.extend(pending.drain(..pending.len() - lag));
        (first, kept.len())
    }

    /// A WebSocket server whose first connection goes until `first` (then is dropped without a
    /// close frame), the others until the stop, after which the session ends as Gladia ends it.
    async fn listen(&self, first: Until) -> std::net::SocketAddr {
        let gladia = self.clone();
        ws_server(move |connection, mut socket| {
            let gladia = gladia.clone();
            async move {
                let until = if connection == 0 { first } else { Until::Stop };
                if gladia.take(&mut socket, until).await {
                    finish(&mut socket).await;
                }
            }
        })
        .await
    }
}

/// A WebSocket server that answers every audio frame with `answer`, on every connection, and
/// counts the connections.
async fn answering_audio(answer: fn() -> Message) -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    let ws = ws_server(move |_, mut socket| {
        counter.fetch_add(1, Ordering::SeqCst);
        async move {
            while let Some(Ok(frame)) = socket.next().await {
                if let Message::Binary(_) = frame {
                    let _ = socket.send(answer()).await;
                }
            }
        }
    })
    .await;
    (ws, connections)
}

async fn start(
    ws: std::net::SocketAddr,
    request: InitLiveSessionRequest,
    options: LiveOptions,
) -> (MockServer, LiveSession) {
    let server = init_server(ws).await;
    let session = client(&server)
        .live()
        .start_with(&LiveInitQuery::default(), &request, options)
        .await
        .unwrap();
    (server, session)
}

fn pcm(bit_depth: i64, channels: i64) -> InitLiveSessionRequest {
    InitLiveSessionRequest {
        bit_depth: Some(LiveBitDepth::from(bit_depth)),
        channels: Some(channels),
        ..Default::default()
    }
}

/// Sends `audio` in pieces of `piece` bytes (any size: samples may be cut between two), then
/// stops the recording, while every event is read: the events, and what sending gave.
async fn exchange(
    session: LiveSession,
    audio: &[u8],
    piece: usize,
) -> (Vec<Result<LiveEvent, Error>>, Result<(), Error>) {
    let (sender, events) = session.split();
    let audio = audio.to_vec();
    let producer = tokio::spawn(async move {
        for chunk in audio.chunks(piece) {
            sender.send_audio(chunk.to_vec()).await?;
        }
        sender.stop_recording().await
    });
    let events = all_events(events).await;
    (events, producer.await.unwrap())
}

fn assert_exactly_once(gladia: &Gladia, audio: &[u8], case: &str) {
    let kept = gladia.kept.lock().unwrap();
    assert!(
        kept.len() == audio.len() && kept[..] == audio[..],
        "{case}: the server kept {} bytes of {}, not every byte once in order{}",
        kept.len(),
        audio.len(),
        match kept.iter().zip(audio).position(|(a, b)| a != b) {
            Some(at) => format!(" (first difference at byte {at})"),
            None => String::new(),
        }
    );
}

fn reconnections(events: &[Result<LiveEvent, Error>]) -> Vec<String> {
    events
        .iter()
        .filter_map(|event| match event {
            Ok(LiveEvent::Reconnecting { reason, .. }) => Some(reason.clone()),
            _ => None,
        })
        .collect()
}

fn finished(events: &[Result<LiveEvent, Error>]) -> bool {
    events.iter().any(|event| {
        matches!(event, Ok(LiveEvent::Message(m)) if matches!(**m, LiveServerMessage::EndSession(_)))
    })
}

/// Point 1: a cut with audio in flight, under each reading of `byte_range` and several sample
/// frames, with pieces that cut samples in two. After one acknowledgment the end is rounded to
/// whole frames (two and six bytes); one-byte frames need the reading, which the first
/// acknowledgment tells against the messages sent.
#[tokio::test]
async fn a_cut_resumes_exactly_under_both_readings_of_byte_range() {
    let mut cases = Vec::new();
    for reading in [Reading::Exclusive, Reading::Inclusive] {
        for (bit_depth, channels) in [(16, 1), (24, 2), (8, 1)] {
            for cut in [1, 20] {
                cases.push((reading, bit_depth, channels, cut));
            }
        }
    }
    for (reading, bit_depth, channels, cut) in cases {
        let case = format!("{reading:?}, {bit_depth} bits, {channels} channel(s), cut after {cut}");
        let gladia = Gladia::new(reading);
        let ws = gladia.listen(Until::Cut(cut)).await;
        let (_server, session) =
            start(ws, pcm(bit_depth, channels), fast(LiveOptions::default())).await;
        let audio = noise(120 * 1001);
        let (events, sent) = exchange(session, &audio, 1001).await;
        sent.unwrap();
        assert_eq!(reconnections(&events).len(), 1, "{case}: {events:?}");
        assert!(finished(&events), "{case}: {events:?}");
        assert_exactly_once(&gladia, &audio, &case);
    }
}

/// Issue 21, point 5: 8-bit mono audio (one-byte frames) against a server that acknowledges
/// inside messages of 1001 bytes, under each reading, across a cut after a few
/// acknowledgments. Lag 1: every end falls one byte before a message's end (an exclusive first
/// ack of `[0, 1000]` once read as inclusive); lag 1000: an inclusive server's first range is
/// `[0, 0]`, its next `[1, 1001]` ends where a message ends (once read as exclusive); lag 300:
/// ends nowhere near a message's end. Only consecutive ranges (or a one-byte range) tell the
/// reading, and the server must have each byte once.
#[tokio::test]
async fn one_byte_frames_acknowledged_inside_messages_arrive_exactly_once() {
    for reading in [Reading::Exclusive, Reading::Inclusive] {
        for lag in [1, 300, 1000] {
            for cut in [2, 5] {
                let case = format!("{reading:?}, lag {lag}, cut after {cut} acknowledgments");
                let gladia = Gladia {
                    lag,
                    ..Gladia::new(reading)
                };
                let ws = gladia.listen(Until::Cut(cut)).await;
                let (_server, session) = start(ws, pcm(8, 1), fast(LiveOptions::default())).await;
                let audio = noise(60 * 1001);
                let (events, sent) = exchange(session, &audio, 1001).await;
                sent.unwrap();
                assert_eq!(reconnections(&events).len(), 1, "{case}: {events:?}");
                assert!(finished(&events), "{case}: {events:?}");
                assert_exactly_once(&gladia, &audio, &case);
            }
        }
    }
}

/// Point 2: the server closes with 1009 on a frame over 1 MiB; 3 MiB given in one call go in
/// frames of at most 512 KiB, and no connection is lost.
#[tokio::test]
async fn audio_goes_in_frames_of_at_most_512_kib() {
    let gladia = Gladia::new(Reading::Exclusive);
    let ws = gladia.listen(Until::Stop).await;
    let (_server, session) = start(ws, pcm(16, 1), fast(LiveOptions::default())).await;
    let audio = noise(3 * 1024 * 1024 + 1);
    let (events, sent) = exchange(session, &audio, audio.len()).await;
    sent.unwrap();
    assert!(reconnections(&events).is_empty(), "{events:?}");
    let largest = gladia.largest.load(Ordering::SeqCst);
    assert!(largest <= 512 * 1024, "a frame of {largest} bytes");
    assert!(finished(&events), "{events:?}");
    assert_exactly_once(&gladia, &audio, "3 MiB in one call");
}

/// Point 3: acknowledgments stop on a connection that stays up (it still reads and answers
/// pings): the session replaces it, and what was not acknowledged arrives on the next.
#[tokio::test]
async fn acknowledgments_that_stop_bring_a_new_connection() {
    let gladia = Gladia::new(Reading::Inclusive);
    let ws = gladia.listen(Until::Silent(10)).await;
    let options = fast(LiveOptions::default().ack_timeout(Duration::from_millis(500)));
    let (_server, session) = start(ws, pcm(16, 1), options).await;
    let audio = noise(100 * 3200);
    let (events, sent) = exchange(session, &audio, 3200).await;
    sent.unwrap();
    let reasons = reconnections(&events);
    assert!(
        reasons.len() == 1 && reasons[0].contains("no acknowledgment"),
        "{reasons:?}"
    );
    assert!(finished(&events), "{events:?}");
    assert_exactly_once(&gladia, &audio, "acknowledgments stopped");
}

/// Point 3: acknowledgments that never decode (offsets as text) give a clear error after a
/// bounded number of connections, and `send_audio` stops waiting.
#[tokio::test]
async fn acknowledgments_that_never_decode_end_the_session_with_a_clear_error() {
    let (ws, connections) = answering_audio(|| {
        message(
            "audio_chunk",
            json!({"acknowledged": true, "data": {"byte_range": ["0", "3199"]}}),
        )
    })
    .await;
    let options = fast(LiveOptions::default())
        .max_unacknowledged(64 * 1024)
        .ack_timeout(Duration::from_millis(200));
    let attempts = options.reconnect.max_attempts as usize;
    let (_server, session) = start(ws, pcm(16, 1), options).await;
    let audio = noise(100 * 3200);
    let (events, sent) = exchange(session, &audio, 3200).await;
    assert!(
        matches!(&sent, Err(error) if error.service_error::<LiveError>()
            .is_some_and(|live| live.reason.contains("session is over"))),
        "{sent:?}"
    );
    let Some(Err(last)) = events.last() else {
        panic!("no final error: {events:?}");
    };
    let last = last.service_error::<LiveError>().expect("a live error");
    assert!(last.fatal, "{last:?}");
    assert!(
        last.reason.contains("no acknowledgment") && last.reason.contains("in a row"),
        "{}",
        last.reason
    );
    // Each undecodable acknowledgment is reported, located.
    assert!(events
        .iter()
        .any(|e| matches!(e, Err(Error::Decode(d)) if d.path.contains("byte_range"))));
    assert_eq!(connections.load(Ordering::SeqCst), attempts);
}

/// Point 4: a reader that reads nothing until the whole file is sent, and then pauses ten times
/// the heartbeat, loses no event and costs no connection; acknowledgments it did not ask for are
/// no events, those it asked for are dropped first when it falls far behind.
#[tokio::test]
async fn a_reader_that_pauses_costs_nothing() {
    for asked in [false, true] {
        let mut gladia = Gladia::new(Reading::Exclusive);
        gladia.chatter = Some(|received| {
            message(
                "transcript",
                json!({"data": {"id": format!("00-{received}"), "is_final": true,
                    "utterance": {"start": 0.0, "end": 0.1, "text": "hello", "language": "en"}}}),
            )
        });
        let ws = gladia.listen(Until::Stop).await;
        let heartbeat = Duration::from_millis(300);
        let options = fast(
            LiveOptions::default()
                .heartbeat(heartbeat)
                .ack_timeout(Duration::from_secs(1)),
        );
        let mut request = pcm(16, 1);
        request.messages_config = Some(LiveMessagesConfig {
            receive_acknowledgments: Some(asked),
            ..Default::default()
        });
        let (_server, session) = start(ws, request, options).await;
        let frames = 1200;
        let audio = noise(frames * 320);
        let (sender, events) = session.split();
        let sent = audio.clone();
        // Everything sent, then ten heartbeats of a live, quiet connection, then the stop: and
        // all the while, no one reads the events.
        let producer = tokio::spawn(async move {
            for chunk in sent.chunks(320) {
                sender.send_audio(chunk.to_vec()).await?;
            }
            tokio::time::sleep(heartbeat * 10).await;
            sender.stop_recording().await
        });
        producer.await.unwrap().unwrap();
        let events = all_events(events).await;
        assert!(reconnections(&events).is_empty(), "{events:?}");
        let count = |wanted: fn(&LiveServerMessage) -> bool| {
            events
                .iter()
                .filter(|e| matches!(e, Ok(LiveEvent::Message(m)) if wanted(m)))
                .count()
        };
        let transcripts = count(|m| matches!(m, LiveServerMessage::Transcript(_)));
        let acks = count(|m| matches!(m, LiveServerMessage::AudioChunk(_)));
        assert_eq!(transcripts, frames, "asked for acknowledgments: {asked}");
        match asked {
            false => assert_eq!(acks, 0),
            true => assert!(acks > 0 && acks < frames, "{acks} acknowledgments"),
        }
        assert!(finished(&events));
        assert_exactly_once(&gladia, &audio, "a paused reader");
    }
}

/// Point 5: closes with 1011 and 4500 (audio in flight each time) are worth another connection,
/// as Gladia's SDKs have it; 1001 and 4400–4499 end the session.
#[tokio::test]
async fn closes_with_1011_and_4500_reconnect_and_1001_and_44xx_end() {
    let gladia = Gladia::new(Reading::Exclusive);
    let server = gladia.clone();
    let ws = ws_server(move |connection, mut socket| {
        let gladia = server.clone();
        async move {
            let code = match connection {
                0 => CloseCode::Error,
                1 => CloseCode::Library(4500),
                _ => {
                    if gladia.take(&mut socket, Until::Stop).await {
                        finish(&mut socket).await;
                    }
                    return;
                }
            };
            gladia.take(&mut socket, Until::Cut(15)).await;
            let close = CloseFrame {
                code,
                reason: "internal error".into(),
            };
            let _ = socket.close(Some(close)).await;
        }
    })
    .await;
    let (_server, session) = start(ws, pcm(16, 1), fast(LiveOptions::default())).await;
    let audio = noise(100 * 3200);
    let (events, sent) = exchange(session, &audio, 3200).await;
    sent.unwrap();
    let reasons = reconnections(&events);
    assert!(
        reasons.len() == 2 && reasons[0].contains("1011") && reasons[1].contains("4500"),
        "{reasons:?}"
    );
    assert!(finished(&events));
    assert_exactly_once(&gladia, &audio, "closes with 1011 and 4500");

    for code in [1001, 4400, 4499] {
        let ws = ws_server(move |_, mut socket| async move {
            let close = CloseFrame {
                code: CloseCode::from(code),
                reason: "no".into(),
            };
            let _ = socket.close(Some(close)).await;
        })
        .await;
        let (_server, session) = start(ws, pcm(16, 1), fast(LiveOptions::default())).await;
        let (_sender, events) = session.split();
        let events = all_events(events).await;
        let [Err(error)] = &events[..] else {
            panic!("{code}: expected one fatal error: {events:?}");
        };
        let live = error.service_error::<LiveError>().expect("a live error");
        assert_eq!((live.close_code, live.fatal), (Some(code), true));
    }
}

/// Point 5: the first upgrade answered 503 is tried again, as Gladia's SDKs try a connection
/// up to five times.
#[tokio::test]
async fn a_first_upgrade_answered_503_is_tried_again() {
    let gladia = Gladia::new(Reading::Inclusive);
    let server = gladia.clone();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let ws = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut count = 0;
        while let Ok((mut stream, _)) = listener.accept().await {
            count += 1;
            if count == 1 {
                let mut buffer = [0u8; 4096];
                let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut buffer).await;
                let answer = "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n";
                let _ = tokio::io::AsyncWriteExt::write_all(&mut stream, answer.as_bytes()).await;
                continue;
            }
            let gladia = server.clone();
            tokio::spawn(async move {
                let mut socket = tokio_tungstenite::accept_async(stream).await.unwrap();
                if gladia.take(&mut socket, Until::Stop).await {
                    finish(&mut socket).await;
                }
            });
        }
    });
    let (_server, session) = start(ws, pcm(16, 1), fast(LiveOptions::default())).await;
    let audio = noise(50 * 3200);
    let (events, sent) = exchange(session, &audio, 3200).await;
    sent.unwrap();
    assert!(finished(&events), "{events:?}");
    assert_exactly_once(&gladia, &audio, "a first upgrade answered 503");
}

/// Point 6: the shapes Gladia's documents and SDKs give its messages, with a cut in the middle:
/// floats in `byte_range`, `data: null` on a refused acknowledgment and on failed add-ons,
/// `status_code` as text, utterances without `confidence`, `channel` or `words`, a
/// `post_transcript` with `full_transcript` alone, `chapterization` and named entities as a
/// `results` list in the final result, and fields no one documents, kept.
#[tokio::test]
async fn gladias_message_shapes_all_arrive_typed() {
    let mut gladia = Gladia::new(Reading::Inclusive);
    gladia.floats = true;
    let server = gladia.clone();
    let ws = ws_server(move |connection, mut socket| {
        let gladia = server.clone();
        async move {
            if connection == 0 {
                let error = json!({"status_code": "503", "exception": "AddonError", "message": "busy"});
                let utterance = json!({"text": " buenos días", "language": "es", "start": 4.2, "end": 6.1});
                for (kind, body) in [
                    ("audio_chunk", json!({"acknowledged": false, "error": {"status_code": "400", "message": "bad chunk"}, "data": null})),
                    ("translation", json!({"error": error, "data": null})),
                    ("named_entity_recognition", json!({"error": error, "data": null})),
                    ("translation", json!({"error": null, "data": {"utterance_id": "00-1",
                        "utterance": utterance, "original_language": "es", "target_language": "en",
                        "translated_utterance": {"text": " good morning", "language": "en", "start": 4.2, "end": 6.1}}})),
                    ("named_entity_recognition", json!({"error": null, "data": {"utterance_id": "00-1",
                        "utterance": {"text": "Ada in Paris", "start": 7.0, "end": 8.0},
                        "results": [{"entity_type": "LOCATION", "text": "Paris", "start": 7.5, "end": 8.0}]}})),
                ] {
                    socket.send(message(kind, body)).await.unwrap();
                }
                gladia.take(&mut socket, Until::Cut(10)).await;
                return;
            }
            if !gladia.take(&mut socket, Until::Stop).await {
                return;
            }
            let result = json!({
                "metadata": {"audio_duration": 16.0, "number_of_distinct_channels": 1,
                    "billing_time": 16.0, "transcription_time": 16.5},
                "transcription": {"full_transcript": "buenos días"},
                "named_entity_recognition": {"success": true, "is_empty": false, "exec_time": 0.2,
                    "error": null, "results": [{"entity_type": "LOCATION", "text": "Paris", "start": 7.5, "end": 8.0}]},
                "chapterization": {"success": true, "is_empty": false, "exec_time": 0.3,
                    "error": null, "results": [{"headline": "Greetings", "start": 0.0, "end": 16.0}]},
                "summarization": {"success": false, "is_empty": true, "exec_time": 0.1,
                    "error": {"status_code": "500", "exception": "E", "message": "m"}, "results": null},
                "messages": ["{\"type\":\"end_recording\"}"],
            });
            for (kind, body) in [
                ("stop_recording", json!({"acknowledged": true, "error": null,
                    "data": {"recording_duration": 16.0, "recording_left_to_process": 0.0}})),
                ("end_recording", json!({"data": {"recording_duration": 16.0}})),
                ("post_transcript", json!({"data": {"full_transcript": "buenos días"}})),
                ("post_chapterization", json!({"error": null, "data": {"results": [{"headline": "Greetings", "start": 0.0, "end": 16.0}]}})),
                ("post_summarization", json!({"error": {"status_code": "503", "message": "busy"}, "data": null})),
                ("post_final_transcript", json!({"data": result})),
                ("end_session", json!({})),
            ] {
                socket.send(message(kind, body)).await.unwrap();
            }
            let _ = socket.close(None).await;
        }
    })
    .await;
    let (_server, session) = start(ws, pcm(16, 1), fast(LiveOptions::default())).await;
    let audio = noise(50 * 3200);
    let (events, sent) = exchange(session, &audio, 3200).await;
    sent.unwrap();

    // The errors the messages carry, and nothing that failed to decode.
    let reported: Vec<_> = events
        .iter()
        .filter_map(|event| match event {
            Err(error) => match error.service_error::<LiveError>() {
                Some(live) => Some(live.message_type.clone().unwrap_or_default()),
                None => panic!("{error}"),
            },
            Ok(_) => None,
        })
        .collect();
    assert_eq!(
        reported,
        [
            "audio_chunk",
            "translation",
            "named_entity_recognition",
            "post_summarization"
        ]
    );
    let messages: Vec<&LiveServerMessage> = events
        .iter()
        .filter_map(|event| match event {
            Ok(LiveEvent::Message(message)) => Some(&**message),
            _ => None,
        })
        .collect();
    let translation = messages.iter().find_map(|m| match m {
        LiveServerMessage::Translation(t) => t.data.as_ref(),
        _ => None,
    });
    let utterance = &translation.expect("a translation").utterance;
    assert_eq!(
        (
            utterance.text.as_str(),
            utterance.confidence,
            utterance.channel
        ),
        (" buenos días", None, None)
    );
    let transcript = messages.iter().find_map(|m| match m {
        LiveServerMessage::PostTranscript(t) => Some(t.data.full_transcript.as_str()),
        _ => None,
    });
    assert_eq!(transcript, Some("buenos días"));
    let result = messages
        .iter()
        .find_map(|m| match m {
            LiveServerMessage::PostFinalTranscript(f) => Some(&f.data),
            _ => None,
        })
        .expect("the final result");
    assert_eq!(
        result.transcription.as_ref().unwrap().full_transcript,
        "buenos días"
    );
    let entities = result.named_entity_recognition.as_ref().unwrap();
    assert_eq!(
        entities.results.as_ref().unwrap()[0].text.as_deref(),
        Some("Paris")
    );
    let chapters = &result.chapterization.as_ref().unwrap().results;
    assert_eq!(chapters.as_ref().unwrap()[0]["headline"], "Greetings");
    assert!(result.additional_properties.contains_key("messages"));
    assert!(finished(&events));
    assert_eq!(reconnections(&events).len(), 1, "{events:?}");
    assert_exactly_once(&gladia, &audio, "Gladia's message shapes");
}

/// A stop the server acknowledged, then a cut: the stop is sent again on the next connection, as
/// Gladia's SDKs do, and Gladia refuses it (its published `StopRecordingAckMessage` example:
/// 409, "Recording already stopped"). The refusal is no error for the reader, and the
/// post-processing results still come.
#[tokio::test]
async fn a_stop_refused_as_already_acknowledged_is_no_error() {
    let gladia = Gladia::new(Reading::Exclusive);
    let server = gladia.clone();
    let stops = Arc::new(AtomicUsize::new(0));
    let counted = stops.clone();
    let ws = ws_server(move |connection, mut socket| {
        let gladia = server.clone();
        let stops = counted.clone();
        async move {
            if connection == 0 {
                if gladia.take(&mut socket, Until::Stop).await {
                    stops.fetch_add(1, Ordering::SeqCst);
                    let ack = json!({"acknowledged": true, "error": null, "data": {}});
                    socket.send(message("stop_recording", ack)).await.unwrap();
                }
                let close = CloseFrame {
                    code: CloseCode::Error,
                    reason: "internal error".into(),
                };
                let _ = socket.close(Some(close)).await;
                return;
            }
            // What the client sends again comes before its first ping.
            while let Some(Ok(frame)) = socket.next().await {
                match frame {
                    Message::Text(text) if text.contains("stop_recording") => {
                        stops.fetch_add(1, Ordering::SeqCst);
                        let refusal = json!({"acknowledged": false, "data": {},
                            "error": {"status_code": 409, "exception": "ConflictError",
                                "message": "Recording already stopped"}});
                        socket
                            .send(message("stop_recording", refusal))
                            .await
                            .unwrap();
                    }
                    Message::Ping(_) => break,
                    _ => {}
                }
            }
            let result = json!({"data": {"transcription": {"full_transcript": "hello"}}});
            socket
                .send(message("post_final_transcript", result))
                .await
                .unwrap();
            socket
                .send(message("end_session", json!({})))
                .await
                .unwrap();
            let _ = socket.close(None).await;
        }
    })
    .await;
    let options = fast(LiveOptions::default().heartbeat(Duration::from_millis(200)));
    let (_server, session) = start(ws, pcm(16, 1), options).await;
    let audio = noise(20 * 3200);
    let (events, sent) = exchange(session, &audio, 3200).await;
    sent.unwrap();
    assert!(events.iter().all(Result::is_ok), "{events:?}");
    assert_eq!(reconnections(&events).len(), 1, "{events:?}");
    assert_eq!(stops.load(Ordering::SeqCst), 2);
    assert!(finished(&events), "{events:?}");
    assert_exactly_once(&gladia, &audio, "a stop acknowledged before a cut");
}

/// What the example's second Ctrl-C does: `close` while the server post-processes without end
/// (it acknowledged the stop, answers pings and sends nothing more) ends the stream of events,
/// and the server sees a normal close.
#[tokio::test]
async fn close_ends_a_session_the_server_never_ends() {
    let gladia = Gladia::new(Reading::Exclusive);
    let server = gladia.clone();
    let (closed, close_code) = tokio::sync::oneshot::channel();
    let closed = Arc::new(Mutex::new(Some(closed)));
    let ws = ws_server(move |_, mut socket| {
        let gladia = server.clone();
        let closed = closed.clone();
        async move {
            if gladia.take(&mut socket, Until::Stop).await {
                let ack = json!({"acknowledged": true, "error": null, "data": {}});
                socket.send(message("stop_recording", ack)).await.unwrap();
            }
            let mut code = None;
            while let Some(Ok(frame)) = socket.next().await {
                if let Message::Close(frame) = frame {
                    code = frame.map(|frame| u16::from(frame.code));
                }
            }
            if let Some(closed) = closed.lock().unwrap().take() {
                let _ = closed.send(code);
            }
        }
    })
    .await;
    let mut request = pcm(16, 1);
    request.messages_config = Some(LiveMessagesConfig {
        receive_acknowledgments: Some(true),
        ..Default::default()
    });
    let (_server, session) = start(ws, request, fast(LiveOptions::default())).await;
    let (sender, mut events) = session.split();
    let audio = noise(10 * 3200);
    for chunk in audio.chunks(3200) {
        sender.send_audio(chunk.to_vec()).await.unwrap();
    }
    sender.stop_recording().await.unwrap();
    while let Some(event) = events.next().await {
        let event = event.unwrap();
        if matches!(&event, LiveEvent::Message(m) if matches!(**m, LiveServerMessage::StopRecording(_)))
        {
            break;
        }
    }
    sender.close();
    let rest = all_events(events).await;
    assert!(rest.iter().all(Result::is_ok), "{rest:?}");
    assert_eq!(close_code.await.unwrap(), Some(1000));
    assert_exactly_once(&gladia, &audio, "closed during post-processing");
}

/// Point 3, the other way acknowledgments stop: a server that closes every connection with 1011
/// on its first audio, before acknowledging any. The session gives up after the policy's
/// attempts in a row with a clear error, instead of sending the audio again forever.
#[tokio::test]
async fn connections_that_close_before_any_acknowledgment_end_the_session() {
    let (ws, connections) = answering_audio(|| {
        Message::Close(Some(CloseFrame {
            code: CloseCode::Error,
            reason: "internal error".into(),
        }))
    })
    .await;
    let options = fast(LiveOptions::default());
    let attempts = options.reconnect.max_attempts as usize;
    let (_server, session) = start(ws, pcm(16, 1), options).await;
    let audio = noise(100 * 3200);
    let (events, _) = exchange(session, &audio, 3200).await;
    let Some(Err(last)) = events.last() else {
        panic!("no final error: {events:?}");
    };
    let last = last.service_error::<LiveError>().expect("a live error");
    assert!(last.fatal, "{last:?}");
    assert!(
        last.reason.contains("1011")
            && last.reason.contains("no audio acknowledged")
            && last.reason.contains("in a row"),
        "{}",
        last.reason
    );
    assert_eq!(connections.load(Ordering::SeqCst), attempts);
}
