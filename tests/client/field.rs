//! The client against servers that behave as the field does: slow readers, servers that stop
//! reading or sending, connections that never open, proxies with a path prefix, and lists that
//! hold jobs of older shapes. Redirects to another host: `a_redirect_to_another_host_…`.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::*;

/// Long enough to notice a hang, short of making the suite slow.
const HANG: Duration = Duration::from_secs(60);

/// Fails the test instead of hanging it when the client never comes back.
async fn bounded<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(HANG, future)
        .await
        .expect("the client hung")
}

/// A server for what wiremock cannot do, answering each connection with `serve`. Its receive
/// buffer is small, as over a real network: loopback's would otherwise swallow megabytes
/// before the server reads a byte.
async fn raw_server<F, Fut>(serve: F) -> SocketAddr
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(64 * 1024).unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener: TcpListener = socket.listen(16).unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream));
        }
    });
    address
}

/// Reads the request head; returns it with the body bytes that came along.
async fn read_head(stream: &mut TcpStream) -> (String, Vec<u8>) {
    let mut received = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        let read = stream.read(&mut buffer).await.unwrap();
        assert!(read > 0, "the connection closed inside the request head");
        received.extend_from_slice(&buffer[..read]);
        if let Some(end) = find(&received, b"\r\n\r\n") {
            let body = received.split_off(end + 4);
            return (String::from_utf8(received).unwrap(), body);
        }
    }
}

fn content_length(head: &str) -> u64 {
    head.lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().unwrap())
        })
        .expect("a request body of known length")
}

async fn respond_json(stream: &mut TcpStream, body: &Value) {
    let body = body.to_string();
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body.as_bytes()).await.unwrap();
}

/// Sends `body` at about `bytes_per_second`, then stops sending (without closing) after
/// `stop_after` bytes, if given.
async fn send_slowly(
    stream: &mut TcpStream,
    body: &[u8],
    bytes_per_second: u64,
    stop_after: Option<usize>,
) {
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: audio/wav\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    const CHUNK: usize = 32 * 1024;
    let pause = Duration::from_secs_f64(CHUNK as f64 / bytes_per_second as f64);
    let end = stop_after.unwrap_or(body.len());
    for chunk in body[..end].chunks(CHUNK) {
        if stream.write_all(chunk).await.is_err() {
            return;
        }
        tokio::time::sleep(pause).await;
    }
    if stop_after.is_some() {
        tokio::time::sleep(HANG).await;
    }
}

