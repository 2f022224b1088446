//! Uploads a 1 GiB file to a server on 127.0.0.1 and reports the peak resident memory of the
//! process: the file is streamed from disk, so the peak should stay far below the file's size
//! (the target is under 64 MiB).
//!
//! `cargo bench -p gladia-tests --bench upload_rss` (add `-- <MiB>` for another size)

use std::time::Instant;

use gladia_api::{Client, UploadFile};
use gladia_tests::peak_rss_mib;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Reads one request, throws its body away as it arrives, and answers like `POST /v2/upload`.
async fn discard_one(mut stream: TcpStream, answer: String) -> u64 {
    let mut buffer = vec![0u8; 64 * 1024];
    let mut head = Vec::new();
    let body_start = loop {
        let read = stream.read(&mut buffer).await.unwrap();
        assert!(read > 0, "connection closed in the headers");
        head.extend_from_slice(&buffer[..read]);
        if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let headers = String::from_utf8_lossy(&head[..body_start]).to_ascii_lowercase();
    let length: u64 = headers
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .expect("the client announces the length")
        .trim()
        .parse()
        .unwrap();
    let mut received = (head.len() - body_start) as u64;
    while received < length {
        let read = stream.read(&mut buffer).await.unwrap();
        assert!(read > 0, "connection closed in the body");
        received += read as u64;
    }
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
        answer.len()
    );
    stream.write_all(response.as_bytes()).await.unwrap();
    received
}

#[tokio::main]
async fn main() {
    let mib: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1024);
    let dir = std::env::temp_dir().join(format!("gladia-upload-rss-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("large.wav");
    // Sparse: no disk space is used, and every byte still goes through the upload path.
    std::fs::File::create(&path)
        .unwrap()
        .set_len(mib * 1024 * 1024)
        .unwrap();

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let answer = gladia_tests::example("AudioUploadResponse").to_string();
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        discard_one(stream, answer).await
    });
    let client = Client::builder("bench-key")
        .base_url(format!("http://{address}"))
        .build()
        .unwrap();

    let before = peak_rss_mib();
    let started = Instant::now();
    client.upload().file(UploadFile::path(&path)).await.unwrap();
    let elapsed = started.elapsed();
    let received = server.await.unwrap();
    let peak = peak_rss_mib();
    std::fs::remove_dir_all(&dir).unwrap();

    println!(
        "upload of {mib} MiB: peak RSS {peak:.1} MiB (before upload {before:.1} MiB), \
         {received} bytes received, {:.2} s, {:.0} MiB/s",
        elapsed.as_secs_f64(),
        mib as f64 / elapsed.as_secs_f64()
    );
}
