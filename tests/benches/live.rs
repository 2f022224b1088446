//! A live session over loopback, against a WebSocket server in the same process that
//! acknowledges every frame it reads:
//! - `throughput`: audio sent with acknowledgments, MiB/s (default 256 MiB in 32 KiB chunks);
//! - `rss`: a producer offers 1 GiB to a server that reads slowly; the peak resident memory of
//!   the process must stay far below it (target: under 32 MiB), as `send_audio` waits on
//!   unacknowledged audio.
//!
//! `cargo bench -p gladia-tests --bench live -- throughput [MiB]` or `-- rss [MiB]`

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use gladia_api::types::{InitLiveSessionRequest, LiveInitQuery};
use gladia_api::{Client, LiveOptions};
use gladia_tests::peak_rss_mib;
use serde_json::json;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

const CHUNK: usize = 32 * 1024;

/// Acknowledges every frame; a `slow` server pauses 1 ms after each (about 30 MiB/s with 32 KiB
/// frames, the timer's granularity deciding).
async fn ws_server(slow: bool) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut socket = tokio_tungstenite::accept_async(stream).await.unwrap();
                let mut received = 0u64;
                while let Some(Ok(frame)) = socket.next().await {
                    match frame {
                        Message::Binary(chunk) => {
                            let first = received;
                            received += chunk.len() as u64;
                            if slow {
                                tokio::time::sleep(Duration::from_millis(1)).await;
                            }
                            let ack = json!({"session_id": "s", "created_at": "2026-03-02T10:15:00Z",
                                "type": "audio_chunk", "acknowledged": true,
                                "data": {"byte_range": [first, received - 1]}});
                            socket.send(Message::text(ack.to_string())).await.unwrap();
                        }
                        Message::Text(text) if text.contains("stop_recording") => {
                            let end = json!({"session_id": "s", "created_at": "2026-03-02T10:15:00Z",
                                "type": "end_session"});
                            socket.send(Message::text(end.to_string())).await.unwrap();
                            let _ = socket.close(None).await;
                            return;
                        }
                        _ => {}
                    }
                }
            });
        }
    });
    address
}

/// A session on `ws`, started through a one-shot `POST /v2/live` server.
async fn session(ws: SocketAddr) -> gladia_api::LiveSession {
    let init = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", init.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut stream, _) = init.accept().await.unwrap();
        let mut buffer = vec![0u8; 64 * 1024];
        let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut buffer).await;
        let body = json!({"id": "s", "url": format!("ws://{ws}/v2/live?token=t")}).to_string();
        let answer = format!(
            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        tokio::io::AsyncWriteExt::write_all(&mut stream, answer.as_bytes())
            .await
            .unwrap();
    });
    let client = Client::builder("key").base_url(base).build().unwrap();
    client
        .live()
        .start_with(
            &LiveInitQuery::default(),
            &InitLiveSessionRequest::default(),
            LiveOptions::default(),
        )
        .await
        .unwrap()
}

/// Sends `mib` MiB, stops, and reads every event; returns the time it took.
async fn stream(ws: SocketAddr, mib: usize) -> Duration {
    let (sender, events) = session(ws).await.split();
    let reader = tokio::spawn(events.count());
    let chunk = vec![0x5au8; CHUNK];
    let started = Instant::now();
    for _ in 0..mib * 1024 * 1024 / CHUNK {
        sender.send_audio(chunk.clone()).await.unwrap();
    }
    sender.stop_recording().await.unwrap();
    reader.await.unwrap();
    started.elapsed()
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let mode = args.next().unwrap_or_else(|| "throughput".to_owned());
    let size = args.next().and_then(|a| a.parse().ok());
    match mode.as_str() {
        "throughput" => {
            let mib = size.unwrap_or(256);
            let took = stream(ws_server(false).await, mib).await;
            println!(
                "live throughput: {mib} MiB in {CHUNK}-byte chunks, acknowledged, in {:.2} s: {:.0} MiB/s",
                took.as_secs_f64(),
                mib as f64 / took.as_secs_f64()
            );
        }
        "rss" => {
            let mib = size.unwrap_or(1024);
            let before = peak_rss_mib();
            let took = stream(ws_server(true).await, mib).await;
            println!(
                "live rss: {mib} MiB offered to a slow server in {:.1} s; peak RSS {:.1} MiB (before: {before:.1} MiB)",
                took.as_secs_f64(),
                peak_rss_mib()
            );
        }
        other => {
            eprintln!("unknown mode `{other}`: throughput or rss");
            std::process::exit(2);
        }
    }
}