fn raw_client(address: SocketAddr, timeout: Duration) -> Client {
    Client::builder(KEY)
        .base_url(format!("http://{address}"))
        .timeout(timeout)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_upload_longer_than_the_timeout_goes_through_while_bytes_flow() {
    if gladia_tests::shared("reference/gladia-openapi-2026-08-19.json").is_none() {
        return;
    }
    const SIZE: usize = 16 * 1024 * 1024;
    let received = Arc::new(AtomicU64::new(0));
    let counter = received.clone();
    let address = raw_server(move |mut stream| {
        let counter = counter.clone();
        async move {
            let (head, early) = read_head(&mut stream).await;
            let length = content_length(&head);
            let mut total = early.len() as u64;
            let mut buffer = vec![0u8; 64 * 1024];
            // The first 10 MiB at about 4 MiB/s, some 2.5 s: longer than the timeout, while the
            // client hands chunks over as its socket buffer drains (the kernel wakes it once a
            // third or so is free: about 0.3 s apart at this pace). The rest at full speed: it
            // empties the client's buffer (at most 4 MiB here) at once, so the wait after the
            // last chunk stays short however loaded the machine is.
            while total < length {
                let read = stream.read(&mut buffer).await.unwrap();
                assert!(read > 0, "the client gave up mid-body");
                total += read as u64;
                if total < 10 * 1024 * 1024 {
                    tokio::time::sleep(Duration::from_millis(15)).await;
                }
            }
            counter.store(total, Ordering::SeqCst);
            respond_json(&mut stream, &example("AudioUploadResponse")).await;
        }
    })
    .await;
    let client = raw_client(address, Duration::from_millis(1500));
    let upload = UploadFile::bytes("long.wav", noise(SIZE));
    let uploaded = bounded(client.upload().file(upload)).await;
    assert!(uploaded.is_ok(), "{uploaded:?}");
    assert!(received.load(Ordering::SeqCst) > SIZE as u64);
}

#[tokio::test]
async fn an_upload_to_a_server_that_stops_reading_times_out() {
    let address = raw_server(|mut stream| async move {
        read_head(&mut stream).await;
        // Holds the connection open and reads nothing more.
        tokio::time::sleep(HANG).await;
        drop(stream);
    })
    .await;
    let client = raw_client(address, Duration::from_millis(500));
    let upload = UploadFile::bytes("stuck.wav", noise(64 * 1024 * 1024));
    let error = bounded(client.upload().file(upload)).await.unwrap_err();
    assert!(
        matches!(&error, Error::Timeout { operation, after, kind: TimeoutKind::Stall, .. }
            if operation == "POST /v2/upload" && *after == Duration::from_millis(500)),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_download_longer_than_the_timeout_arrives_whole() {
    let audio = Arc::new(noise(1024 * 1024));
    let served = audio.clone();
    let address = raw_server(move |mut stream| {
        let served = served.clone();
        async move {
            read_head(&mut stream).await;
            // About 512 KiB/s: two seconds in all, four times the timeout.
            send_slowly(&mut stream, &served, 512 * 1024, None).await;
        }
    })
    .await;
    let client = raw_client(address, Duration::from_millis(500));
    let download = client.pre_recorded().audio(JOB_ID).await.unwrap();
    let bytes = bounded(download.bytes()).await.unwrap();
    assert!(bytes[..] == audio[..], "the audio arrived changed");
}

#[tokio::test]
async fn a_download_that_stalls_times_out_and_leaves_no_file() {
    let address = raw_server(|mut stream| async move {
        read_head(&mut stream).await;
        send_slowly(
            &mut stream,
            &noise(256 * 1024),
            1024 * 1024,
            Some(64 * 1024),
        )
        .await;
    })
    .await;
    let client = raw_client(address, Duration::from_millis(500));
    let target = scratch("stalled-download").join("audio.wav");
    let download = client.pre_recorded().audio(JOB_ID).await.unwrap();
    let error = bounded(download.save(&target)).await.unwrap_err();
    assert_eq!(error.timeout_kind(), Some(TimeoutKind::Stall), "{error:?}");
    let left: Vec<_> = std::fs::read_dir(target.parent().unwrap())
        .unwrap()
        .collect();
    assert!(left.is_empty(), "a partial file was left: {left:?}");
}

#[tokio::test]
async fn a_connection_that_never_opens_reports_the_connect_timeout() {
    // A listener with a backlog of one, filled: further connections wait for the handshake.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let address = listener.local_addr().unwrap();
    let _queued = std::net::TcpStream::connect(address).unwrap();
    let client = Client::builder(KEY)
        .base_url(format!("http://{address}"))
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_millis(300))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = bounded(client.pre_recorded().get(JOB_ID))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Timeout { after, kind: TimeoutKind::Connect, .. }
            if *after == Duration::from_millis(300)),
        "{error:?}"
    );
}

