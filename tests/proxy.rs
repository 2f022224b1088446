//! A live session behind an HTTP proxy named by the environment (`HTTP_PROXY`), as services are
//! deployed: the WebSocket goes through a `CONNECT` tunnel of a proxy written here, and its
//! upgrade carries the client's user agent. A test binary of its own, because it changes the
//! process's environment, which tests running beside it in threads could read.

use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use gladia_api::types::InitLiveSessionRequest;
use gladia_api::{Client, LiveOptions};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::handshake::server::Request;
use tokio_tungstenite::tungstenite::Message;

const SESSION: &str = "4a39145c-2844-4557-8f34-34883f7be7d9";
const TOKEN: &str = "proxied-session-token";

/// A proxy that opens `CONNECT` tunnels, and keeps the head of each request it received.
async fn connect_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = heads.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                while !head.ends_with(b"\r\n\r\n") {
                    head.push(client.read_u8().await.unwrap());
                }
                let head = String::from_utf8(head).unwrap();
                seen.lock().unwrap().push(head.clone());
                let target = head
                    .strip_prefix("CONNECT ")
                    .and_then(|rest| rest.split(' ').next())
                    .map(str::to_owned);
                let Some(target) = target else {
                    let _ = client
                        .write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
                        .await;
                    return;
                };
                let mut server = TcpStream::connect(target).await.unwrap();
                client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await
                    .unwrap();
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            });
        }
    });
    (address, heads)
}

fn message(kind: &str, extra: serde_json::Value) -> Message {
    let mut message =
        json!({"session_id": SESSION, "created_at": "2026-03-02T10:15:00Z", "type": kind});
    let fields = extra.as_object().unwrap().clone();
    message.as_object_mut().unwrap().extend(fields);
    Message::text(message.to_string())
}

/// A live server on one connection: acknowledges each audio frame, ends the session on
/// `stop_recording`; gives back the user agent of the upgrade and the audio.
// The error type of the header callback is tungstenite's, whatever its size.
#[allow(clippy::result_large_err)]
async fn live_server() -> (String, tokio::task::JoinHandle<(String, Vec<u8>)>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let served = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let mut agent = String::new();
        let see = |request: &Request, response| {
            let value = request.headers().get("user-agent");
            agent = value
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            Ok(response)
        };
        let mut socket = tokio_tungstenite::accept_hdr_async(stream, see)
            .await
            .unwrap();
        let mut audio = Vec::new();
        while let Some(Ok(frame)) = socket.next().await {
            match frame {
                Message::Binary(chunk) => {
                    let first = audio.len();
                    audio.extend_from_slice(&chunk);
                    let range = json!([first, audio.len() - 1]);
                    let ack = json!({"acknowledged": true, "data": {"byte_range": range}});
                    socket.send(message("audio_chunk", ack)).await.unwrap();
                }
                Message::Text(text) if text.contains("stop_recording") => break,
                _ => {}
            }
        }
        let stopped = json!({"acknowledged": true, "data": {}});
        socket
            .send(message("stop_recording", stopped))
            .await
            .unwrap();
        socket
            .send(message("end_session", json!({})))
            .await
            .unwrap();
        let _ = socket.close(None).await;
        (agent, audio)
    });
    (address, served)
}

#[tokio::test]
async fn a_live_session_goes_through_the_environments_proxy() {
    let (proxy, heads) = connect_proxy().await;
    let (live, served) = live_server().await;
    for name in [
        "NO_PROXY",
        "no_proxy",
        "ALL_PROXY",
        "all_proxy",
        "http_proxy",
    ] {
        std::env::remove_var(name);
    }
    std::env::set_var("HTTP_PROXY", format!("http://{proxy}"));

    let client = Client::builder("")
        .no_api_key()
        .user_agent("proxied-app/2.0")
        .build()
        .unwrap();
    let url = format!("ws://{live}/v2/live?token={TOKEN}");
    let request = InitLiveSessionRequest::default();
    let session = client
        .live()
        .join(SESSION, &url, &request, LiveOptions::default())
        .await
        .unwrap();
    let (sender, mut events) = session.split();
    let audio: Vec<u8> = (0..32_000u32).map(|i| (i % 251) as u8).collect();
    sender.send_audio(audio.clone()).await.unwrap();
    sender.stop_recording().await.unwrap();
    while let Some(event) = events.next().await {
        event.unwrap();
    }
    let (agent, received) = served.await.unwrap();
    assert_eq!(agent, "proxied-app/2.0");
    assert!(received == audio, "the audio arrived changed");
    let heads = heads.lock().unwrap();
    assert_eq!(heads.len(), 1, "{heads:?}");
    let asked = &heads[0];
    assert!(
        asked.starts_with(&format!("CONNECT {live} HTTP/1.1\r\n")),
        "{asked}"
    );
    // The tunnel's request names the host only: the token stays inside the tunnel.
    assert!(!asked.contains(TOKEN), "{asked}");
}
