//! TCP connections for what reqwest does not carry (a WebSocket), with the client's connect
//! timeout and the proxy the environment names, chosen as reqwest chooses it (`HTTPS_PROXY`,
//! `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`, lower case too, read by hyper-util's matcher, the one
//! reqwest uses). Through a proxy, the connection is a tunnel opened with HTTP `CONNECT`, the way
//! browsers carry WebSockets through proxies, for `ws` as for `wss`.

use std::io;
use std::time::Duration;

use hyper_util::client::proxy::matcher::{Intercept, Matcher};
use reqwest::Url;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The longest answer head a proxy may send to `CONNECT`.
const MAX_HEAD: usize = 8 * 1024;

/// A TCP connection to `url`'s host and port (`ws`/`wss` as `http`/`https`), directly or
/// through the environment's proxy for it, opened within `limit` (a proxy's tunnel included).
pub(crate) async fn connect(url: &Url, limit: Duration) -> io::Result<TcpStream> {
    let host = url
        .host_str()
        .ok_or_else(|| invalid(format!("`{}` names no host", redacted(url))))?;
    let port = url
        .port_or_known_default()
        .ok_or_else(|| invalid(format!("`{}` names no port", redacted(url))))?;
    // An IPv6 host keeps its brackets, as `host:port` needs them.
    let authority = format!("{host}:{port}");
    let open = async {
        match proxy_for(url) {
            Some(proxy) => tunnel(&proxy, &authority).await,
            None => TcpStream::connect(&authority).await,
        }
    };
    match tokio::time::timeout(limit, open).await {
        Ok(stream) => stream,
        Err(_) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("no connection within {limit:?}"),
        )),
    }
}

/// The proxy reqwest would use for `url`, read from the environment now.
fn proxy_for(url: &Url) -> Option<Intercept> {
    let scheme = match url.scheme() {
        "wss" | "https" => "https",
        _ => "http",
    };
    let host = url.host_str()?;
    let uri = format!("{scheme}://{host}/").parse::<http::Uri>().ok()?;
    Matcher::from_env().intercept(&uri)
}

/// Opens a `CONNECT` tunnel to `authority` through an HTTP proxy.
async fn tunnel(proxy: &Intercept, authority: &str) -> io::Result<TcpStream> {
    let uri = proxy.uri();
    if uri.scheme_str() != Some("http") {
        return Err(invalid(format!(
            "the proxy's scheme `{}` is not supported for WebSockets; an `http://` proxy is",
            uri.scheme_str().unwrap_or_default()
        )));
    }
    let address = uri
        .authority()
        .map(|a| match a.port_u16() {
            Some(_) => a.as_str().to_owned(),
            None => format!("{}:80", a.host()),
        })
        .ok_or_else(|| invalid("the proxy's URL names no host".to_owned()))?;
    let mut stream = TcpStream::connect(&address).await?;
    let mut head = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
    if let Some(auth) = proxy.basic_auth().and_then(|v| v.to_str().ok()) {
        head.push_str(&format!("Proxy-Authorization: {auth}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    // Read byte by byte up to the blank line: what follows it is the tunnel's, not the proxy's.
    let mut answer = Vec::new();
    while !answer.ends_with(b"\r\n\r\n") {
        if answer.len() >= MAX_HEAD {
            return Err(invalid(
                "the proxy's answer to CONNECT is too long".to_owned(),
            ));
        }
        let byte = stream.read_u8().await?;
        answer.push(byte);
    }
    let status_line = String::from_utf8_lossy(&answer);
    let status_line = status_line.lines().next().unwrap_or_default();
    let status = status_line.split_whitespace().nth(1).unwrap_or_default();
    if !status.starts_with('2') || status.len() != 3 {
        return Err(io::Error::new(
            io::ErrorKind::ConnectionRefused,
            format!("the proxy refused the tunnel: {status_line}"),
        ));
    }
    Ok(stream)
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// `url` without its query, where a token may be.
fn redacted(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    /// A proxy that answers `CONNECT` with `answer`, and gives back what it read.
    async fn proxy(answer: &'static str) -> (String, tokio::task::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let served = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut read = Vec::new();
            while !read.ends_with(b"\r\n\r\n") {
                read.push(stream.read_u8().await.unwrap());
            }
            stream.write_all(answer.as_bytes()).await.unwrap();
            String::from_utf8(read).unwrap()
        });
        (address, served)
    }

    fn intercept(proxy: &str) -> Intercept {
        let matcher = Matcher::builder().all(proxy.to_owned()).build();
        matcher
            .intercept(&"http://example.com/".parse().unwrap())
            .unwrap()
    }

    #[tokio::test]
    async fn a_tunnel_is_asked_for_with_the_proxys_credentials() {
        let (address, served) = proxy("HTTP/1.1 200 Connection established\r\n\r\n").await;
        let proxy = intercept(&format!("http://user:pass@{address}"));
        tunnel(&proxy, "example.com:443").await.unwrap();
        let asked = served.await.unwrap();
        assert!(
            asked.starts_with("CONNECT example.com:443 HTTP/1.1\r\n"),
            "{asked}"
        );
        // base64("user:pass")
        assert!(
            asked.contains("Proxy-Authorization: Basic dXNlcjpwYXNz\r\n"),
            "{asked}"
        );
    }

    #[tokio::test]
    async fn a_refused_tunnel_is_an_error_naming_the_proxys_answer() {
        let (address, _served) = proxy("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n").await;
        let proxy = intercept(&format!("http://{address}"));
        let error = tunnel(&proxy, "example.com:443").await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "the proxy refused the tunnel: HTTP/1.1 407 Proxy Authentication Required"
        );
        let socks = intercept("socks5://127.0.0.1:1");
        let error = tunnel(&socks, "example.com:443").await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{error}");
    }
}