#[tokio::test]
async fn pages_behind_a_proxy_prefix_keep_the_prefix() {
    let server = MockServer::start().await;
    let page = |id: &str, next: Value| json!({"first": "f", "current": "c", "next": next, "items": [job(id, "done")]});
    Mock::given(method("GET"))
        .and(path("/gladia/v2/pre-recorded"))
        .and(query_is("limit=1"))
        .respond_with(ok_json(page(
            "one",
            json!("https://api.gladia.io/v2/pre-recorded?offset=1&limit=1"),
        )))
        .expect(1)
        .mount(&server)
        .await;
    // A proxy that rewrites links to itself, prefix included, is followed as it says.
    let rewritten = format!("{}/gladia/v2/pre-recorded?offset=2&limit=1", server.uri());
    Mock::given(method("GET"))
        .and(path("/gladia/v2/pre-recorded"))
        .and(query_is("offset=1&limit=1"))
        .respond_with(ok_json(page("two", json!(rewritten))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/gladia/v2/pre-recorded"))
        .and(query_is("offset=2&limit=1"))
        .respond_with(ok_json(page("three", Value::Null)))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(KEY)
        .base_url(format!("{}/gladia/", server.uri()))
        .build()
        .unwrap();
    let query = PreRecordedListQuery {
        limit: Some(1),
        ..Default::default()
    };
    let ids: Vec<String> = client
        .pre_recorded()
        .list_all(&query)
        .map(|job| job.unwrap().id)
        .collect()
        .await;
    assert_eq!(ids, ["one", "two", "three"]);
}

/// A job made with the 2024 API: `custom_vocabulary` holds the list of words.
fn job_of_2024(id: &str) -> Value {
    let mut job = job(id, "done");
    job["request_params"]["custom_vocabulary"] = json!(["Gladia", "Solaria"]);
    job
}

#[tokio::test]
async fn one_unreadable_job_never_hides_the_others() {
    let server = MockServer::start().await;
    let mut broken = job("broken", "done");
    broken["created_at"] = json!("yesterday");
    let items = json!([job("first", "done"), broken, job_of_2024("older")]);
    Mock::given(method("GET"))
        .and(path("/v2/pre-recorded"))
        .respond_with(ok_json(
            json!({"first": "f", "current": "c", "next": null, "items": items.clone()}),
        ))
        .mount(&server)
        .await;
    let client = client(&server);
    let query = PreRecordedListQuery::default();

    let all: Vec<Result<PreRecordedResponse, Error>> =
        client.pre_recorded().list_all(&query).collect().await;
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].as_ref().unwrap().id, "first");
    let Err(Error::UnreadableItem(item)) = &all[1] else {
        panic!("expected an unreadable item: {:?}", all[1]);
    };
    assert_eq!(item.id.as_deref(), Some("broken"));
    assert_eq!(item.path, "created_at");
    assert!(all[1].as_ref().unwrap_err().to_string().contains("broken"));
    let older = all[2].as_ref().unwrap();
    let params = older.request_params.as_ref().unwrap();
    assert_eq!(
        params.custom_vocabulary,
        Some(PreRecordedRequestParamsCustomVocabulary::Array(vec![
            "Gladia".into(),
            "Solaria".into()
        ]))
    );

    // `list` keeps the unreadable item in its place, and writes it back as received.
    let page = client.pre_recorded().list(&query).await.unwrap();
    assert!(matches!(&page.items[1], Err(item) if item.json == items[1]));
    assert_eq!(serde_json::to_value(&page).unwrap()["items"][1], items[1]);
}

#[tokio::test]
async fn a_malformed_live_item_is_located_inside_its_kind() {
    if gladia_tests::shared("reference/gladia-openapi-2026-08-19.json").is_none() {
        return;
    }
    let server = MockServer::start().await;
    let mut live = example("StreamingResponse");
    live["id"] = json!("live-1");
    live["kind"] = json!("live");
    live["created_at"] = json!(42);
    Mock::given(method("GET"))
        .and(path("/v2/transcription"))
        .respond_with(ok_json(json!({
            "first": "f", "current": "c", "next": null,
            "items": [live.clone(), job("pre", "done")],
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/transcription/live-1"))
        .respond_with(ok_json(live))
        .mount(&server)
        .await;
    let client = client(&server);

    let all: Vec<_> = client
        .transcriptions()
        .list_all(&TranscriptionsListQuery::default())
        .collect()
        .await;
    let Err(Error::UnreadableItem(item)) = &all[0] else {
        panic!("expected an unreadable item: {:?}", all[0]);
    };
    assert_eq!(
        (item.id.as_deref(), item.path.as_str()),
        (Some("live-1"), "created_at")
    );
    assert!(matches!(all[1], Ok(TranscriptionItem::PreRecorded(_))));

    let error = client.transcriptions().get("live-1").await.unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error: {error:?}");
    };
    assert_eq!(decode.path, "created_at");
    assert!(error.to_string().contains("at `created_at`"), "{error}");
}
