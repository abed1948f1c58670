//! Slow clients on a real socket: a request whose header never ends, or arrives a byte at
//! a time, and a kept-alive connection left idle are closed by the server, so a few
//! hundred such connections cannot hold it. The timeouts are shortened for the tests; each
//! test only waits for the close, up to a deadline many times the timeout.

use std::net::SocketAddr;
use std::time::Duration;

use sluss_api::startup::{self, Timeouts};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

use crate::helpers::spawn_app;

/// How long a test waits for the server to close a connection before it fails.
const DEADLINE: Duration = Duration::from_secs(30);

/// The server of a fresh app on a free local port with one-second timeouts; dropping the
/// sender stops it.
async fn served() -> (SocketAddr, oneshot::Sender<()>) {
    let app = spawn_app().await;
    let acceptor = startup::bind("127.0.0.1:0").await.unwrap();
    let address = startup::local_addresses(&acceptor)[0];
    let (stop, stopped) = oneshot::channel::<()>();
    let timeouts = Timeouts {
        header_read: Duration::from_secs(1),
        idle: Duration::from_secs(1),
    };
    let endpoint = startup::build_app(app.state.clone());
    tokio::spawn(async move {
        let _keep = app;
        let shutdown = async {
            let _ = stopped.await;
        };
        startup::serve(endpoint, acceptor, shutdown, timeouts).await.unwrap();
    });
    (address, stop)
}

/// Reads until the server closes the connection (`true`), or `DEADLINE` passes (`false`).
async fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut buffer = [0_u8; 4096];
    let until_closed = async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(DEADLINE, until_closed).await.is_ok()
}

/// Reads the whole answer of `GET /healthz` and checks it is a 200.
async fn read_health(stream: &mut TcpStream) {
    let mut answer = Vec::new();
    let mut buffer = [0_u8; 4096];
    while !answer.ends_with(b"\r\n\r\nok") {
        let read = stream.read(&mut buffer).await.unwrap();
        assert!(
            read > 0,
            "closed before the answer: {}",
            String::from_utf8_lossy(&answer)
        );
        answer.extend_from_slice(&buffer[..read]);
    }
    assert!(
        answer.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
}

#[tokio::test]
async fn a_request_whose_header_never_ends_is_closed() {
    let (address, _stop) = served().await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: loc").await.unwrap();
    assert!(
        closed_by_server(&mut stream).await,
        "the connection is still open after {DEADLINE:?}"
    );
}

#[tokio::test]
async fn a_header_sent_a_byte_at_a_time_is_closed() {
    let (address, _stop) = served().await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    let dribble = async {
        for byte in b"GET /healthz HTTP/1.1\r\n".iter().cycle() {
            if stream.write_all(&[*byte]).await.is_err() {
                return;
            }
            let mut buffer = [0_u8; 64];
            let read = tokio::time::timeout(Duration::from_millis(100), stream.read(&mut buffer)).await;
            if let Ok(Ok(0) | Err(_)) = read {
                return;
            }
        }
    };
    assert!(
        tokio::time::timeout(DEADLINE, dribble).await.is_ok(),
        "a byte every 100 ms kept the connection open for {DEADLINE:?}"
    );
}

#[tokio::test]
async fn a_kept_alive_connection_left_idle_is_closed_after_its_answer() {
    let (address, _stop) = served().await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    read_health(&mut stream).await;
    assert!(
        closed_by_server(&mut stream).await,
        "the idle connection is still open after {DEADLINE:?}"
    );
}

#[tokio::test]
async fn a_second_request_on_a_kept_alive_connection_is_answered() {
    let (address, _stop) = served().await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";
    for _ in 0..2 {
        stream.write_all(request).await.unwrap();
        read_health(&mut stream).await;
    }
}
