//! Live sessions against WebSocket servers on 127.0.0.1 that the tests run: a connection cut
//! mid-stream, a server that stops reading, a half-open connection, the stop flow, errors in
//! messages, close codes, a refused upgrade and a refused init.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use gladia_api::{LiveError, LiveEvent, LiveEvents, LiveOptions, LiveSession};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::handshake::server::Request as HandshakeRequest;
use tokio_tungstenite::tungstenite::http::HeaderMap;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::*;

pub(super) const TOKEN: &str = "s3cret-session-token";
pub(super) const SESSION: &str = "4a39145c-2844-4557-8f34-34883f7be7d9";

pub(super) type Ws = WebSocketStream<TcpStream>;

/// A WebSocket server whose `n`-th connection (from 0) is handled by `handler(n, socket)`.
pub(super) async fn ws_server<F, Fut>(handler: F) -> SocketAddr
where
    F: Fn(usize, Ws) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    ws_server_seeing(handler).await.0
}

/// [`ws_server`], keeping the headers of each upgrade request it accepts.
// The error type of the header callback is tungstenite's, whatever its size.
#[allow(clippy::result_large_err)]
pub(super) async fn ws_server_seeing<F, Fut>(handler: F) -> (SocketAddr, Arc<Mutex<Vec<HeaderMap>>>)
where
    F: Fn(usize, Ws) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let handler = Arc::new(handler);
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = heads.clone();
    tokio::spawn(async move {
        let mut count = 0;
        while let Ok((stream, _)) = listener.accept().await {
            let keep = |request: &HandshakeRequest, response| {
                seen.lock().unwrap().push(request.headers().clone());
                Ok(response)
            };
            let Ok(socket) = tokio_tungstenite::accept_hdr_async(stream, keep).await else {
                continue;
            };
            tokio::spawn(handler(count, socket));
            count += 1;
        }
    });
    (address, heads)
}

/// `POST /v2/live` on a wiremock server, answering with the WebSocket server's URL.
pub(super) async fn init_server(ws: SocketAddr) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/live"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": SESSION,
            "url": format!("ws://{ws}/v2/live?token={TOKEN}"),
        })))
        .mount(&server)
        .await;
    server
}

pub(super) async fn start(ws: SocketAddr, options: LiveOptions) -> (MockServer, LiveSession) {
    let server = init_server(ws).await;
    let session = client(&server)
        .live()
        .start_with(
            &LiveInitQuery::default(),
            &InitLiveSessionRequest::default(),
            options,
        )
        .await
        .unwrap();
    (server, session)
}

pub(super) fn fast(options: LiveOptions) -> LiveOptions {
    options.reconnect(
        RetryPolicy::default()
            .max_attempts(4)
            .initial_delay(Duration::from_millis(10))
            .max_delay(Duration::from_millis(50)),
    )
}

pub(super) fn message(kind: &str, extra: Value) -> Message {
    let mut message =
        json!({"session_id": SESSION, "created_at": "2026-03-02T10:15:00Z", "type": kind});
    message
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    Message::text(message.to_string())
}

pub(super) fn ack(first: u64, last: u64) -> Message {
    message(
        "audio_chunk",
        json!({"acknowledged": true, "error": null, "data": {"byte_range": [first, last]}}),
    )
}

/// The end of a session as the server plays it, after `stop_recording`.
pub(super) async fn finish(socket: &mut Ws) {
    for (kind, data) in [
        (
            "stop_recording",
            json!({"acknowledged": true, "error": null, "data": {}}),
        ),
        (
            "post_final_transcript",
            json!({"data": {"metadata": {"audio_duration": 1.0, "number_of_distinct_channels": 1,
                "billing_time": 1.0, "transcription_time": 1.2}}}),
        ),
        ("end_session", json!({})),
    ] {
        socket.send(message(kind, data)).await.unwrap();
    }
    let _ = socket.close(None).await;
}

