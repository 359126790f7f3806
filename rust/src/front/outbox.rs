//! What crosses back from the control plane to the I/O thread: responses, in batches.
//!
//! Theory of operation: the control plane `put`s each response with its request's reply
//! channel and, at the end of a batch (or at once for a response that came later on its own),
//! calls `flush`, which wakes the I/O thread's pump once; the pump hands every queued response
//! to its request's task. One wake-up per batch instead of one per response keeps the two
//! threads from switching back and forth on every request when they share a core.

use parking_lot::Mutex;
use tokio::sync::{oneshot, Notify};

use crate::http::Response;

type Reply = (oneshot::Sender<Response>, Response);

#[derive(Default)]
pub struct Outbox {
    queue: Mutex<Vec<Reply>>,
    wake: Notify,
}

impl Outbox {
    /// Queues a response (control plane); it leaves at the next `flush`.
    pub fn put(&self, reply: oneshot::Sender<Response>, response: Response) {
        self.queue.lock().push((reply, response));
    }

    /// Wakes the pump if responses are queued.
    pub fn flush(&self) {
        if !self.queue.lock().is_empty() {
            self.wake.notify_one();
        }
    }

    /// The pump (I/O thread): hands queued responses to their requests, forever.
    pub async fn pump(&self) {
        let mut batch = Vec::new();
        loop {
            self.wake.notified().await;
            std::mem::swap(&mut batch, &mut *self.queue.lock());
            for (reply, response) in batch.drain(..) {
                // The connection may have gone: then nobody is waiting, and that is fine.
                let _ = reply.send(response);
            }
        }
    }
}
