//! Finished calls on their way back to the thread that submitted them.
//!
//! Theory of operation. Execution threads push `Done` records; the owner (an event loop)
//! watches `fileno()` and calls `take()` when it is readable. A byte is written to the wake
//! socket only when the queue goes from empty to non-empty, so a burst of completions costs
//! one wake-up; `take()` drains the socket first and then takes the whole queue, so a record
//! pushed in between is either taken now or announced by a new byte (a spurious wake-up with
//! an empty queue is possible and harmless).

use crate::protocol::Step;
use parking_lot::Mutex;
use std::io::{ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;

/// One finished call: its token (chosen by the submitter), the steps it produced, and
/// whether the call was lost (the watchdog answered it, or it panicked): then `steps` are those of the condemned isolate's other
/// tasks, and the call's own request is the submitter's to answer).
#[derive(Debug)]
pub struct Done {
    pub token: u64,
    pub steps: Vec<Step>,
    pub condemned: bool,
}

/// Where a finished call goes: a `Channel` to an event loop, or anything else that takes it
/// (a native front's per-request slot). Called on an execution thread or the watchdog's: it
/// must not block.
pub trait Reply: Send + Sync {
    fn deliver(&self, done: Done);
}

impl Reply for Channel {
    fn deliver(&self, done: Done) {
        self.push(done)
    }
}

pub struct Channel {
    queue: Mutex<Vec<Done>>,
    reader: UnixStream,
    writer: UnixStream,
}

impl Channel {
    pub fn new() -> std::io::Result<Channel> {
        let (reader, writer) = UnixStream::pair()?;
        reader.set_nonblocking(true)?;
        writer.set_nonblocking(true)?;
        Ok(Channel {
            queue: Mutex::new(Vec::new()),
            reader,
            writer,
        })
    }

    /// The socket to watch for readability.
    pub fn fd(&self) -> i32 {
        use std::os::fd::AsRawFd;
        self.reader.as_raw_fd()
    }

    pub fn push(&self, done: Done) {
        let was_empty = {
            let mut q = self.queue.lock();
            q.push(done);
            q.len() == 1
        };
        if was_empty {
            // A full socket buffer already holds a pending wake-up: nothing is lost.
            let _ = (&self.writer).write(&[1]);
        }
    }

    /// Everything finished so far, in the order it finished.
    pub fn take(&self) -> Vec<Done> {
        let mut buf = [0u8; 256];
        loop {
            match (&self.reader).read(&mut buf) {
                Ok(0) => break,
                Ok(_) => continue,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => break, // WouldBlock: drained
            }
        }
        std::mem::take(&mut *self.queue.lock())
    }

    /// Records waiting to be taken.
    pub fn pending(&self) -> usize {
        self.queue.lock().len()
    }
}