/// Receives audio until `stop_recording`, acknowledging each frame it keeps; keeps only the
/// first `keep` frames when given, then cuts the connection.
pub(super) async fn receive_audio(
    socket: &mut Ws,
    received: &Mutex<Vec<u8>>,
    keep: Option<usize>,
) -> bool {
    let mut kept = 0;
    while let Some(Ok(frame)) = socket.next().await {
        match frame {
            Message::Binary(chunk) => {
                if keep.is_some_and(|keep| kept == keep) {
                    return false;
                }
                let (first, last) = {
                    let mut received = received.lock().unwrap();
                    let first = received.len() as u64;
                    received.extend_from_slice(&chunk);
                    (first, received.len() as u64 - 1)
                };
                socket.send(ack(first, last)).await.unwrap();
                kept += 1;
            }
            Message::Text(text) if text.contains("stop_recording") => return true,
            _ => {}
        }
    }
    false
}

/// Every event until the stream ends.
pub(super) async fn all_events(events: LiveEvents) -> Vec<Result<LiveEvent, Error>> {
    tokio::time::timeout(Duration::from_secs(60), events.collect())
        .await
        .expect("the event stream never ended")
}

pub(super) fn message_types(events: &[Result<LiveEvent, Error>]) -> Vec<&'static str> {
    events
        .iter()
        .filter_map(|event| match event {
            Ok(LiveEvent::Message(message)) => match **message {
                LiveServerMessage::StopRecording(_) => Some("stop_recording"),
                LiveServerMessage::PostFinalTranscript(_) => Some("post_final_transcript"),
                LiveServerMessage::EndSession(_) => Some("end_session"),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_connection_cut_mid_stream_resumes_and_every_byte_arrives_once() {
    let received = Arc::new(Mutex::new(Vec::new()));
    let server_side = received.clone();
    let ws = ws_server(move |connection, mut socket| {
        let received = server_side.clone();
        async move {
            if connection == 0 {
                // Keeps 40 frames, then hangs up without a close frame; what the client sent
                // after the 40th is dropped unacknowledged, as a cut connection loses it.
                receive_audio(&mut socket, &received, Some(40)).await;
                let mut stream = socket.into_inner();
                let _ = tokio::io::AsyncWriteExt::shutdown(&mut stream).await;
                let mut sink = tokio::io::sink();
                let _ = tokio::io::copy(&mut stream, &mut sink).await;
            } else if receive_audio(&mut socket, &received, None).await {
                finish(&mut socket).await;
            }
        }
    })
    .await;
    let (_server, session) = start(ws, fast(LiveOptions::default())).await;
    let (sender, events) = session.split();
    let audio = noise(100 * 3200);
    let sent = audio.clone();
    let producer = tokio::spawn(async move {
        for chunk in sent.chunks(3200) {
            sender.send_audio(chunk.to_vec()).await?;
        }
        sender.stop_recording().await
    });
    let events = all_events(events).await;
    producer.await.unwrap().unwrap();

    assert!(
        received.lock().unwrap()[..] == audio[..],
        "the server did not get every byte once, in order"
    );
    let resent = events.iter().find_map(|event| match event {
        Ok(LiveEvent::Reconnected { resent }) => Some(*resent),
        _ => None,
    });
    assert!(resent.is_some(), "no reconnection: {events:?}");
    assert!(events
        .iter()
        .any(|e| matches!(e, Ok(LiveEvent::Reconnecting { attempt: 1, .. }))));
    assert_eq!(
        message_types(&events),
        ["post_final_transcript", "end_session"]
    );
    assert!(events.iter().all(Result::is_ok), "{events:?}");
}

#[tokio::test]
async fn send_audio_waits_while_a_server_that_stops_reading_holds_the_buffer() {
    let ws = ws_server(|_, socket| async move {
        // Reads nothing, acknowledges nothing, keeps the connection.
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(socket);
    })
    .await;
    let options = LiveOptions::default()
        .max_unacknowledged(64 * 1024)
        .heartbeat(Duration::from_secs(30));
    let (_server, session) = start(ws, options).await;
    let (sender, _events) = session.split();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    let producer = tokio::spawn(async move {
        for _ in 0..256 {
            sender.send_audio(vec![0u8; 4096]).await.unwrap();
            counter.fetch_add(4096, Ordering::SeqCst);
        }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!producer.is_finished(), "the producer was never held back");
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        64 * 1024,
        "the buffer's bound"
    );
    producer.abort();
}

#[tokio::test]
async fn a_half_open_connection_is_detected_and_replaced() {
    let ws = ws_server(|connection, mut socket| async move {
        if connection == 0 {
            // Gone without a word: reads nothing, answers no ping.
            tokio::time::sleep(Duration::from_secs(30)).await;
        } else if receive_audio(&mut socket, &Mutex::new(Vec::new()), None).await {
            finish(&mut socket).await;
        }
    })
    .await;
    let options = fast(LiveOptions::default().heartbeat(Duration::from_millis(200)));
    let (_server, session) = start(ws, options).await;
    let (sender, events) = session.split();
    let reader = tokio::spawn(all_events(events));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    sender.stop_recording().await.unwrap();
    let events = reader.await.unwrap();
    let reason = events.iter().find_map(|event| match event {
        Ok(LiveEvent::Reconnecting { reason, .. }) => Some(reason.clone()),
        _ => None,
    });
    assert!(
        reason.is_some_and(|r| r.contains("nothing heard")),
        "{events:?}"
    );
    assert_eq!(
        message_types(&events),
        ["post_final_transcript", "end_session"]
    );
}

#[tokio::test]
async fn stop_recording_brings_the_final_transcript_then_the_end() {
    if gladia_tests::shared("reference/gladia-openapi-2026-08-19.json").is_none() {
        return;
    }
    let ws = ws_server(|_, mut socket| async move {
        let received = Mutex::new(Vec::new());
        if receive_audio(&mut socket, &received, None).await {
            assert_eq!(received.lock().unwrap().len(), 6400);
            finish(&mut socket).await;
        }
    })
    .await;
    let (server, session) = start(ws, LiveOptions::default()).await;
    let id = session.id().to_owned();
    let (sender, events) = session.split();
    sender.send_audio(vec![1u8; 3200]).await.unwrap();
    sender.send_audio(vec![2u8; 3200]).await.unwrap();
    sender.stop_recording().await.unwrap();
    let events = all_events(events).await;
    assert_eq!(
        message_types(&events),
        ["post_final_transcript", "end_session"]
    );
    let acks = events
        .iter()
        .filter(|e| matches!(e, Ok(LiveEvent::Message(m)) if matches!(**m, LiveServerMessage::AudioChunk(_))))
        .count();
    // The request did not ask for acknowledgments: the session took them, the reader sees none.
    assert_eq!(acks, 0);
    // After the end, no more audio.
    let refused = sender.send_audio(vec![0u8; 10]).await.unwrap_err();
    assert!(
        refused.service_error::<LiveError>().is_some(),
        "{refused:?}"
    );

    // The init asked for acknowledgments, whatever the request said.
    let init = &requests(&server).await[0];
    let body: Value = serde_json::from_slice(&init.body).unwrap();
    assert_eq!(
        body["messages_config"]["receive_acknowledgments"],
        json!(true)
    );
    let mut done = example("StreamingResponse");
    done["id"] = json!(id);
    Mock::given(method("GET"))
        .and(path(format!("/v2/live/{id}")))
        .respond_with(ok_json(done))
        .mount(&server)
        .await;
    assert_eq!(client(&server).live().get(&id).await.unwrap().id, id);
}

#[tokio::test]
async fn an_error_in_a_message_is_reported_and_the_session_goes_on() {
    let ws = ws_server(|_, mut socket| async move {
        let error = json!({"status_code": 500, "exception": "TranslationError", "message": "model unavailable"});
        socket
            .send(message("translation", json!({"error": error, "data": null})))
            .await
            .unwrap();
        socket.send(message("unheard_of", json!({"data": {"x": 1}}))).await.unwrap();
        socket
            .send(message("transcript", json!({"data": {"id": "00-1", "is_final": "yes"}})))
            .await
            .unwrap();
        if receive_audio(&mut socket, &Mutex::new(Vec::new()), None).await {
            finish(&mut socket).await;
        }
    })
    .await;
    let (_server, session) = start(ws, LiveOptions::default()).await;
    let (sender, mut events) = session.split();
    let first = events.next().await.unwrap().unwrap_err();
    let Some(live) = first.service_error::<LiveError>() else {
        panic!("expected a live error: {first:?}");
    };
    assert_eq!(live.message_type.as_deref(), Some("translation"));
    assert!(!live.fatal);
    assert!(
        first
            .to_string()
            .contains("TranslationError: model unavailable"),
        "{first}"
    );
    // Then the message itself, its `data` null as Gladia's SDKs type it when an add-on fails.
    let failed = events.next().await.unwrap().unwrap();
    assert!(
        matches!(&failed, LiveEvent::Message(m) if matches!(&**m, LiveServerMessage::Translation(t) if t.data.is_none())),
        "{failed:?}"
    );
    let unknown = events.next().await.unwrap().unwrap();
    assert!(
        matches!(&unknown, LiveEvent::Message(m) if matches!(&**m, LiveServerMessage::Unknown(v) if v["type"] == "unheard_of")),
        "{unknown:?}"
    );
    // A known message that does not fit its type: a located error, and the session goes on.
    let Some(Err(Error::Decode(decode))) = events.next().await else {
        panic!("expected a decode error");
    };
    assert_eq!(decode.path, "data.is_final");
    sender.stop_recording().await.unwrap();
    let rest = all_events(events).await;
    assert_eq!(
        message_types(&rest),
        ["post_final_transcript", "end_session"]
    );
}

#[tokio::test]
async fn a_close_code_in_4400_4499_ends_the_session_with_it() {
    let ws = ws_server(|_, mut socket| async move {
        let frame = CloseFrame {
            code: CloseCode::Library(4401),
            reason: "session expired".into(),
        };
        let _ = socket.close(Some(frame)).await;
    })
    .await;
    let (_server, session) = start(ws, fast(LiveOptions::default())).await;
    let (_sender, events) = session.split();
    let events = all_events(events).await;
    let [Err(error)] = &events[..] else {
        panic!("expected one fatal error: {events:?}");
    };
    let live = error.service_error::<LiveError>().expect("a live error");
    assert_eq!(
        (live.close_code, live.reason.as_str(), live.fatal),
        (Some(4401), "session expired", true)
    );
}

#[tokio::test]
async fn a_refused_upgrade_is_an_api_error_and_the_token_never_shows() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let ws = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buffer = [0u8; 4096];
            let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut buffer).await;
            let body = r#"{"statusCode":401,"message":"invalid or expired token"}"#;
            let answer = format!(
                "HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            let _ = tokio::io::AsyncWriteExt::write_all(&mut stream, answer.as_bytes()).await;
        }
    });
    let server = init_server(ws).await;
    let error = client(&server)
        .live()
        .start(&InitLiveSessionRequest::default())
        .await
        .unwrap_err();
    assert_eq!(
        error.status(),
        Some(reqwest::StatusCode::UNAUTHORIZED),
        "{error:?}"
    );
    assert!(error.to_string().contains("invalid or expired token"));
    assert!(!format!("{error} {error:?}").contains(TOKEN));

    // Nor in the Debug of a running session.
    let ws = ws_server(|_, socket| async move {
        tokio::time::sleep(Duration::from_secs(5)).await;
        drop(socket);
    })
    .await;
    let (_server, session) = start(ws, LiveOptions::default()).await;
    assert!(!format!("{session:?}").contains(TOKEN));
}

