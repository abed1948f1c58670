//! Closes the connections of slow clients: a request whose header does not arrive in full
//! within [`Timeouts::header_read`] of its first byte (or of the connection's opening), and
//! a kept-alive connection that starts no new request within [`Timeouts::idle`] of the last
//! answer. Without them, a few hundred connections sending a header one byte at a time
//! would hold the server's sockets for ever.
//!
//! poem's server has only a timeout for connections that send nothing at all (a byte at a
//! time keeps it from firing) and does not expose hyper's header timeout, so the accepted
//! stream itself keeps the deadline: [`TimedAcceptor`] wraps every connection in a
//! [`TimedIo`], which watches the bytes go by and fails the read once the deadline passes.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use poem::http::uri::Scheme;
use poem::listener::Acceptor;
use poem::web::{LocalAddr, RemoteAddr};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// How long the server waits for slow clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// From a request's first byte (or the connection's opening) to the end of its header.
    pub header_read: Duration,
    /// From an answer to the first byte of the next request on the same connection.
    pub idle: Duration,
}

impl Default for Timeouts {
    /// 10 seconds for a header, 60 seconds idle.
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(10),
            idle: Duration::from_secs(60),
        }
    }
}

/// An acceptor whose connections close when a client is too slow (see [`Timeouts`]).
pub struct TimedAcceptor<A> {
    inner: A,
    timeouts: Timeouts,
}

impl<A> TimedAcceptor<A> {
    /// Wraps `inner`.
    pub fn new(inner: A, timeouts: Timeouts) -> Self {
        Self { inner, timeouts }
    }
}

impl<A: Acceptor> Acceptor for TimedAcceptor<A> {
    type Io = TimedIo<A::Io>;

    fn local_addr(&self) -> Vec<LocalAddr> {
        self.inner.local_addr()
    }

    async fn accept(&mut self) -> io::Result<(Self::Io, LocalAddr, RemoteAddr, Scheme)> {
        let (io, local, remote, scheme) = self.inner.accept().await?;
        Ok((TimedIo::new(io, self.timeouts), local, remote, scheme))
    }
}

/// Where a connection is, as far as the deadline goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Reading a request's header: the header deadline runs.
    Header,
    /// The header is in; the request is being read or answered: no deadline.
    Request,
    /// An answer went out; waiting for the next request: the idle deadline runs.
    Idle,
    /// HTTP/2 (cleartext, by prior knowledge): requests interleave, so any traffic
    /// restarts the idle deadline.
    Multiplexed,
}

/// A connection with a deadline (see [`Timeouts`]).
pub struct TimedIo<T> {
    inner: T,
    timeouts: Timeouts,
    phase: Phase,
    /// Line ends seen in a row at the end of what was read of the header (`\r` aside).
    line_ends: u8,
    /// Whether nothing has been read yet.
    fresh: bool,
    deadline: Pin<Box<Sleep>>,
}

/// How an HTTP/2 connection without TLS begins.
const HTTP2_PREFACE: &[u8] = b"PRI * HTTP/2.0";

impl<T> TimedIo<T> {
    fn new(inner: T, timeouts: Timeouts) -> Self {
        Self {
            inner,
            timeouts,
            phase: Phase::Header,
            line_ends: 0,
            fresh: true,
            deadline: Box::pin(tokio::time::sleep(timeouts.header_read)),
        }
    }

    fn restart(&mut self, after: Duration) {
        self.deadline.as_mut().reset(Instant::now() + after);
    }

    fn overdue(&self) -> bool {
        self.phase != Phase::Request && Instant::now() >= self.deadline.deadline()
    }

    /// Follows the bytes just read: where a header begins and where it ends (a blank line).
    fn read(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        if std::mem::take(&mut self.fresh) && bytes.starts_with(HTTP2_PREFACE) {
            self.phase = Phase::Multiplexed;
        }
        match self.phase {
            Phase::Multiplexed => self.restart(self.timeouts.idle),
            Phase::Request => {}
            Phase::Idle => {
                self.phase = Phase::Header;
                self.line_ends = 0;
                self.restart(self.timeouts.header_read);
                self.scan(bytes);
            }
            Phase::Header => self.scan(bytes),
        }
    }

    fn scan(&mut self, bytes: &[u8]) {
        for byte in bytes {
            match byte {
                b'\n' => self.line_ends += 1,
                b'\r' => {}
                _ => self.line_ends = 0,
            }
            if self.line_ends >= 2 {
                self.phase = Phase::Request;
                return;
            }
        }
    }

    /// An answer (or part of one) went out.
    fn wrote(&mut self) {
        if self.phase != Phase::Multiplexed {
            self.phase = Phase::Idle;
        }
        self.restart(self.timeouts.idle);
    }

    /// Follows a write, and has the connection's task woken when the idle deadline passes:
    /// the server may not read again until then, and the deadline is only checked on a read.
    fn wrote_in(&mut self, cx: &mut Context<'_>) {
        self.wrote();
        // Only registers the waker: the deadline was just set ahead.
        let _ = self.deadline.as_mut().poll(cx);
    }
}

fn timed_out() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "the client was too slow")
}

impl<T: AsyncRead + Unpin> AsyncRead for TimedIo<T> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.overdue() {
            return Poll::Ready(Err(timed_out()));
        }
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                this.read(buf.filled().get(before..).unwrap_or_default());
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending if this.phase != Phase::Request && this.deadline.as_mut().poll(cx).is_ready() => {
                Poll::Ready(Err(timed_out()))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for TimedIo<T> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.inner).poll_write(cx, buf);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            this.wrote_in(cx);
        }
        written
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            this.wrote_in(cx);
        }
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn io() -> TimedIo<()> {
        TimedIo::new((), Timeouts::default())
    }

    #[tokio::test]
    async fn a_blank_line_ends_the_header_even_when_split_across_reads() {
        let mut io = io();
        io.read(b"GET / HTTP/1.1\r\nHost: x\r\n\r");
        assert_eq!(io.phase, Phase::Header);
        io.read(b"\n");
        assert_eq!(io.phase, Phase::Request);
    }

    #[tokio::test]
    async fn bare_line_feeds_end_a_header_too() {
        let mut io = io();
        io.read(b"GET / HTTP/1.1\nHost: x\n\n");
        assert_eq!(io.phase, Phase::Request);
    }

    #[tokio::test]
    async fn an_answer_starts_the_idle_wait_and_the_next_request_a_header_wait() {
        let mut io = io();
        io.read(b"GET / HTTP/1.1\r\n\r\n");
        io.wrote();
        assert_eq!(io.phase, Phase::Idle);
        io.read(b"GET /again HTTP/1.1\r\n");
        assert_eq!(io.phase, Phase::Header);
    }

    #[tokio::test]
    async fn http2_by_prior_knowledge_only_waits_while_idle() {
        let mut io = io();
        io.read(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        io.wrote();
        io.read(b"\x00\x00");
        assert_eq!(io.phase, Phase::Multiplexed);
    }
}
