//! What a new user meets on first run: the real `sluss serve` binds before it touches the
//! database, says where it serves, and logs without colour codes when not on a terminal.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// `sluss serve` on `bind` with a fresh SQLite file in `dir`, its output piped, and none of
/// the developer's environment.
fn sluss_serve(bind: &str, dir: &tempfile::TempDir) -> Command {
    let database_url = format!("sqlite://{}?mode=rwc", dir.path().join("sluss.db").display());
    let mut command = Command::new(env!("CARGO_BIN_EXE_sluss"));
    command
        .args(["serve", "--bind", bind, "--database-url", &database_url])
        .env_remove("SLUSS_ADMIN_EMAIL")
        .env_remove("SLUSS_ADMIN_PASSWORD")
        .env_remove("SLUSS_LOG_FORMAT")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Kills the child when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_on_a_taken_port_fails_at_once_without_printing_a_password() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();

    let mut child = Running(sluss_serve(&address, &dir).spawn().unwrap());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "sluss serve did not exit");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    child.0.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    child.0.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();

    assert!(!status.success(), "sluss serve succeeded on a taken port");
    assert!(!stdout.to_lowercase().contains("password"), "stdout: {stdout}");
    assert!(
        stderr.contains(&format!("cannot listen on {address}")),
        "stderr: {stderr}"
    );
    assert!(!stderr.contains('\u{1b}'), "colour codes in piped logs: {stderr:?}");
    assert!(
        !dir.path().join("sluss.db").exists(),
        "the database was created before binding"
    );
}

#[test]
fn serve_on_port_zero_prints_the_url_it_really_serves() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Running(sluss_serve("127.0.0.1:0", &dir).spawn().unwrap());
    let stdout = child.0.stdout.take().unwrap();
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });

    let mut printed = Vec::new();
    let serving = loop {
        let line = received
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no URL printed; stdout so far: {printed:?}"));
        if line.starts_with("sluss is serving ") {
            break line;
        }
        printed.push(line);
    };
    let url = serving
        .trim_start_matches("sluss is serving http://")
        .split_once('/')
        .map(|(authority, _)| authority.to_owned())
        .unwrap();
    let address: SocketAddr = url.parse().unwrap();
    assert_ne!(address.port(), 0, "{serving}");
    assert!(
        serving.ends_with(&format!("(API docs: http://{address}/docs)")),
        "{serving}"
    );
    assert!(
        printed.iter().any(|line| line.contains("password")),
        "the first facilitator's password comes first: {printed:?}"
    );

    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
