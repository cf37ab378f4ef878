//! RFC 6455 from below: what the browser's connection sent that the
//! WebSocket layer holds without having handed it over as a whole message
//! (a fragmented message, or one frame arriving slowly). Counted as it is
//! read, so that a partial message from the browser has a deadline and a
//! place in the buffer budget, as one from the server does.
//!
//! The count is an estimate from outside the WebSocket layer: a whole
//! message clears it, and a control frame takes off its own bytes on the
//! wire (a browser's frames are masked: 6 bytes of header and mask, then
//! the payload of at most 125). What the WebSocket layer read ahead with a
//! message that completed (at most its 4 KiB read buffer) goes uncounted.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

use super::budget::ClientShare;

/// A control frame's bytes on the wire besides its payload: a 2-byte
/// header and the client's 4-byte mask (RFC 6455 §5.2, §5.5).
const CONTROL_FRAME_HEADER: usize = 6;

/// What the WebSocket layer holds per byte waiting: the frame, then the
/// message it is appended to, whose buffer grows by doubling. Measured by
/// the abuse bench: 500 KiB waiting in each of 500 sessions took twice
/// that in resident memory.
const HELD_PER_BYTE: usize = 2;

/// What one connection has sent that no whole message accounts for yet.
#[derive(Debug)]
pub struct Meter {
    epoch: Instant,
    unread: AtomicUsize,
    /// Milliseconds after `epoch`, plus one, of the first byte not yet
    /// accounted for; 0 when there is none.
    since: AtomicU64,
    /// Woken when bytes begin to wait.
    began: Notify,
    /// The session's share of the buffer budget, once it has one.
    share: OnceLock<ClientShare>,
}

impl Default for Meter {
    fn default() -> Self {
        Self {
            epoch: Instant::now(),
            unread: AtomicUsize::new(0),
            since: AtomicU64::new(0),
            began: Notify::new(),
            share: OnceLock::new(),
        }
    }
}

impl Meter {
    fn read(&self, n: usize) {
        let unread = self.unread.fetch_add(n, Relaxed) + n;
        let now = self.epoch.elapsed().as_millis() as u64 + 1;
        if self.since.compare_exchange(0, now, Relaxed, Relaxed).is_ok() {
            self.began.notify_one();
        }
        if let Some(share) = self.share.get() {
            share.set(HELD_PER_BYTE * unread);
        }
    }

    fn left(&self, unread: usize) {
        self.unread.store(unread, Relaxed);
        if unread == 0 {
            self.since.store(0, Relaxed);
        }
        if let Some(share) = self.share.get() {
            share.set(HELD_PER_BYTE * unread);
        }
    }

    /// A whole message came out: nothing read before it waits any more.
    pub fn whole(&self) {
        self.left(0);
    }

    /// A control frame with `payload` bytes came out, which may sit between
    /// the fragments of a message: only its own bytes are accounted for.
    pub fn control(&self, payload: usize) {
        let own = CONTROL_FRAME_HEADER + payload;
        let unread = self.unread.load(Relaxed).saturating_sub(own);
        self.left(unread);
    }

    /// Bytes waiting, as far as can be told.
    pub fn unread(&self) -> usize {
        self.unread.load(Relaxed)
    }

    /// When the first byte still waiting came.
    pub fn waiting_since(&self) -> Option<Instant> {
        match self.since.load(Relaxed) {
            0 => None,
            ms => Some(self.epoch + std::time::Duration::from_millis(ms - 1)),
        }
    }

    /// Resolves when bytes begin to wait (or began since the last call).
    pub async fn began(&self) {
        self.began.notified().await;
    }

    /// What waits from now on counts in the session's share of the budget.
    pub fn charge_to(&self, share: ClientShare) {
        share.set(HELD_PER_BYTE * self.unread());
        let _ = self.share.set(share);
    }
}

/// Resolves when what the browser began to send has waited longer than
/// `limit` to be a whole message; never without a meter.
pub async fn overdue(meter: Option<&Meter>, limit: std::time::Duration) {
    let Some(meter) = meter else {
        return std::future::pending().await;
    };
    loop {
        match meter.waiting_since() {
            None => meter.began().await,
            Some(since) => {
                tokio::time::sleep_until((since + limit).into()).await;
                if meter.waiting_since() == Some(since) {
                    return;
                }
            }
        }
    }
}

/// A connection whose reads are counted in its [`Meter`].
#[derive(Debug)]
pub struct Metered<T> {
    inner: T,
    meter: Arc<Meter>,
}

impl<T: AsyncRead + Unpin> AsyncRead for Metered<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        let n = buf.filled().len() - before;
        if n > 0 {
            self.meter.read(n);
        }
        polled
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Metered<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// Who is at the other end of a connection, and its meter: the connection
/// info of the site's listener.
#[derive(Debug, Clone)]
pub struct ClientAddr {
    /// The peer's address.
    pub addr: SocketAddr,
    /// What it sent that no whole message accounts for.
    pub meter: Arc<Meter>,
}

/// A TCP listener whose connections are metered, without Nagle's delays
/// (chat is small writes both ways).
#[derive(Debug)]
pub struct MeteredListener(pub TcpListener);

impl Listener for MeteredListener {
    type Io = Metered<TcpStream>;
    type Addr = ClientAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (tcp, addr) = Listener::accept(&mut self.0).await;
        let _ = tcp.set_nodelay(true);
        let meter = Arc::new(Meter::default());
        let io = Metered {
            inner: tcp,
            meter: Arc::clone(&meter),
        };
        (io, ClientAddr { addr, meter })
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(ClientAddr {
            addr: self.0.local_addr()?,
            meter: Arc::default(),
        })
    }
}

impl Connected<IncomingStream<'_, MeteredListener>> for ClientAddr {
    fn connect_info(stream: IncomingStream<'_, MeteredListener>) -> Self {
        stream.remote_addr().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_messages_clear_and_control_frames_take_their_size_off() {
        let meter = Meter::default();
        assert_eq!(meter.waiting_since(), None);
        meter.read(1000);
        let since = meter.waiting_since();
        assert!(since.is_some());
        meter.read(500);
        assert_eq!((meter.unread(), meter.waiting_since()), (1500, since));
        // Pongs between two fragments leave the fragments waiting, however
        // many: each takes off only its own bytes.
        for _ in 0..1000 {
            meter.read(6);
            meter.control(0);
        }
        meter.read(10);
        meter.control(4);
        assert_eq!((meter.unread(), meter.waiting_since()), (1500, since));
        meter.whole();
        assert_eq!((meter.unread(), meter.waiting_since()), (0, None));
        // A pong alone leaves nothing.
        meter.read(8);
        meter.control(2);
        assert_eq!((meter.unread(), meter.waiting_since()), (0, None));
    }
}
