//! The listening socket and its I/O thread: a current-thread tokio runtime that accepts
//! connections and runs one task per connection (see `conn`).
//!
//! Theory of operation: `Running` accepts (a connection past `max_connections` is answered 503
//! and closed); `close(grace)` moves to `Draining`: the listener is dropped (no more accepts),
//! every connection is told to finish what is in flight and close, and the thread waits until
//! none is open or `grace` has passed; then `Abort` drops whatever is left, and the thread
//! tells the inbox it has stopped.

use std::cell::Cell;
use std::io;
use std::net::ToSocketAddrs;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::{watch, Notify};

use super::config::FrontConfig;
use super::conn;
use super::dispatch::Dispatch;
use super::exchange::Shared;
use super::inbox::Inbox;
use super::outbox::Outbox;
use super::websocket::WsHub;

/// What the front is doing (sent to every connection).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Control {
    Running,
    Draining(Duration),
    Abort,
}

/// A native front: a bound socket served by its own I/O thread.
pub struct Front {
    inbox: Arc<Inbox>,
    outbox: Arc<Outbox>,
    dispatch: Arc<Dispatch>,
    ws: Arc<WsHub>,
    control: Arc<watch::Sender<Control>>,
    open: Arc<AtomicUsize>,
    thread: Mutex<Option<JoinHandle<()>>>,
    port: u16,
}

impl Front {
    /// Binds `host:port` (`port` 0 picks one) and starts serving on a new thread.
    pub fn start(host: &str, port: u16, mut config: FrontConfig) -> io::Result<Front> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()?;
        let listener = {
            let _entered = runtime.enter();
            bind(host, port)?
        };
        let port = listener.local_addr()?.port();
        if config.default_host.is_empty() {
            config.default_host = format!("{host}:{port}");
        }
        let inbox = Arc::new(Inbox::new()?);
        let outbox = Arc::new(Outbox::default());
        let dispatch = Arc::new(Dispatch::default());
        let ws = Arc::new(WsHub::new(
            inbox.clone(),
            config.ws_max_buffered_bytes,
            config.ws_idle_timeout,
        ));
        let (control, _) = watch::channel(Control::Running);
        let control = Arc::new(control);
        let open = Arc::new(AtomicUsize::new(0));
        let thread = {
            let (inbox, outbox, control, open) = (inbox.clone(), outbox.clone(), control.clone(), open.clone());
            let dispatch = dispatch.clone();
            let ws = ws.clone();
            std::thread::Builder::new().name("edgert-front".into()).spawn(move || {
                let local = tokio::task::LocalSet::new();
                let shared = Rc::new(Shared {
                    config,
                    inbox: inbox.clone(),
                    dispatch,
                    buffered: Cell::new(0),
                    draining: Cell::new(false),
                    ws,
                    control: control.clone(),
                });
                local.spawn_local(async move { outbox.pump().await });
                local.block_on(&runtime, run(listener, shared, control, open));
                drop(local); // the tasks left (lingering refusals) end here
                inbox.note_stopped();
            })?
        };
        Ok(Front {
            inbox,
            outbox,
            dispatch,
            ws,
            control,
            open,
            thread: Mutex::new(Some(thread)),
            port,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn inbox(&self) -> &Arc<Inbox> {
        &self.inbox
    }

    pub fn outbox(&self) -> &Arc<Outbox> {
        &self.outbox
    }

    /// The WebSocket connections.
    pub fn ws(&self) -> &Arc<WsHub> {
        &self.ws
    }

    /// Native dispatch (off until the control plane enables it).
    pub fn dispatch(&self) -> &Arc<Dispatch> {
        &self.dispatch
    }

    /// Connections open now.
    pub fn connections(&self) -> usize {
        self.open.load(Ordering::Acquire)
    }

    /// Graceful shutdown (returns at once; the inbox says when the thread has stopped).
    pub fn close(&self, grace: Duration) {
        if *self.control.borrow() == Control::Running {
            self.control.send_replace(Control::Draining(grace));
        }
    }

    /// Waits for the I/O thread to end (after `close`).
    pub fn join(&self) {
        if let Some(thread) = self.thread.lock().take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Front {
    fn drop(&mut self) {
        self.control.send_replace(Control::Abort);
        self.join();
    }
}

fn bind(host: &str, port: u16) -> io::Result<TcpListener> {
    let addr = (host, port)
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| io::Error::new(io::ErrorKind::AddrNotAvailable, format!("no address for {host}")))?;
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

/// Counts a connection open until dropped.
struct Open {
    open: Arc<AtomicUsize>,
    closed: Rc<Notify>,
}

impl Drop for Open {
    fn drop(&mut self) {
        if self.open.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.closed.notify_one();
        }
    }
}

async fn run(listener: TcpListener, shared: Rc<Shared>, control: Arc<watch::Sender<Control>>, open: Arc<AtomicUsize>) {
    let mut watching = control.subscribe();
    let closed = Rc::new(Notify::new());
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    if open.load(Ordering::Acquire) >= shared.config.max_connections {
                        tokio::task::spawn_local(conn::answer(stream, 503, "too many connections"));
                        continue;
                    }
                    open.fetch_add(1, Ordering::AcqRel);
                    let guard = Open { open: open.clone(), closed: closed.clone() };
                    let (for_conn, rx) = (shared.clone(), control.subscribe());
                    tokio::task::spawn_local(async move {
                        let _guard = guard;
                        conn::serve(stream, for_conn, rx).await;
                    });
                    shared.inbox.note_accepted();
                }
                // Out of descriptors and the like: the listener stays; try again shortly.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            _ = watching.changed() => break,
        }
    }
    drop(listener);
    shared.draining.set(true);
    let grace = match *control.borrow() {
        Control::Draining(grace) => grace,
        _ => Duration::ZERO,
    };
    let deadline = tokio::time::Instant::now() + grace;
    // Upgraded WebSockets are no longer counted in `open`: they are told to close (1001) by
    // the control change and leave the hub when their closing handshake is over.
    let busy = || open.load(Ordering::Acquire) > 0 || !shared.ws.is_empty();
    while busy() && tokio::time::Instant::now() < deadline {
        let wait = deadline.min(tokio::time::Instant::now() + Duration::from_millis(10));
        let _ = tokio::time::timeout_at(wait, closed.notified()).await;
    }
    control.send_replace(Control::Abort);
    // Aborted connections end on their next poll.
    let settle = tokio::time::Instant::now() + Duration::from_millis(200);
    while open.load(Ordering::Acquire) > 0 {
        if tokio::time::timeout_at(settle, closed.notified()).await.is_err() {
            break;
        }
    }
}
