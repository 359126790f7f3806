//! One connection's task: hyper's HTTP/1.1 connection over the watched socket, with the
//! deadlines the watcher keeps, the refusals decided below hyper, and graceful shutdown.
//!
//! Theory of operation: the task polls hyper's connection, a tick, and the front's control
//! channel. hyper ends the connection (the client closed, `connection: close`, an error it
//! answered itself); the tick finds a head overdue (408) or the connection idle too long
//! (closed silently); the watcher refuses a head (431, 505) and hyper stops; `Draining` asks
//! hyper to finish the request in flight and close (an idle connection closes at once);
//! `Abort` drops the connection. A refusal is written on a second handle of the socket
//! (`try_clone`) once hyper is done with it, then the write side is shut down and what the
//! client still sends is read and dropped for a moment, so that closing does not reset the
//! connection before the client has read the answer.

use std::rc::Rc;
use std::time::{Duration, Instant};

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;

use super::exchange::{self, Shared};
use super::refusal;
use super::server::Control;
use super::watch::{ConnState, Refusal, Watched};

/// hyper's read buffer may not be smaller than this.
const MIN_BUF: usize = 8192;
/// The most header fields a request may have (more: 431).
const MAX_FIELDS: usize = 128;

/// Serves one accepted connection until it closes.
pub async fn serve(stream: TcpStream, shared: Rc<Shared>, mut control: watch::Receiver<Control>) {
    let peer = super::client_ip::peer_text(stream.peer_addr().ok().map(|a| a.ip()));
    let (stream, spare) = match second_handle(stream) {
        Ok(pair) => pair,
        Err(_) => return,
    };
    let _ = stream.set_nodelay(true);
    let config = &shared.config;
    let state = std::sync::Arc::new(ConnState::new(config.max_header_bytes));
    let io = TokioIo::new(Watched::new(stream, state.clone()));
    let service = {
        let (shared, state) = (shared.clone(), state.clone());
        service_fn(move |req| exchange::handle(req, shared.clone(), state.clone(), peer.clone()))
    };
    let conn = http1::Builder::new()
        .keep_alive(true)
        .half_close(false)
        .max_headers(MAX_FIELDS)
        .max_buf_size(MIN_BUF.max(config.max_header_bytes + 4096))
        .serve_connection(io, service)
        .with_upgrades();
    let mut conn = Box::pin(conn); // boxed so that it can be dropped before a refusal
    let tick = config.tick();
    let sleep = tokio::time::sleep(tick);
    let mut sleep = std::pin::pin!(sleep);
    if matches!(*control.borrow_and_update(), Control::Draining(_)) {
        conn.as_mut().graceful_shutdown();
    }
    let overdue: Option<Option<Refusal>> = loop {
        tokio::select! {
            _ = conn.as_mut() => break None,
            _ = sleep.as_mut() => {
                let now = Instant::now();
                if let Some(verdict) = state.overdue(now, config.header_timeout, config.idle_timeout) {
                    break Some(verdict);
                }
                sleep.as_mut().reset(tokio::time::Instant::from_std(now) + tick);
            }
            changed = control.changed() => {
                let draining = matches!(*control.borrow_and_update(), Control::Draining(_));
                if changed.is_err() || !draining {
                    break Some(None); // aborted
                }
                conn.as_mut().graceful_shutdown();
            }
        }
    };
    let refusal = match overdue {
        Some(verdict) => verdict,
        None => state.refusal(),
    };
    drop(conn);
    if let Some((status, message)) = refusal {
        answer(spare, status, message).await;
    }
}

/// A second handle on the socket, to answer on after hyper has let go of the first.
fn second_handle(stream: TcpStream) -> std::io::Result<(TcpStream, TcpStream)> {
    let std = stream.into_std()?;
    let spare = std.try_clone()?;
    Ok((TcpStream::from_std(std)?, TcpStream::from_std(spare)?))
}

/// Writes a refusal with `connection: close`, shuts the write side, and drains for a moment.
pub async fn answer(mut stream: TcpStream, status: u16, message: &str) {
    let wire = refusal::wire(status, message);
    let written = tokio::time::timeout(Duration::from_secs(1), stream.write_all(&wire)).await;
    if !matches!(written, Ok(Ok(()))) {
        return;
    }
    let _ = stream.shutdown().await;
    let mut sink = [0u8; 4096];
    let until = tokio::time::Instant::now() + Duration::from_millis(500);
    let mut budget = 256 * 1024;
    while budget > 0 {
        match tokio::time::timeout_at(until, stream.read(&mut sink)).await {
            Ok(Ok(n)) if n > 0 => budget -= n.min(budget),
            _ => break,
        }
    }
}