#[tokio::test]
async fn an_init_refused_with_401_comes_back_as_is() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/live"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(
                json!({"statusCode": 401, "message": "bad key", "request_id": "G-9"}),
            ),
        )
        .mount(&server)
        .await;
    let error = client(&server)
        .live()
        .start(&InitLiveSessionRequest::default())
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "401 Unauthorized (request G-9): bad key");
}

/// Issue 21, point 2: no option value panics. A heartbeat and an acknowledgment timeout of
/// `Duration::MAX` (doubled, added to the clock) and a reconnection policy of huge delays: the
/// session runs as any other.
#[tokio::test]
async fn options_at_their_extremes_do_not_panic() {
    let ws = ws_server(|_, mut socket| async move {
        let received = Mutex::new(Vec::new());
        if receive_audio(&mut socket, &received, None).await {
            finish(&mut socket).await;
        }
    })
    .await;
    let options = LiveOptions::default()
        .heartbeat(Duration::MAX)
        .ack_timeout(Duration::MAX)
        .reconnect(
            RetryPolicy::default()
                .max_attempts(u32::MAX)
                .initial_delay(Duration::MAX)
                .max_delay(Duration::MAX)
                .max_retry_after(Duration::MAX),
        );
    let (_server, session) = start(ws, options).await;
    let (sender, events) = session.split();
    sender.send_audio(vec![1u8; 3200]).await.unwrap();
    sender.stop_recording().await.unwrap();
    let events = all_events(events).await;
    assert!(events.iter().all(Result::is_ok), "{events:?}");
    assert_eq!(
        message_types(&events),
        ["post_final_transcript", "end_session"]
    );
}

