//! What crosses from the I/O thread to the control plane: complete requests, and notices
//! (a connection was accepted, the front has stopped), behind one readable file descriptor.
//!
//! Theory of operation: the I/O thread pushes onto a queue and, when the queue was empty,
//! writes to an eventfd; the control plane's event loop watches the eventfd and, when it is
//! readable, first resets it and then takes the whole queue. A push between the reset and the
//! take is taken with the batch (it found the queue non-empty and wrote nothing); a push after
//! the take finds the queue empty and writes again. A wake-up may find nothing to take.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use parking_lot::Mutex;
use tokio::sync::oneshot;

use crate::http::{Request, Response};

/// A complete request waiting for the control plane.
pub struct Pending {
    /// The client-location field's value, if the request had one.
    pub location: Option<String>,
    pub request: Request,
    /// The request target as sent (for the access log).
    pub target: String,
    /// When the request's last byte was read.
    pub began: Instant,
    /// Where its response goes (once).
    pub reply: oneshot::Sender<Response>,
}

/// The queue and its eventfd.
pub struct Inbox {
    queue: Mutex<Vec<Pending>>,
    fd: OwnedFd,
    accepted: AtomicBool,
    stopped: AtomicBool,
}

impl Inbox {
    pub fn new() -> io::Result<Self> {
        // SAFETY: eventfd takes no pointers; a non-negative result is a new descriptor that
        // nothing else owns, so OwnedFd may take it.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: see above: `fd` is a fresh descriptor owned by nobody else.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(Inbox {
            queue: Mutex::new(Vec::new()),
            fd,
            accepted: AtomicBool::new(false),
            stopped: AtomicBool::new(false),
        })
    }

    /// The descriptor the control plane watches.
    pub fn fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    fn wake(&self) {
        let one: u64 = 1;
        // SAFETY: writes 8 bytes from a live u64 to our own eventfd. A failure can only be
        // EAGAIN (the counter is saturated: the fd is readable anyway), so it is ignored.
        unsafe {
            libc::write(self.fd.as_raw_fd(), (&one as *const u64).cast(), 8);
        }
    }

    /// Queues a request (I/O thread).
    pub fn push(&self, pending: Pending) {
        let was_empty = {
            let mut queue = self.queue.lock();
            queue.push(pending);
            queue.len() == 1
        };
        if was_empty {
            self.wake();
        }
    }

    /// Resets the eventfd, then takes every queued request (control plane).
    pub fn take(&self) -> Vec<Pending> {
        let mut counter: u64 = 0;
        // SAFETY: reads 8 bytes into a live u64 from our own non-blocking eventfd; EAGAIN
        // (nothing to read) is the expected failure and is ignored.
        unsafe {
            libc::read(self.fd.as_raw_fd(), (&mut counter as *mut u64).cast(), 8);
        }
        std::mem::take(&mut *self.queue.lock())
    }

    /// Wakes the control plane without a request (e.g. access-log records are waiting).
    pub fn nudge(&self) {
        self.wake();
    }

    /// A connection was accepted (the control plane may prepare a spare isolate).
    pub fn note_accepted(&self) {
        if !self.accepted.swap(true, Ordering::AcqRel) {
            self.wake();
        }
    }

    /// Whether a connection was accepted since the last call.
    pub fn take_accepted(&self) -> bool {
        self.accepted.swap(false, Ordering::AcqRel)
    }

    /// The I/O thread has finished (every connection closed).
    pub fn note_stopped(&self) {
        self.stopped.store(true, Ordering::Release);
        self.wake();
    }

    pub fn stopped(&self) -> bool {
        self.stopped.load(Ordering::Acquire)
    }
}
