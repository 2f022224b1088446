//! A local stand-in for Gladia's live API, for trying the `live` example by hand: it behaves as
//! issue 16 describes Gladia's server (first upgrade answered 503, acknowledgments as floats, a
//! cut with 1011 and the unacknowledged audio discarded, utterances without `confidence`,
//! `post_transcript` with `full_transcript` alone) and writes the audio it kept to a file.
//!
//! ```text
//! cargo run -p gladia-tests --example live_server -- received.pcm [--inclusive]
//! GLADIA_API_KEY=x GLADIA_API_URL=http://127.0.0.1:PORT cargo run -p gladia-api --example live -- file.wav --speed 0
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

/// Frames acknowledged on the first connection before it is closed with 1011.
const CUT_AFTER: usize = 30;

struct Session {
    output: String,
    inclusive: bool,
    /// Bytes of audio per second, from the init request.
    byte_rate: AtomicUsize,
    kept: Mutex<Vec<u8>>,
    connections: AtomicUsize,
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let Some(output) = args.next() else {
        eprintln!("usage: live_server <received.pcm> [--inclusive]");
        std::process::exit(2);
    };
    let session = Arc::new(Session {
        output,
        inclusive: args.next().as_deref() == Some("--inclusive"),
        byte_rate: AtomicUsize::new(32_000),
        kept: Mutex::default(),
        connections: AtomicUsize::new(0),
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    eprintln!("GLADIA_API_URL=http://{address}");
    while let Ok((stream, _)) = listener.accept().await {
        tokio::spawn(serve(stream, address.to_string(), session.clone()));
    }
}

/// `POST /v2/live` answered with this server's WebSocket URL, or a WebSocket upgrade.
async fn serve(mut stream: TcpStream, address: String, session: Arc<Session>) {
    let mut head = [0u8; 8];
    if stream.peek(&mut head).await.is_err() {
        return;
    }
    if head.starts_with(b"POST") {
        let request = read_request(&mut stream).await;
        let (line, body) = request.split_once("\r\n\r\n").unwrap_or((&request, ""));
        eprintln!("init: {}", line.lines().next().unwrap_or(""));
        let init: Value = serde_json::from_str(body).unwrap_or_default();
        let frame = match init["encoding"].as_str() {
            Some("wav/alaw" | "wav/ulaw") => 1,
            _ => init["bit_depth"].as_u64().unwrap_or(16) / 8,
        } * init["channels"].as_u64().unwrap_or(1);
        let rate = init["sample_rate"].as_u64().unwrap_or(16_000) * frame;
        session.byte_rate.store(rate as usize, Ordering::SeqCst);
        eprintln!("init body: {body}");
        let answer = json!({"id": "s-1", "created_at": "2026-03-02T10:15:00Z",
            "url": format!("ws://{address}/v2/live?token=local")})
        .to_string();
        let reply = format!(
            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
            answer.len()
        );
        let _ = stream.write_all(reply.as_bytes()).await;
        return;
    }
    let connection = session.connections.fetch_add(1, Ordering::SeqCst);
    if connection == 0 {
        read_request(&mut stream).await;
        eprintln!("upgrade 0: answered 503");
        let _ = stream
            .write_all(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n")
            .await;
        return;
    }
    let Ok(mut socket) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    eprintln!("upgrade {connection}: connected");
    let mut acknowledged = 0;
    let mut uttered = session.kept.lock().unwrap().len() / session.byte_rate.load(Ordering::SeqCst);
    while let Some(Ok(frame)) = socket.next().await {
        match frame {
            Message::Binary(audio) => {
                if audio.len() > 1024 * 1024 {
                    let close = CloseFrame {
                        code: CloseCode::Size,
                        reason: "over 1 MiB".into(),
                    };
                    let _ = socket.close(Some(close)).await;
                    return;
                }
                if connection == 1 && acknowledged == CUT_AFTER {
                    // What is in flight is lost with the connection.
                    while let Ok(Some(Ok(_))) =
                        tokio::time::timeout(Duration::from_millis(50), socket.next()).await
                    {
                    }
                    eprintln!("upgrade {connection}: closed with 1011 after {CUT_AFTER} frames");
                    let close = CloseFrame {
                        code: CloseCode::Error,
                        reason: "restarting".into(),
                    };
                    let _ = socket.close(Some(close)).await;
                    return;
                }
                let (first, received) = {
                    let mut kept = session.kept.lock().unwrap();
                    let first = kept.len();
                    kept.extend_from_slice(&audio);
                    (first, kept.len())
                };
                let end = if session.inclusive {
                    received - 1
                } else {
                    received
                };
                let ack = json!({"acknowledged": true, "error": null,
                    "data": {"byte_range": [first as f64, end as f64]}});
                let _ = socket.send(message("audio_chunk", ack)).await;
                acknowledged += 1;
                let rate = session.byte_rate.load(Ordering::SeqCst);
                while (uttered + 1) * rate <= received {
                    uttered += 1;
                    let utterance = json!({"text": format!(" utterance {uttered}"), "language": "en",
                        "start": (uttered - 1) as f64, "end": uttered as f64});
                    let data = json!({"data": {"id": format!("00-{uttered}"), "is_final": true,
                        "utterance": utterance}});
                    let _ = socket.send(message("transcript", data)).await;
                }
            }
            Message::Text(text) if text.contains("stop_recording") => {
                let kept = session.kept.lock().unwrap().clone();
                std::fs::write(&session.output, &kept).unwrap();
                eprintln!(
                    "stop: {} bytes kept, written to {}",
                    kept.len(),
                    session.output
                );
                let rate = session.byte_rate.load(Ordering::SeqCst);
                let seconds = kept.len().div_ceil(rate);
                let full: Vec<String> = (1..=seconds).map(|n| format!("utterance {n}")).collect();
                let full = full.join(" ");
                for (kind, body) in [
                    (
                        "stop_recording",
                        json!({"acknowledged": true, "error": null, "data": {}}),
                    ),
                    (
                        "post_transcript",
                        json!({"data": {"full_transcript": full}}),
                    ),
                    (
                        "post_final_transcript",
                        json!({"data": {
                        "metadata": {"audio_duration": seconds, "number_of_distinct_channels": 1,
                            "billing_time": seconds, "transcription_time": seconds},
                        "transcription": {"full_transcript": full}}}),
                    ),
                    ("end_session", json!({})),
                ] {
                    let _ = socket.send(message(kind, body)).await;
                }
                let _ = socket.close(None).await;
                return;
            }
            _ => {}
        }
    }
}

fn message(kind: &str, extra: Value) -> Message {
    let mut message =
        json!({"session_id": "s-1", "created_at": "2026-03-02T10:15:00Z", "type": kind});
    message
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    Message::text(message.to_string())
}

/// The request's head and body (by `content-length`), as text.
async fn read_request(stream: &mut TcpStream) -> String {
    let mut request = Vec::new();
    let mut buffer = [0u8; 8192];
    while let Ok(read) = stream.read(&mut buffer).await {
        if read == 0 {
            break;
        }
        request.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&request);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|line| {
                    line.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            if body.len() >= length {
                break;
            }
        }
    }
    String::from_utf8_lossy(&request).into_owned()
}