/// A session a backend created is joined from its id and URL (the SDKs' `connectSession`) by a
/// client without a key; the upgrade carries the client's user agent and default headers, and
/// no key.
#[tokio::test]
async fn a_session_created_elsewhere_is_joined_by_url() {
    let received = Arc::new(Mutex::new(Vec::new()));
    let kept = received.clone();
    let (ws, heads) = ws_server_seeing(move |_, mut socket| {
        let kept = kept.clone();
        async move {
            if receive_audio(&mut socket, &kept, None).await {
                finish(&mut socket).await;
            }
        }
    })
    .await;
    let client = Client::builder("")
        .no_api_key()
        .user_agent("joining-app/1.0")
        .header("x-team", "blue")
        .build()
        .unwrap();
    let url = format!("ws://{ws}/v2/live?token={TOKEN}");
    let session = client
        .live()
        .join(
            SESSION,
            &url,
            &InitLiveSessionRequest::default(),
            fast(LiveOptions::default()),
        )
        .await
        .unwrap();
    assert_eq!(session.id(), SESSION);
    let (sender, events) = session.split();
    let audio = vec![7u8; 6400];
    sender.send_audio(audio.clone()).await.unwrap();
    sender.stop_recording().await.unwrap();
    let events = all_events(events).await;
    assert!(events.iter().all(Result::is_ok), "{events:?}");
    assert_eq!(*received.lock().unwrap(), audio);
    let head = heads.lock().unwrap()[0].clone();
    assert_eq!(head["user-agent"], "joining-app/1.0");
    assert_eq!(head["x-team"], "blue");
    assert!(head.get("x-gladia-key").is_none(), "{head:?}");

    let error = client
        .live()
        .join(
            SESSION,
            "https://example.com/?token=t",
            &InitLiveSessionRequest::default(),
            LiveOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Config(m) if !m.contains("token=t")),
        "{error}"
    );
}

/// Sessions a client starts run in its region unless the call names another.
#[tokio::test]
async fn the_clients_region_goes_with_the_sessions_it_starts() {
    let server = MockServer::start().await;
    for region in ["eu-west", "us-west"] {
        Mock::given(method("POST"))
            .and(path("/v2/live"))
            .and(query_param("region", region))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({
                "id": SESSION,
                "url": format!("wss://example.com/v2/live?token={TOKEN}"),
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = Client::builder(KEY)
        .base_url(server.uri())
        .region(LiveRegion::EuWest)
        .build()
        .unwrap();
    assert_eq!(client.region(), Some(&LiveRegion::EuWest));
    let request = InitLiveSessionRequest::default();
    let created = client
        .live()
        .create(&LiveInitQuery::default(), &request)
        .await;
    assert_eq!(created.unwrap().id, SESSION);
    let elsewhere = LiveInitQuery {
        region: Some(LiveRegion::UsWest),
    };
    client.live().create(&elsewhere, &request).await.unwrap();
}
